package anneal.bench;

import java.nio.file.Path;
import java.util.Collection;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The per-step cost benchmarks the report's overhead table compares: every schedule's {@code step()}
 * ({@code ScheduleStepBench}) and one training step on the sweep's backend ({@code TrainStepBench}), with
 * JMH's GC profiler for bytes per operation, results as JMH JSON in {@code DIR/}{@value #RESULT_FILE}.
 * Iterations are short (the sweep's default must stay within minutes); {@code anneal bench} runs them with
 * their full settings.
 */
public final class OverheadBenchmarks {
    /** JMH JSON results file name inside the sweep folder. */
    public static final String RESULT_FILE = "jmh-overhead.json";

    private OverheadBenchmarks() {
    }

    /** Runs both benchmarks; returns the results file. */
    public static Path run(Path dir, String backend, Path log) throws RunnerException {
        Path out = dir.resolve(RESULT_FILE);
        Options options = new OptionsBuilder()
                .include("anneal\\.jmh\\.ScheduleStepBench\\.")
                .include("anneal\\.jmh\\.TrainStepBench\\.")
                .param("backend", backend)
                .forks(1)
                .warmupIterations(2)
                .warmupTime(TimeValue.milliseconds(300))
                .measurementIterations(3)
                .measurementTime(TimeValue.milliseconds(300))
                .jvmArgsAppend("--add-modules=jdk.incubator.vector")
                .addProfiler("gc")
                .shouldFailOnError(false)
                .result(out.toString())
                .resultFormat(ResultFormatType.JSON)
                .output(log.toString())
                .build();
        Collection<RunResult> results = new Runner(options).run();
        if (results.isEmpty()) throw new RunnerException("no overhead benchmark produced a result (see " + log + ")");
        return out;
    }
}
