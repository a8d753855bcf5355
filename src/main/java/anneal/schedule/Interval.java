package anneal.schedule;

/**
 * How often a training loop calls {@link LrScheduler#step()} for a schedule, as the chapter's
 * "Update Frequency" column: per optimizer step (batch) or per epoch. Metric-driven schedules
 * ({@link LrScheduler#needsMetric()}) are stepped after each evaluation instead.
 */
public enum Interval {
    /** One {@code step()} after every optimizer step (CyclicLR, OneCycleLR, warmup schedules). */
    STEP,
    /** One {@code step()} after every epoch (StepLR, CosineAnnealingLR, ...). */
    EPOCH
}
