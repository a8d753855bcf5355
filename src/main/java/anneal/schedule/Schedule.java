package anneal.schedule;

import anneal.ConfigurationException;
/**
 * A pure function of the step, in the style of optax: {@code value(t)} is the learning rate (or the factor
 * that multiplies a base learning rate) at step {@code t}, with no state. Schedules compose with
 * {@link #join}; the stateful {@link LrScheduler}s of this package evaluate the same functions where
 * PyTorch's own update is closed-form, and {@link ClosedForm} exposes them so that a harness can ask for
 * the value at any step. Implementations must not allocate in {@link #value(long)}.
 *
 * <p>The factories below are the schedules PyTorch lacks; each names the library it comes from.
 */
@FunctionalInterface
public interface Schedule {

    /** The value at step {@code step} ({@code step >= 0}). */
    double value(long step);

    /** This schedule times {@code factor}. */
    default Schedule times(double factor) {
        return t -> factor * value(t);
    }

    /** Shorthand for a constant. */
    static Schedule constant(double value) {
        return t -> value;
    }

    /**
     * optax {@code join_schedules}: {@code schedules[0]} before {@code boundaries[0]}, then
     * {@code schedules[i]} evaluated at {@code t - boundaries[i-1]} for {@code boundaries[i-1] <= t < boundaries[i]}.
     */
    static Schedule join(Schedule[] schedules, long[] boundaries) {
        if (schedules.length != boundaries.length + 1) {
            throw new ConfigurationException("join: " + schedules.length + " schedules need "
                    + (schedules.length - 1) + " boundaries, got " + boundaries.length);
        }
        for (int i = 1; i < boundaries.length; i++) {
            if (boundaries[i] < boundaries[i - 1]) {
                throw Check.bad("join", "boundaries", boundaries, "non-decreasing integers");
            }
        }
        Schedule[] parts = schedules.clone();
        long[] bounds = boundaries.clone();
        return t -> {
            int i = 0;
            while (i < bounds.length && t >= bounds[i]) i++;
            return parts[i].value(i == 0 ? t : t - bounds[i - 1]);
        };
    }

    /**
     * optax {@code linear_schedule}: {@code from + (to - from) * min(t, steps) / steps}; {@code to} from
     * {@code steps} on.
     */
    static Schedule linear(double from, double to, long steps) {
        Check.atLeast("linear", "steps", steps, 1);
        return t -> from + (to - from) * Math.min(t, steps) / steps;
    }

    /**
     * Cosine ramp between {@code from} and {@code to} over {@code steps}:
     * {@code to + (from - to) * (1 + cos(pi * min(t, steps) / steps)) / 2}. Used for cosine warmup
     * ({@code from < to}) and cosine decay (optax {@code cosine_decay_schedule} with {@code alpha = to / from}).
     */
    static Schedule cosine(double from, double to, long steps) {
        Check.atLeast("cosine", "steps", steps, 1);
        return t -> to + (from - to) * (1 + Math.cos(Math.PI * Math.min(t, steps) / steps)) / 2;
    }

    /**
     * Exponential (geometric) ramp: {@code from * (to / from) ^ (min(t, steps) / steps)}, as DeepSpeed's
     * log warmup and Keras' exponential ramps; {@code from} and {@code to} must be {@code > 0}.
     */
    static Schedule exponential(double from, double to, long steps) {
        Check.positive("exponential", "from", from);
        Check.positive("exponential", "to", to);
        Check.atLeast("exponential", "steps", steps, 1);
        double ratio = to / from;
        return t -> from * Math.pow(ratio, (double) Math.min(t, steps) / steps);
    }

