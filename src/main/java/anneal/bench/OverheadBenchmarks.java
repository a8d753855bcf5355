package anneal.bench;

import anneal.backend.JvmOptions;
import anneal.util.AtomicFiles;
import anneal.util.ParentWatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The per-step cost benchmarks the report's overhead table compares: every schedule's {@code step()}
 * ({@code ScheduleStepBench}) and one training step on the sweep's backend ({@code TrainStepBench}), with
 * JMH's GC profiler for bytes per operation, results as JMH JSON in {@code DIR/}{@value #RESULT_FILE}.
 * The schedules run with short iterations (the sweep's default must stay within minutes; {@code anneal bench}
 * runs them with their full settings); the training step keeps its own warmup.
 */
public final class OverheadBenchmarks {
    static {
        System.setProperty("jmh.ignoreLock", "true"); // see JmhCellExecutor: the sweep folder's own lock instead
    }

    /** JMH JSON results file name inside the sweep folder. */
    public static final String RESULT_FILE = "jmh-overhead.json";

    private OverheadBenchmarks() {
    }

    /** Runs both benchmarks; returns the results file. */
    public static Path run(Path dir, String backend, Path log) throws RunnerException {
        Path out = dir.resolve(RESULT_FILE);
        List<RunResult> results = new ArrayList<>();
        // Schedules: closed-form steps reach steady state within milliseconds (millions of calls in the 200 ms
        // warm-up), so short iterations suffice; each of the 18 specs is a fork of its own, so this is most of the
        // benchmarks' time (2 x 300 ms + 3 x 300 ms each before: about 16 s more per sweep).
        results.addAll(runQuietly(base(log.resolveSibling("overhead-schedules.log"))
                .include("anneal\\.jmh\\.ScheduleStepBench\\.")
                .warmupIterations(1).warmupTime(TimeValue.milliseconds(200))
                .measurementIterations(2).measurementTime(TimeValue.milliseconds(200)).build()));
        // Training step: keeps TrainStepBench's own warmup (the first steps run before the JIT has compiled the
        // kernels and take seconds), on the sweep's backend only, and measures 3 iterations of 1 s instead of its 5.
        results.addAll(runQuietly(base(log).include("anneal\\.jmh\\.TrainStepBench\\.").param("backend", backend)
                .measurementIterations(3).build()));
        if (results.isEmpty()) throw new RunnerException("no overhead benchmark produced a result (see " + log + ")");
        // JMH's own file writer swallows I/O errors (a full disk left truncated JSON): format in memory, then
        // replace the file atomically.
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.PrintStream ps = new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8)) {
            ResultFormatFactory.getInstance(ResultFormatType.JSON, ps).writeOut(results);
        }
        try {
            AtomicFiles.write(out, bytes.toByteArray());
        } catch (java.io.IOException e) {
            throw new RunnerException(e.getMessage(), e);
        }
        return out;
    }

    private static ChainedOptionsBuilder base(Path log) {
        return new OptionsBuilder().forks(1)
                .jvmArgsAppend(JvmOptions.VECTOR_MODULE, JvmOptions.TRAP_LIMIT, ParentWatch.optionForChildren()).addProfiler("gc")
                .shouldFailOnError(false).output(log.toString());
    }

    /** Runs {@code options}; no matching benchmark (ScheduleStepBench not built yet) gives no results. */
    private static Collection<RunResult> runQuietly(Options options) throws RunnerException {
        try {
            return new Runner(options).run();
        } catch (NoBenchmarksException e) {
            return List.of();
        }
    }
}
