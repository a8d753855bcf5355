package anneal.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code anneal report}: being built under issue #5. */
@Command(name = "report", mixinStandardHelpOptions = true, description = "(not built yet: issue #5)")
final class ReportCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UsageException("the 'report' command is not built yet (issue #5)");
    }
}