    /**
     * Warmup then cosine decay with a floor (optax {@code warmup_cosine_decay_schedule}, Hugging Face
     * {@code get_cosine_with_min_lr_schedule_with_warmup}), as a factor of the peak:
     * {@code s + (1 - s) * t / W} for {@code t < W}, then
     * {@code m + (1 - m) * (1 + cos(pi * (t - W) / (T - W))) / 2} until {@code T}, then {@code m}; {@code W}
     * counts inside the total {@code T} (as optax and Hugging Face). Continuous at {@code W}, non-increasing after.
     */
    static Schedule warmupCosine(long warmupSteps, long totalSteps, double startFactor, double minFactor) {
        String n = "WarmupCosineLR";
        Check.atLeast(n, "warmup_steps", warmupSteps, 0);
        if (totalSteps <= warmupSteps) throw Check.bad(n, "total_steps", totalSteps, "an integer > warmup_steps (" + warmupSteps + ")");
        Check.range(n, "warmup_start_factor", startFactor, 0, true, 1, true);
        Check.range(n, "min_lr_ratio", minFactor, 0, true, 1, true);
        Schedule decay = cosine(1.0, minFactor, totalSteps - warmupSteps);
        if (warmupSteps == 0) return decay;
        return join(new Schedule[] {linear(startFactor, 1.0, warmupSteps), decay}, new long[] {warmupSteps});
    }

    /**
     * Inverse square root with linear warmup (Vaswani et al. 2017; fairseq {@code inverse_sqrt}; Hugging Face
     * {@code get_inverse_sqrt_schedule}), as a factor of the peak: {@code t / W} for {@code t < W}, then
     * {@code sqrt(c / (t - W + c))} with timescale {@code c} (default {@code W}, giving {@code sqrt(W / t)}).
     * The Transformer's {@code d^-0.5 * min(t^-0.5, t * W^-1.5)} is this factor with peak {@code (d * W)^-0.5}.
     */
    static Schedule inverseSqrt(long warmupSteps, long timescale) {
        String n = "InverseSqrtLR";
        Check.atLeast(n, "warmup_steps", warmupSteps, 1);
        Check.atLeast(n, "timescale", timescale, 1);
        return t -> t < warmupSteps ? (double) t / warmupSteps
                : Math.sqrt((double) timescale / (t - warmupSteps + timescale));
    }

    /** Decay shapes of {@link #warmupStableDecay}. */
    enum DecayShape {
        LINEAR("linear"), COSINE("cosine"), ONE_MINUS_SQRT("1-sqrt");

        /** The spec-string spelling (Hugging Face's {@code decay_type}). */
        public final String spelling;

        DecayShape(String spelling) {
            this.spelling = spelling;
        }
    }

    /**
     * Warmup-stable-decay (MiniCPM, Hu et al. 2024; Hugging Face {@code get_wsd_schedule}), as a factor of the
     * peak: {@code t / W} during warmup, {@code 1} for {@code S} stable steps, then over {@code D} steps with
     * progress {@code p = (t - W - S) / D}: {@code m + (1 - m) * shape(p)} where shape is {@code 1 - p},
     * {@code (1 + cos(pi p)) / 2} or {@code 1 - sqrt(p)}; {@code m} after the end.
     */
    static Schedule warmupStableDecay(long warmup, long stable, long decay, DecayShape shape, double minFactor) {
        String n = "WarmupStableDecayLR";
        Check.atLeast(n, "warmup_steps", warmup, 0);
        Check.atLeast(n, "stable_steps", stable, 0);
        Check.atLeast(n, "decay_steps", decay, 1);
        Check.range(n, "min_lr_ratio", minFactor, 0, true, 1, true);
        long decayStart = warmup + stable;
        return t -> {
            if (t < warmup) return (double) t / warmup;
            if (t < decayStart) return 1.0;
            if (t >= decayStart + decay) return minFactor;
            double p = (double) (t - decayStart) / decay;
            double f;
            switch (shape) {
                case LINEAR: f = 1.0 - p; break;
                case COSINE: f = 0.5 * (1.0 + Math.cos(Math.PI * p)); break;
                default: f = 1.0 - Math.sqrt(p); break;
            }
            return minFactor + (1.0 - minFactor) * f;
        };
    }

