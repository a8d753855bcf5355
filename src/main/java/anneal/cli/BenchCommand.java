package anneal.cli;

import anneal.train.Backends;
import anneal.bench.ScheduleCatalogue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
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
        checkParameters(options);
        Runner runner = new Runner(options.shouldFailOnError().hasValue() ? options
                : new OptionsBuilder().parent(options).shouldFailOnError(true).build());
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
        } catch (org.openjdk.jmh.runner.RunnerException e) {
            throw new Errors.RunFailedException("a benchmark failed (JMH's output above says why): "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
        }
        return 0;
    }

    /**
     * The values of the jar's benchmark parameters ({@code -p name=v1,v2}) checked before JMH starts anything, so a
     * typo is one line and exit 2 rather than a trace per trial and a journal created for nothing.
     */
    private static void checkParameters(CommandLineOptions options) {
        for (String v : values(options, "schedule")) ScheduleCatalogue.get(v); // "-p schedule" in the message (Errors)
        for (String v : values(options, "backend")) {
            if (!List.of("cpu", "cuda", "auto").contains(v)) {
                throw new UsageException("-p backend=" + v + " is not allowed; allowed: one of " + Backends.NAMES);
            }
        }
        for (String name : List.of("seed", "epochs", "batch", "hidden")) {
            for (String v : values(options, name)) {
                long n;
                try {
                    n = Long.parseLong(v.strip());
                } catch (NumberFormatException e) {
                    throw new UsageException("-p " + name + "=" + v + " is not allowed; allowed: an integer");
                }
                if (!name.equals("seed") && (n < 1 || n > Integer.MAX_VALUE)) {
                    throw new UsageException("-p " + name + "=" + v + " is not allowed; allowed: an integer >= 1");
                }
            }
        }
    }

    private static java.util.Collection<String> values(CommandLineOptions options, String name) {
        org.openjdk.jmh.util.Optional<java.util.Collection<String>> p = options.getParameter(name);
        return p.hasValue() ? p.get() : List.of();
    }
}
