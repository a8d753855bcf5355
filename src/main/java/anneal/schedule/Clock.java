package anneal.schedule;

/**
 * A schedule's time ({@link LrScheduler#clock()}): how often a training loop calls {@link LrScheduler#step()} (the
 * chapter's "Update Frequency" column) and the unit its own lengths are written in. Optimizer steps, whole epochs,
 * or fractional epochs: a schedule stepped per optimizer step whose lengths are in epochs, e.g.
 * CosineAnnealingWarmRestarts with {@code steps_per_epoch}, whose {@code T_0} counts epochs while it is stepped
 * {@code steps_per_epoch} times per epoch. Metric-driven schedules ({@link LrScheduler#needsMetric()}) are stepped
 * after each evaluation instead.
 */
public enum Clock {
    /** Lengths in optimizer steps; one {@code step()} after every optimizer step (CyclicLR, OneCycleLR, warmups). */
    STEP,
    /** Lengths in epochs; one {@code step()} after every epoch (StepLR, CosineAnnealingLR, ...). */
    EPOCH,
    /** Lengths in epochs; one {@code step()} after every optimizer step, advancing {@code 1 / steps_per_epoch} epoch. */
    FRACTIONAL_EPOCH;

    /** Whether a training loop calls {@code step()} after every optimizer step (STEP, FRACTIONAL_EPOCH), else per epoch. */
    public boolean perStep() {
        return this != EPOCH;
    }

    /** {@link #STEP} if {@code perStep}, else {@link #EPOCH}: the clock of a composite whose parts run at either. */
    public static Clock of(boolean perStep) {
        return perStep ? STEP : EPOCH;
    }

    /**
     * The number of {@code step()} calls a run of {@code epochs} epochs of {@code stepsPerEpoch} optimizer steps
     * makes on this clock.
     */
    public long calls(long epochs, long stepsPerEpoch) {
        Check.atLeast("clock", "epochs", epochs, 0);
        Check.atLeast("clock", "steps_per_epoch", stepsPerEpoch, 1);
        return this == EPOCH ? epochs : epochs * stepsPerEpoch;
    }

    /** How many of this clock's length units one {@code step()} call covers, for a run of {@code stepsPerEpoch}. */
    public double unitsPerCall(long stepsPerEpoch) {
        Check.atLeast("clock", "steps_per_epoch", stepsPerEpoch, 1);
        return this == FRACTIONAL_EPOCH ? 1.0 / stepsPerEpoch : 1.0;
    }
}
