package anneal.schedule;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PyTorch {@code ReduceLROnPlateau(mode='min', factor=0.1, patience=10, threshold=1e-4, threshold_mode='rel',
 * cooldown=0, min_lr=0, eps=1e-8)}. A metric improves when it beats the best so far: mode min/rel
 * {@code a < best * (1 - threshold)}, min/abs {@code a < best - threshold}, max/rel
 * {@code a > best * (1 + threshold)}, max/abs {@code a > best + threshold}. After more than {@code patience}
 * non-improving steps (bad steps during cooldown are not counted) every group's lr becomes
 * {@code max(lr * factor, min_lr_g)}, unless that changes it by no more than {@code eps}; then {@code cooldown}
 * steps pass without counting. Driven by {@link #step(double)}; stepped per evaluation (epoch).
 */
public final class ReduceLROnPlateau implements OptimizerBound {
    private final ParamGroups groups;
    private final boolean minimize;
    private final boolean relative;
    private final double factor;
    private final long patience;
    private final double threshold;
    private final long cooldown;
    private final double[] minLrs;
    private final double eps;
    private double best;
    private long numBadEpochs;
    private long cooldownCounter;
    private long lastEpoch;

    public ReduceLROnPlateau(ParamGroups groups, boolean minimize, double factor, long patience, double threshold,
            boolean relativeThreshold, long cooldown, double[] minLr, double eps) {
        String n = "ReduceLROnPlateau";
        this.groups = groups;
        this.minimize = minimize;
        this.relative = relativeThreshold;
        this.factor = Check.range(n, "factor", factor, 0.0, true, 1.0, false);
        this.patience = Check.atLeast(n, "patience", patience, 0);
        this.threshold = Check.finiteAtLeast(n, "threshold", threshold, 0.0);
        this.cooldown = Check.atLeast(n, "cooldown", cooldown, 0);
        this.minLrs = Check.perGroup(n, "min_lr", minLr, groups.size()).clone();
        for (double m : minLrs) Check.finiteAtLeast(n, "min_lr", m, 0.0);
        this.eps = Check.finiteAtLeast(n, "eps", eps, 0.0);
        best = minimize ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    /** ReduceLROnPlateau cannot step without a metric (PyTorch: TypeError). */
    @Override
    public void step() {
        throw new IllegalStateException("ReduceLROnPlateau needs a metric: call step(metric)");
    }

    @Override
    public void step(double current) {
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
            reduceLr();
            cooldownCounter = cooldown;
            numBadEpochs = 0;
        }
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

    @Override
    public ParamGroups paramGroups() {
        return groups;
    }

    @Override
    public long lastEpoch() {
        return lastEpoch;
    }

    @Override
    public Interval interval() {
        return Interval.EPOCH;
    }

    @Override
    public boolean needsMetric() {
        return true;
    }

    @Override
    public Map<String, Object> ownState() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("schedule", "ReduceLROnPlateau");
        out.put("last_epoch", lastEpoch);
        out.put("best", StateValues.dbl(best));
        out.put("num_bad_epochs", numBadEpochs);
        out.put("cooldown_counter", cooldownCounter);
        return out;
    }

    @Override
    public void loadOwnState(Map<String, Object> state) {
        if (!"ReduceLROnPlateau".equals(StateValues.require(state, "schedule"))) {
            throw new IllegalArgumentException("state: saved by schedule " + state.get("schedule")
                    + ", cannot load into ReduceLROnPlateau");
        }
        lastEpoch = StateValues.readLong(state, "last_epoch");
        best = StateValues.readDouble(state, "best");
        numBadEpochs = StateValues.readLong(state, "num_bad_epochs");
        cooldownCounter = StateValues.readLong(state, "cooldown_counter");
    }
}
