package anneal.schedule;

/**
 * PyTorch {@code torch.optim.lr_scheduler.StepLR(step_size, gamma=0.1)}: {@code lr_t = base * gamma^floor(t / step_size)}.
 * Chainable form (used by {@code step()}, as PyTorch): multiply the group's current lr by {@code gamma} when
 * {@code t > 0} and {@code t % step_size == 0}. Counterparts: timm {@code StepLRScheduler(decay_t, decay_rate)},
 * Keras {@code ExponentialDecay(staircase=True)}, optax {@code exponential_decay(staircase=True)}. Stepped per epoch.
 */
public final class StepLR extends ClosedFormScheduler {
    private final long stepSize;
    private final double gamma;

    public StepLR(ParamGroups groups, long stepSize, double gamma) {
        super(groups, "StepLR");
        this.stepSize = Check.atLeast(name, "step_size", stepSize, 1);
        this.gamma = Check.positive(name, "gamma", gamma);
        start();
    }

    @Override
    protected void chainableLr(double[] out) {
        if (lastEpoch == 0 || lastEpoch % stepSize != 0) currentLr(out);
        else scaleCurrent(out, gamma);
    }

    @Override
    protected double value(double base, long t) {
        return base * Math.pow(gamma, (double) Math.floorDiv(t, stepSize));
    }

    @Override
    public Shape shape() {
        return Shape.of(name, Shape.Length.period("step_size", stepSize, "the lr never decays"));
    }
}
