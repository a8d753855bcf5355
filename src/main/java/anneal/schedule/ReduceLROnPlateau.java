package anneal.schedule;

import java.util.Arrays;
import java.util.Map;

/**
 * PyTorch {@code ReduceLROnPlateau(mode='min', factor=0.1, patience=10, threshold=1e-4, threshold_mode='rel',
 * cooldown=0, min_lr=0, eps=1e-8)}. A metric improves when it beats the best so far: mode min/rel
 * {@code a < best * (1 - threshold)}, min/abs {@code a < best - threshold}, max/rel
 * {@code a > best * (1 + threshold)}, max/abs {@code a > best + threshold}. After more than {@code patience}
 * non-improving steps (bad steps during cooldown are not counted) every group's lr becomes
 * {@code max(lr * factor, min_lr_g)}, unless that changes it by no more than {@code eps}; then {@code cooldown}
 * steps pass without counting. Driven by {@link #step(double)}; stepped per evaluation (epoch). Counterparts: timm
 * {@code PlateauLRScheduler} (mode 'max' by default, with a warmup), transformers {@code reduce_lr_on_plateau} (this
 * class), Keras's {@code ReduceLROnPlateau} callback.
 *
 * <p>Inside composites (which PyTorch refuses, Anneal extension):
 * <ul>
 *   <li>In {@link SequentialLR} it is a segment: at its milestone it starts from its base lr (the groups'
 *       {@code initial_lr}, as every schedule restarts from its base at PyTorch's {@code step(0)}; no metric is
 *       read there), then reduces it as above;
 *       its {@code k}-th metric is the composite's metric at step {@code milestone + k}, as behind a
 *       {@link WarmupLR}.</li>
 *   <li>In {@link ChainedScheduler} it is a metric-driven multiplier {@code m_g} (1 at first) on the lr {@code r_g}
 *       the other parts produce: the lr is {@code max(r_g * m_g, min(r_g, min_lr_g))}, and a reduction sets
 *       {@code m_g *= factor} when that lowers the lr by more than {@code eps}. The other parts keep their own
 *       PyTorch recursion on {@code r_g}, so the reduction survives schedules that recompute from their base
 *       (LambdaLR, OneCycleLR, CyclicLR, ...), and {@code min_lr} is a floor the plateau never pushes below,
 *       never a value it raises a lower scheduled lr to.</li>
 * </ul>
 */
public final class ReduceLROnPlateau extends TorchScheduler {
    private final boolean minimize;
    private final boolean relative;
    private final double factor;
    private final long patience;
    private final double threshold;
    private final long cooldown;
    private final double[] minLrs;
    private final double eps;
    private final double[] multiplier;
    /** The groups' {@code initial_lr} at construction: the lr a SequentialLR segment starts from. */
    private final double[] baseLrs;
    private double best;
    private long numBadEpochs;
    private long cooldownCounter;

    public ReduceLROnPlateau(ParamGroups groups, boolean minimize, double factor, long patience, double threshold,
            boolean relativeThreshold, long cooldown, double[] minLr, double eps) {
        super(groups, "ReduceLROnPlateau");
        this.minimize = minimize;
        this.relative = relativeThreshold;
        this.factor = Check.range(name, "factor", factor, 0.0, true, 1.0, false);
        this.patience = Check.atLeast(name, "patience", patience, 0);
        this.threshold = Check.finiteAtLeast(name, "threshold", threshold, 0.0);
        this.cooldown = Check.atLeast(name, "cooldown", cooldown, 0);
        this.minLrs = Check.perGroup(name, "min_lr", minLr, groups.size()).clone();
        for (double m : minLrs) Check.finiteAtLeast(name, "min_lr", m, 0.0);
        this.eps = Check.finiteAtLeast(name, "eps", eps, 0.0);
        multiplier = new double[groups.size()];
        Arrays.fill(multiplier, 1.0);
        groups.setDefaultInitialLr();
        baseLrs = groups.initialLr.clone();
        best = minimize ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        lastEpoch = 0;
    }

