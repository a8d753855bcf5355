package anneal.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code anneal gpu-check}: being built under issue #4. */
@Command(name = "gpu-check", mixinStandardHelpOptions = true, description = "(not built yet: issue #4)")
final class GpuCheckCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UsageException("the 'gpu-check' command is not built yet (issue #4)");
    }
}
