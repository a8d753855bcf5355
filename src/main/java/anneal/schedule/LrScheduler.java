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

    /** Whether this scheduler also sets the optimizer's momentum (CyclicLR, OneCycleLR with cycle_momentum). */
    default boolean schedulesMomentum() {
        return false;
    }

    /** Scheduled momentum of group {@code group}; {@code NaN} when {@link #schedulesMomentum()} is false. */
    default double momentum(int group) {
        return Double.NaN;
    }

    /** Whether this scheduler also sets the optimizer's weight decay ({@link CoScheduleLR}). */
    default boolean schedulesWeightDecay() {
        return false;
    }

    /** Scheduled weight decay of group {@code group}; {@code NaN} when {@link #schedulesWeightDecay()} is false. */
    default double weightDecay(int group) {
        return Double.NaN;
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
