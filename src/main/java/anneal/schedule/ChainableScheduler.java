package anneal.schedule;

import java.util.Map;

/**
 * PyTorch's {@code _LRScheduler.step()}: {@code last_epoch += 1}, compute {@code get_lr()} (the chainable
 * form, which may read the groups' current lr), write it into every group. {@code step(epoch)} uses
 * {@code _get_closed_form_lr()} when the schedule has one, as PyTorch does. Subclass constructors set their
 * fields and then call {@link #start()}, which performs PyTorch's {@code __init__} tail. No allocation per step.
 */
public abstract class ChainableScheduler extends TorchScheduler {
    /** PyTorch's {@code base_lrs}. */
    protected double[] baseLrs;
    private final double[] next;

    protected ChainableScheduler(ParamGroups groups, String name) {
        super(groups, name);
        next = new double[groups.size()];
    }

    /**
     * {@code _LRScheduler.__init__}: set initial_lr, read base_lrs, set {@code last_epoch} (-1, or the epoch resumed
     * from), step once. Resuming, PyTorch requires {@code initial_lr} in every group (KeyError otherwise); Anneal
     * takes the groups' current lr where it is unset.
     */
    protected final void start() {
        groups.setDefaultInitialLr();
        baseLrs = groups.initialLr.clone();
        lastEpoch = resumeEpoch;
        initialStep();
    }

    /** PyTorch's {@code get_lr()} (chainable form) for the current {@link #lastEpoch}, into {@code out}. */
    protected abstract void chainableLr(double[] out);

    /**
     * PyTorch's {@code _get_closed_form_lr()} into {@code out}; returns false when the class has none (then
     * {@code step(epoch)} uses {@code get_lr()}, as PyTorch).
     */
    protected boolean closedFormLr(double[] out) {
        return false;
    }

    @Override
    public void step() {
        stepCount++;
        lastEpoch++;
        chainableLr(next);
        System.arraycopy(next, 0, groups.lr, 0, next.length);
    }

    @Override
    public void stepToEpoch(double epoch) {
        if (epoch != Math.rint(epoch) || epoch < 0) {
            throw Check.bad(name, "epoch", epoch, "a whole number >= 0");
        }
        stepCount++;
        lastEpoch = (long) epoch;
        if (!closedFormLr(next)) chainableLr(next);
        System.arraycopy(next, 0, groups.lr, 0, next.length);
    }

    @Override
    protected void saveExtra(Map<String, Object> out) {
        out.put("base_lrs", StateValues.doubles(baseLrs));
    }

    @Override
    protected void loadExtra(Map<String, Object> state) {
        StateValues.readDoubles(state, "base_lrs", baseLrs);
    }

    /** Copies the groups' current lr into {@code out} (PyTorch: {@code [group['lr'] for group in ...]}). */
    protected final void currentLr(double[] out) {
        System.arraycopy(groups.lr, 0, out, 0, out.length);
    }

    /** {@code out[g] = group lr * factor}. */
    protected final void scaleCurrent(double[] out, double factor) {
        for (int g = 0; g < out.length; g++) out[g] = groups.lr[g] * factor;
    }
}
