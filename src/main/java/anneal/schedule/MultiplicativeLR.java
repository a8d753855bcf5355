package anneal.schedule;

/**
 * PyTorch {@code MultiplicativeLR(lr_lambda)}: {@code lr_t = lr_{t-1} * lambda_g(t)} for {@code t > 0}
 * (no closed form). Stepped per epoch.
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
        if (lastEpoch > 0) {
            for (int g = 0; g < out.length; g++) out[g] = groups.lr[g] * factors[g].value(lastEpoch);
        } else {
            currentLr(out);
        }
    }

    @Override
    public Interval interval() {
        return Interval.EPOCH;
    }
}
