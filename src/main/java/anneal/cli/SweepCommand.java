package anneal.cli;

import anneal.backend.Backend;
import anneal.backend.Backends;
import anneal.bench.ConsoleSweepListener;
import anneal.bench.JmhCellExecutor;
import anneal.bench.Journal;
import anneal.bench.JournalHeader;
import anneal.bench.OverheadBenchmarks;
import anneal.bench.ScheduleCatalogue;
import anneal.bench.SweepDriver;
import anneal.bench.SweepPlan;
import anneal.bench.SweepSettings;
import anneal.bench.TargetCalibration;
import anneal.tuning.TuningPlan;
import anneal.data.FashionMnist;
import anneal.report.ReportWriter;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code anneal sweep}: trains every chosen catalogue schedule for every seed and epoch budget through JMH
 * (one forked JVM per cell), journals each run as it finishes, benchmarks the per-step overhead, and writes
 * the report. See {@link ScheduleCatalogue} for the schedules and {@link SweepDriver} for the journal rules.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Time-to-accuracy sweep of the schedule catalogue on Fashion-MNIST, driven by JMH.",
                "Default: every schedule of the chapter (12) x 6 paired seeds x 3 epochs on the first "
                        + SweepCommand.DEFAULT_TRAIN_SIZE + " training images; --full: the whole catalogue (15) x 10 "
                        + "seeds x 3 and 10 epochs on all 55,000.",
                "The target is on validation accuracy (5,000 seeded images held out of training); test accuracy is "
                        + "reported, never used to stop or rank. Evaluation every quarter epoch, clock paused while "
                        + "evaluating (AlgoPerf); --tune gives every schedule the same tuning budget.",
                "Every finished run is appended to OUT/journal.jsonl; --resume continues an interrupted sweep; the "
                        + "report is OUT/REPORT.md."})
final class SweepCommand implements Callable<Integer> {
    static final String FULL_SEEDS = "10";
    static final String FULL_EPOCHS = "3,10";
    static final String DEFAULT_SEEDS = "6";
    static final String DEFAULT_EPOCHS = "3";
    /** Training images of the default sweep (the first of the 55,000 left after the validation hold-out). */
    static final int DEFAULT_TRAIN_SIZE = 20_000;
    /**
     * Validation target of the default sweep, chosen below AlgoPerf's calibrated value on this protocol (0.887:
     * {@code --calibrate-target}, the median best validation accuracy of warmup-linear over 3 reruns at 6 epochs) so
     * that most schedules reach it inside the 3-epoch budget and time to target has resolution; the report's
     * target-sensitivity table shows the same runs at 0.82-0.87.
     */
    static final double DEFAULT_TARGET = 0.86;
    /** Images in Fashion-MNIST's training file (for --list, which does not load the data). */
    static final int FASHION_MNIST_TRAIN_IMAGES = 60_000;

    @Spec
    CommandSpec spec;

    @Option(names = "--schedules", paramLabel = "NAMES",
            description = "Catalogue names, comma separated, or 'all' (default: constant,step,cosine,onecycle,warmup-linear; "
                    + "--list shows the catalogue).")
    String schedules;

    @Option(names = "--list", description = "Print the catalogue (name, schedule, lr, spec for the first --epochs budget "
            + "of Fashion-MNIST at --batch) and exit.")
    boolean list;

    @Option(names = "--seeds", paramLabel = "N|LIST", description = "A count N (seeds 0..N-1) or a list such as 3,7,11 "
            + "(default: " + DEFAULT_SEEDS + "; --full: " + FULL_SEEDS + ").")
    String seeds;

    @Option(names = "--epochs", paramLabel = "E[,E...]", description = "Epoch budget(s) (default: " + DEFAULT_EPOCHS
            + "; --full: " + FULL_EPOCHS + ").")
    String epochs;

    @Option(names = "--target", description = "Validation accuracy that counts as reached, in (0, 1) (default: "
            + DEFAULT_TARGET + "; --full: 0.88). Measured on the seeded validation split, never on the test set.")
    Double target;

