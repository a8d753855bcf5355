package anneal.schedule;

/**
 * PyTorch {@code CosineAnnealingLR(T_max, eta_min=0)}: closed form
 * {@code eta_min + (base - eta_min) * (1 + cos(pi * t / T_max)) / 2}. {@code step()} follows PyTorch's
 * recursive form exactly: {@code lr_t = eta_min + (lr_{t-1} - eta_min) * (1 + cos(pi t/T)) / (1 + cos(pi (t-1)/T))},
 * with PyTorch's additive branch when {@code (t - 1 - T) % 2T == 0}. {@code T_max} may be fractional, as in PyTorch. Past {@code T_max} it keeps following that
 * recursion, i.e. the lr rises back along the cosine (PyTorch's behaviour, kept). Resuming ({@code last_epoch=k}):
 * 1.13 jumps to the closed form at {@code k+1}, 2.x keeps the current lr. Counterparts: optax
 * {@code cosine_decay_schedule(base, T_max, alpha=eta_min/base)} (which holds the floor past T_max), Keras
 * {@code CosineDecay(base, T_max, alpha)}, timm {@code CosineLRScheduler(t_initial=T_max, lr_min=eta_min)}.
 * Stepped per epoch.
 */
public final class CosineAnnealingLR extends ClosedFormScheduler {
    private final double tMax;
    private final double etaMin;
    /** {@code 1 - cos(pi / T_max)}, a constant of PyTorch's additive branch. */
    private final double oneMinusCosStep;
    /** Cache of the last {@code cos(pi t / T_max)} (not state: recomputed when the epoch does not follow). */
    private long cachedEpoch = Long.MIN_VALUE;
    private double cachedCos;

    public CosineAnnealingLR(ParamGroups groups, double tMax, double etaMin) {
        super(groups, "CosineAnnealingLR");
        this.tMax = Check.positive(name, "T_max", tMax);
        this.etaMin = Check.finiteAtLeast(name, "eta_min", etaMin, 0.0);
        oneMinusCosStep = 1 - Math.cos(Math.PI / this.tMax);
        start();
    }

    @Override
    protected void chainableLr(double[] out) {
        double[] lr = groups.lr;
        if (lastEpoch == 0 || keepsLrOnInitialStep()) { // 2.x: _is_initial keeps the lr (also when resuming)
            currentLr(out);
        } else if (stepCount == 1 && lastEpoch > 0) {
            for (int g = 0; g < out.length; g++) {
                out[g] = etaMin + (baseLrs[g] - etaMin) * (1 + Math.cos(lastEpoch * Math.PI / tMax)) / 2;
            }
        } else if (pythonMod(lastEpoch - 1 - tMax, 2 * tMax) == 0) {
            for (int g = 0; g < out.length; g++) {
                out[g] = lr[g] + (baseLrs[g] - etaMin) * oneMinusCosStep / 2;
            }
        } else {
            double cosNow = Math.cos(Math.PI * lastEpoch / tMax);
            // the previous step computed cos(pi * (t - 1) / T) from the very same double argument: reuse it
            double cosPrevious = cachedEpoch == lastEpoch - 1 ? cachedCos : Math.cos(Math.PI * (lastEpoch - 1) / tMax);
            cachedEpoch = lastEpoch;
            cachedCos = cosNow;
            double ratio = (1 + cosNow) / (1 + cosPrevious);
            for (int g = 0; g < out.length; g++) out[g] = ratio * (lr[g] - etaMin) + etaMin;
        }
    }

    /** Python's float {@code a % b} (the result takes the sign of {@code b}). */
    private static double pythonMod(double a, double b) {
        double r = a % b;
        return r != 0 && (r < 0) != (b < 0) ? r + b : r;
    }

    @Override
    protected double value(double base, long t) {
        return etaMin + (base - etaMin) * (1 + Math.cos(Math.PI * t / tMax)) / 2;
    }

    @Override
    public Shape shape() {
        return Shape.of(name, Shape.Length.ends("T_max", tMax,
                "past T_max the lr rises back along the cosine (PyTorch)", "the lr never reaches eta_min", true));
    }
}
