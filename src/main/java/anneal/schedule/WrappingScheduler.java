package anneal.schedule;

import java.util.function.Function;

/**
 * A scheduler around one inner schedule built on the same groups ({@link WarmupLR}, {@link NoisyLR}): it cannot be
 * stepped to an epoch (so it may only be first in a SequentialLR), and it needs a metric or schedules momentum
 * exactly when its inner schedule does.
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

    @Override
    public void stepToEpoch(double epoch) {
        throw new IllegalArgumentException(name + " cannot step to an epoch; put it first in SequentialLR");
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
    public boolean schedulesMomentum() {
        return inner != null && inner.schedulesMomentum();
    }
}
