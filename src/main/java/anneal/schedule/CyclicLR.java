package anneal.schedule;

import java.util.Map;

/**
 * PyTorch {@code CyclicLR(base_lr, max_lr, step_size_up=2000, step_size_down=None, mode='triangular', gamma=1.0,
 * scale_fn=None, scale_mode='cycle', cycle_momentum=True, base_momentum=0.8, max_momentum=0.9)} (Smith 2017).
 * With {@code C = up + down}, {@code cycle = floor(1 + t/C)}, {@code x = 1 + t/C - cycle},
 * {@code s = x / r} if {@code x <= r = up/C} else {@code (x - 1)/(r - 1)}:
 * {@code lr_t = base_lr + (max_lr - base_lr) * s * scale(cycle or t)} and momentum
 * {@code max_m - (max_m - base_m) * s * scale(...)}. Scale: triangular 1, triangular2 {@code 1/2^(cycle-1)},
 * exp_range {@code gamma^t} (per iteration), or a custom function. Closed form; stepped per batch. The powers are
 * Python's: where {@code 2.0 ** (cycle - 1)} (triangular2, cycle 1025) or {@code gamma ** t} overflows a double,
 * the step raises ({@link ArithmeticException}, PyTorch's OverflowError) instead of continuing at {@code base_lr}.
 * Counterparts: Keras/TF-addons {@code CyclicalLearningRate}, timm has none (its cycles are cosine/tanh).
 *
 * <p>As PyTorch, the value right after construction uses the optimizer's {@code initial_lr} as base (which
 * differs from {@code base_lr} only when an earlier scheduler on the same optimizer set {@code initial_lr}).
 */
public final class CyclicLR extends ChainableScheduler implements ClosedForm {
    /** Built-in amplitude policies. */
    public enum Mode { TRIANGULAR, TRIANGULAR2, EXP_RANGE }

    private final double[] maxLrs;
    private final double totalSize;
    private final double stepRatio;
    private final Mode mode;
    private final double gamma;
    private final Schedule customScale;
    private final boolean scaleByCycle;
    private final boolean cycleMomentum;
    private final double[] baseMomentums;
    private final double[] maxMomentums;
    /** Cache of the built-in per-cycle scale (not state). */
    private double cachedCycle = Double.NaN;
    private double cachedScale;

    /**
     * PyTorch's constructor; per-group values as arrays with one entry per group.
     *
     * @param stepSizeDown PyTorch's {@code step_size_down} (pass {@code stepSizeUp} for PyTorch's None)
     * @param customScale {@code scale_fn} or null for {@code mode}; with it, {@code scaleByCycle} is
     *        {@code scale_mode == 'cycle'}; without it, the mode decides (exp_range per iteration)
     */
    public CyclicLR(ParamGroups groups, double[] baseLr, double[] maxLr, double stepSizeUp, double stepSizeDown,
            Mode mode, double gamma, Schedule customScale, boolean scaleByCycle, boolean cycleMomentum,
            double[] baseMomentum, double[] maxMomentum) {
        super(groups, "CyclicLR");
        int n = groups.size();
        double[] base = Check.perGroup(name, "base_lr", baseLr, n).clone();
        for (int g = 0; g < n; g++) Check.finiteAtLeast(name, "base_lr", base[g], 0.0);
        maxLrs = Check.perGroup(name, "max_lr", maxLr, n).clone();
        for (int g = 0; g < n; g++) Check.finiteAtLeast(name, "max_lr", maxLrs[g], 0.0);
        Check.positive(name, "step_size_up", stepSizeUp);
        Check.positive(name, "step_size_down", stepSizeDown);
        totalSize = stepSizeUp + stepSizeDown;
        if (Double.isInfinite(totalSize)) { // PyTorch would print nan lrs: inf / inf
            throw Check.bad(name, "step_size_up + step_size_down", totalSize, "a finite sum (<= " + Double.MAX_VALUE + ")");
        }
        stepRatio = stepSizeUp / totalSize;
        this.mode = mode;
        this.gamma = Check.positive(name, "gamma", gamma);
        this.customScale = customScale;
        this.scaleByCycle = customScale != null ? scaleByCycle : mode != Mode.EXP_RANGE;
        this.cycleMomentum = cycleMomentum;
        for (int g = 0; g < n; g++) groups.lr[g] = base[g];
        if (cycleMomentum) {
            double[] bm = Check.perGroup(name, "base_momentum", baseMomentum, n);
            for (int g = 0; g < n; g++) groups.momentum[g] = Check.range(name, "base_momentum", bm[g], 0, true, 1, true);
            baseMomentums = groups.momentum.clone();
            maxMomentums = Check.perGroup(name, "max_momentum", maxMomentum, n).clone();
            for (int g = 0; g < n; g++) Check.range(name, "max_momentum", maxMomentums[g], 0, true, 1, true);
        } else {
            baseMomentums = null;
            maxMomentums = null;
        }
        start();
        baseLrs = base;
    }

