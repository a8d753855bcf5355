package anneal.schedule;

import java.util.function.Function;

/**
 * Warmup counted <em>inside</em> the wrapped schedule's length ({@code WarmupLR(scheduler=..., inside=True)}; optax
 * and a PyTorch ChainedScheduler of LinearLR and a decay count it this way, Keras and {@link WarmupLR} outside): the
 * wrapped schedule runs from step 0 and for {@code t < W} the lr is its own lr times the ramp factor
 * {@code ramp(t / W)} (linear, exponential or cosine from {@code start_factor}, as {@link WarmupLR}); from
 * {@code W} on it is the wrapped schedule's lr. The factor reaches 1 at {@code W}, so the join has no jump, and
 * the wrapped schedule's {@code T_max} / {@code total_steps} is the whole run including the warmup.
 */
public final class WarmupInsideLR extends WrappingScheduler.OnTop {
    private final long warmupSteps;
    private final WarmupLR.Ramp ramp;
    private final double startFactor;

    public WarmupInsideLR(ParamGroups groups, long warmupSteps, WarmupLR.Ramp ramp, double startFactor,
            Function<ParamGroups, ? extends OptimizerBound> inner) {
        super(groups, "WarmupLR", inner);
        this.warmupSteps = Check.atLeast(name, "warmup_steps", warmupSteps, 1);
        this.ramp = ramp;
        this.startFactor = ramp == WarmupLR.Ramp.EXPONENTIAL
                ? Check.range(name, "start_factor", startFactor, 0, false, 1, true)
                : Check.range(name, "start_factor", startFactor, 0, true, 1, true);
        putOnTop();
    }

    @Override
    protected void onTop() {
        if (lastEpoch >= warmupSteps) return;
        double f = WarmupLR.ramp(ramp, startFactor, (double) lastEpoch / warmupSteps);
        for (int g = 0; g < scheduled.length; g++) groups.lr[g] = scheduled[g] * f;
    }

    /** The warmup (a period joining the wrapped schedule's own lr at its end) over the wrapped schedule from call 0. */
    @Override
    public Shape shape() {
        return WarmupLR.warmupShape(name, warmupSteps, inner, 0, Double.NaN);
    }
}
