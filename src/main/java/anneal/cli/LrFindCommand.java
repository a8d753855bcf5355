package anneal.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code anneal lr-find}: being built under issue #5. */
@Command(name = "lr-find", mixinStandardHelpOptions = true, description = "(not built yet: issue #5)")
final class LrFindCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UsageException("the 'lr-find' command is not built yet (issue #5)");
    }
}
