package anneal.schedule;

/**
 * A chainable PyTorch scheduler whose closed form ({@code _get_closed_form_lr}) is one formula of a group's base lr
 * and the step, {@link #value}: {@code step(epoch)} applies it to every group and {@link #closedForm} is it for one
 * group's base lr. Subclasses give the chainable {@code get_lr()} and the formula; they run per epoch
 * ({@link Clock#EPOCH}) unless they override {@link #clock()}.
 */
public abstract class ClosedFormScheduler extends ChainableScheduler implements ClosedForm {
    protected ClosedFormScheduler(ParamGroups groups, String name) {
        super(groups, name);
    }

    /** PyTorch's closed form for a group of base lr {@code base} at {@code last_epoch = t}. */
    protected abstract double value(double base, long t);

    @Override
    protected final boolean closedFormLr(double[] out) {
        for (int g = 0; g < out.length; g++) out[g] = value(baseLrs[g], lastEpoch);
        return true;
    }

    @Override
    public Schedule closedForm(int group) {
        double base = baseLrs[group];
        return t -> value(base, t);
    }

    @Override
    public Clock clock() {
        return Clock.EPOCH;
    }
}
