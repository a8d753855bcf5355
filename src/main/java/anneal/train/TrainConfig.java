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

    /** Optimizer steps per epoch over {@code trainCount} images: {@code ceil(trainCount / batchSize)}, the last batch kept. */
    public int stepsPerEpoch(int trainCount) {
        return (trainCount + batchSize - 1) / batchSize;
    }

    /** The lr every optimizer group starts at ({@code SGD(lr=...)}): one group, or two with {@link #noDecayOnBias}. */
    public double[] baseLrs() {
        double[] lrs = new double[noDecayOnBias ? 2 : 1];
        java.util.Arrays.fill(lrs, lr);
        return lrs;
    }
}
