package anneal.cli;

import anneal.backend.Backend;
import anneal.train.Backends;
import anneal.schedule.Budget;
import anneal.model.Initialization;
import anneal.bench.LrRangeTest;
import anneal.data.FashionMnist;
import anneal.data.Splits;
import anneal.model.MlpSpec;
import anneal.report.Charts;
import anneal.optim.OptimizerSetup;
import anneal.optim.SgdConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code anneal lr-find}: Smith's LR range test ({@link LrRangeTest}) on the sweep's model and optimizer; writes
 * the curve (CSV and PNG) and prints CyclicLR and OneCycleLR specs to paste into {@code sweep} or {@code train}.
 */
@Command(name = "lr-find", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"LR range test (Smith 2017): lr rising exponentially over a short run, smoothed loss, stop on "
                + "divergence; plots loss against lr and suggests CyclicLR bounds and a OneCycleLR max_lr."})
final class LrFindCommand implements Callable<Integer> {
    @Option(names = "--min-lr", defaultValue = "1e-5", description = "First lr (default: ${DEFAULT-VALUE}).")
    double minLr;

    @Option(names = "--max-lr", defaultValue = "10", description = "Last lr (default: ${DEFAULT-VALUE}).")
    double maxLr;

    @Option(names = "--steps", defaultValue = "300", description = "Steps at most (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--smoothing", defaultValue = "0.98", description = "Moving-average factor beta (default: ${DEFAULT-VALUE}).")
    double smoothing;

    @Option(names = "--stop-factor", defaultValue = "4", description = "Stop when the smoothed loss exceeds this many times "
            + "its minimum (default: ${DEFAULT-VALUE}).")
    double stopFactor;

    @Option(names = "--epochs", defaultValue = "3", description = "Epoch budget the printed specs are written for "
            + "(default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", defaultValue = "0", description = "Seeds weights, validation split and batch order "
            + "(default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "anneal-lr-find",
            description = "Folder for lr-find.csv and lr-find.png (default: ${DEFAULT-VALUE}).")
    Path out;

    /** Model, optimizer and data options shared with train. */
    @Mixin
    TrainingOptions training;

    @Override
    public Integer call() throws IOException {
        LrRangeTest.Settings settings = new LrRangeTest.Settings(minLr, maxLr, steps, training.batch, smoothing, stopFactor);
        SgdConfig sgd = training.sgd();
        if (epochs < 1) throw new UsageException("--epochs must be >= 1, got " + epochs);
        for (int h : training.hidden) {
            if (h < 1) throw new UsageException("--hidden=" + h + " is not allowed; allowed: layer widths >= 1");
        }
        Backends.checkName(training.backend);
        PrintStream o = System.out;
        Splits splits = FashionMnist.load(training.data, training.validation, seed);
        MlpSpec spec = new MlpSpec(splits.train().featureCount(), training.hidden, splits.train().classes());
        try { // only once every input is checked: bad input writes nothing
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UsageException("--out: cannot create folder " + out + " (" + e.getMessage() + ")");
        }
        if (!Files.isWritable(out)) throw new UsageException("--out: folder " + out + " is not writable");
        LrRangeTest.Result result;
        try (Backend b = Backends.create(training.backend, System.err);
             ProgressBar bar = new ProgressBarBuilder().setTaskName("lr-find").setInitialMax(steps)
                     .setConsumer(new ConsoleProgressBarConsumer(System.err)).setStyle(ProgressBarStyle.ASCII)
                     .setUnit(" steps", 1).build()) {
            OptimizerSetup optimizer = training.noBiasDecay ? OptimizerSetup.noDecayOnBias(sgd, 2 * spec.layers())
                    : OptimizerSetup.single(sgd, 2 * spec.layers());
            b.init(spec, Initialization.pytorchDefault(spec, seed), optimizer);
            b.upload(splits);
            result = LrRangeTest.run(b, splits.train().count(), optimizer, settings, seed, p -> {
                bar.stepTo(p.step() + 1);
                bar.setExtraMessage(String.format(Locale.ROOT, "lr %.3g loss %.4f", p.lr(), p.smoothed()));
            });
        }
        Path csv = out.resolve("lr-find.csv");
        StringBuilder sb = new StringBuilder("step,lr,loss,smoothed_loss\n");
        for (LrRangeTest.Point p : result.points())
            sb.append(p.step()).append(',').append(p.lr()).append(',').append(p.loss()).append(',').append(p.smoothed()).append('\n');
        Files.writeString(csv, sb);
        Path png = out.resolve("lr-find.png");
        Charts.lrFind(result.points(), result.suggestion(), png);

        LrRangeTest.Suggestion s = result.suggestion();
        o.println("lr-find: " + result.points().size() + " steps on " + spec + ", SGD momentum " + sgd.momentum()
                + (sgd.nesterov() ? " nesterov" : "") + ", weight decay " + sgd.weightDecay() + ", batch " + training.batch
                + "; stopped: "
                + result.stopReason());
        o.println("curve: " + csv + ", plot: " + png);
        if (!Double.isFinite(s.maxLr())) {
            o.println("too few steps before divergence to suggest an lr; lower --min-lr or raise --steps");
            return 1;
        }
        Budget budget = new Budget(epochs, anneal.train.TrainConfig.stepsPerEpoch(splits.train().count(), training.batch));
        o.printf(Locale.ROOT, "smoothed loss minimum at lr %.3g; steepest descent at lr %.3g%n", s.lrAtMinimum(), s.steepestLr());
        o.printf(Locale.ROOT, "suggested max_lr %.3g (minimum / 10), base_lr %.3g (max_lr / 4)%n", s.maxLr(), s.baseLr());
        o.println("specs for " + epochs + " epochs of " + budget.stepsPerEpoch() + " steps:");
        o.println("  " + s.oneCycleSpec(budget.totalSteps()));
        o.println("  " + s.cyclicSpec(2 * budget.stepsPerEpoch()));
        o.println("e.g.: java -jar target/anneal.jar train --epochs " + epochs + training.nonDefaultArguments()
                + " --schedule \"" + s.oneCycleSpec(budget.totalSteps()) + "\"");
        return 0;
    }
}
