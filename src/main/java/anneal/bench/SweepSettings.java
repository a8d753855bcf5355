package anneal.bench;

import anneal.ConfigurationException;
import anneal.optim.SgdConfig;
import anneal.train.TrainConfig;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Everything a sweep holds fixed across its cells (the paired-comparison protocol: same model, optimizer,
 * batch, target, data split and evaluation cadence for every schedule). Stored in the journal's header so
 * that the forked benchmark JVMs and {@code --resume} use exactly the settings the journal was started with.
 *
 * @param target         test accuracy that counts as reached, in (0, 1]
 * @param batch          samples per optimizer step
 * @param hidden         hidden layer widths
 * @param momentum       SGD momentum
 * @param nesterov       Nesterov momentum
 * @param weightDecay    SGD weight decay
 * @param validationSize images held out of train for validation (ReduceLROnPlateau's metric)
 * @param evalEvery      also evaluate every N steps (0: at epoch ends only)
 * @param dataDir        Fashion-MNIST IDX folder
 */
public record SweepSettings(double target, int batch, int[] hidden, double momentum, boolean nesterov,
                            double weightDecay, int validationSize, int evalEvery, String dataDir) {
    /** Training defaults of the harness (issue #3): 784-256-10, SGD 0.9 Nesterov, weight decay 5e-4, batch 128. */
    public static SweepSettings defaults(Path dataDir) {
        return new SweepSettings(0.88, 128, new int[] {256}, 0.9, true, 5e-4, 5000, 0, dataDir.toString());
    }

    public SweepSettings {
        if (!(target > 0 && target <= 1))
            throw new ConfigurationException("--target must be in (0, 1], got " + target);
        if (batch < 1) throw new ConfigurationException("--batch must be >= 1, got " + batch);
        if (evalEvery < 0) throw new ConfigurationException("--eval-every must be >= 0, got " + evalEvery);
        hidden = hidden.clone();
    }

    /** The training config of {@code cell} (schedule spec resolved for {@code stepsPerEpoch}). */
    public TrainConfig trainConfig(SweepCell cell, int stepsPerEpoch) {
        CatalogueEntry entry = ScheduleCatalogue.get(cell.schedule());
        String spec = entry.spec(new Budget(cell.epochs(), stepsPerEpoch));
        return new TrainConfig(spec, entry.baseLr(), cell.epochs(), batch, target, cell.seed(), hidden,
                new SgdConfig(momentum, 0, nesterov, weightDecay), false, validationSize, evalEvery, false);
    }

    /** Whether two settings describe the same protocol (used by {@code --resume}). */
    public String differenceFrom(SweepSettings other) {
        if (target != other.target) return "target " + other.target + " vs " + target;
        if (batch != other.batch) return "batch " + other.batch + " vs " + batch;
        if (!Arrays.equals(hidden, other.hidden))
            return "hidden " + Arrays.toString(other.hidden) + " vs " + Arrays.toString(hidden);
        if (momentum != other.momentum || nesterov != other.nesterov || weightDecay != other.weightDecay)
            return "optimizer settings";
        if (validationSize != other.validationSize) return "validation size " + other.validationSize + " vs " + validationSize;
        if (evalEvery != other.evalEvery) return "eval-every " + other.evalEvery + " vs " + evalEvery;
        return null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SweepSettings s && differenceFrom(s) == null && dataDir.equals(s.dataDir);
    }

    @Override
    public int hashCode() {
        return Double.hashCode(target) * 31 + batch;
    }

    @Override
    public String toString() {
        return "target=" + target + " batch=" + batch + " hidden=" + Arrays.toString(hidden) + " momentum=" + momentum
                + (nesterov ? " nesterov" : "") + " weight_decay=" + weightDecay + " validation=" + validationSize
                + " eval_every=" + evalEvery;
    }
}
