package anneal.schedule.foreign;

/**
 * timm's schedulers ({@code timm/scheduler/*.py}, read at huggingface/pytorch-image-models aa4b5850): the lr of a
 * group with base lr {@code v} at time {@code t} (epoch with {@code t_in_epochs}, else update), as each class's
 * {@code _get_lr(t)} computes it. Warmup: {@code warmup_lr_init + t * (v - warmup_lr_init) / warmup_t} for
 * {@code t < warmup_t}; {@code warmup_prefix} starts the schedule's own clock after it.
 */
public final class Timm {
    private Timm() {
    }

    /** The cycle shapes of CosineLRScheduler, PolyLRScheduler and TanhLRScheduler. */
    public enum Shape { COSINE, POLY, TANH }

    /** The shared cycle arguments of the cosine, poly and tanh schedulers. */
    public record Cycles(Shape shape, double tInitial, double lrMin, double cycleMul, double cycleDecay, long cycleLimit,
            double kDecay, double power, double lb, double ub) { }

    /**
     * {@code _get_lr(t)} after the warmup: cycle {@code i} (of length {@code t_initial * cycle_mul^i}), peak
     * {@code v * cycle_decay^i}, and within it, with {@code c = t_curr^k / t_i^k}:
     * cosine {@code lr_min + 0.5 (peak - lr_min)(1 + cos(pi c))} (PyTorch: {@code CosineAnnealingWarmRestarts};
     * optax: {@code sgdr_schedule}), poly {@code lr_min + (peak - lr_min)(1 - c)^power} (PyTorch:
     * {@code PolynomialLR}), tanh {@code lr_min + 0.5 (peak - lr_min)(1 - tanh(lb (1 - r) + ub r))}, {@code r =
     * t_curr / t_i}; {@code lr_min} once {@code cycle_limit} cycles are done.
     */
    public static double cycleLr(Cycles c, double v, double t) {
        double i;
        double tI;
        double tCurr;
        if (c.cycleMul() != 1) {
            i = Math.floor(Math.log(1 - t / c.tInitial() * (1 - c.cycleMul())) / Math.log(c.cycleMul()));
            tI = Math.pow(c.cycleMul(), i) * c.tInitial();
            tCurr = t - (1 - Math.pow(c.cycleMul(), i)) / (1 - c.cycleMul()) * c.tInitial();
        } else {
            i = Math.floor(t / c.tInitial());
            tI = c.tInitial();
            tCurr = t - (c.tInitial() * i);
        }
        if (!(i < c.cycleLimit())) return c.lrMin();
        double gamma = Math.pow(c.cycleDecay(), i);
        double lrMax = v * gamma;
        switch (c.shape()) {
            case COSINE:
                return c.lrMin() + 0.5 * (lrMax - c.lrMin())
                        * (1 + Math.cos(Math.PI * Math.pow(tCurr, c.kDecay()) / Math.pow(tI, c.kDecay())));
            case POLY:
                return c.lrMin() + (lrMax - c.lrMin())
                        * Math.pow(1 - Math.pow(tCurr, c.kDecay()) / Math.pow(tI, c.kDecay()), c.power());
            default:
                double tr = tCurr / tI;
                return c.lrMin() + 0.5 * (lrMax - c.lrMin()) * (1 - Math.tanh(c.lb() * (1. - tr) + c.ub() * tr));
        }
    }

    /** StepLRScheduler: {@code v * decay_rate^(t // decay_t)}. PyTorch: {@code StepLR}; Keras: {@code ExponentialDecay(staircase=True)}. */
    public static double stepLr(double v, double t, double decayT, double decayRate) {
        return v * Math.pow(decayRate, Math.floor(t / decayT));
    }

    /**
     * MultiStepLRScheduler: {@code v * decay_rate^bisect_right(decay_t, t + 1)} (timm counts a milestone one step
     * early: the lr drops at {@code t = m - 1}). PyTorch: {@code MultiStepLR} (which drops at {@code m}).
     */
    public static double multiStepLr(double v, long t, long[] decayT, double decayRate) {
        int passed = 0;
        while (passed < decayT.length && decayT[passed] <= t + 1) passed++;
        return v * Math.pow(decayRate, passed);
    }
}
