package anneal.schedule;

import anneal.ConfigurationException;
import java.util.Map;

/**
 * timm's {@code PlateauLRScheduler(decay_rate=0.1, patience_t=10, threshold=1e-4, cooldown_t=0, warmup_t=0,
 * warmup_lr_init=0, lr_min=0, mode='max', noise_range_t=None, ...)}: a linear warmup for epochs
 * {@code t <= warmup_t} (note {@code <=}), then PyTorch's {@code ReduceLROnPlateau} (built with timm's arguments at
 * construction, on the same groups) stepped with the epoch's metric; timm's noise is put on top for one epoch and
 * taken off before the next plateau step. Stepped per epoch with {@code step(metric)}. PyTorch:
 * {@code ReduceLROnPlateau} (mode 'min' by default there); transformers: {@code reduce_lr_on_plateau}.
 */
public final class TimmPlateauLR extends TorchScheduler {
    private final ReduceLROnPlateau plateau;
    private final long warmupT;
    private final double warmupLrInit;
    private final double[] baseLrs;
    private final double[] warmupSteps;
    private final TimmNoise noise;
    /** The lr before this epoch's noise; null when none was applied. */
    private double[] restore;

    public TimmPlateauLR(ParamGroups groups, double decayRate, long patience, double threshold, long cooldown,
            long warmupT, double warmupLrInit, double lrMin, boolean maxMode, TimmNoise noise) {
        super(groups, "timm.PlateauLRScheduler");
        groups.setDefaultInitialLr();
        baseLrs = groups.initialLr.clone();
        double[] minLrs = new double[groups.size()];
        java.util.Arrays.fill(minLrs, lrMin);
        plateau = new ReduceLROnPlateau(groups, !maxMode, decayRate, patience, threshold, true, cooldown, minLrs, 1e-8);
        this.warmupT = warmupT;
        this.warmupLrInit = warmupLrInit;
        this.noise = noise;
        warmupSteps = new double[groups.size()];
        for (int g = 0; g < warmupSteps.length; g++) {
            warmupSteps[g] = warmupT != 0 ? (baseLrs[g] - warmupLrInit) / warmupT : 1;
            if (warmupT != 0) groups.lr[g] = warmupLrInit;
        }
        lastEpoch = 0;
    }

    @Override
    public boolean needsMetric() {
        return true;
    }

    @Override
    public void step() {
        throw new IllegalStateException(name + " steps on a metric: call step(metric)");
    }

    @Override
    public void step(double metric) {
        stepCount++;
        long epoch = ++lastEpoch;
        if (epoch <= warmupT) {
            for (int g = 0; g < baseLrs.length; g++) groups.lr[g] = warmupLrInit + epoch * warmupSteps[g];
            return;
        }
        if (restore != null) {
            System.arraycopy(restore, 0, groups.lr, 0, restore.length);
            restore = null;
        }
        plateau.step(metric);
        if (noise != null && noise.covers(epoch)) {
            double n = noise.noise(epoch);
            restore = groups.lr.clone();
            for (int g = 0; g < baseLrs.length; g++) groups.lr[g] = groups.lr[g] + groups.lr[g] * n;
        }
    }

    @Override
    public void stepToEpoch(double epoch) {
        throw new ConfigurationException(name + " cannot step to an epoch");
    }

    @Override
    public boolean supportsStepToEpoch() {
        return false;
    }

    @Override
    public Clock clock() {
        return Clock.EPOCH;
    }

    @Override
    protected void saveExtra(Map<String, Object> out) {
        out.put("plateau", plateau.ownState());
        if (restore != null) out.put("restore_lr", StateValues.doubles(restore));
    }

    @Override
    protected void loadExtra(Map<String, Object> state) {
        plateau.loadOwnState(StateValues.map(state, "plateau"));
        restore = state.containsKey("restore_lr") ? groups.lr.clone() : null;
        if (restore != null) StateValues.readDoubles(state, "restore_lr", restore);
    }
}