    @Option(names = "--calibrate-target", description = "Set the target as AlgoPerf does: rerun warmup-linear 3 times at "
            + "twice the longest budget and take the median of each run's best validation accuracy, rounded down to 3 "
            + "decimals; the value and how it was found go into the journal header.")
    boolean calibrateTarget;

    @Option(names = "--tune", paramLabel = "TRIALS[xSTUDIES]", description = "Equal tuning budget per schedule (AlgoPerf): "
            + "each study trains TRIALS Sobol points of the schedule's search space (peak lr on a log scale, shape "
            + "parameters as fractions of the run), study j on seed j; a study scores its fastest trial to the target, the "
            + "schedule the median over studies (a miss counts as infinite). STUDIES defaults to the number of seeds.")
    String tune;

    @Option(names = "--eval-on-clock", description = "Count evaluation time towards time to target (MLPerf) instead of "
            + "pausing the clock while evaluating (AlgoPerf, the default).")
    boolean evalOnClock;

    @Option(names = "--evals-per-epoch", paramLabel = "N", description = "Evaluate every ceil(steps per epoch / N) steps "
            + "when --eval-every is not given (default: " + SweepSettings.DEFAULT_EVALS_PER_EPOCH + ").")
    Integer evalsPerEpoch;

    @Option(names = "--train-size", paramLabel = "N", description = "Train on the first N of the 55,000 training images "
            + "(default: " + DEFAULT_TRAIN_SIZE + "; --full: all; 0: all).")
    Integer trainSize;

