package anneal.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code anneal bench}: being built under issue #5. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "(not built yet: issue #5)")
final class BenchCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UsageException("the 'bench' command is not built yet (issue #5)");
    }
}