    /** ReduceLROnPlateau cannot step without a metric (PyTorch: TypeError). */
    @Override
    public void step() {
        throw new IllegalStateException("ReduceLROnPlateau needs a metric: call step(metric)");
    }

    /** Construction leaves {@code last_epoch = 0} and reads no metric (also as SequentialLR's first segment). */
    @Override
    protected void initialStep() {
        stepCount = 0;
        lastEpoch = 0;
    }

    @Override
    public void step(double current) {
        if (reductionDue(current)) {
            reduceLr();
            cooldownCounter = cooldown;
        }
    }

    /**
     * The multiplier form used by {@link ChainedScheduler}: the groups hold the lr {@code r} the other parts
     * produced; observe the metric, maybe lower the multiplier, and write {@code max(r m, min(r, min_lr))}.
     */
    void stepAsMultiplier(double current) {
        boolean reduce = reductionDue(current);
        for (int g = 0; g < multiplier.length; g++) {
            double scheduled = groups.lr[g];
            if (reduce) {
                double old = multiplied(scheduled, multiplier[g], g);
                double updated = multiplied(scheduled, multiplier[g] * factor, g);
                if (old - updated > eps) multiplier[g] *= factor;
            }
            groups.lr[g] = multiplied(scheduled, multiplier[g], g);
        }
        if (reduce) cooldownCounter = cooldown;
    }

    private double multiplied(double scheduled, double m, int g) {
        return Math.max(scheduled * m, Math.min(scheduled, minLrs[g]));
    }

    /** PyTorch's bookkeeping of one {@code step(metrics)}; true when the lr must be reduced now. */
    private boolean reductionDue(double current) {
        stepCount++;
        lastEpoch++;
        if (isBetter(current)) {
            best = current;
            numBadEpochs = 0;
        } else {
            numBadEpochs++;
        }
        if (cooldownCounter > 0) {
            cooldownCounter--;
            numBadEpochs = 0;
        }
        if (numBadEpochs > patience) {
            numBadEpochs = 0;
            return true;
        }
        return false;
    }

    private boolean isBetter(double a) {
        if (minimize) return relative ? a < best * (1. - threshold) : a < best - threshold;
        return relative ? a > best * (threshold + 1.) : a > best + threshold;
    }

    private void reduceLr() {
        for (int g = 0; g < minLrs.length; g++) {
            double old = groups.lr[g];
            double candidate = old * factor;
            double updated = candidate >= minLrs[g] ? candidate : minLrs[g];
            if (old - updated > eps) groups.lr[g] = updated;
        }
    }

    /**
     * {@link SequentialLR}'s {@code step(0)} at the plateau's milestone (the start of its segment): the lr becomes the
     * base lr; no metric is read. Other epochs are not supported (PyTorch's {@code step(metrics, epoch)} needs the
     * metric).
     */
    @Override
    public void stepToEpoch(double epoch) {
        if (epoch != 0) throw Check.bad(name, "epoch", epoch, "0 (the start of a SequentialLR segment)");
        stepCount++;
        lastEpoch = 0;
        System.arraycopy(baseLrs, 0, groups.lr, 0, baseLrs.length);
    }

    @Override
    public Clock clock() {
        return Clock.EPOCH;
    }

    @Override
    public boolean needsMetric() {
        return true;
    }

    @Override
    protected void saveExtra(Map<String, Object> out) {
        out.put("best", StateValues.dbl(best));
        out.put("num_bad_epochs", numBadEpochs);
        out.put("cooldown_counter", cooldownCounter);
        out.put("multiplier", StateValues.doubles(multiplier));
    }

    @Override
    protected void loadExtra(Map<String, Object> state) {
        best = StateValues.readDouble(state, "best");
        numBadEpochs = StateValues.readLong(state, "num_bad_epochs");
        cooldownCounter = StateValues.readLong(state, "cooldown_counter");
        StateValues.readDoubles(state, "multiplier", multiplier);
    }
}
