package anneal.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code anneal train}: being built under issue #3. */
@Command(name = "train", mixinStandardHelpOptions = true, description = "(not built yet: issue #3)")
final class TrainCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UsageException("the 'train' command is not built yet (issue #3)");
    }
}
