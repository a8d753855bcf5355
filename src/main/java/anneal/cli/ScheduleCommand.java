package anneal.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code anneal schedule}: being built under issue #2. */
@Command(name = "schedule", mixinStandardHelpOptions = true, description = "(not built yet: issue #2)")
final class ScheduleCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UsageException("the 'schedule' command is not built yet (issue #2)");
    }
}
