package anneal.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code anneal bench [JMH options] [BENCHMARK regex]}: JMH's own command line for the benchmarks in this jar
 * (TimeToAccuracyBench, TrainStepBench, ScheduleStepBench), e.g. {@code anneal bench ScheduleStepBench -prof gc}
 * or {@code anneal bench -l}. Every argument goes to JMH unchanged ({@code anneal bench -h} prints JMH's options).
 */
@Command(name = "bench", description = {"Run the jar's JMH benchmarks with JMH's options, e.g.",
        "  anneal bench ScheduleStepBench -prof gc", "  anneal bench TrainStepBench -p backend=cpu",
        "  anneal bench -l     (list)      anneal bench -h     (JMH's options)"})
final class BenchCommand implements Callable<Integer> {
    @Unmatched
    List<String> jmhArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        CommandLineOptions options;
        try {
            options = new CommandLineOptions(jmhArgs.toArray(String[]::new));
        } catch (CommandLineOptionException e) {
            throw new UsageException("bad JMH option: " + e.getMessage() + " (see 'anneal bench -h')");
        }
        if (options.shouldHelp()) {
            options.showHelp();
            return 0;
        }
        Runner runner = new Runner(options);
        if (options.shouldList()) {
            runner.list();
            return 0;
        }
        if (options.shouldListWithParams()) {
            runner.listWithParams(options);
            return 0;
        }
        if (options.shouldListProfilers()) {
            options.listProfilers();
            return 0;
        }
        if (options.shouldListResultFormats()) {
            options.listResultFormats();
            return 0;
        }
        try {
            runner.run();
        } catch (org.openjdk.jmh.runner.NoBenchmarksException e) {
            throw new UsageException("no benchmark matches " + jmhArgs + " (see 'anneal bench -l')");
        }
        return 0;
    }
}
