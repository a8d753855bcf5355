package anneal.schedule;

/**
 * PyTorch {@code ExponentialLR(gamma)}: {@code lr_t = base * gamma^t}; chainable form multiplies the current
 * lr by {@code gamma} each step after the first. Resuming ({@code last_epoch=k}): 2.x keeps the current lr at
 * construction, 1.13 multiplies once more. Counterparts: optax {@code exponential_decay(base, 1, gamma)}, Keras
 * {@code ExponentialDecay(base, 1, gamma)}, timm {@code StepLRScheduler(decay_t=1, decay_rate=gamma)}.
 * Stepped per epoch.
 */
public final class ExponentialLR extends ClosedFormScheduler {
    private final double gamma;

    public ExponentialLR(ParamGroups groups, double gamma) {
        super(groups, "ExponentialLR");
        this.gamma = Check.positive(name, "gamma", gamma);
        start();
    }

    @Override
    protected void chainableLr(double[] out) {
        // 2.x keeps the current lr on the initial step (also when resuming with last_epoch >= 0); 1.13 at epoch 0
        if (torch == TorchVersion.V2 ? initial : lastEpoch == 0) currentLr(out);
        else scaleCurrent(out, gamma);
    }

    @Override
    protected double value(double base, long t) {
        return base * Math.pow(gamma, (double) t);
    }
}
