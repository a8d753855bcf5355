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
                "Default: 5 schedules x 2 seeds x 3 epochs (a few minutes on 2 CPU cores); --full: the whole "
                        + "catalogue x 5 seeds x 3 and 10 epochs.",
                "Every finished run is appended to OUT/journal.jsonl; --resume continues an interrupted sweep; the "
                        + "report is OUT/REPORT.md."})
final class SweepCommand implements Callable<Integer> {
    static final String FULL_SEEDS = "5";
    static final String FULL_EPOCHS = "3,10";
    static final String DEFAULT_SEEDS = "2";
    static final String DEFAULT_EPOCHS = "3";
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

    @Option(names = "--target", description = "Test accuracy that counts as reached, in (0, 1] (default: 0.88).")
    Double target;

    @Option(names = "--backend", description = "cpu, cuda or auto (default: auto: CUDA when available, else the CPU).")
    String backend;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "anneal-sweep",
            description = "Folder for the journal, JMH logs, plots and REPORT.md (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--full", description = "The chapter's sweep: every schedule, >= 5 seeds, 3 and 10 epochs (about "
            + "30 minutes on an idle 2-core CPU).")
    boolean full;

    @Option(names = "--resume", description = "Continue the sweep in --out: cells already in its journal are skipped; "
            + "the journal's protocol (target, batch, ...) is kept.")
    boolean resume;

    @Option(names = "--batch", description = "Batch size (default: 128).")
    Integer batch;

    @Option(names = "--eval-every", paramLabel = "STEPS", description = "Also evaluate every STEPS optimizer steps "
            + "(default: 0, epoch ends only).")
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

    // ---- Slurm (issue #15): --slurm DIR hands the same plan to Slurm as a job array; --status DIR reports on it.
    @picocli.CommandLine.Mixin
    SlurmOptions slurmOptions = new SlurmOptions();

    /** The header a sweep started now would get; on --resume, options left out fall back to {@code recorded}. */
    private JournalHeader requestedHeader(JournalHeader recorded) {
        SweepSettings settings = requestedSettings(recorded != null ? recorded.settings()
                : SweepSettings.defaults(data == null ? FashionMnist.DEFAULT_DIR : data));
        SweepPlan plan = plan(recorded != null ? recorded.plan() : null);
        requireData(Path.of(settings.dataDir()));
        return new JournalHeader(Journal.FORMAT, Journal.VERSION, Instant.now().toString(), settings, plan, environment());
    }
    // ---- end of Slurm

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        if (list) {
            printCatalogue(out);
            return 0;
        }
        if (full && seeds != null && SweepPlan.parseSeeds(seeds).size() < 5)
            throw new UsageException("--full needs at least 5 seeds, got --seeds " + seeds);
        if (slurmOptions.active()) return slurmOptions.run(resume, this::requestedHeader, forkJvmArgs);
        slurmOptions.requireNoneForLocalSweep();

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
            requireData(Path.of(recorded.dataDir()));
        } else {
            SweepSettings settings = requestedSettings(SweepSettings.defaults(data == null ? FashionMnist.DEFAULT_DIR : data));
            plan = plan(null);
            requireData(Path.of(settings.dataDir()));
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
        anneal.bench.Budget budget = anneal.bench.Budget.of(e, FASHION_MNIST_TRAIN_IMAGES - d.validationSize(), b);
        out.println("catalogue for " + e + " epochs of " + budget.stepsPerEpoch() + " steps (batch " + b + "):");
        for (anneal.bench.CatalogueEntry c : ScheduleCatalogue.all()) {
            out.printf(java.util.Locale.ROOT, "%-14s %-30s lr %-6s %s%n", c.name(), c.family(), c.baseLr(), c.spec(budget));
            out.printf(java.util.Locale.ROOT, "%-14s %s%n", "", c.description());
        }
    }

    /** The settings asked for on the command line, defaulting to {@code base}'s. */
    private SweepSettings requestedSettings(SweepSettings base) {
        return new SweepSettings(target != null ? target : base.target(), batch != null ? batch : base.batch(), base.hidden(),
                base.momentum(), base.nesterov(), base.weightDecay(), base.validationSize(),
                evalEvery != null ? evalEvery : base.evalEvery(), data != null ? data.toString() : base.dataDir());
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
        return new SweepPlan(names, seedList, epochList, be);
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
