package anneal.schedule;

import java.util.List;
import java.util.Map;

/**
 * PyTorch {@code ChainedScheduler(schedulers)}: every {@code step()} steps each child in order on the shared
 * groups, so chainable children multiply their effects (e.g. ConstantLR then ExponentialLR gives
 * {@code base * factor * gamma^t} while the constant lasts). Construction steps nothing (as PyTorch).
 *
 * <p>Anneal extension: a {@link ReduceLROnPlateau} child (PyTorch refuses one) is a metric-driven multiplier on
 * the lr the other children produce (see {@link ReduceLROnPlateau}); {@link #step(double)} passes the metric to
 * every child that needs one, and {@link #step()} is refused when one does. The lr before the multipliers is part
 * of the saved state.
 */
public final class ChainedScheduler extends TorchScheduler {
    private final TorchScheduler[] schedulers;
    /** The lr the children other than plateaus left (the multipliers apply on top); null without plateaus. */
    private final double[] scheduled;

    public ChainedScheduler(ParamGroups groups, List<? extends TorchScheduler> schedulers) {
        super(groups, "ChainedScheduler");
        this.schedulers = schedulers.toArray(new TorchScheduler[0]);
        if (this.schedulers.length == 0) throw Check.bad(name, "schedulers", "[]", "a non-empty list of schedulers");
        for (TorchScheduler s : this.schedulers) {
            if (s.paramGroups() != groups) {
                throw Check.bad(name, "schedulers", s.name(), "schedulers built on the same param groups");
            }
        }
        lastEpoch = 0;
        boolean multipliers = false;
        for (TorchScheduler s : this.schedulers) multipliers |= s instanceof ReduceLROnPlateau;
        scheduled = multipliers ? groups.lr.clone() : null;
    }

    @Override
    public void step() {
        if (needsMetric()) {
            throw new IllegalStateException(name + " holds a schedule that needs a metric: call step(metric)");
        }
        lastEpoch++;
        for (TorchScheduler s : schedulers) s.step();
    }

    @Override
    public void step(double metric) {
        if (!needsMetric()) {
            step();
            return;
        }
        lastEpoch++;
        if (scheduled != null) System.arraycopy(scheduled, 0, groups.lr, 0, scheduled.length);
        for (TorchScheduler s : schedulers) {
            if (s instanceof ReduceLROnPlateau) continue;
            if (s.needsMetric()) s.step(metric);
            else s.step();
        }
        if (scheduled == null) return;
        System.arraycopy(groups.lr, 0, scheduled, 0, scheduled.length);
        for (TorchScheduler s : schedulers) {
            if (s instanceof ReduceLROnPlateau) ((ReduceLROnPlateau) s).stepAsMultiplier(metric);
        }
    }

    @Override
    public boolean needsMetric() {
        return Composites.anyNeedsMetric(schedulers);
    }

    @Override
    void rewindOneEpoch() {
        throw new IllegalArgumentException("ChainedScheduler cannot be inside SequentialLR (PyTorch 1.13: it has no "
                + "last_epoch); put the SequentialLR inside the ChainedScheduler instead");
    }

    @Override
    public void stepToEpoch(double epoch) {
        throw new IllegalArgumentException("ChainedScheduler cannot step to an epoch (PyTorch 1.13 raises TypeError)");
    }

    @Override
    public boolean supportsStepToEpoch() {
        return false;
    }

    @Override
    public boolean schedulesMomentum() {
        return Composites.anySchedulesMomentum(schedulers);
    }

    @Override
    public boolean schedulesWeightDecay() {
        return Composites.anySchedulesWeightDecay(schedulers);
    }

    @Override
    public Interval interval() {
        return Composites.interval(schedulers);
    }

    @Override
    protected void saveExtra(Map<String, Object> out) {
        out.put("_schedulers", Composites.states(schedulers));
        if (scheduled != null) out.put("scheduled_lr", StateValues.doubles(scheduled));
    }

    @Override
    protected void loadExtra(Map<String, Object> state) {
        Composites.load(schedulers, state);
        if (scheduled != null) StateValues.readDoubles(state, "scheduled_lr", scheduled);
    }
}