    @Option(names = "--backend", description = "cpu, cuda or auto (default: auto: CUDA when available, else the CPU).")
    String backend;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "anneal-sweep",
            description = "Folder for the journal, JMH logs, plots and REPORT.md (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--full", description = "The long sweep: every schedule (15) x 10 seeds (MLPerf's run count) x 3 and 10 "
            + "epochs on all 55,000 training images, target 0.88 (300 runs; not yet timed under this protocol: the earlier "
            + "150-run full sweep took 27.5 min on an idle 2-core CPU).")
    boolean full;

    @Option(names = "--resume", description = "Continue the sweep in --out: cells already in its journal are skipped; "
            + "the journal's protocol (target, batch, ...) is kept.")
    boolean resume;

    @Option(names = "--batch", description = "Batch size (default: 128).")
    Integer batch;

    @Option(names = "--eval-every", paramLabel = "STEPS", description = "Evaluate every STEPS optimizer steps and at "
            + "epoch ends (default: 0, use --evals-per-epoch).")
    Integer evalEvery;

    @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST IDX folder (default: "
            + "/usr/share/datasets/fashion-mnist).")
    Path data;

    @Option(names = "--fork-jvm-arg", paramLabel = "ARG", description = "Extra argument for each forked benchmark JVM "
            + "(repeatable), e.g. -Xmx2g.")
    List<String> forkJvmArgs = List.of();

    @Option(names = "--no-overhead", description = "Skip the per-step overhead benchmarks (ScheduleStepBench, TrainStepBench).")
    boolean noOverhead;

    @Option(names = "--no-report", description = "Do not write REPORT.md at the end.")
    boolean noReport;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        if (list) {
            printCatalogue(out);
            return 0;
        }
        if (full && seeds != null && SweepPlan.parseSeeds(seeds).size() < 6)
            throw new UsageException("--full needs at least 6 seeds (a paired test needs 6 for p < 0.05), got --seeds " + seeds);
        if (calibrateTarget && target != null)
            throw new UsageException("--calibrate-target: give either it or --target " + target + ", not both");

        Journal journal;
        SweepPlan plan;
        if (resume) {
            journal = Journal.resume(out());
            SweepSettings recorded = journal.header().settings();
            String diff = recorded.differenceFrom(requestedSettings(recorded));
            if (diff != null)
                throw new UsageException("--resume: " + journal.file() + " was recorded with a different protocol (" + diff
                        + "); drop the option or use another --out");
            plan = plan(journal.header().plan());
            if (journal.header().plan() != null && plan.tuningDifference(journal.header().plan()) != null)
                throw new UsageException("--resume: " + journal.file() + " was recorded with a different "
                        + plan.tuningDifference(journal.header().plan()) + "; drop the option or use another --out");
            if (calibrateTarget)
                throw new UsageException("--calibrate-target: " + journal.file() + " already has its target ("
                        + recorded.target() + "); drop the option on --resume");
            requireData(Path.of(recorded.dataDir()));
        } else {
            SweepSettings settings = requestedSettings(defaults());
            plan = plan(null);
            requireData(Path.of(settings.dataDir()));
            if (calibrateTarget) {
                TargetCalibration.Result c = TargetCalibration.calibrate(settings,
                        plan.epochs().stream().mapToInt(Integer::intValue).max().orElseThrow(), plan.backend(), out);
                settings = settings.withTarget(c.target(), c.source());
                out.println("calibrate-target: " + c.source());
            }
            journal = Journal.create(out(), new JournalHeader(Journal.FORMAT, Journal.VERSION, Instant.now().toString(),
                    settings, plan, environment()));
        }

        out.println("sweep: " + plan.cells().size() + " cells (" + plan.schedules().size() + " schedules x "
                + plan.seeds().size() + " seeds x epochs " + plan.epochs() + ") on " + plan.backend() + " -> " + journal.file());
        java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
        Thread hint = new Thread(() -> {
            stopping.set(true);
            err.println("\nsweep interrupted; every finished cell is in " + journal.file()
                    + "; continue with: anneal sweep --resume --out " + out());
        });
        Runtime.getRuntime().addShutdownHook(hint);
        SweepDriver.Outcome outcome = new SweepDriver(journal,
                new JmhCellExecutor(out().resolve("logs"), forkJvmArgs.toArray(String[]::new)),
                new ConsoleSweepListener(out, err), stopping::get).run(plan);
        Runtime.getRuntime().removeShutdownHook(hint);
        out.println("sweep: " + outcome.ran() + " cells run (" + outcome.failed() + " failed), " + outcome.skipped()
                + " already done; journal " + journal.file());

        if (!noOverhead) {
            out.println("overhead: JMH ScheduleStepBench and TrainStepBench (-prof gc) ...");
            try {
                Path json = OverheadBenchmarks.run(out(), plan.backend(), out().resolve("logs").resolve("overhead.log"));
                out.println("overhead: " + json);
            } catch (Exception e) {
                err.println("overhead benchmarks failed (" + e.getMessage() + "); the report goes without them");
            }
        }
        if (!noReport) out.println("report: " + new ReportWriter(out()).write());
        return outcome.failed() == 0 ? 0 : 1;
    }

    private Path out() {
        return out.toAbsolutePath().normalize();
    }

    private void printCatalogue(PrintStream out) {
        int e = SweepPlan.parseEpochs(epochs != null ? epochs : DEFAULT_EPOCHS).get(0);
        SweepSettings d = SweepSettings.defaults(FashionMnist.DEFAULT_DIR);
        int b = batch != null ? batch : d.batch();
        if (b < 1) throw new UsageException("--batch must be >= 1, got " + b);
        int images = FASHION_MNIST_TRAIN_IMAGES - d.validationSize();
        int size = trainSize != null ? trainSize : full ? 0 : DEFAULT_TRAIN_SIZE;
        if (size > 0) images = Math.min(images, size);
        anneal.bench.Budget budget = anneal.bench.Budget.of(e, images, b);
        out.println("catalogue for " + e + " epochs of " + budget.stepsPerEpoch() + " steps (batch " + b + "):");
        for (anneal.bench.CatalogueEntry c : ScheduleCatalogue.all()) {
            out.printf(java.util.Locale.ROOT, "%-14s %-30s lr %-6s %s%n", c.name(), c.family(), c.baseLr(), c.spec(budget));
            out.printf(java.util.Locale.ROOT, "%-14s %s%n", "", c.description());
            out.printf(java.util.Locale.ROOT, "%-14s search space: %s%n", "", c.space().dimensions().stream()
                    .map(x -> x.name() + " in [" + x.low() + ", " + x.high() + "]" + (x.log() ? " log" : ""))
                    .collect(java.util.stream.Collectors.joining(", ")));
        }
    }

    /** The protocol of a new sweep before the options: the harness defaults, with the default or --full scale. */
    private SweepSettings defaults() {
        SweepSettings d = SweepSettings.defaults(data == null ? FashionMnist.DEFAULT_DIR : data);
        if (full) return d;
        return new SweepSettings(DEFAULT_TARGET, d.batch(), d.hidden(), d.momentum(), d.nesterov(), d.weightDecay(),
                d.validationSize(), d.evalEvery(), d.dataDir(), d.evalsPerEpoch(), d.evalOnClock(), DEFAULT_TRAIN_SIZE,
                "default 0.86: chosen below --calibrate-target's 0.887 on this protocol so that 3 epochs can reach it");
    }

    /** The settings asked for on the command line, defaulting to {@code base}'s. */
    private SweepSettings requestedSettings(SweepSettings base) {
        return new SweepSettings(target != null ? target : base.target(), batch != null ? batch : base.batch(), base.hidden(),
                base.momentum(), base.nesterov(), base.weightDecay(), base.validationSize(),
                evalEvery != null ? evalEvery : base.evalEvery(), data != null ? data.toString() : base.dataDir(),
                evalsPerEpoch != null ? evalsPerEpoch : base.evalsPerEpoch(), evalOnClock || base.evalOnClock(),
                trainSize != null ? trainSize : base.trainSize(), target != null ? "--target" : base.targetSource());
    }

    /** The plan from the options, falling back to {@code recorded} (on --resume), then to the defaults. */
    private SweepPlan plan(SweepPlan recorded) {
        List<String> names = schedules != null
                ? ScheduleCatalogue.parse(schedules).stream().map(e -> e.name()).toList()
                : recorded != null ? recorded.schedules()
                : full ? ScheduleCatalogue.names() : ScheduleCatalogue.DEFAULT_NAMES;
        List<Long> seedList = seeds != null ? SweepPlan.parseSeeds(seeds)
                : recorded != null ? recorded.seeds() : SweepPlan.parseSeeds(full ? FULL_SEEDS : DEFAULT_SEEDS);
        List<Integer> epochList = epochs != null ? SweepPlan.parseEpochs(epochs)
                : recorded != null ? recorded.epochs() : SweepPlan.parseEpochs(full ? FULL_EPOCHS : DEFAULT_EPOCHS);
        String be = backend != null ? resolveBackend(backend) : recorded != null ? recorded.backend() : resolveBackend("auto");
        TuningPlan tuning = tune != null ? TuningPlan.parse(tune, seedList.size()) : recorded != null ? recorded.tuning() : null;
        if (tuning != null) tuning.requireSeeds(seedList.size());
        return new SweepPlan(names, seedList, epochList, be, tuning);
    }

    /** {@code auto} becomes the backend it picks here, so that the journal names a real backend. */
    private static String resolveBackend(String name) {
        if (!name.equals("auto")) {
            if (!List.of("cpu", "cuda").contains(name))
                throw new UsageException("--backend must be cpu, cuda or auto, got '" + name + "'");
            if (name.equals("cpu")) return name;
        }
        try (Backend b = Backends.create(name, System.err)) {
            return b.name();
        }
    }

    private static void requireData(Path dir) {
        if (!Files.isDirectory(dir))
            throw new UsageException("--data: no Fashion-MNIST folder at " + dir
                    + " (install Debian's dataset-fashion-mnist or pass --data DIR)");
    }

    private Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("command", "anneal " + String.join(" ", spec.root().commandLine().getParseResult().originalArgs()));
        env.put("commit", gitCommit());
        Runtime rt = Runtime.getRuntime();
        env.put("machine", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch") + ", " + rt.availableProcessors() + " cores, "
                + ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize() / (1 << 20) + " MiB");
        env.put("cpu", cpuModel());
        env.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        return env;
    }

    private static String gitCommit() {
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes()).trim();
            if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
                Process d = new ProcessBuilder("git", "status", "--porcelain", "--untracked-files=no").start();
                boolean dirty = !new String(d.getInputStream().readAllBytes()).isBlank();
                d.waitFor(5, TimeUnit.SECONDS);
                return s + (dirty ? " (with uncommitted changes)" : "");
            }
        } catch (Exception e) {
            // not in a git checkout
        }
        return "unknown (not run from a git checkout)";
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo")))
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
        } catch (Exception e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }
}
