package anneal.bench;

import anneal.ConfigurationException;
/**
 * The training budget a catalogue template is resolved for.
 *
 * @param epochs        epochs of the run
 * @param stepsPerEpoch optimizer steps per epoch ({@code ceil(train images / batch)})
 */
public record Budget(int epochs, int stepsPerEpoch) {
    public Budget {
        if (epochs < 1) throw new ConfigurationException("epochs must be >= 1, got " + epochs);
        if (stepsPerEpoch < 1) throw new ConfigurationException("steps per epoch must be >= 1, got " + stepsPerEpoch);
    }

    /** Steps per epoch for {@code trainImages} images in batches of {@code batch} (the last batch may be partial). */
    public static Budget of(int epochs, int trainImages, int batch) {
        return new Budget(epochs, anneal.train.TrainConfig.stepsPerEpoch(trainImages, batch));
    }

    /** Total optimizer steps of the run. */
    public int totalSteps() {
        return epochs * stepsPerEpoch;
    }

    /** {@code fraction} of the run in optimizer steps, at least 1. */
    public int steps(double fraction) {
        return Math.max(1, (int) Math.round(fraction * totalSteps()));
    }

    /** {@code fraction} of the run in whole epochs, at least 1. */
    public int epochs(double fraction) {
        return Math.max(1, (int) Math.round(fraction * epochs));
    }
}
