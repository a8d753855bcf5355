package anneal.schedule;

import java.util.Map;
import java.util.function.Function;

/**
 * Co-schedules any scheduled hyperparameter other than the lr (today momentum and weight decay, every
 * {@link Hyperparameter} but {@code LR}) by any schedule, not only CyclicLR and OneCycleLR: the lr follows the wrapped
 * schedule; each co-scheduled hyperparameter {@code h} follows its own schedule whose "lr" starts at
 * {@code base_<h.key()>} per group ({@code base_momentum}, {@code base_weight_decay}; by default the optimizer's value,
 * see {@code ScheduleRegistry}), so a group without weight decay keeps none under a multiplicative schedule. E.g.
 * momentum by {@code CosineAnnealingLR(T_max=T)} from 0.95 is {@code 0.95 (1 + cos(pi t / T)) / 2}. All parts step
 * together (metric-driven parts receive the metric); a co-scheduled momentum overrides momentum the lr schedule may
 * cycle. The values are written to the groups' {@code param_groups[g][h.key()]} (what the optimizer reads, and what
 * composites around this one expose) and read through {@link #value}. Counts per step if any part does, else per
 * epoch. Adding a hyperparameter to {@link Hyperparameter} makes it co-schedulable here with no change to this class.
 */
public final class CoScheduleLR extends WrappingScheduler {
    /** One co-scheduled hyperparameter: its schedule, built on groups whose lr is {@code base} (null: the optimizer's value). */
    public record Part(Hyperparameter hyperparameter, Function<ParamGroups, ? extends OptimizerBound> schedule, double[] base) {
        public Part {
            if (hyperparameter == Hyperparameter.LR) throw new IllegalArgumentException("CoScheduleLR: the lr is the wrapped scheduler's");
            java.util.Objects.requireNonNull(schedule, "CoScheduleLR: schedule");
        }
    }

    /** The co-scheduled hyperparameters and, at the same index, their schedules (arrays: stepped without an iterator). */
    private final Hyperparameter[] keys;
    private final OptimizerBound[] parts;

    /** @param parts the co-scheduled hyperparameters, at least one, each at most once */
    public CoScheduleLR(ParamGroups groups, Function<ParamGroups, ? extends OptimizerBound> inner, java.util.List<Part> parts) {
        super(groups, "CoScheduleLR", java.util.Objects.requireNonNull(inner, "CoScheduleLR: scheduler"));
        if (parts.isEmpty()) {
            java.util.List<String> keys = new java.util.ArrayList<>();
            for (Hyperparameter h : Hyperparameter.values()) if (h != Hyperparameter.LR) keys.add(h.key());
            throw Check.bad(name, keys.get(0), "None", "a " + String.join(" or ", keys) + " schedule (one at least)");
        }
        this.keys = new Hyperparameter[parts.size()];
        this.parts = new OptimizerBound[parts.size()];
        java.util.EnumSet<Hyperparameter> seen = java.util.EnumSet.noneOf(Hyperparameter.class);
        for (int i = 0; i < parts.size(); i++) {
            Part p = parts.get(i);
            Hyperparameter h = p.hyperparameter();
            if (!seen.add(h)) throw new IllegalArgumentException("CoScheduleLR: " + h.key() + " twice");
            double[] base = new double[groups.size()];
            if (p.base() == null) for (int g = 0; g < base.length; g++) base[g] = groups.value(h, g);
            else base = Check.perGroup(name, "base_" + h.key(), p.base(), groups.size());
            keys[i] = h;
            this.parts[i] = p.schedule().apply(ParamGroups.of(base));
        }
        lastEpoch = 0;
        writeCoScheduled();
    }

    private void writeCoScheduled() {
        for (int i = 0; i < parts.length; i++) {
            for (int g = 0; g < groups.size(); g++) groups.values.set(keys[i], g, parts[i].lr(g));
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
        for (OptimizerBound p : parts) stepPart(p, metric);
        writeCoScheduled();
    }

    @Override
    protected void markInitial(boolean on) {
        super.markInitial(on);
        for (OptimizerBound p : parts) markInitial(p, on);
    }

    /** First in a SequentialLR, every part is stepped again by the re-run initial step: rewind them all. */
    @Override
    void rewindOneEpoch(TorchVersion undoneBy) {
        super.rewindOneEpoch(undoneBy);
        rewind(inner, undoneBy);
        for (OptimizerBound p : parts) rewind(p, undoneBy);
    }

    private static void stepPart(OptimizerBound part, double metric) {
        if (part == null) return;
        if (part.needsMetric()) part.step(metric);
        else part.step();
    }

    @Override
    public boolean needsMetric() {
        if (inner.needsMetric()) return true;
        for (OptimizerBound p : parts) if (p.needsMetric()) return true;
        return false;
    }

    @Override
    public boolean schedules(Hyperparameter h) {
        for (Hyperparameter k : keys) if (k == h) return true;
        return inner.schedules(h);
    }

    @Override
    public Clock clock() {
        if (inner.clock().perStep()) return Clock.STEP;
        for (OptimizerBound p : parts) if (p.clock().perStep()) return Clock.STEP;
        return Clock.EPOCH;
    }

    @Override
    protected void saveExtra(Map<String, Object> out) {
        out.put("inner", inner.ownState());
        for (int i = 0; i < parts.length; i++) out.put(keys[i].key(), parts[i].stateDict());
    }

    @Override
    protected void loadExtra(Map<String, Object> state) {
        inner.loadOwnState(StateValues.map(state, "inner"));
        for (int i = 0; i < parts.length; i++) parts[i].loadStateDict(StateValues.map(state, keys[i].key()));
        writeCoScheduled();
    }

    /** The lr schedule's (the co-scheduled parts set no lr). */
    @Override
    public Shape shape() {
        return Shape.around(name, inner.shape());
    }
}