    /** The amplitude scale at cycle {@code cycle} / iteration {@code t} (pure). */
    private double scale(double cycle, long t) {
        double x = scaleByCycle ? cycle : (double) t;
        if (customScale != null) return customScale.value((long) x);
        return builtInScale(x);
    }

    /** {@link #scale}, computing a built-in per-cycle scale once per cycle. */
    private double scaleCached(double cycle, long t) {
        if (customScale != null || !scaleByCycle) return scale(cycle, t);
        if (cycle != cachedCycle) {
            cachedScale = builtInScale(cycle);
            cachedCycle = cycle;
        }
        return cachedScale;
    }

    private double builtInScale(double x) {
        switch (mode) {
            case TRIANGULAR: return 1.;
            case TRIANGULAR2: return 1 / Check.pythonPow(name, 2., x - 1);
            default: return Check.pythonPow(name, gamma, x);
        }
    }

    /** Position in the cycle: the triangle's height in [0, 1]. */
    private double scaleFactor(long t) {
        double cycle = Math.floor(1 + t / totalSize);
        double x = 1. + t / totalSize - cycle;
        return x <= stepRatio ? x / stepRatio : (x - 1) / (stepRatio - 1);
    }

    @Override
    protected void chainableLr(double[] out) {
        long t = lastEpoch;
        double cycle = Math.floor(1 + t / totalSize);
        double s = scaleFactor(t);
        double scale = scaleCached(cycle, t);
        for (int g = 0; g < out.length; g++) out[g] = baseLrs[g] + (maxLrs[g] - baseLrs[g]) * s * scale;
        if (cycleMomentum) {
            for (int g = 0; g < out.length; g++) {
                groups.momentum[g] = maxMomentums[g] - (maxMomentums[g] - baseMomentums[g]) * s * scale;
            }
        }
    }

    @Override
    public Schedule closedForm(int group) {
        double base = baseLrs[group];
        double max = maxLrs[group];
        return t -> base + (max - base) * scaleFactor(t) * scale(Math.floor(1 + t / totalSize), t);
    }

    @Override
    public boolean schedules(Hyperparameter h) {
        return h == Hyperparameter.LR || h == Hyperparameter.MOMENTUM && cycleMomentum;
    }

    @Override
    public Clock clock() {
        return Clock.STEP;
    }

    @Override
    protected void saveExtra(Map<String, Object> out) {
        super.saveExtra(out);
        if (cycleMomentum) out.put("base_momentums", StateValues.doubles(baseMomentums));
    }

    @Override
    protected void loadExtra(Map<String, Object> state) {
        super.loadExtra(state);
        if (cycleMomentum) StateValues.readDoubles(state, "base_momentums", baseMomentums);
    }

    /** Peak: the largest {@code max_lr}. */
    @Override
    public Shape shape() {
        double peak = 0;
        for (double m : maxLrs) peak = Math.max(peak, m);
        return Shape.of(name).withPeak(peak);
    }
}
