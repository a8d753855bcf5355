package anneal.schedule;

/**
 * PyTorch {@code LinearLR(start_factor=1/3, end_factor=1.0, total_iters=5)}:
 * {@code lr_t = base * (s + (e - s) * min(t, total_iters) / total_iters)}. Chainable form (as PyTorch):
 * {@code lr_t = lr_{t-1} * (1 + (e - s) / (total_iters * s + (t - 1) * (e - s)))} for {@code 0 < t <= total_iters}.
 * {@code start_factor} in {@code (0, 1]} (PyTorch accepts 0, then divides by zero), {@code end_factor} in
 * {@code [0, 1]}. {@code total_iters=0} (as PyTorch): stepped, the lr stays at {@code base * start_factor} for the
 * whole run; PyTorch's closed form (SequentialLR's {@code step(0)} at a milestone) divides by zero there and raises
 * ZeroDivisionError, and so does this ({@link ArithmeticException}). Counterparts: optax
 * {@code linear_schedule(s*base, e*base, total_iters)}, Keras {@code PolynomialDecay(power=1)}.
 * Stepped per epoch (or per step when used as a warmup inside SequentialLR).
 */
public final class LinearLR extends ClosedFormScheduler {
    private final double startFactor;
    private final double endFactor;
    private final long totalIters;

    public LinearLR(ParamGroups groups, double startFactor, double endFactor, long totalIters) {
        super(groups, "LinearLR");
        this.startFactor = Check.range(name, "start_factor", startFactor, 0.0, false, 1.0, true);
        this.endFactor = Check.range(name, "end_factor", endFactor, 0.0, true, 1.0, true);
        this.totalIters = Check.atLeast(name, "total_iters", totalIters, 0);
        start();
    }

    @Override
    protected void chainableLr(double[] out) {
        if (lastEpoch == 0) scaleCurrent(out, startFactor);
        else if (keepsLrOnInitialStep() || lastEpoch > totalIters) currentLr(out);
        else scaleCurrent(out, 1. + (endFactor - startFactor)
                / (totalIters * startFactor + (lastEpoch - 1) * (endFactor - startFactor)));
    }

    @Override
    protected double value(double base, long t) {
        if (totalIters == 0) throw Check.zeroDivision(name, "total_iters=0 in the closed form min(total_iters, t) / total_iters");
        return base * (startFactor + (endFactor - startFactor) * Math.min(totalIters, t) / totalIters);
    }

    @Override
    public Schedule closedForm(int group) {
        double base = baseLrs[group];
        if (totalIters == 0) return t -> base * startFactor; // stepped: start_factor at t=0, unchanged after
        return super.closedForm(group);
    }

    @Override
    public Shape shape() {
        return Shape.of(name, Shape.Length.ends("total_iters", totalIters, null, "it never completes", false));
    }
}
