package anneal.bench;

import anneal.ConfigurationException;
import anneal.optim.SgdConfig;
import anneal.schedule.Budget;
import anneal.train.TrainConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import anneal.tuning.SearchSpace;

/**
 * Everything a sweep holds fixed across its cells (the paired-comparison protocol: same model, optimizer,
 * batch, target, data split and evaluation cadence for every schedule). Stored in the journal's header so
 * that the forked benchmark JVMs and {@code --resume} use exactly the settings the journal was started with.
 *
 * @param target         <b>validation</b> accuracy that counts as reached, in (0, 1); test accuracy is reported only
 * @param batch          samples per optimizer step
 * @param hidden         hidden layer widths
 * @param momentum       SGD momentum
 * @param nesterov       Nesterov momentum
 * @param weightDecay    SGD weight decay
 * @param validationSize images held out of train for validation (ReduceLROnPlateau's metric)
 * @param evalEvery      evaluate every N steps (0: use {@code evalsPerEpoch})
 * @param dataDir        Fashion-MNIST IDX folder
 * @param evalsPerEpoch  when {@code evalEvery} is 0: evaluate every {@code ceil(steps per epoch / evalsPerEpoch)}
 *                       steps (0: at epoch ends only, as journals before this field)
 * @param evalOnClock    count evaluation time towards time to target (MLPerf) instead of pausing the clock (AlgoPerf)
 * @param trainSize      train on the first N images of the training split (0: all of it)
 * @param targetSource   where the target came from ({@code default}, {@code --target}, or the calibration that set it)
 * @param spaces         a tuned sweep's search space of every catalogue schedule ({@code --space} overrides applied),
 *                       which trial {@code NAME@K} draws its point from; null for an untuned sweep and for journals
 *                       written before the field (then trials use the catalogue's spaces)
 */
