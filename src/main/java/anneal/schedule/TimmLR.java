package anneal.schedule;

import java.util.Map;

/**
 * A timm scheduler ({@code timm.scheduler.Scheduler}): after construction each group holds its base lr, or
 * {@code warmup_lr_init} with a warmup; row {@code t >= 1} is what {@code scheduler.step(t)} (per epoch,
 * {@code t_in_epochs=True}) or {@code scheduler.step_update(t)} (per update) sets: {@code _get_lr(t)}, plus timm's
 * seeded noise {@code lr + lr * n} where {@code noise_range_t} covers {@code t}. Formulas: {@link anneal.schedule.foreign.Timm}.
 */
public final class TimmLR extends ChainableScheduler {
    /** A timm class's {@code _get_lr(t)} for a group of base lr {@code v} ({@code g}: the group). */
    @FunctionalInterface
    public interface Rule {
        double lr(int g, double v, long t);
    }

    private final Rule rule;
    private final Clock clock;
    private final double warmupLrInit;
    private final long warmupT;
    private final TimmNoise noise;

    public TimmLR(ParamGroups groups, String name, boolean tInEpochs, long warmupT, double warmupLrInit, Rule rule,
            TimmNoise noise) {
        super(groups, name);
        this.rule = rule;
        this.clock = tInEpochs ? Clock.EPOCH : Clock.STEP;
        this.warmupT = warmupT;
        this.warmupLrInit = warmupLrInit;
        this.noise = noise;
        start();
    }

    @Override
    protected void chainableLr(double[] out) {
        for (int g = 0; g < out.length; g++) {
            if (lastEpoch == 0) {
                out[g] = warmupT != 0 ? warmupLrInit : baseLrs[g];
            } else {
                double v = rule.lr(g, baseLrs[g], lastEpoch);
                out[g] = noise == null ? v : noise.apply(v, lastEpoch);
            }
        }
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    protected void saveExtra(Map<String, Object> out) {
        super.saveExtra(out);
    }
}