    /**
     * Cosine decay with warm restarts whose peak decays per cycle (TensorFlow/Keras {@code CosineDecayRestarts};
     * timm's {@code cycle_decay}), as a factor: cycle {@code i} lasts {@code T0 * tMul^i} steps and peaks at
     * {@code mMul^i}; within it, at fraction {@code f}, the value is
     * {@code (1 - alpha) * mMul^i * (1 + cos(pi f)) / 2 + alpha}. {@code tMul} may be fractional.
     */
    static Schedule cosineDecayRestarts(long firstDecaySteps, double tMul, double mMul, double alpha) {
        String n = "CosineDecayRestartsLR";
        Check.atLeast(n, "first_decay_steps", firstDecaySteps, 1);
        Check.range(n, "t_mul", tMul, 1.0, true, 1e6, true);
        Check.range(n, "m_mul", mMul, 0.0, false, 1.0, true);
        Check.range(n, "alpha", alpha, 0.0, true, 1.0, true);
        RestartCycles cycles = new RestartCycles(tMul, mMul);
        return t -> {
            double completed = (double) t / firstDecaySteps;
            RestartCycles.Window w = cycles.window(completed);
            double fraction = (completed - w.start()) / w.length();
            return (1.0 - alpha) * w.peak() * 0.5 * (1.0 + Math.cos(Math.PI * fraction)) + alpha;
        };
    }

    /** Shapes of {@link #timmCycles}: timm's {@code CosineLRScheduler} (with k-decay) and {@code TanhLRScheduler}. */
    enum CycleShape { COSINE, TANH }

    /**
     * timm's cyclic schedules ({@code CosineLRScheduler}, {@code TanhLRScheduler}) as a factor of the base lr, with
     * their warmup made continuous. Cycle {@code i} lasts {@code T * cycleMul^i} (real-valued {@code cycleMul >= 1})
     * and peaks at {@code cycleDecay^i}; within it, at {@code t_c} of {@code t_i}:
     * <ul>
     *   <li>cosine: {@code m + (peak - m) (1 + cos(pi t_c^k / t_i^k)) / 2} ({@code k} = k-decay, Zhang et al. 2020;
     *       {@code k = 1} is plain cosine),</li>
     *   <li>tanh: {@code m + (peak - m) (1 - tanh(lb (1 - r) + ub r)) / 2} with {@code r = t_c / t_i}
     *       (Hsueh et al. 2019),</li>
     * </ul>
     * and {@code m} from cycle {@code cycleLimit} on. Warmup of {@code W} steps from factor {@code s}: with
     * {@code prefix} the cycles start after it ({@code main(t - W)}, target {@code main(0) = 1}); without, the
     * cycles count it ({@code main(t)}) and the warmup ramps linearly to {@code main(W)}, the value it joins, so
     * there is no jump (timm's {@code warmup_prefix=False} ramps to the base lr and then drops).
     */
    static Schedule timmCycles(CycleShape shape, double tInitial, double cycleMul, double cycleDecay, long cycleLimit,
            double kDecay, double lb, double ub, double minFactor, long warmup, double warmupStart, boolean prefix) {
        String n = shape == CycleShape.COSINE ? "CosineCycleLR" : "TanhCycleLR";
        Check.positive(n, "t_initial", tInitial);
        Check.range(n, "cycle_mul", cycleMul, 1.0, true, 1e6, true);
        Check.range(n, "cycle_decay", cycleDecay, 0.0, false, 1.0, true);
        Check.atLeast(n, "cycle_limit", cycleLimit, 1);
        Check.positive(n, "k_decay", kDecay);
        Check.range(n, "lr_min_ratio", minFactor, 0, true, 1, true);
        Check.atLeast(n, "warmup_t", warmup, 0);
        Check.range(n, "warmup_lr_init_ratio", warmupStart, 0, true, 1, true);
        if (!(lb < ub)) throw Check.bad(n, "lb", lb, "a number < ub (" + ub + ")");
        RestartCycles cycles = new RestartCycles(cycleMul, cycleDecay);
        Schedule main = t -> {
            double completed = t / tInitial;
            RestartCycles.Window w = cycles.window(completed);
            if (w.index() >= cycleLimit) return minFactor;
            double r = (completed - w.start()) / w.length();
            double f = shape == CycleShape.COSINE ? (1 + Math.cos(Math.PI * Math.pow(r, kDecay))) / 2
                    : (1 - Math.tanh(lb * (1 - r) + ub * r)) / 2;
            return minFactor + (w.peak() - minFactor) * f;
        };
        if (warmup == 0) return main;
        double target = prefix ? 1.0 : main.value(warmup);
        return t -> t < warmup ? warmupStart + (target - warmupStart) * t / warmup : main.value(prefix ? t - warmup : t);
    }
}
