package anneal.schedule;

import java.util.List;

/**
 * PyTorch {@code SequentialLR(schedulers, milestones)}: scheduler {@code i} drives the lr from milestone
 * {@code i-1} on. Reproduces PyTorch 1.13 exactly, quirks included: construction resets every group's lr to
 * {@code initial_lr}, rewinds every child's {@code last_epoch} by one and re-runs the first child's initial
 * step; at a milestone the next child is stepped with {@code step(0)} (its closed form at epoch 0), and every
 * other tick with {@code step()}, which for chainable children continues from the lr the previous child
 * left. Children must be built on the same {@link ParamGroups}, in order, before this. 2.x ({@link TorchVersion}):
 * the undo recurses into nested composites (so a ChainedScheduler may come first), and MultiplicativeLR applies
 * {@code f(0)} at its milestone. Counterparts: optax {@code join_schedules(schedules, boundaries)} (each part
 * counts from 0 at its boundary, no re-stepping quirks), timm/transformers warmup-then-decay functions.
 *
 * <p>Anneal extension: a {@link ReduceLROnPlateau} may be a segment (PyTorch refuses it); {@link #step(double)}
 * passes the metric to the active segment when it needs one, and {@link #step()} is refused while it does.
 */
public final class SequentialLR extends CompositeScheduler {
    private final long[] milestones;

    public SequentialLR(ParamGroups groups, List<? extends TorchScheduler> schedulers, long[] milestones) {
        super(groups, "SequentialLR", schedulers);
        if (milestones.length != this.schedulers.length - 1) {
            throw Check.bad(name, "milestones", milestones, "exactly one milestone fewer than schedulers ("
                    + (this.schedulers.length - 1) + ")");
        }
        for (int i = 0; i < milestones.length; i++) {
            if (milestones[i] < 0 || (i > 0 && milestones[i] < milestones[i - 1])) {
                throw Check.bad(name, "milestones", milestones, "non-decreasing integers >= 0");
            }
        }
        for (int i = 0; i < this.schedulers.length; i++) {
            TorchScheduler s = this.schedulers[i];
            if (i > 0 && !s.supportsStepToEpoch()) {
                throw Check.bad(name, "schedulers", s.name(), "after the first position only schedulers PyTorch can "
                        + "step(0) at a milestone (not SequentialLR, ChainedScheduler or warmup wrappers)");
            }
        }
        this.milestones = milestones.clone();
        lastEpoch = resumeEpoch + 1;
        System.arraycopy(groups.initialLr, 0, groups.lr, 0, groups.size());
        for (TorchScheduler s : this.schedulers) s.rewindOneEpoch(torch);
        this.schedulers[0].initialStep();
    }

    @Override
    public void step() {
        advance(Double.NaN, false);
    }

    @Override
    public void step(double metric) {
        advance(metric, true);
    }

    private void advance(double metric, boolean hasMetric) {
        int idx = 0; // bisect_right(milestones, lastEpoch + 1)
        while (idx < milestones.length && milestones[idx] <= lastEpoch + 1) idx++;
        TorchScheduler s = schedulers[idx];
        boolean milestone = idx > 0 && milestones[idx - 1] == lastEpoch + 1;
        if (!milestone && !hasMetric && s.needsMetric()) {
            throw new IllegalStateException(name + ": segment " + idx + " (" + s.name() + ") needs a metric: call "
                    + "step(metric)");
        }
        lastEpoch++;
        if (milestone) s.stepToEpoch(0);
        else if (hasMetric && s.needsMetric()) s.step(metric);
        else s.step();
    }

    /** Its milestones (each a join) and its children, child {@code i} from milestone {@code i - 1} to milestone {@code i}. */
    @Override
    public Shape shape() {
        List<Shape.Length> lengths = new java.util.ArrayList<>();
        List<Shape.Join> joins = new java.util.ArrayList<>();
        List<Shape.Part> parts = new java.util.ArrayList<>();
        for (int i = 0; i < schedulers.length; i++) {
            if (i < milestones.length) {
                lengths.add(Shape.Length.milestone("milestones", milestones[i], "schedulers[" + (i + 1) + "] never runs"));
                joins.add(new Shape.Join(milestones[i], "SequentialLR milestone"));
            }
            parts.add(new Shape.Part(schedulers[i].shape(), i == 0 ? 0 : milestones[i - 1],
                    i < milestones.length ? milestones[i] : Long.MAX_VALUE));
        }
        return new Shape(name, lengths, joins, parts, Double.NaN, null);
    }
}
