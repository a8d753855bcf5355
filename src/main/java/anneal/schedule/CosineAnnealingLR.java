package anneal.schedule;

/**
 * PyTorch {@code CosineAnnealingLR(T_max, eta_min=0)}: closed form
 * {@code eta_min + (base - eta_min) * (1 + cos(pi * t / T_max)) / 2}. {@code step()} follows PyTorch's
 * recursive form exactly: {@code lr_t = eta_min + (lr_{t-1} - eta_min) * (1 + cos(pi t/T)) / (1 + cos(pi (t-1)/T))},
 * with PyTorch's additive branch when {@code (t - 1 - T) % 2T == 0}. Past {@code T_max} it keeps following that
 * recursion, i.e. the lr rises back along the cosine (PyTorch's behaviour, kept). Stepped per epoch.
 */
public final class CosineAnnealingLR extends ChainableScheduler implements ClosedForm {
    private final long tMax;
    private final double etaMin;

    public CosineAnnealingLR(ParamGroups groups, long tMax, double etaMin) {
        super(groups, "CosineAnnealingLR");
        this.tMax = Check.atLeast(name, "T_max", tMax, 1);
        this.etaMin = Check.finiteAtLeast(name, "eta_min", etaMin, 0.0);
        start();
    }

    @Override
    protected void chainableLr(double[] out) {
        double[] lr = groups.lr;
        if (lastEpoch == 0) {
            currentLr(out);
        } else if (stepCount == 1 && lastEpoch > 0) {
            for (int g = 0; g < out.length; g++) {
                out[g] = etaMin + (baseLrs[g] - etaMin) * (1 + Math.cos(lastEpoch * Math.PI / tMax)) / 2;
            }
        } else if (Math.floorMod(lastEpoch - 1 - tMax, 2 * tMax) == 0) {
            for (int g = 0; g < out.length; g++) {
                out[g] = lr[g] + (baseLrs[g] - etaMin) * (1 - Math.cos(Math.PI / tMax)) / 2;
            }
        } else {
            double ratio = (1 + Math.cos(Math.PI * lastEpoch / tMax)) / (1 + Math.cos(Math.PI * (lastEpoch - 1) / tMax));
            for (int g = 0; g < out.length; g++) out[g] = ratio * (lr[g] - etaMin) + etaMin;
        }
    }

    @Override
    protected boolean closedFormLr(double[] out) {
        for (int g = 0; g < out.length; g++) out[g] = value(baseLrs[g], lastEpoch);
        return true;
    }

    private double value(double base, long t) {
        return etaMin + (base - etaMin) * (1 + Math.cos(Math.PI * t / tMax)) / 2;
    }

    @Override
    public Schedule closedForm(int group) {
        double base = baseLrs[group];
        return t -> value(base, t);
    }

    @Override
    public Interval interval() {
        return Interval.EPOCH;
    }
}
