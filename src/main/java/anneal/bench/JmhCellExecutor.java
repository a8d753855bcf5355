package anneal.bench;

import anneal.jmh.TimeToAccuracyBench;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs a cell as one JMH trial of {@link TimeToAccuracyBench}: one fork, no warmup, one single-shot
 * measurement, the cell's coordinates as parameters and the journal's path as a system property of the
 * fork. JMH's own log of the cell goes to {@code DIR/logs/CELL.log}, keeping the terminal for the progress bar.
 */
public final class JmhCellExecutor implements CellExecutor {
    private final Path logDir;
    private final String[] extraJvmArgs;

    /**
     * @param logDir       where JMH's per-cell logs go
     * @param extraJvmArgs appended to the forked JVM's arguments (e.g. {@code -Xmx2g})
     */
    public JmhCellExecutor(Path logDir, String... extraJvmArgs) {
        this.logDir = logDir;
        this.extraJvmArgs = extraJvmArgs.clone();
    }

    @Override
    public void execute(SweepCell cell, Path journalFile) throws RunnerException, IOException {
        Files.createDirectories(logDir);
        String[] jvmArgs = new String[extraJvmArgs.length + 2];
        jvmArgs[0] = "--add-modules=jdk.incubator.vector";
        jvmArgs[1] = "-D" + TimeToAccuracyBench.JOURNAL_PROPERTY + "=" + journalFile.toAbsolutePath();
        System.arraycopy(extraJvmArgs, 0, jvmArgs, 2, extraJvmArgs.length);
        Options options = new OptionsBuilder()
                .include("^" + Pattern.quote(TimeToAccuracyBench.class.getName()) + "\\.train$")
                .mode(Mode.SingleShotTime)
                .forks(1)
                .warmupIterations(0)
                .measurementIterations(1)
                .param("schedule", cell.schedule())
                .param("seed", Long.toString(cell.seed()))
                .param("epochs", Integer.toString(cell.epochs()))
                .param("backend", cell.backend())
                .jvmArgsAppend(jvmArgs)
                .shouldFailOnError(true)
                .output(logDir.resolve(logName(cell)).toString())
                .build();
        new Runner(options).run();
    }

    /** File name of a cell's JMH log. */
    static String logName(SweepCell cell) {
        return cell.schedule() + "-seed" + cell.seed() + "-e" + cell.epochs() + "-" + cell.backend() + ".log";
    }
}
