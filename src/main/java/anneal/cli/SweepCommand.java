package anneal.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code anneal sweep}: being built under issue #5. */
@Command(name = "sweep", mixinStandardHelpOptions = true, description = "(not built yet: issue #5)")
final class SweepCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UsageException("the 'sweep' command is not built yet (issue #5)");
    }
}
