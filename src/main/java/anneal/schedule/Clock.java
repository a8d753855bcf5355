package anneal.schedule;

/**
 * The time a schedule's own parameters are written in ({@link LrScheduler#clock()}), finer than the
 * {@link Interval} a training loop steps it at: optimizer steps, whole epochs, or fractional epochs (a schedule
 * stepped per optimizer step whose lengths are in epochs, e.g. CosineAnnealingWarmRestarts with
 * {@code steps_per_epoch}: its {@code T_0} counts epochs while it is stepped {@code steps_per_epoch} times per
 * epoch).
 */
public enum Clock {
    /** Lengths in optimizer steps; stepped once per step. */
    STEP,
    /** Lengths in epochs; stepped once per epoch. */
    EPOCH,
    /** Lengths in epochs; stepped once per optimizer step, advancing {@code 1 / steps_per_epoch} epoch each. */
    FRACTIONAL_EPOCH;

    /** How often a training loop calls {@code step()}: per step for STEP and FRACTIONAL_EPOCH, else per epoch. */
    public Interval interval() {
        return this == EPOCH ? Interval.EPOCH : Interval.STEP;
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
