package anneal.train;

import anneal.data.EpochOrder;
import anneal.optim.OptimizerSetup;
import anneal.ConfigurationException;
import anneal.backend.Backend;
import anneal.data.Splits;
import anneal.data.SyntheticData;
import anneal.model.Initialization;
import anneal.model.MlpSpec;
import anneal.model.Parameters;
import anneal.schedule.Clock;
import anneal.schedule.Hyperparameter;
import anneal.schedule.HyperparameterTable;
import anneal.schedule.LrScheduler;
import anneal.schedule.spec.Schedules;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs one training configuration on a backend and records time-to-accuracy.
 *
 * <h2>The loop</h2>
 * Each epoch visits the training split in the order {@link EpochOrder#of} gives for the run's seed, in batches
 * of {@code batchSize}; the last batch of an epoch is kept even when it is smaller (PyTorch
 * {@code DataLoader}'s default {@code drop_last=False}), so an epoch has {@code ceil(n / batch)} steps. Every
 * step hands the backend one {@link HyperparameterTable}, allocated once per run: each group's configured values
 * ({@link OptimizerSetup#configured}), overwritten by the schedule with every {@link Hyperparameter} it sets
 * ({@link LrScheduler#writeTo}: the lr always, momentum where it cycles momentum, weight decay where it
 * co-schedules it). The schedule is stepped at its own cadence:
 * <ul>
 *   <li>{@link Clock#STEP}: after every optimizer step;</li>
 *   <li>{@link Clock#EPOCH}: after every epoch, after the epoch's evaluation;</li>
 *   <li>{@link LrScheduler#needsMetric()} (ReduceLROnPlateau): {@code step(validation loss)} after every
 *       evaluation instead; the metric is the <b>validation</b> loss, never a test number, so a run with such a
 *       schedule needs a validation split. With {@code evalEverySteps}, patience counts evaluations.</li>
 * </ul>
 * Evaluations (validation and test loss and accuracy) happen at every epoch end and, when
 * {@code evalEverySteps > 0}, every that many steps (counted from the run's first step).
 *
 * <h2>Time-to-accuracy</h2>
 * The target is on <b>validation</b> accuracy (the seeded split held out of the training images), as MLPerf and
 * AlgoPerf define it: time-to-target is the timed wall time at the first evaluation whose validation accuracy
 * reaches the target. Test accuracy is evaluated and recorded at the same points but never used to stop, to
 * rank or to step a schedule. With {@code stopAtTarget} the run stops there.
 *
 * <p>The timed region is the training steps. The clock is paused while evaluating (AlgoPerf's rule); the
 * evaluation time is recorded separately ({@link EpochRecord#evalSeconds()}). {@link #evalOnClock(boolean)}
 * counts evaluations as well (MLPerf's view). Data loading, parameter initialisation, upload to the backend and
 * the JIT / device warm-up happen before the clock starts and are reported as {@link RunResult#setupSeconds()}.
 * The warm-up never touches the real data (MLPerf forbids it before the clock): it trains a throwaway model
 * (at least 50 steps and 0.5 s, then until the JIT has compiled nothing for {@value #JIT_QUIET_SECONDS} s, at most
 * {@link #warmupJitQuiet} s in all) and evaluates it on synthetic data of the same shape
 * ({@link SyntheticData#blobs}: the run's features and classes), after which the backend is re-initialised
 * and the real splits are uploaded. Waiting for the JIT matters on a small machine: on 2 cores the CPU step's C2
 * code was ready only about 1.5-2 s into the warm-up, and a run warmed for 0.5 s took 0.84-1.27 ms per step against
 * 0.64-0.81 ms after 3 s (3 epochs of the peer protocol's run, 2 threads).
 *
 * <h2>Divergence</h2>
 * Checked at every evaluation, never between (the loop never calls {@link Backend#lastLoss()}, a device sync on
 * CUDA): the backend's {@link Backend#drainMeanLoss()} is non-finite when any step since the previous evaluation
 * had a NaN or infinite loss (a sticky flag), and so are the evaluated losses of diverged parameters. A divergence
 * ends the run with {@link RunStatus#DIVERGED} at that evaluation, which is recorded. A run that evaluates only at
 * epoch ends therefore finds a divergence at the end of its epoch (use {@code evalEverySteps} to find it sooner).
 */
public final class Trainer {

    private final Backend backend;
    private final Splits data;
    private int warmupSteps = 50;
    private double warmupSeconds = 0.5;
    private double warmupMaxSeconds = 10;
    /** The JIT's total compile time in ms ({@link java.lang.management.CompilationMXBean}), or null without one. */
    private java.util.function.LongSupplier jitMillis = jvmJitMillis();
    /** What the last run's warm-up did: steps, seconds, and whether it ended with the JIT quiet. */
    private int warmedSteps;
    private double warmedSeconds;
    private boolean warmedJitQuiet;
    private boolean evalOnClock;
    private boolean testAtEpochEndsOnly;

    // progress of the run in flight, read by snapshot() from another thread
    private final Object lock = new Object();
    private TrainConfig config;
    private final List<EpochRecord> records = new ArrayList<>();
    /** Per hyperparameter (by ordinal), group 0's value at every step when the schedule sets it, else empty. */
    private double[][] perStep = emptySeries();
    private long steps;
    private double setupSeconds;
    private RunStatus status = RunStatus.NOT_REACHED;
    private double timeToTarget = Double.NaN;
    private double epochsToTarget = Double.NaN;

    public Trainer(Backend backend, Splits data) {
        this.backend = backend;
        this.data = data;
    }

    /**
     * Steps of the JIT / device warm-up before the timed region: at least {@code steps} (default 50) and, when
     * {@code steps > 0}, at least {@link #warmupSeconds} of stepping (at most 20 times {@code steps}); 0 skips it
     * (tests).
     */
    public Trainer warmupSteps(int steps) {
        if (steps < 0) throw new IllegalArgumentException("warm-up steps must be >= 0, got " + steps);
        this.warmupSteps = steps;
        return this;
    }

    /** Minimum wall time of the warm-up (default 0.5 s; the JIT compiles the kernels in the background meanwhile). */
    public Trainer warmupSeconds(double seconds) {
        if (!(seconds >= 0)) throw new IllegalArgumentException("warm-up seconds must be >= 0, got " + seconds);
        this.warmupSeconds = seconds;
        return this;
    }

    /** The JIT counts as quiet once it has compiled nothing for this long (its compile-time counter has not moved). */
    public static final double JIT_QUIET_SECONDS = 0.5;

    /**
     * After the minimum steps and seconds, the warm-up goes on until the JIT is quiet ({@value #JIT_QUIET_SECONDS} s
     * without compiling), but not past {@code maxSeconds} of warm-up in all (default 10); 0 turns the wait off (the
     * warm-up then ends at the minimum, or after 20 times the minimum steps). Without compile-time monitoring in the
     * JVM there is no wait.
     */
    public Trainer warmupJitQuiet(double maxSeconds) {
        if (!(maxSeconds >= 0)) throw new IllegalArgumentException("warm-up max seconds must be >= 0, got " + maxSeconds);
        this.warmupMaxSeconds = maxSeconds;
        return this;
    }

    /** The JVM's compile-time counter, or null where it has none (no JIT, or no compile-time monitoring). */
    private static java.util.function.LongSupplier jvmJitMillis() {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit::getTotalCompilationTime : null;
    }

    /** Replaces the JIT's compile-time counter that the warm-up watches (tests); null: no counter. */
    Trainer jitMillis(java.util.function.LongSupplier counter) {
        this.jitMillis = counter;
        return this;
    }

    /** Steps the last run's warm-up took (0 before a run, or when it was skipped). */
    public int warmedSteps() {
        return warmedSteps;
    }

    /** Wall seconds the last run's warm-up stepped for (its evaluation not included). */
    public double warmedSeconds() {
        return warmedSeconds;
    }

    /** Whether the last run's warm-up ended with the JIT quiet (false when it hit the maximum or did not wait). */
    public boolean warmedJitQuiet() {
        return warmedJitQuiet;
    }

    /** Whether evaluation time counts towards time-to-target (MLPerf) or the clock pauses for it (default, AlgoPerf). */
    public Trainer evalOnClock(boolean onClock) {
        this.evalOnClock = onClock;
        return this;
    }

    /**
     * Evaluates the test split only at epoch ends (and when a run diverges); evaluations between them record a NaN
     * test loss and accuracy. Test numbers never decide anything, so a sweep saves two thirds of its evaluation time.
     */
    public Trainer testAtEpochEndsOnly(boolean onlyThere) {
        this.testAtEpochEndsOnly = onlyThere;
        return this;
    }

    /** Runs {@code config}, building its schedule with {@link #schedule(TrainConfig)}. */
    public RunResult run(TrainConfig config, TrainListener listener) {
        return run(config, schedule(config), listener);
    }

    /**
     * The schedule of {@code config}, built on the optimizer's groups as PyTorch's scheduler on
     * {@code torch.optim.SGD}: every group starts at {@link TrainConfig#lr()}, and a co-scheduled weight decay
     * without {@code base_weight_decay} starts at each group's weight decay (none for the bias group of
     * {@link TrainConfig#noDecayOnBias()}).
     *
     * @throws IllegalArgumentException naming the schedule argument that is wrong
     */
    public static LrScheduler schedule(TrainConfig config) {
        return Schedules.fromSpec(config.scheduleSpec(), config.baseLrs(), optimizer(config, 2).configured().row(Hyperparameter.WEIGHT_DECAY));
    }

    /** The optimizer groups of {@code config} for a model of {@code tensors} parameter tensors. */
    private static OptimizerSetup optimizer(TrainConfig config, int tensors) {
        return config.noDecayOnBias() ? OptimizerSetup.noDecayOnBias(config.sgd(), tensors)
                : OptimizerSetup.single(config.sgd(), tensors);
    }

    /** Runs {@code config} with an already built {@code scheduler} (one group per optimizer group). */
    public RunResult run(TrainConfig config, LrScheduler scheduler, TrainListener listener) {
        long setupStart = System.nanoTime();
        MlpSpec spec = new MlpSpec(data.train().featureCount(), config.hidden(), data.train().classes());
        int n = data.train().count();
        OptimizerSetup optimizer = optimizer(config, 2 * spec.layers());
        int groups = optimizer.groups().length;
        if (scheduler.groups() != groups)
            throw new ConfigurationException("the schedule drives " + scheduler.groups() + " parameter groups, the"
                    + " optimizer has " + groups);
        if (scheduler.needsMetric() && data.validation().count() == 0)
            throw new ConfigurationException("schedule '" + config.scheduleSpec() + "' steps on the validation loss;"
                    + " the validation split must not be empty (validation size > 0)");
        if (data.validation().count() == 0)
            throw new ConfigurationException("the target is on validation accuracy; the validation split must not be"
                    + " empty (validation size > 0)");
        int stepsPerEpoch = config.stepsPerEpoch(n);
        long totalSteps = (long) stepsPerEpoch * config.epochs();
        synchronized (lock) {
            this.config = config;
            records.clear();
            int recorded = (int) Math.min(totalSteps, Integer.MAX_VALUE - 16);
            for (int h = 0; h < Hyperparameter.COUNT; h++)
                perStep[h] = new double[scheduler.schedules(Hyperparameter.of(h)) ? recorded : 0];
            steps = 0;
            status = RunStatus.NOT_REACHED;
            timeToTarget = epochsToTarget = Double.NaN;
        }
        Parameters initial = Initialization.pytorchDefault(spec, config.seed());
        int[] order = new int[n];
        warmUp(spec, initial, optimizer, config);
        backend.init(spec, initial, optimizer);
        backend.upload(data);
        backend.drainMeanLoss();
        setupSeconds = (System.nanoTime() - setupStart) * 1e-9;

        HyperparameterTable hyperparameters = optimizer.configured();
        double[] lr = hyperparameters.row(Hyperparameter.LR);
        long trainNanos = 0, evalNanos = 0;
        boolean stop = false;
        for (int epoch = 0; epoch < config.epochs() && !stop; epoch++) {
            EpochOrder.fill(order, config.seed(), epoch);
            long t0 = System.nanoTime();
            backend.beginEpoch(order);
            for (int s = 0; s < stepsPerEpoch && !stop; s++) {
                int offset = s * config.batchSize();
                int rows = Math.min(config.batchSize(), n - offset);
                scheduler.writeTo(hyperparameters);
                backend.trainStep(offset, rows, hyperparameters);
                long step;
                synchronized (lock) {
                    step = ++steps;
                    for (int h = 0; h < Hyperparameter.COUNT; h++) {
                        if (step <= perStep[h].length) perStep[h][(int) step - 1] = hyperparameters.get(Hyperparameter.of(h), 0);
                    }
                }
                if (scheduler.clock().perStep() && !scheduler.needsMetric()) scheduler.step();
                listener.onStep(step, totalSteps);
                boolean lastOfEpoch = s == stepsPerEpoch - 1;
                boolean midEval = config.evalEverySteps() > 0 && step % config.evalEverySteps() == 0 && !lastOfEpoch;
                if (midEval) {
                    trainNanos += System.nanoTime() - t0;
                    long e0 = System.nanoTime();
                    stop = record(config, scheduler, epoch + (s + 1.0) / stepsPerEpoch, step, lr[0], trainNanos,
                            evalNanos, !testAtEpochEndsOnly);
                    evalNanos += System.nanoTime() - e0;
                    fixElapsed(trainNanos, evalNanos, listener);
                    t0 = System.nanoTime();
                }
            }
            if (stop) {
                backend.endEpoch();
                break;
            }
            backend.endEpoch();
            trainNanos += System.nanoTime() - t0;
            long e0 = System.nanoTime();
            stop = record(config, scheduler, epoch + 1, steps, lr[0], trainNanos, evalNanos, true);
            evalNanos += System.nanoTime() - e0;
            fixElapsed(trainNanos, evalNanos, listener);
            if (!stop && !scheduler.clock().perStep() && !scheduler.needsMetric()) scheduler.step();
        }
        return snapshot();
    }

    /** Rows of the synthetic warm-up data: this many batches of training rows, a few batches to evaluate. */
    static final int WARMUP_BATCHES = 16;

    /**
     * Runs a few steps and an evaluation on a throwaway model and synthetic data of the run's shape so that the JIT
     * (or device) is warm; the caller re-initialises the backend and uploads the real data afterwards.
     */
    private void warmUp(MlpSpec spec, Parameters initial, OptimizerSetup optimizer, TrainConfig config) {
        warmedSteps = 0;
        warmedSeconds = 0;
        warmedJitQuiet = false;
        if (warmupSteps == 0) return;
        int batch = config.batchSize();
        // the run's last batch of each epoch is short (n mod batch rows): the warm-up ends its cycle with one as short,
        // so that the JIT has seen that path before the timed region (a path C2 has not seen can be compiled out,
        // and the first short batch then drops the step back to the interpreter until it is recompiled)
        int remainder = data.train().count() % batch;
        int batches = WARMUP_BATCHES + (remainder > 0 ? 1 : 0);
        int rows = WARMUP_BATCHES * batch + remainder;
        Splits fake = SyntheticData.blobs(spec.inputs(), spec.classes(), rows, batch, 2 * batch,
                1.0, config.seed() ^ 0x5DEECE66DL);
        backend.init(spec, initial, optimizer);
        backend.upload(fake);
        // an evaluation first as well as last: the JIT then compiles the step's code having seen the evaluation's
        // paths too, and does not recompile at the timed run's first evaluation
        backend.evaluate(Backend.Split.VALIDATION);
        int[] order = new int[rows];
        EpochOrder.fill(order, config.seed() ^ 0x5DEECE66DL, 0);
        HyperparameterTable lrZero = optimizer.configured();  // lr 0: the throwaway model does not move
        backend.beginEpoch(order);
        java.util.function.LongSupplier jit = jitMillis;
        boolean watchJit = warmupMaxSeconds > 0 && jit != null;
        long start = System.nanoTime(), quietSince = start, compiled = watchJit ? jit.getAsLong() : 0;
        int s = 0;
        boolean quiet = false;
        for (; ; s++) {
            long now = System.nanoTime();
            double elapsed = (now - start) * 1e-9;
            if (watchJit) {
                long c = jit.getAsLong();
                if (c != compiled) {
                    compiled = c;
                    quietSince = now;
                }
                quiet = (now - quietSince) * 1e-9 >= JIT_QUIET_SECONDS;
            }
            boolean minimumDone = s >= warmupSteps && (elapsed >= warmupSeconds || s >= 20 * warmupSteps);
            if (minimumDone && (!watchJit || quiet || elapsed >= warmupMaxSeconds)) break;
            int offset = (s % batches) * batch;
            backend.trainStep(offset, Math.min(batch, rows - offset), lrZero);
        }
        warmedSteps = s;
        warmedSeconds = (System.nanoTime() - start) * 1e-9;
        warmedJitQuiet = watchJit && quiet;
        backend.endEpoch();
        backend.evaluate(Backend.Split.VALIDATION);
        backend.evaluate(Backend.Split.TEST);
    }

    /**
     * Evaluates, records, steps a metric-driven schedule and decides whether to stop (at a divergence, with the test
     * split evaluated too). The record's times are the timed totals at the end of this evaluation (patched in by
     * {@link #fixElapsed}).
     */
    private boolean record(TrainConfig config, LrScheduler scheduler, double epoch, long step, double lr,
                           long trainNanos, long evalNanos, boolean withTest) {
        double trainLoss = backend.drainMeanLoss();
        Backend.Evaluation val = backend.evaluate(Backend.Split.VALIDATION);
        double valLoss = val.loss();
        boolean diverged = !Double.isFinite(trainLoss) || !Double.isFinite(valLoss);
        boolean testNow = withTest || diverged;  // a diverged run's last record has its test numbers
        Backend.Evaluation test = testNow ? backend.evaluate(Backend.Split.TEST) : new Backend.Evaluation(Double.NaN, Double.NaN, 0);
        diverged |= testNow && !Double.isFinite(test.loss());
        EpochRecord r = new EpochRecord(epoch, step, trainLoss, valLoss, val.accuracy(),
                test.loss(), test.accuracy(), lr, trainNanos * 1e-9, evalNanos * 1e-9);
        boolean reachedNow;
        synchronized (lock) {
            records.add(r);
            reachedNow = status == RunStatus.NOT_REACHED && !diverged && val.accuracy() >= config.target();
            if (diverged) status = RunStatus.DIVERGED;
            else if (reachedNow) {
                status = RunStatus.REACHED;
                epochsToTarget = epoch;
            }
        }
        if (!diverged && scheduler.needsMetric()) scheduler.step(valLoss);
        return diverged || (config.stopAtTarget() && status == RunStatus.REACHED);
    }

    /** Replaces the last record's times with the totals including its own evaluation. */
    private void fixElapsed(long trainNanos, long evalNanos, TrainListener listener) {
        EpochRecord fixed;
        synchronized (lock) {
            EpochRecord r = records.get(records.size() - 1);
            fixed = new EpochRecord(r.epoch(), r.step(), r.trainLoss(), r.valLoss(), r.valAccuracy(),
                    r.testLoss(), r.testAccuracy(), r.lr(), trainNanos * 1e-9, evalNanos * 1e-9);
            records.set(records.size() - 1, fixed);
            if (status == RunStatus.REACHED && Double.isNaN(timeToTarget)) timeToTarget = fixed.timedSeconds(evalOnClock);
        }
        listener.onRecord(fixed);
    }

    private static double[][] emptySeries() {
        double[][] out = new double[Hyperparameter.COUNT][];
        for (int h = 0; h < out.length; h++) out[h] = new double[0];
        return out;
    }

    /** The entries of a per-step record for the steps taken so far (all of it when it is shorter). */
    private double[] stepsSoFar(double[] perStep) {
        return Arrays.copyOf(perStep, (int) Math.min(steps, perStep.length));
    }

    /**
     * The run so far as a {@link RunResult} (safe to call from another thread, e.g. a shutdown hook); after
     * {@link #run} returns, the final result.
     */
    public RunResult snapshot() {
        synchronized (lock) {
            if (config == null) throw new IllegalStateException("no run started");
            double best = Double.NaN, last = Double.NaN;
            for (EpochRecord r : records) {
                if (Double.isNaN(r.testAccuracy())) continue;  // an evaluation without the test split
                if (Double.isNaN(best) || r.testAccuracy() > best) best = r.testAccuracy();
                last = r.testAccuracy();
            }
            double[][] soFar = new double[Hyperparameter.COUNT][];
            for (int h = 0; h < soFar.length; h++) soFar[h] = stepsSoFar(perStep[h]);
            return new RunResult(config, backend.description(), status, timeToTarget, epochsToTarget, best, last,
                    setupSeconds, List.copyOf(records), soFar);
        }
    }
}
