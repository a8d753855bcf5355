package anneal.cli;

import anneal.ConfigurationException;

import anneal.backend.Backend;
import anneal.train.Backends;
import anneal.data.FashionMnist;
import anneal.data.Splits;
import anneal.schedule.Budget;
import anneal.bench.CatalogueEntry;
import anneal.bench.ScheduleCatalogue;
import anneal.bench.SweepSettings;
import anneal.bench.TargetCalibration;
import anneal.schedule.LrScheduler;
import anneal.schedule.spec.Lint;
import anneal.train.EpochRecord;
import anneal.train.RunResult;
import anneal.optim.SgdConfig;
import anneal.train.TrainConfig;
import anneal.train.TrainListener;
import anneal.train.Trainer;
import anneal.util.AtomicFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code anneal train}: one training run of an MLP on Fashion-MNIST with a schedule, reporting time to a target
 * validation accuracy. A progress bar goes to stderr, one line per evaluation and a summary to stdout, and with
 * {@code --out FILE} the whole run (config, every record, every step's lr) as JSON. When the run is interrupted
 * (Ctrl-C, SIGTERM), a shutdown hook still writes the records so far to {@code --out}, marked
 * {@code "interrupted": true}.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train the MLP on Fashion-MNIST with one schedule and report time to the target validation accuracy (test accuracy is reported, never used to stop).",
                "Timed region: training steps and evaluations; data loading, initialisation and a JIT warm-up are"
                        + " outside it (reported as setup).",
                "Exit codes: 0 done (target reached or not), 1 the run failed part-way, 2 bad input, 3 the run"
                        + " diverged, 70 a bug in Anneal (ANNEAL_STACKTRACE=1 shows the trace)."})
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--schedule", paramLabel = "SPEC",
            description = "Schedule spec with PyTorch's names, e.g. \"OneCycleLR(max_lr=0.1, total_steps=1290)\" (default:"
                    + " the protocol's schedule, the sweep catalogue's '" + TargetCalibration.REFERENCE + "' resolved for"
                    + " this run's epochs and steps, at its lr unless --lr is given).")
    String schedule;

    @Spec
    CommandSpec command;

    @Option(names = "--torch", defaultValue = "2", paramLabel = "VERSION", description = "PyTorch whose lr_scheduler.py "
            + "PyTorch-named schedules reproduce: 1.13 or 2 (default: ${DEFAULT-VALUE}); a spec's torch= argument wins.")
    String torch;

    @Option(names = "--epochs", defaultValue = "3", description = "Epochs at most (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--lr", defaultValue = "0.1", description = "The optimizer's lr, the schedule's base lr"
            + " (default: ${DEFAULT-VALUE}; without --schedule: the protocol schedule's lr).")
    double lr;

    @Option(names = "--target", defaultValue = "" + SweepSettings.DEFAULT_TARGET, description = "Validation accuracy that counts as reached, in (0, 1]"
            + " (default: ${DEFAULT-VALUE}).")
    double target;

    @Option(names = "--no-stop", description = "Run all epochs even after the target is reached.")
    boolean noStop;

    @Option(names = "--seed", defaultValue = "1", description = "Seeds initialisation, the validation split and the"
            + " shuffles (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", description = "CPU backend threads (default: all cores).")
    Integer threads;

    @Option(names = "--eval-every", defaultValue = "0", paramLabel = "STEPS", description = "Also evaluate every"
            + " STEPS optimizer steps (default: only at epoch ends).")
    int evalEvery;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the run as JSON.")
    Path out;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Option(names = "--strict", description = "Refuse to train (exit 1) when the schedule lint finds anything about the"
            + " planned run (default: print the findings as warnings and train).")
    boolean strict;

    /** Model, optimizer and data options shared with lr-find. */
    @Mixin
    TrainingOptions training;

    /**
     * The JSON written by {@code --out}.
     *
     * @param interrupted             whether the run was cut short by Ctrl-C / SIGTERM (the records so far are kept)
     * @param error                   why the run failed part-way (e.g. a schedule stepped past its end), else null
     * @param trainSamplesPerSecond   training samples processed per second of training time (evaluations excluded)
     */
    record TrainOutput(boolean interrupted, String error, String jvm, double trainSamplesPerSecond, RunResult run) {
    }

    /**
     * Checks the schedule against the run it is about to drive ({@link Lint}: joins, values, horizon, clock), so that
     * e.g. a per-epoch schedule whose length is a step count is caught before training, not found in the curve
     * afterwards. Findings go to stderr; with {@code --strict} they stop the run.
     */
    private boolean lintPasses(TrainConfig config, int trainCount) {
        int stepsPerEpoch = config.stepsPerEpoch(trainCount);
        List<Lint.Finding> findings = Lint.check(config.scheduleSpec(), config.baseLrs(),
                new Budget(config.epochs(), stepsPerEpoch));
        for (Lint.Finding f : findings) {
            System.err.println("anneal train: " + (strict ? "error: " : "warning: ") + f);
        }
        if (!findings.isEmpty()) {
            System.err.println("anneal train: the schedule was checked against " + config.epochs() + " epochs of "
                    + stepsPerEpoch + " steps (schedule SPEC --lint --epochs " + config.epochs() + " --steps-per-epoch "
                    + stepsPerEpoch + " shows the same)" + (strict ? "; --strict: not training" : ""));
        }
        return findings.isEmpty() || !strict;
    }

    @Override
    public Integer call() throws Exception {
        anneal.schedule.TorchScheduler.useOnThisThread(new anneal.schedule.TorchScheduler.Options(
                anneal.schedule.TorchVersion.parse("--torch", torch), -1));
        PrintStream stdout = System.out;
        CatalogueEntry protocol = schedule == null ? protocolSchedule() : null;
        double runLr = protocol != null && !command.commandLine().getParseResult().hasMatchedOption("--lr")
                ? protocol.baseLr() : lr;
        // every option is checked before the data loads; the protocol's spec needs the data's size, so its
        // provisional budget here (one step per epoch) is replaced below
        TrainConfig checked = config(protocol == null ? schedule : protocol.spec(new Budget(Math.max(1, epochs), 1)), runLr);
        if (threads != null && threads < 1) throw ConfigurationException.of("train", "threads", threads, "an integer >= 1");
        LrScheduler given = protocol == null ? Trainer.schedule(checked) : null;
        if (out != null) checkWritable(out);
        // The save-on-interrupt hook is in place before the data loads: a SIGTERM at any point leaves either the
        // run so far or a record saying it was interrupted before training started.
        AtomicBoolean finished = new AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<Trainer> started = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger trainImages = new java.util.concurrent.atomic.AtomicInteger();
        Thread hook = new Thread(() -> {
            if (out != null && !finished.get()) {
                try {
                    Trainer t = started.get();
                    if (t == null) {
                        write(out, new TrainOutput(true, "interrupted before training started (while loading the data)",
                                jvm(), Double.NaN, null));
                    } else {
                        RunResult soFar = t.snapshot();
                        write(out, new TrainOutput(true, null, jvm(), samplesPerSecond(soFar, trainImages.get()), soFar));
                    }
                    System.err.println("\nanneal train: interrupted; the run so far is in " + out);
                } catch (Exception e) {
                    System.err.println("\nanneal train: interrupted; could not write " + out + ": " + e.getMessage());
                }
            }
        }, "anneal-train-save");
        Runtime.getRuntime().addShutdownHook(hook);
        try (Backend b = Backends.create(training.backend, threads == null ? Runtime.getRuntime().availableProcessors() : threads,
                System.err)) {
            Splits splits = FashionMnist.load(training.data, training.validation, seed);
            trainImages.set(splits.train().count());
            TrainConfig config = protocol == null ? checked
                    : config(protocol.spec(new Budget(epochs, checked.stepsPerEpoch(splits.train().count()))), runLr);
            LrScheduler scheduler = protocol == null ? given : Trainer.schedule(config);
            if (protocol != null) {
                stdout.println("anneal train: no --schedule given: the protocol's schedule '" + protocol.name() + "' ("
                        + protocol.family() + ", the sweep's reference recipe) at lr " + runLr);
            }
            checkFits(config, splits);
            if (!lintPasses(config, splits.train().count())) {
                finished.set(true);
                return 1;
            }
            Trainer trainer = new Trainer(b, splits);
            started.set(trainer);
            stdout.printf(Locale.ROOT, "anneal train: %s on %s, %s, batch %d, lr %s, %d train / %d validation / %d test%n",
                    config.scheduleSpec(), "MLP " + splits.train().featureCount() + "-" + joined(config.hidden()) + "-"
                            + splits.train().classes(), b.description(), training.batch, runLr, splits.train().count(),
                    splits.validation().count(), splits.test().count());
            RunResult result;
            try (ProgressBar bar = quiet ? null : new ProgressBarBuilder().setTaskName("train").setInitialMax(1)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).setUnit(" steps", 1).build()) {
                result = runSavingFailures(trainer, finished, () -> trainer.run(config, scheduler, new TrainListener() {
                    @Override
                    public void onStep(long step, long totalSteps) {
                        if (bar != null) {
                            if (bar.getMax() != totalSteps) bar.maxHint(totalSteps);
                            bar.stepTo(step);
                        }
                    }

                    @Override
                    public void onRecord(EpochRecord r) {
                        stdout.println(line(r, config.epochs()));
                    }
                }), splits.train().count());
            }
            finished.set(true);
            if (out != null)
                write(out, new TrainOutput(false, null, jvm(), samplesPerSecond(result, splits.train().count()), result));
            stdout.println(summary(result, splits.train().count()));
            if (result.status() == anneal.train.RunStatus.DIVERGED) {
                System.err.println("anneal train: the run diverged (the loss became NaN or infinite; steps taken: "
                        + result.lrs().length + "); exit code " + Errors.DIVERGED + (out != null ? "; the records are in "
                        + out : "") + " (try a lower --lr)");
                return Errors.DIVERGED;
            }
        } catch (RuntimeException e) {
            finished.set(true); // a failure is reported as such, not saved as an interruption
            throw e;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // already exiting
            }
        }
        return 0;
    }

    /**
     * The schedule {@code train} runs without {@code --schedule}: the sweep catalogue's reference recipe
     * ({@link TargetCalibration#REFERENCE}, the schedule the sweep calibrates its target with), one source for both.
     */
    static CatalogueEntry protocolSchedule() {
        return ScheduleCatalogue.get(TargetCalibration.REFERENCE);
    }

    private TrainConfig config(String spec, double runLr) {
        return new TrainConfig(spec, runLr, epochs, training.batch, target, seed, training.hidden, training.sgd(),
                training.noBiasDecay, training.validation, evalEvery, !noStop);
    }

    /** Runs {@code run}; when it fails part-way, writes the records so far to --out with the error, then rethrows. */
    private RunResult runSavingFailures(Trainer trainer, AtomicBoolean finished,
                                        java.util.function.Supplier<RunResult> run, int trainCount) throws IOException {
        try {
            return run.get();
        } catch (RuntimeException e) {
            finished.set(true);
            if (out != null) {
                RunResult soFar = trainer.snapshot();
                write(out, new TrainOutput(false, e.getMessage(), jvm(), samplesPerSecond(soFar, trainCount), soFar));
            }
            if (Errors.raisedBySchedule(e)) {
                throw new Errors.RunFailedException("the schedule stopped the run: " + e.getMessage()
                        + (out != null ? "; the records so far are in " + out : ""), e);
            }
            throw e;
        }
    }

    /**
     * Refuses, before anything is allocated, a run whose step count or model does not fit: the trainer keeps every
     * step's lr (and the lint every step's values), and the model with its gradients and momentum lives on the heap.
     */
    private void checkFits(TrainConfig config, Splits splits) {
        long stepsPerEpoch = config.stepsPerEpoch(splits.train().count());
        long totalSteps = stepsPerEpoch * config.epochs();
        if (totalSteps > Lint.MAX_STEPS) {
            throw new UsageException("--epochs=" + config.epochs() + " is not allowed; allowed: at most "
                    + Lint.MAX_STEPS / stepsPerEpoch + " epochs of " + stepsPerEpoch + " steps (" + Lint.MAX_STEPS
                    + " optimizer steps: each step's lr is kept)");
        }
        long params = 0;
        long widths = 0;
        int in = splits.train().featureCount();
        int[] hidden = config.hidden();
        for (int l = 0; l <= hidden.length; l++) {
            int out = l < hidden.length ? hidden[l] : splits.train().classes();
            params += ((long) in + 1) * out; // at most 2^31 * 2^31 per layer; the sum cannot overflow for 64 layers
            widths += out;
            in = out;
            if (params > Integer.MAX_VALUE - 16 || hidden.length > 64) break;
        }
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        // floats: parameters, gradients, momentum, the initial copy; activations and their gradients per batch
        long need = params * 4 * 4 + (long) config.batchSize() * widths * 4 * 4;
        if (params > Integer.MAX_VALUE - 16 || hidden.length > 64 || need > free) {
            throw new UsageException("--hidden=" + joined(hidden).replace('-', ',') + " is not allowed; allowed: at most 64 "
                    + "layers whose parameters (" + (params > Integer.MAX_VALUE - 16 ? "over 2^31" : params) + " here, "
                    + (need >> 20) + " MiB with gradients, momentum and activations) fit the " + (free >> 20)
                    + " MiB of heap left (-Xmx)");
        }
    }

    static String line(EpochRecord r, int epochs) {
        return String.format(Locale.ROOT, "epoch %6.2f/%d  step %6d  lr %.5g  train_loss %.4f  val_loss %.4f  val_acc %.4f"
                        + "  test_loss %.4f  test_acc %.4f  time %.2fs (train %.2fs, eval %.2fs)", r.epoch(), epochs,
                r.step(), r.lr(), r.trainLoss(), r.valLoss(), r.valAccuracy(), r.testLoss(), r.testAccuracy(),
                r.elapsedSeconds(), r.trainSeconds(), r.evalSeconds());
    }

    /** Training samples per second of training time up to the last record (NaN before the first record). */
    static double samplesPerSecond(RunResult r, int trainCount) {
        if (r.records().isEmpty()) return Double.NaN;
        EpochRecord last = r.records().get(r.records().size() - 1);
        long batch = r.config().batchSize();
        long stepsPerEpoch = TrainConfig.stepsPerEpoch(trainCount, (int) batch);
        long steps = last.step(), fullEpochs = steps / stepsPerEpoch, rest = steps % stepsPerEpoch;
        long samples = fullEpochs * trainCount + Math.min(rest * batch, trainCount);
        return samples / last.trainSeconds();
    }

    static String summary(RunResult r, int trainCount) {
        EpochRecord last = r.records().isEmpty() ? null : r.records().get(r.records().size() - 1);
        double samplesPerSecond = samplesPerSecond(r, trainCount);
        String outcome = switch (r.status()) {
            case REACHED -> String.format(Locale.ROOT, "reached validation accuracy %.2f at epoch %.2f after %.2f s", r.config().target(),
                    r.epochsToTarget(), r.timeToTarget());
            case NOT_REACHED -> String.format(Locale.ROOT, "did not reach validation accuracy %.2f", r.config().target());
            case DIVERGED -> "diverged (loss became NaN or infinite)";
        };
        return String.format(Locale.ROOT, "%s; best test accuracy %.4f, final %.4f; %.0f training samples/s; timed region"
                        + " (training + evaluation) %.2f s, setup outside it %.2f s", outcome, r.bestTestAccuracy(),
                r.finalTestAccuracy(), samplesPerSecond, last == null ? 0 : last.elapsedSeconds(), r.setupSeconds());
    }

    private static String joined(int[] xs) {
        StringBuilder sb = new StringBuilder();
        for (int x : xs) sb.append(sb.length() == 0 ? "" : "-").append(x);
        return sb.toString();
    }

    private static String jvm() {
        return System.getProperty("java.vm.name") + " " + Runtime.version();
    }

    private static void checkWritable(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir))
            throw new UsageException("--out " + file + ": directory " + dir + " does not exist");
        if (!Files.isWritable(dir)) throw new UsageException("--out " + file + ": directory " + dir + " is not writable");
        if (Files.isDirectory(file)) throw new UsageException("--out " + file + " is a directory, expected a file");
        if (Files.exists(file) && !isTrainOutput(file))
            throw new UsageException("--out " + file + " exists and is not the output of 'anneal train' (a sweep journal "
                    + "or another file): it is never overwritten; choose another file name or delete it first");
    }

    /** Whether {@code file} starts as {@link #write} writes: a JSON object whose first field is "interrupted". */
    static boolean isTrainOutput(Path file) {
        try (var in = Files.newInputStream(file)) {
            String head = new String(in.readNBytes(256), java.nio.charset.StandardCharsets.UTF_8);
            return head.matches("(?s)\\{\\s*\"interrupted\"\\s*:.*");
        } catch (IOException e) {
            return false;
        }
    }

    /** Writes atomically ({@link AtomicFiles}): a temporary file next to {@code file}, then a rename. */
    static synchronized void write(Path file, TrainOutput output) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        AtomicFiles.write(file, json.writeValueAsBytes(output));
    }
}
