package anneal.schedule.foreign;

import anneal.schedule.Schedule;

/**
 * Hugging Face transformers' schedules ({@code src/transformers/optimization.py}, read at
 * huggingface/transformers 005edacb): {@code LambdaLR} factors of the optimizer's lr, {@code lr_t = base * f(t)},
 * {@code t} the optimizer step. Each is the {@code lr_lambda} of the {@code get_*_schedule*} function named.
 */
public final class Transformers {
    private Transformers() {
    }

    private static double warmup(long t, long warmup) {
        return (double) t / (double) Math.max(1, warmup);
    }

    /** {@code get_constant_schedule}: 1. PyTorch: {@code ConstantLR(factor=1)}; optax: {@code constant_schedule}. */
    public static Schedule constant() {
        return t -> 1;
    }

    /**
     * {@code get_constant_schedule_with_warmup(num_warmup_steps)}: {@code t / max(1, W)} for {@code t < W}, then 1.
     * PyTorch: {@code LinearLR(start_factor=..., total_iters=W)} (which cannot start at 0); optax: {@code warmup_constant_schedule}.
     */
    public static Schedule constantWithWarmup(long warmup) {
        return t -> t < warmup ? (double) t / (double) Math.max(1.0, warmup) : 1.0;
    }

    /**
     * {@code get_linear_schedule_with_warmup(num_warmup_steps, num_training_steps)}: warmup from 0, then
     * {@code max(0, (N - t) / max(1, N - W))}. PyTorch: {@code SequentialLR([LinearLR, LinearLR(end_factor=0)])};
     * optax: {@code join_schedules} of two {@code linear_schedule}s.
     */
    public static Schedule linear(long warmup, long training) {
        return t -> t < warmup ? warmup(t, warmup)
                : Math.max(0.0, (double) (training - t) / (double) Math.max(1, training - warmup));
    }

    /**
     * {@code get_cosine_schedule_with_warmup(num_warmup_steps, num_training_steps, num_cycles=0.5)}: warmup from 0,
     * then {@code max(0, 0.5 * (1 + cos(pi * num_cycles * 2 * progress)))}, {@code progress = (t-W)/max(1, N-W)}
     * (num_cycles 0.5: one half-cosine to 0 at N, rising again after N unless clipped). PyTorch: {@code CosineAnnealingLR};
     * optax: {@code warmup_cosine_decay_schedule} (which holds its end value after the decay).
     */
    public static Schedule cosine(long warmup, long training, double cycles) {
        return cosineWithMinLr(warmup, training, cycles, Double.NaN);
    }

