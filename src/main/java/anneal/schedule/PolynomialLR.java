package anneal.schedule;

/**
 * PyTorch {@code PolynomialLR(total_iters=5, power=1.0)}:
 * {@code lr_t = base * (1 - min(t, total_iters) / total_iters)^power}. Chainable form (as PyTorch): multiply the
 * current lr by {@code ((1 - t/T) / (1 - (t-1)/T))^power} for {@code 0 < t <= T}. {@code total_iters=0} (as
 * PyTorch): stepped, the base lr throughout; the closed form (SequentialLR's {@code step(0)}) raises
 * ZeroDivisionError as PyTorch's does ({@link ArithmeticException}). Counterparts: optax
 * {@code polynomial_schedule(base, 0, power, total_iters)}, Keras {@code PolynomialDecay(base, total_iters, 0, power)},
 * transformers {@code get_polynomial_decay_schedule_with_warmup} (which decays to {@code lr_end}, not 0). Stepped per epoch.
 */
public final class PolynomialLR extends ClosedFormScheduler {
    private final long totalIters;
    private final double power;

    public PolynomialLR(ParamGroups groups, long totalIters, double power) {
        super(groups, "PolynomialLR");
        this.totalIters = Check.atLeast(name, "total_iters", totalIters, 0);
        this.power = Check.finiteAtLeast(name, "power", power, 0.0);
        start();
    }

    @Override
    protected void chainableLr(double[] out) {
        if ((torch == TorchVersion.V2 ? initial : lastEpoch == 0) || lastEpoch > totalIters) {
            currentLr(out);
            return;
        }
        double decay = Math.pow((1.0 - (double) lastEpoch / totalIters)
                / (1.0 - (double) (lastEpoch - 1) / totalIters), power);
        scaleCurrent(out, decay);
    }

    @Override
    protected double value(double base, long t) {
        if (totalIters == 0) throw Check.zeroDivision(name, "total_iters=0 in the closed form min(total_iters, t) / total_iters");
        return base * Math.pow(1.0 - (double) Math.min(totalIters, t) / totalIters, power);
    }

    @Override
    public Schedule closedForm(int group) {
        double base = baseLrs[group];
        if (totalIters == 0) return t -> base; // stepped: never decays
        return super.closedForm(group);
    }

    @Override
    public Shape shape() {
        return Shape.of(name, Shape.Length.ends("total_iters", totalIters, null, "it never completes", true));
    }
}
