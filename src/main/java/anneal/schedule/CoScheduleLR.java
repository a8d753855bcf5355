package anneal.schedule;

import java.util.Map;
import java.util.function.Function;

/**
 * Co-schedules momentum and weight decay by any schedule, not only CyclicLR and OneCycleLR: the lr follows the
 * wrapped schedule; momentum follows a second schedule whose "lr" starts at {@code base_momentum} (per group),
 * and weight decay a third that starts at {@code base_weight_decay} (default: the optimizer's {@code weight_decay} per
 * group, so a group without weight decay keeps none under a multiplicative schedule). E.g. momentum by
 * {@code CosineAnnealingLR(T_max=T)} from 0.95 is {@code 0.95 (1 + cos(pi t / T)) / 2}. All three step together
 * (metric-driven parts receive the metric); the momentum schedule overrides momentum the lr schedule may cycle.
 * The co-scheduled values are written to the groups' {@code momentum} and {@code weight_decay} (what the optimizer
 * reads, and what composites around this one expose) and read through {@link #value}. Counts per step if any part does, else per epoch.
 */
public final class CoScheduleLR extends WrappingScheduler {
    private final OptimizerBound momentum;
    private final OptimizerBound weightDecay;

    /**
     * @param momentum builds the momentum schedule on groups starting at {@code baseMomentum} (null: not co-scheduled)
     * @param weightDecay builds the weight-decay schedule on groups starting at {@code baseWeightDecay} (or null)
     * @param baseWeightDecay per group; null: the groups' {@link ParamGroups#weightDecay(int) weight_decay}
     */
    public CoScheduleLR(ParamGroups groups, Function<ParamGroups, ? extends OptimizerBound> inner,
            Function<ParamGroups, ? extends OptimizerBound> momentum, double[] baseMomentum,
            Function<ParamGroups, ? extends OptimizerBound> weightDecay, double[] baseWeightDecay) {
        super(groups, "CoScheduleLR", java.util.Objects.requireNonNull(inner, "CoScheduleLR: scheduler"));
        if (momentum == null && weightDecay == null) {
            throw Check.bad(name, "momentum", "None", "a momentum or weight_decay schedule (or both)");
        }
        this.momentum = momentum == null ? null
                : momentum.apply(ParamGroups.of(Check.perGroup(name, "base_momentum", baseMomentum, groups.size())));
        this.weightDecay = weightDecay == null ? null : weightDecay.apply(
                ParamGroups.of(baseWeightDecay == null ? groups.weightDecay.clone()
                        : Check.perGroup(name, "base_weight_decay", baseWeightDecay, groups.size())));
        lastEpoch = 0;
        writeCoScheduled();
    }

    private void writeCoScheduled() {
        for (int g = 0; g < groups.size(); g++) {
            if (momentum != null) groups.momentum[g] = momentum.lr(g);
            if (weightDecay != null) groups.weightDecay[g] = weightDecay.lr(g);
        }
    }

    @Override
    public void step() {
        if (needsMetric()) throw new IllegalStateException(name + " holds a schedule that needs a metric: call step(metric)");
        stepWith(Double.NaN);
    }

    @Override
    public void step(double metric) {
        stepWith(metric);
    }

    private void stepWith(double metric) {
        stepCount++;
        lastEpoch++;
        stepPart(inner, metric);
        stepPart(momentum, metric);
        stepPart(weightDecay, metric);
        writeCoScheduled();
    }

    @Override
    protected void markInitial(boolean on) {
        super.markInitial(on);
        markInitial(momentum, on);
        markInitial(weightDecay, on);
    }

    /** First in a SequentialLR, every part is stepped again by the re-run initial step: rewind them all. */
    @Override
    void rewindOneEpoch(TorchVersion undoneBy) {
        super.rewindOneEpoch(undoneBy);
        rewind(inner, undoneBy);
        rewind(momentum, undoneBy);
        rewind(weightDecay, undoneBy);
    }

    private static void stepPart(OptimizerBound part, double metric) {
        if (part == null) return;
        if (part.needsMetric()) part.step(metric);
        else part.step();
    }

    @Override
    public boolean needsMetric() {
        return inner.needsMetric() || momentum != null && momentum.needsMetric()
                || weightDecay != null && weightDecay.needsMetric();
    }

    @Override
    public boolean schedules(Hyperparameter h) {
        return h == Hyperparameter.MOMENTUM && momentum != null || h == Hyperparameter.WEIGHT_DECAY && weightDecay != null
                || inner.schedules(h);
    }

    @Override
    public Clock clock() {
        for (OptimizerBound p : new OptimizerBound[] {inner, momentum, weightDecay}) {
            if (p != null && p.clock().perStep()) return Clock.STEP;
        }
        return Clock.EPOCH;
    }

    @Override
    protected void saveExtra(Map<String, Object> out) {
        out.put("inner", inner.ownState());
        if (momentum != null) out.put("momentum", momentum.stateDict());
        if (weightDecay != null) out.put("weight_decay", weightDecay.stateDict());
    }

    @Override
    protected void loadExtra(Map<String, Object> state) {
        inner.loadOwnState(StateValues.map(state, "inner"));
        if (momentum != null) momentum.loadStateDict(StateValues.map(state, "momentum"));
        if (weightDecay != null) weightDecay.loadStateDict(StateValues.map(state, "weight_decay"));
        writeCoScheduled();
    }

    /** The lr schedule's (the momentum and weight-decay schedules set no lr). */
    @Override
    public Shape shape() {
        return Shape.around(name, inner.shape());
    }
}
