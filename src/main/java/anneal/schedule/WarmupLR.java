package anneal.schedule;

import java.util.Map;
import java.util.function.Function;

/**
 * A warmup in front of any schedule (an Anneal schedule; timm's {@code warmup_prefix=True}, Keras/optax warmup
 * joined before a decay). The wrapped schedule is built first; its lr right after construction, {@code L_g},
 * is the warmup's target. For {@code t < W} the lr is {@code L_g * ramp(t / W)} with
 * <ul>
 *   <li>linear: {@code s + (1 - s) p} (PyTorch LinearLR's shape),</li>
 *   <li>exponential: {@code s^(1 - p)} (geometric, needs {@code s > 0}),</li>
 *   <li>cosine: {@code s + (1 - s) (1 - cos(pi p)) / 2},</li>
 * </ul>
 * where {@code s} is {@code start_factor}; at {@code t = W} the lr is {@code L_g} and from then on the wrapped
 * schedule is stepped as if the warmup had not been there (its step {@code k} is this schedule's step
 * {@code W + k}), so the join is continuous for every schedule. A metric-driven inner schedule receives the
 * metrics from step {@code W + 1} on. Momentum, if the inner schedule cycles it, stays at its initial value during
 * warmup. Counts on the inner schedule's clock (per step without an inner schedule).
 *
 * <p>This is warmup <em>outside</em> the wrapped schedule's length (Keras, timm {@code warmup_prefix=True}): the
 * wrapped schedule's clock starts at the join. {@link WarmupInsideLR} ({@code WarmupLR(..., inside=True)}) counts
 * the warmup inside it (optax, PyTorch's ChainedScheduler of LinearLR and a decay).
 *
 * <p>{@link #goyal} is Goyal et al. (2017)'s gradual warmup for large batches: from {@code base} to
 * {@code k * base} linearly over {@code W} steps, then the inner schedule with base {@code k * base}
 * (ildoonet's {@code GradualWarmupScheduler}).
 */
public final class WarmupLR extends WrappingScheduler {
    /** Warmup ramp shapes. */
    public enum Ramp { LINEAR, EXPONENTIAL, COSINE }

    /** The name of {@link #goyal}'s warmup. */
    private static final String GRADUAL = "GradualWarmupLR";

    private final long warmupSteps;
    private final Ramp ramp;
    private final double startFactor;
    private final double[] target;
    /** The largest lr the arguments name ({@link #goyal}: multiplier x base), else NaN. */
    private final double peak;

    /**
     * @param inner builds the wrapped schedule on the given groups, or null for a constant lr after warmup
     */
    public WarmupLR(ParamGroups groups, long warmupSteps, Ramp ramp, double startFactor,
            Function<ParamGroups, ? extends OptimizerBound> inner) {
        this(groups, "WarmupLR", warmupSteps, ramp, startFactor, inner, Double.NaN);
    }

    private WarmupLR(ParamGroups groups, String name, long warmupSteps, Ramp ramp, double startFactor,
            Function<ParamGroups, ? extends OptimizerBound> inner, double peak) {
        super(groups, name, inner);
        this.peak = peak;
        this.warmupSteps = Check.atLeast(name, "warmup_steps", warmupSteps, 1);
        this.ramp = ramp;
        this.startFactor = ramp == Ramp.EXPONENTIAL
                ? Check.range(name, "start_factor", startFactor, 0, false, 1, true)
                : Check.range(name, "start_factor", startFactor, 0, true, 1, true);
        groups.setDefaultInitialLr();
        target = groups.lr.clone();
        initialStep();
    }

    /**
     * Goyal et al. gradual warmup: lr from {@code base} to {@code multiplier * base} linearly over
     * {@code warmupSteps}, then {@code after} built with base lrs multiplied by {@code multiplier} (or constant).
     */
    public static WarmupLR goyal(ParamGroups groups, double multiplier, long warmupSteps,
            Function<ParamGroups, ? extends OptimizerBound> after) {
        String n = GRADUAL;
        Check.range(n, "multiplier", multiplier, 1.0, true, 1e6, true);
        double peak = 0;
        for (int g = 0; g < groups.size(); g++) {
            groups.lr[g] *= multiplier;
            groups.initialLr[g] *= multiplier; // stays NaN when not set yet
            peak = Math.max(peak, groups.lr[g]);
        }
        return new WarmupLR(groups, n, warmupSteps, Ramp.LINEAR, 1.0 / multiplier, after, peak);
    }

    private double ramp(double p) {
        return ramp(ramp, startFactor, p);
    }

    /** The ramp factor at progress {@code p} in [0, 1] from {@code startFactor} to 1. */
    static double ramp(Ramp ramp, double startFactor, double p) {
        switch (ramp) {
            case LINEAR: return startFactor + (1 - startFactor) * p;
            case EXPONENTIAL: return Math.pow(startFactor, 1 - p);
            default: return startFactor + (1 - startFactor) * (1 - Math.cos(Math.PI * p)) / 2;
        }
    }

    @Override
    public void step() {
        if (advance()) inner.step();
    }

    @Override
    public void step(double metric) {
        if (advance()) inner.step(metric);
    }

    /** Moves the warmup on; true when the inner schedule must step. */
    private boolean advance() {
        stepCount++;
        lastEpoch++;
        if (lastEpoch < warmupSteps) {
            double f = ramp((double) lastEpoch / warmupSteps);
            for (int g = 0; g < target.length; g++) groups.lr[g] = target[g] * f;
            return false;
        }
        if (lastEpoch == warmupSteps) {
            System.arraycopy(target, 0, groups.lr, 0, target.length);
            return false;
        }
        return inner != null;
    }

    /** The warmup factor at step {@code t} (1 from {@code W} on), as a pure function. */
    public Schedule warmupFactor() {
        return t -> t < warmupSteps ? ramp((double) t / warmupSteps) : 1.0;
    }

    @Override
    public Clock clock() {
        return inner == null || GRADUAL.equals(name) ? Clock.STEP : inner.clock();
    }

    @Override
    protected void saveExtra(Map<String, Object> out) {
        out.put("target", StateValues.doubles(target));
        if (inner != null) out.put("inner", inner.ownState());
    }

    @Override
    protected void loadExtra(Map<String, Object> state) {
        StateValues.readDoubles(state, "target", target);
        if (inner != null) inner.loadOwnState(StateValues.map(state, "inner"));
    }

    /**
     * The warmup (a period that should end within the run, joining the wrapped schedule at its end), the wrapped
     * schedule from there on, and for {@link #goyal} the peak, {@code multiplier} times the base lr.
     */
    @Override
    public Shape shape() {
        return warmupShape(name, warmupSteps, inner, warmupSteps, peak);
    }

    /** A warmup of {@code warmupSteps} calls before or inside {@code inner} (or null), which runs from {@code innerFrom}. */
    static Shape warmupShape(String name, long warmupSteps, OptimizerBound inner, long innerFrom, double peak) {
        return new Shape(name, java.util.List.of(Shape.Length.period("warmup_steps", warmupSteps, "the warmup never ends")),
                java.util.List.of(new Shape.Join(warmupSteps, "end of warmup")),
                inner == null ? java.util.List.of() : java.util.List.of(new Shape.Part(inner.shape(), innerFrom, Long.MAX_VALUE)),
                peak, null);
    }
}
