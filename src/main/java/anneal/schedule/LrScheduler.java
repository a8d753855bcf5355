package anneal.schedule;

import java.util.Map;

/**
 * A stateful learning-rate scheduler with PyTorch's interface ({@code torch.optim.lr_scheduler}).
 *
 * <p>Right after construction {@link #lr(int)} is the value PyTorch leaves in
 * {@code optimizer.param_groups[g]['lr']} after the scheduler's constructor; after the i-th
 * {@link #step()} it is the value after the i-th {@code scheduler.step()}. One scheduler drives
 * every parameter group of one optimizer.
 */
public interface LrScheduler {

    /** Advance one tick, as {@code scheduler.step()}. */
    void step();

    /**
     * Advance one tick with a validation metric, as {@code ReduceLROnPlateau.step(metrics)}.
     * Schedules that do not use a metric ignore it.
     */
    default void step(double metric) {
        step();
    }

    /** Number of parameter groups this scheduler drives. */
    int groups();

    /** Current learning rate of parameter group {@code group}. */
    double lr(int group);

    /** {@code get_last_lr()}: a fresh array with the current lr of every group. */
    default double[] lastLr() {
        double[] out = new double[groups()];
        for (int g = 0; g < out.length; g++) out[g] = lr(g);
        return out;
    }

    /**
     * Whether this scheduler sets {@code h} (every scheduler sets {@link Hyperparameter#LR}; CyclicLR and
     * OneCycleLR with {@code cycle_momentum} also momentum; {@link CoScheduleLR} momentum and weight decay).
     */
    default boolean schedules(Hyperparameter h) {
        return h == Hyperparameter.LR;
    }

    /** Current value of {@code h} for group {@code group}; {@code NaN} where {@link #schedules} is false. */
    default double value(Hyperparameter h, int group) {
        return h == Hyperparameter.LR ? lr(group) : Double.NaN;
    }

    /**
     * Writes the current value of every hyperparameter this scheduler sets into {@code table} (one value per
     * group) and leaves the others as they are (the optimizer's configured values). Allocates nothing.
     */
    default void writeTo(HyperparameterTable table) {
        int groups = groups();
        if (table.groups() != groups)
            throw new IllegalArgumentException("the table has " + table.groups() + " groups, the schedule " + groups);
        for (int i = 0; i < Hyperparameter.COUNT; i++) {
            Hyperparameter h = Hyperparameter.of(i);
            if (!schedules(h)) continue;
            for (int g = 0; g < groups; g++) table.set(h, g, value(h, g));
        }
    }

    /** PyTorch's {@code last_epoch} counter: 0 after construction, +1 per step. */
    long lastEpoch();

    /**
     * How often a training loop steps this schedule and the unit its lengths are written in: {@link Clock#STEP},
     * {@link Clock#EPOCH}, or {@link Clock#FRACTIONAL_EPOCH} where a per-step schedule counts epochs.
     */
    Clock clock();

    /** Whether {@link #step(double)} must receive a metric (ReduceLROnPlateau and composites holding one). */
    default boolean needsMetric() {
        return false;
    }

    /** Runtime state as JSON-friendly maps, lists, numbers and strings (PyTorch's {@code state_dict()}). */
    Map<String, Object> stateDict();

    /** Restore state saved by {@link #stateDict()} on a scheduler built from the same spec. */
    void loadStateDict(Map<String, Object> state);
}