    /**
     * {@code get_cosine_with_hard_restarts_schedule_with_warmup(num_warmup_steps, num_training_steps, num_cycles=1)}:
     * warmup from 0, then {@code num_cycles} equal cosines {@code 0.5 * (1 + cos(pi * ((num_cycles * progress) % 1)))}
     * from 1 to 0, and 0 from {@code N} on. PyTorch: {@code CosineAnnealingWarmRestarts(T_0=(N-W)/num_cycles)}
     * (which never reaches 0 inside a cycle); Keras: {@code CosineDecayRestarts(t_mul=1)}; optax: {@code sgdr_schedule}.
     */
    public static Schedule cosineWithHardRestarts(long warmup, long training, double cycles) {
        return t -> {
            if (t < warmup) return warmup(t, warmup);
            double progress = (double) (t - warmup) / (double) Math.max(1, training - warmup);
            if (progress >= 1.0) return 0.0;
            return Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * (pythonMod(cycles * progress, 1.0)))));
        };
    }

    private static double pythonMod(double a, double b) {
        double r = a % b;
        return r != 0 && (r < 0) != (b < 0) ? r + b : r;
    }

    /**
     * {@code get_polynomial_decay_schedule_with_warmup(num_warmup_steps, num_training_steps, lr_end=1e-7, power=1.0)}:
     * warmup from 0, then {@code ((lr_init - lr_end) * (1 - (t-W)/(N-W))^power + lr_end) / lr_init}, and
     * {@code lr_end / lr_init} after {@code N}; {@code lr_init} is the optimizer's default lr (group 0 here).
     * PyTorch: {@code PolynomialLR} (to 0); optax: {@code polynomial_schedule}; Keras: {@code PolynomialDecay}.
     */
    public static Schedule polynomial(long warmup, long training, double lrEnd, double power, double lrInit) {
        return t -> {
            if (t < warmup) return warmup(t, warmup);
            if (t > training) return lrEnd / lrInit;
            double range = lrInit - lrEnd;
            long decaySteps = training - warmup;
            double remaining = 1 - (double) (t - warmup) / decaySteps;
            double decay = range * Math.pow(remaining, power) + lrEnd;
            return decay / lrInit;
        };
    }

    /**
     * {@code get_inverse_sqrt_schedule(num_warmup_steps, timescale=None)}: warmup from 0, then
     * {@code 1 / sqrt((t + timescale - W) / timescale)}; {@code timescale} defaults to {@code W or 10000}. Anneal:
     * {@code InverseSqrtLR}; fairseq's {@code inverse_sqrt}.
     */
    public static Schedule inverseSqrt(long warmup, long timescale) {
        return t -> {
            if (t < warmup) return warmup(t, warmup);
            long shift = timescale - warmup;
            return 1.0 / Math.sqrt((double) (t + shift) / timescale);
        };
    }

    /**
     * {@code get_cosine_with_min_lr_schedule_with_warmup(num_warmup_steps, num_training_steps, num_cycles=0.5,
     * min_lr=None, min_lr_rate=None)}: the cosine factor scaled to {@code [min_lr_rate, 1]}:
     * {@code max(0, f * (1 - r) + r)}; {@code min_lr_rate = min_lr / lr} of the optimizer's default lr. (NaN rate:
     * the plain cosine.) optax: {@code warmup_cosine_decay_schedule(end_value=r*peak)}.
     */
    public static Schedule cosineWithMinLr(long warmup, long training, double cycles, double minLrRate) {
        return t -> {
            if (t < warmup) return warmup(t, warmup);
            double progress = (double) (t - warmup) / (double) Math.max(1, training - warmup);
            double factor = 0.5 * (1.0 + Math.cos(Math.PI * cycles * 2.0 * progress));
            if (Double.isNaN(minLrRate)) return Math.max(0.0, factor);
            factor = factor * (1 - minLrRate) + minLrRate;
            return Math.max(0, factor);
        };
    }

    /**
     * {@code get_cosine_with_min_lr_schedule_with_warmup_lr_rate(..., warmup_lr_rate=None)}: the warmup counts the
     * step being taken ({@code (t + 1) / max(1, W)}, or from {@code warmup_lr_rate} to 1 over {@code W - 1} steps)
     * and the cosine progress is {@code (t - W + 1) / max(1, N - W)}, scaled to {@code [min_lr_rate, 1]}.
     */
    public static Schedule cosineWarmupWithMinLr(long warmup, long training, double cycles, double minLrRate,
            Double warmupLrRate) {
        return t -> {
            double step = t;
            double w = warmup;
            double n = training;
            if (step < w) {
                if (warmupLrRate == null) return (step + 1.) / Math.max(1., w);
                double r = warmupLrRate;
                return r + (1.0 - r) * step / Math.max(1, w - 1);
            }
            double progress = (step - w + 1.) / Math.max(1., n - w);
            double factor = 0.5 * (1.0 + Math.cos(Math.PI * cycles * 2.0 * progress));
            factor = factor * (1 - minLrRate) + minLrRate;
            return Math.max(0, factor);
        };
    }

    /** Warmup and decay shapes of {@link #warmupStableDecay}. */
    public enum Shape { LINEAR, COSINE, ONE_MINUS_SQRT }

    /**
     * {@code get_wsd_schedule(num_warmup_steps, num_decay_steps, num_training_steps=None, num_stable_steps=None,
     * warmup_type='linear', decay_type='cosine', min_lr_ratio=0, num_cycles=0.5)}: warmup (linear, cosine or 1-sqrt)
     * from {@code min_lr_ratio} to 1, stable at 1, decay to {@code min_lr_ratio}, then {@code min_lr_ratio}. Anneal:
     * {@code WarmupStableDecayLR}.
     */
    public static Schedule warmupStableDecay(long warmup, long stable, long decay, Shape warmupShape, Shape decayShape,
            double minRatio, double cycles) {
        return t -> {
            if (t < warmup) {
                double progress = (double) t / (double) Math.max(1, warmup);
                double factor = warmupShape == Shape.LINEAR ? progress
                        : warmupShape == Shape.COSINE ? 0.5 * (1.0 - Math.cos(Math.PI * progress))
                        : 1.0 - Math.sqrt(1.0 - progress);
                factor = factor * (1.0 - minRatio) + minRatio;
                return Math.max(0.0, factor);
            }
            if (t < warmup + stable) return 1.0;
            if (t < warmup + stable + decay) {
                double progress = (double) (t - warmup - stable) / (double) Math.max(1, decay);
                double factor = decayShape == Shape.LINEAR ? 1.0 - progress
                        : decayShape == Shape.COSINE ? 0.5 * (1.0 + Math.cos(Math.PI * cycles * 2.0 * progress))
                        : 1.0 - Math.sqrt(progress);
                factor = factor * (1.0 - minRatio) + minRatio;
                return Math.max(0.0, factor);
            }
            return minRatio;
        };
    }
}
