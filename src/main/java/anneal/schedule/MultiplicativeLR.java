package anneal.schedule;

/**
 * PyTorch {@code MultiplicativeLR(lr_lambda)}: {@code lr_t = lr_{t-1} * lambda_g(t)} for {@code t > 0}
 * (no closed form). 2.x applies {@code f(0)} where SequentialLR hands over to it and keeps the current lr when
 * resuming with {@code last_epoch}. Counterparts: none in optax/Keras/timm/transformers (their schedules are
 * closed forms); optax {@code exponential_decay} for a constant factor. Stepped per epoch.
 */
public final class MultiplicativeLR extends ChainableScheduler {
    private final Schedule[] factors;

    public MultiplicativeLR(ParamGroups groups, Schedule... factors) {
        super(groups, "MultiplicativeLR");
        this.factors = LambdaLR.perGroup(name, "lr_lambda", factors, groups.size());
        start();
    }

    @Override
    protected void chainableLr(double[] out) {
        // 1.13: a factor from epoch 1 on; 2.x: on every step but the initial one, so SequentialLR's step(0) at a
        // milestone applies f(0) there
        if (torch == TorchVersion.V2 ? !initial : lastEpoch > 0) {
            for (int g = 0; g < out.length; g++) out[g] = groups.lr[g] * factors[g].value(lastEpoch);
        } else {
            currentLr(out);
        }
    }

    @Override
    public Clock clock() {
        return Clock.EPOCH;
    }
}
