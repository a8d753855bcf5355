package anneal.bench;

import anneal.backend.JvmOptions;
import anneal.util.ParentWatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs a cell as one JMH trial of {@code anneal.jmh.TimeToAccuracyBench}: one fork, no warmup, one single-shot
 * measurement, the cell's coordinates as parameters and the journal's path as a system property of the
 * fork. JMH's own log of the cell goes to {@code DIR/logs/CELL.log}, keeping the terminal for the progress bar.
 *
 * <p>The fork watches this JVM ({@link ParentWatch}: it halts once the sweep is gone, before it can append a
 * record nobody waits for), and the sweep does not take JMH's machine-wide {@code /tmp/jmh.lock}: each sweep
 * folder has its own {@link SweepLock}, and a lock shared by every JMH run on the machine turned a second sweep
 * (or a leftover fork) into failed cells. Two sweeps on different folders do run at once, and then share the CPU.
 */
public final class JmhCellExecutor implements CellExecutor {
    /**
     * The benchmark class a cell runs as (in {@code jmh/java}, above this package: named, not imported, as JMH's
     * include takes a pattern anyway).
     */
    public static final String BENCHMARK = "anneal.jmh.TimeToAccuracyBench";

    /** The system property that tells the benchmark fork which journal to append its record to. */
    public static final String JOURNAL_PROPERTY = "anneal.sweep.journal";

    static {
        // Read once, when JMH's Runner class initialises; must be set before the first Runner is created.
        System.setProperty("jmh.ignoreLock", "true");
    }

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
        List<String> jvmArgs = new ArrayList<>(JvmOptions.ALL);
        jvmArgs.add("-D" + JOURNAL_PROPERTY + "=" + journalFile.toAbsolutePath());
        jvmArgs.add(ParentWatch.optionForChildren());
        jvmArgs.addAll(List.of(extraJvmArgs));
        Options options = new OptionsBuilder()
                .include("^" + Pattern.quote(BENCHMARK) + "\\.train$")
                .mode(Mode.SingleShotTime)
                .forks(1)
                .warmupIterations(0)
                .measurementIterations(1)
                .param("schedule", cell.schedule())
                .param("seed", Long.toString(cell.seed()))
                .param("epochs", Integer.toString(cell.epochs()))
                .param("backend", cell.backend())
                .jvmArgsAppend(jvmArgs.toArray(String[]::new))
                .shouldFailOnError(true)
                .output(logDir.resolve(logName(cell)).toString())
                .build();
        Path log = logDir.resolve(logName(cell));
        try {
            if (new Runner(options).run().isEmpty())
                throw new RunnerException("JMH ran no benchmark" + causeIn(log));
        } catch (RunnerException e) {
            Throwable root = forkCause(e);
            String why = root == null ? firstLine(e.getMessage()) + causeIn(log) : CellRunner.describe(root);
            throw new RunnerException(why, e);
        }
    }

    /**
     * The exception the fork threw, which JMH passes back wrapped (as a cause or a suppressed exception of its
     * own {@code BenchmarkException}); null when the fork sent none (it did not start, or was killed).
     */
    static Throwable forkCause(Throwable e) {
        java.util.ArrayDeque<Throwable> todo = new java.util.ArrayDeque<>(List.of(e));
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        while (!todo.isEmpty()) {
            Throwable t = todo.poll();
            if (!seen.add(t)) continue;
            if (!t.getClass().getName().startsWith("org.openjdk.jmh.")) return t; // outermost: what the fork threw
            if (t.getCause() != null) todo.add(t.getCause());
            todo.addAll(List.of(t.getSuppressed()));
        }
        return null;
    }

    /** The first exception or JVM error line of a cell's JMH log, as " (CAUSE; log: FILE)". */
    static String causeIn(Path log) {
        String cause = null;
        try (var lines = Files.lines(log)) {
            cause = lines.map(String::trim)
                    .filter(l -> CAUSE.matcher(l).find() && !l.startsWith("at ") && !l.startsWith("# WARNING"))
                    .findFirst().orElse(null);
        } catch (IOException | java.io.UncheckedIOException e) {
            // no log (the disk is full, or the fork never started)
        }
        return " (" + (cause == null ? "" : cause + "; ") + "log: " + log + ")";
    }

    private static final Pattern CAUSE = Pattern.compile(
            "^([\\w$]+\\.)+[\\w$]*(Exception|Error)\\b|^Error|Unrecognized|Could not create the Java|Invalid|exit code");

    private static String firstLine(String s) {
        if (s == null) return "JMH failed";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** File name of a cell's JMH log. */
    static String logName(SweepCell cell) {
        return cell.schedule() + "-seed" + cell.seed() + "-e" + cell.epochs() + "-" + cell.backend() + ".log";
    }
}
