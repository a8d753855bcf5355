package anneal.schedule;

import anneal.ConfigurationException;
import java.util.List;
import java.util.Map;

/**
 * PyTorch {@code ChainedScheduler(schedulers)}: every {@code step()} steps each child in order on the shared
 * groups, so chainable children multiply their effects (e.g. ConstantLR then ExponentialLR gives
 * {@code base * factor * gamma^t} while the constant lasts). Construction steps nothing (as PyTorch). Counterparts:
 * none in optax/Keras (multiply two schedule functions there); timm's noise on top of a schedule is the closest.
 *
 * <p>Anneal extension: a {@link ReduceLROnPlateau} child (PyTorch refuses one) is a metric-driven multiplier on
 * the lr the other children produce (see {@link ReduceLROnPlateau}); {@link #step(double)} passes the metric to
 * every child that needs one, and {@link #step()} is refused when one does. The lr before the multipliers is part
 * of the saved state.
 */
public final class ChainedScheduler extends CompositeScheduler {
    /** The lr the children other than plateaus left (the multipliers apply on top); null without plateaus. */
    private final double[] scheduled;

    public ChainedScheduler(ParamGroups groups, List<? extends TorchScheduler> schedulers) {
        super(groups, "ChainedScheduler", schedulers);
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
    void rewindOneEpoch(TorchVersion undoneBy) {
        if (undoneBy == TorchVersion.V2) {
            super.rewindOneEpoch(undoneBy);
            return;
        }
        throw new ConfigurationException("ChainedScheduler cannot be inside SequentialLR (PyTorch 1.13: it has no "
                + "last_epoch); put the SequentialLR inside the ChainedScheduler instead");
    }

    @Override
    protected void saveExtra(Map<String, Object> out) {
        super.saveExtra(out);
        if (scheduled != null) out.put("scheduled_lr", StateValues.doubles(scheduled));
    }

    @Override
    protected void loadExtra(Map<String, Object> state) {
        super.loadExtra(state);
        if (scheduled != null) StateValues.readDoubles(state, "scheduled_lr", scheduled);
    }

    /** Every child, over every call. */
    @Override
    public Shape shape() {
        List<Shape.Part> parts = new java.util.ArrayList<>();
        for (TorchScheduler s : schedulers) parts.add(new Shape.Part(s.shape(), 0, Long.MAX_VALUE));
        return new Shape(name, List.of(), List.of(), parts, Double.NaN, null);
    }
}