public record SweepSettings(double target, int batch, int[] hidden, double momentum, boolean nesterov,
                            double weightDecay, int validationSize, int evalEvery, String dataDir,
                            int evalsPerEpoch, boolean evalOnClock, int trainSize, String targetSource,
                            Map<String, SearchSpace> spaces) {
    /** Evaluations per epoch by default: a quarter epoch, so a 2-epoch budget has at least 8 possible times to target. */
    public static final int DEFAULT_EVALS_PER_EPOCH = 4;

    /** Training defaults of the harness (issue #3): 784-256-10, SGD 0.9 Nesterov, weight decay 5e-4, batch 128. */
    public static SweepSettings defaults(Path dataDir) {
        return new SweepSettings(DEFAULT_TARGET, DEFAULT_BATCH, new int[] {DEFAULT_HIDDEN}, DEFAULT_MOMENTUM, true,
                DEFAULT_WEIGHT_DECAY, DEFAULT_VALIDATION, 0, dataDir.toString(), DEFAULT_EVALS_PER_EPOCH, false, 0, "default");
    }

    // The protocol's defaults, the one place they are written: the sweep's template above, and the defaultValue
    // of train's and lr-find's shared options (cli/TrainingOptions), so `anneal train` with defaults trains a cell.
    /** Validation accuracy to reach (the full sweep's; the default sweep lowers it for its smaller budget). */
    public static final double DEFAULT_TARGET = 0.88;
    /** Batch size; the last, smaller batch of an epoch is kept. */
    public static final int DEFAULT_BATCH = 128;
    /** The width of the one hidden layer. */
    public static final int DEFAULT_HIDDEN = 256;
    /** SGD momentum (Nesterov where PyTorch allows it: momentum > 0 and dampening 0). */
    public static final double DEFAULT_MOMENTUM = 0.9;
    /** SGD dampening: 0, as torch.optim.SGD (the sweep never changes it). */
    public static final double DEFAULT_DAMPENING = 0;
    /** Coupled L2 weight decay, as torch.optim.SGD's weight_decay. */
    public static final double DEFAULT_WEIGHT_DECAY = 5e-4;
    /** Training images held out as the validation split (where the target is measured). */
    public static final int DEFAULT_VALIDATION = 5000;

    /** The SGD hyper-parameters of every cell (dampening {@value #DEFAULT_DAMPENING}, biases decayed like weights). */
    public SgdConfig sgd() {
        return new SgdConfig(momentum, DEFAULT_DAMPENING, nesterov, weightDecay);
    }

    /** The settings of journals written before evaluation cadence, clock and training size were recorded. */
    public SweepSettings(double target, int batch, int[] hidden, double momentum, boolean nesterov, double weightDecay,
                         int validationSize, int evalEvery, String dataDir) {
        this(target, batch, hidden, momentum, nesterov, weightDecay, validationSize, evalEvery, dataDir, 0, false, 0, null);
    }

    /** The settings without recorded search spaces (an untuned sweep). */
    public SweepSettings(double target, int batch, int[] hidden, double momentum, boolean nesterov, double weightDecay,
                         int validationSize, int evalEvery, String dataDir, int evalsPerEpoch, boolean evalOnClock,
                         int trainSize, String targetSource) {
        this(target, batch, hidden, momentum, nesterov, weightDecay, validationSize, evalEvery, dataDir, evalsPerEpoch,
                evalOnClock, trainSize, targetSource, null);
    }

    public SweepSettings {
        if (!(target > 0 && target < 1))
            throw new ConfigurationException("--target must be a validation accuracy in (0, 1), got " + target);
        if (batch < 1) throw new ConfigurationException("--batch must be >= 1, got " + batch);
        if (evalEvery < 0) throw new ConfigurationException("--eval-every must be >= 0, got " + evalEvery);
        if (evalsPerEpoch < 0) throw new ConfigurationException("--evals-per-epoch must be >= 0, got " + evalsPerEpoch);
        if (trainSize < 0) throw new ConfigurationException("--train-size must be >= 0 (0: all), got " + trainSize);
        hidden = hidden.clone();
        if (spaces != null) spaces = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(spaces));
    }

    /** This protocol with {@code newSpaces} as the tuned search spaces (null: none recorded). */
    public SweepSettings withSpaces(Map<String, SearchSpace> newSpaces) {
        return new SweepSettings(target, batch, hidden, momentum, nesterov, weightDecay, validationSize, evalEvery,
                dataDir, evalsPerEpoch, evalOnClock, trainSize, targetSource, newSpaces);
    }

    /**
     * The catalogue entry a cell's schedule names: {@code onecycle}, or trial {@code onecycle@3} at its point of the
     * recorded search space ({@link #spaces()}; the catalogue's own when none is recorded).
     */
    public CatalogueEntry entry(String cellSchedule) {
        CatalogueEntry e = ScheduleCatalogue.get(cellSchedule);
        if (spaces == null || e.trialNumber() == 0) return e;
        SearchSpace space = spaces.get(e.scheduleName());
        return space == null ? e : ScheduleCatalogue.get(e.scheduleName()).withSpace(space).trial(e.trialNumber());
    }

    /** This protocol with another target and the note of where it came from. */
    public SweepSettings withTarget(double newTarget, String source) {
        return new SweepSettings(newTarget, batch, hidden, momentum, nesterov, weightDecay, validationSize, evalEvery,
                dataDir, evalsPerEpoch, evalOnClock, trainSize, source, spaces);
    }

    /** Steps between evaluations for an epoch of {@code stepsPerEpoch} steps (0: epoch ends only). */
    public int evalEverySteps(int stepsPerEpoch) {
        if (evalEvery > 0) return evalEvery;
        if (evalsPerEpoch == 0) return 0;
        return Math.max(1, (stepsPerEpoch + evalsPerEpoch - 1) / evalsPerEpoch);
    }

    /** The training config of {@code cell} (schedule spec resolved for {@code stepsPerEpoch}). */
    public TrainConfig trainConfig(SweepCell cell, int stepsPerEpoch) {
        CatalogueEntry entry = entry(cell.schedule());
        String spec = entry.spec(new Budget(cell.epochs(), stepsPerEpoch));
        return new TrainConfig(spec, entry.baseLr(), cell.epochs(), batch, target, cell.seed(), hidden,
                sgd(), false, validationSize, evalEverySteps(stepsPerEpoch), false);
    }

    /**
     * Equal when the journal header's contract finds no difference ({@link HeaderContract#differences(SweepSettings,
     * SweepSettings)}: every field, the hidden widths by value), the rule {@code --resume} applies.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof SweepSettings s && HeaderContract.differences(this, s).isEmpty();
    }

    @Override
    public int hashCode() {
        return Double.hashCode(target) * 31 + batch;
    }

    @Override
    public String toString() {
        return "target=" + target + " batch=" + batch + " hidden=" + Arrays.toString(hidden) + " momentum=" + momentum
                + (nesterov ? " nesterov" : "") + " weight_decay=" + weightDecay + " validation=" + validationSize
                + (evalEvery > 0 ? " eval_every=" + evalEvery : " evals_per_epoch=" + evalsPerEpoch)
                + (evalOnClock ? " eval_on_clock" : " clock_paused_for_eval") + (trainSize > 0 ? " train_size=" + trainSize : "");
    }
}
