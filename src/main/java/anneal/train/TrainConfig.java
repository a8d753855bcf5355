package anneal.train;

import anneal.optim.SgdConfig;
import anneal.ConfigurationException;

/**
 * Everything that defines one training run. Two runs with equal configs on the same backend and
 * thread count produce the same numbers.
 *
 * @param scheduleSpec   schedule spec string (PyTorch class and argument names)
 * @param lr             the optimizer's lr (PyTorch {@code SGD(lr=...)}), the schedules' base lr
 * @param epochs         epochs to run at most
 * @param batchSize      samples per optimizer step
 * @param target         validation accuracy that counts as reached, in (0, 1] (test accuracy is only reported)
 * @param seed           seeds initialisation, the validation split and every epoch's shuffle
 * @param hidden         hidden layer widths of the MLP
 * @param sgd            SGD hyper-parameters other than the lr
 * @param noDecayOnBias  put biases in a second optimizer group without weight decay
 * @param validationSize training images held out for validation
 * @param evalEverySteps also evaluate every N optimizer steps (0: only at epoch ends)
 * @param stopAtTarget   stop the run at the first evaluation that reaches the target
 */
public record TrainConfig(String scheduleSpec, double lr, int epochs, int batchSize, double target, long seed,
                          int[] hidden, SgdConfig sgd, boolean noDecayOnBias, int validationSize,
                          int evalEverySteps, boolean stopAtTarget) {
    public TrainConfig {
        if (epochs < 1) throw ConfigurationException.of("train", "epochs", epochs, "an integer >= 1");
        if (batchSize < 1) throw ConfigurationException.of("train", "batch", batchSize, "an integer >= 1");
        if (!(target > 0 && target <= 1)) throw ConfigurationException.of("train", "target", target, "a number in (0, 1]");
        if (!(lr > 0) || Double.isInfinite(lr)) throw ConfigurationException.of("train", "lr", lr, "a finite number > 0");
        if (validationSize < 0) throw ConfigurationException.of("train", "validation", validationSize, "an integer >= 0");
        if (evalEverySteps < 0) throw ConfigurationException.of("train", "eval-every", evalEverySteps, "an integer >= 0");
        for (int h : hidden) if (h < 1) throw ConfigurationException.of("train", "hidden", hidden, "layer widths >= 1");
        hidden = hidden.clone();
    }

    /** The hidden layer widths (a copy: the record stays immutable). */
    @Override
    public int[] hidden() {
        return hidden.clone();
    }

    /** Equal when every component is equal, the hidden widths compared by value (a record compares arrays by identity). */
    @Override
    public boolean equals(Object o) {
        return o instanceof TrainConfig c && scheduleSpec.equals(c.scheduleSpec) && Double.compare(lr, c.lr) == 0
                && epochs == c.epochs && batchSize == c.batchSize && Double.compare(target, c.target) == 0 && seed == c.seed
                && java.util.Arrays.equals(hidden, c.hidden) && sgd.equals(c.sgd) && noDecayOnBias == c.noDecayOnBias
                && validationSize == c.validationSize && evalEverySteps == c.evalEverySteps && stopAtTarget == c.stopAtTarget;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(scheduleSpec, lr, epochs, batchSize, target, seed, java.util.Arrays.hashCode(hidden), sgd,
                noDecayOnBias, validationSize, evalEverySteps, stopAtTarget);
    }

    @Override
    public String toString() {
        return "TrainConfig[" + scheduleSpec + ", lr=" + lr + ", epochs=" + epochs + ", batch=" + batchSize + ", target="
                + target + ", seed=" + seed + ", hidden=" + java.util.Arrays.toString(hidden) + ", " + sgd + ", noDecayOnBias="
                + noDecayOnBias + ", validation=" + validationSize + ", evalEvery=" + evalEverySteps + ", stopAtTarget="
                + stopAtTarget + "]";
    }

    /** Optimizer steps per epoch over {@code trainCount} images: {@code ceil(trainCount / batchSize)}, the last batch kept. */
    public int stepsPerEpoch(int trainCount) {
        return stepsPerEpoch(trainCount, batchSize);
    }

    /**
     * Optimizer steps per epoch of {@code trainCount} images in batches of {@code batchSize}: {@code ceil(n / b)}, as
     * PyTorch's {@code DataLoader(drop_last=False)}. The one place this is computed (the sweep's budget, the peers,
     * gpu-check and the CLI call it).
     */
    public static int stepsPerEpoch(int trainCount, int batchSize) {
        return (int) ((trainCount + (long) batchSize - 1) / batchSize);
    }

    /** The lr every optimizer group starts at ({@code SGD(lr=...)}): one group, or two with {@link #noDecayOnBias}. */
    public double[] baseLrs() {
        double[] lrs = new double[noDecayOnBias ? 2 : 1];
        java.util.Arrays.fill(lrs, lr);
        return lrs;
    }
}
