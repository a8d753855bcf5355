package anneal.schedule;

/**
 * PyTorch {@code ConstantLR(factor=1/3, total_iters=5)}: {@code lr_t = base * factor} for {@code t < total_iters},
 * {@code base} after. Chainable form: multiply by {@code factor} at {@code t = 0}, by {@code 1 / factor} at
 * {@code t = total_iters}. {@code factor} must be in {@code (0, 1]} (PyTorch accepts 0, then divides by zero).
 * {@code total_iters=0} (as PyTorch) keeps the factor for the whole run when stepped (the lr never returns to
 * {@code base}), while PyTorch's closed form, used by SequentialLR at a milestone, gives {@code base}.
 * Counterparts: optax {@code piecewise_constant_schedule(1, {total_iters: 1/factor})} applied to {@code base*factor},
 * transformers {@code constant_with_warmup} is the linear, not constant, variant. Stepped per epoch.
 */
public final class ConstantLR extends ClosedFormScheduler {
    private final double factor;
    private final long totalIters;

    public ConstantLR(ParamGroups groups, double factor, long totalIters) {
        super(groups, "ConstantLR");
        this.factor = Check.range(name, "factor", factor, 0.0, false, 1.0, true);
        this.totalIters = Check.atLeast(name, "total_iters", totalIters, 0);
        start();
    }

    @Override
    protected void chainableLr(double[] out) {
        if (lastEpoch == 0) scaleCurrent(out, factor);
        else if (lastEpoch != totalIters) currentLr(out);
        else scaleCurrent(out, 1.0 / factor);
    }

    @Override
    protected double value(double base, long t) {
        return base * (factor + (t >= totalIters ? 1 : 0) * (1 - factor));
    }

    @Override
    public Schedule closedForm(int group) {
        double base = baseLrs[group];
        if (totalIters == 0) return t -> base * factor; // stepped: t=0 multiplies by factor, t=total_iters never comes
        return super.closedForm(group);
    }

    @Override
    public Shape shape() {
        return Shape.of(name, Shape.Length.ends("total_iters", totalIters, null, "it never completes", false));
    }
}
