package anneal.schedule;

import anneal.ConfigurationException;
import java.util.function.Function;

/**
 * A scheduler around one inner schedule built on the same groups ({@link WarmupLR}, {@link NoisyLR}): it cannot be
 * stepped to an epoch (so it may only be first in a SequentialLR), and it needs a metric or schedules a
 * hyperparameter besides the lr exactly when its inner schedule does.
 */
abstract class WrappingScheduler extends TorchScheduler {
    /** The wrapped schedule; null where the wrapper allows none (a warmup to a constant lr). */
    protected final OptimizerBound inner;

    WrappingScheduler(ParamGroups groups, String name, Function<ParamGroups, ? extends OptimizerBound> inner) {
        super(groups, name);
        this.inner = inner == null ? null : inner.apply(groups);
        if (this.inner != null && this.inner.paramGroups() != groups) {
            throw Check.bad(name, "scheduler", this.inner, "a schedule built on the same param groups");
        }
    }

    /**
     * For wrappers that put something on top of the inner schedule's lr (noise, per-group scales): the groups hold
     * the result, {@code scheduled} the inner schedule's own lr, which is put back before the inner schedule steps
     * so that its PyTorch recursion never sees what was put on top.
     */
    abstract static class OnTop extends WrappingScheduler {
        /** The inner schedule's own lr. */
        protected final double[] scheduled;

        OnTop(ParamGroups groups, String name, Function<ParamGroups, ? extends OptimizerBound> inner) {
            super(groups, name, java.util.Objects.requireNonNull(inner, name + ": scheduler"));
            scheduled = groups.lr.clone();
            lastEpoch = 0;
        }

        /** Reads the inner schedule's lr into {@link #scheduled} and writes the lr on top into the groups. */
        protected final void putOnTop() {
            System.arraycopy(groups.lr, 0, scheduled, 0, scheduled.length);
            onTop();
        }

        /** Writes the groups' lr from {@link #scheduled} (and {@link #lastEpoch}). */
        protected abstract void onTop();

        @Override
        public void step() {
            stepWith(Double.NaN, false);
        }

        @Override
        public void step(double metric) {
            stepWith(metric, true);
        }

        private void stepWith(double metric, boolean hasMetric) {
            if (!hasMetric && inner.needsMetric()) {
                throw new IllegalStateException(name + " wraps a schedule that needs a metric: call step(metric)");
            }
            System.arraycopy(scheduled, 0, groups.lr, 0, scheduled.length);
            stepCount++;
            lastEpoch++;
            if (hasMetric && inner.needsMetric()) inner.step(metric);
            else inner.step();
            putOnTop();
        }

        /** First in a SequentialLR, the inner schedule is stepped again by the re-run initial step: rewind it too. */
        @Override
        void rewindOneEpoch(TorchVersion undoneBy) {
            super.rewindOneEpoch(undoneBy);
            rewind(inner, undoneBy);
        }

        @Override
        public Clock clock() {
            return inner.clock();
        }

        @Override
        protected void saveExtra(java.util.Map<String, Object> out) {
            out.put("scheduled_lr", StateValues.doubles(scheduled));
            out.put("inner", inner.ownState());
        }

        @Override
        protected void loadExtra(java.util.Map<String, Object> state) {
            StateValues.readDoubles(state, "scheduled_lr", scheduled);
            inner.loadOwnState(StateValues.map(state, "inner"));
        }
    }

    @Override
    protected void markInitial(boolean on) {
        super.markInitial(on);
        markInitial(inner, on);
    }

    /** SequentialLR's {@code last_epoch -= 1} on a part this wrapper steps on each of its own steps (or null). */
    static void rewind(OptimizerBound part, TorchVersion undoneBy) {
        if (part instanceof TorchScheduler) ((TorchScheduler) part).rewindOneEpoch(undoneBy);
    }

    @Override
    public void stepToEpoch(double epoch) {
        throw new ConfigurationException(name + " cannot step to an epoch; put it first in SequentialLR");
    }

    @Override
    public boolean supportsStepToEpoch() {
        return false;
    }

    @Override
    public boolean needsMetric() {
        return inner != null && inner.needsMetric();
    }

    @Override
    public boolean schedules(Hyperparameter h) {
        return h == Hyperparameter.LR || inner != null && inner.schedules(h);
    }
}
