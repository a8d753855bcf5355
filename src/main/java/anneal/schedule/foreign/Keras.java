package anneal.schedule.foreign;

import anneal.schedule.Schedule;

/**
 * Keras 3's {@code keras.optimizers.schedules} ({@code keras/src/optimizers/schedules/learning_rate_schedule.py},
 * read at keras-team/keras 3422977a): functions of the optimizer's {@code iterations} {@code t = 0, 1, ...} that
 * return the lr itself, in the tensor dtype of {@code initial_learning_rate} (here double).
 */
public final class Keras {
    private Keras() {
    }

    /**
     * {@code ExponentialDecay(initial_learning_rate, decay_steps, decay_rate, staircase=False)}:
     * {@code lr * rate^(t / decay_steps)} ({@code floor} of the exponent with staircase). PyTorch:
     * {@code ExponentialLR(gamma=rate^(1/decay_steps))} / {@code StepLR} for staircase; optax: {@code exponential_decay}.
     */
    public static Schedule exponentialDecay(double lr, double decaySteps, double rate, boolean staircase) {
        return t -> {
            double p = t / decaySteps;
            if (staircase) p = Math.floor(p);
            return lr * Math.pow(rate, p);
        };
    }

    /**
     * {@code PiecewiseConstantDecay(boundaries, values)}: {@code values[0]} while {@code t <= boundaries[0]},
     * {@code values[i]} for {@code boundaries[i-1] < t <= boundaries[i]}, the last after the last boundary (note:
     * {@code <=}, so a value holds through its boundary step). PyTorch: {@code MultiStepLR} (which switches at the
     * milestone itself); optax: {@code piecewise_constant_schedule}.
     */
    public static Schedule piecewiseConstant(double[] boundaries, double[] values) {
        return t -> {
            double result = 0.0;
            result += (t <= boundaries[0] ? 1.0 : 0.0) * values[0];
            result += (t > boundaries[boundaries.length - 1] ? 1.0 : 0.0) * values[values.length - 1];
            for (int i = 0; i + 1 < boundaries.length; i++) {
                result += (t > boundaries[i] && t <= boundaries[i + 1] ? 1.0 : 0.0) * values[i + 1];
            }
            return result;
        };
    }

    /**
     * {@code PolynomialDecay(initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0, cycle=False)}:
     * {@code (lr - end) * (1 - t'/D)^power + end} with {@code t' = min(t, D)}, or with {@code cycle} {@code t' = t}
     * and {@code D = decay_steps * ceil(t / decay_steps)} (1 at {@code t = 0}). PyTorch: {@code PolynomialLR} (to 0,
     * no cycle); optax: {@code polynomial_schedule}.
     */
    public static Schedule polynomialDecay(double lr, double decaySteps, double end, double power, boolean cycle) {
        return t -> {
            double step = t;
            double d = decaySteps;
            if (cycle) {
                double multiplier = step == 0 ? 1.0 : Math.ceil(step / decaySteps);
                d = d * multiplier;
            } else {
                step = Math.min(step, d);
            }
            double p = step / d;
            return (lr - end) * Math.pow(1 - p, power) + end;
        };
    }

    /**
     * {@code InverseTimeDecay(initial_learning_rate, decay_steps, decay_rate, staircase=False)}:
     * {@code lr / (1 + rate * t / decay_steps)} (exponent floored with staircase). PyTorch:
     * {@code LambdaLR(lambda t: 1 / (1 + rate * t / decay_steps))}.
     */
    public static Schedule inverseTimeDecay(double lr, double decaySteps, double rate, boolean staircase) {
        return t -> {
            double p = t / decaySteps;
            if (staircase) p = Math.floor(p);
            return lr / (1.0 + rate * p);
        };
    }

    private static double cosineDecayed(double step, double decaySteps, double from, double alpha) {
        double fraction = step / decaySteps;
        double cosine = 0.5 * (1.0 + Math.cos(Math.PI * fraction));
        double decayed = (1 - alpha) * cosine + alpha;
        return from * decayed;
    }

    /**
     * {@code CosineDecay(initial_learning_rate, decay_steps, alpha=0.0, warmup_target=None, warmup_steps=0)}: without
     * a warmup target, {@code lr * ((1 - alpha) * 0.5 * (1 + cos(pi min(t, D) / D)) + alpha)}; with one, linear
     * {@code lr -> warmup_target} over {@code warmup_steps}, then that cosine from {@code warmup_target} over
     * {@code decay_steps} (warmup outside the decay, unlike optax's {@code warmup_cosine_decay_schedule}). PyTorch:
     * {@code CosineAnnealingLR(T_max=D, eta_min=alpha*lr)} until {@code D}; optax: {@code cosine_decay_schedule}.
     */
    public static Schedule cosineDecay(double lr, double decaySteps, double alpha, Double warmupTarget,
            double warmupSteps) {
        if (warmupTarget == null) return t -> cosineDecayed(Math.min((double) t, decaySteps), decaySteps, lr, alpha);
        double target = warmupTarget;
        return t -> {
            double step = Math.min((double) t, decaySteps + warmupSteps);
            if (step < warmupSteps) {
                double fraction = step / warmupSteps;
                double delta = target - lr;
                return delta * fraction + lr;
            }
            return cosineDecayed(step - warmupSteps, decaySteps, target, alpha);
        };
    }

    /**
     * {@code CosineDecayRestarts(initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0)} (SGDR):
     * cycle {@code i} lasts {@code first_decay_steps * t_mul^i}, peaks at {@code lr * m_mul^i}, and decays by cosine
     * to {@code alpha * lr}. PyTorch: {@code CosineAnnealingWarmRestarts(T_0, T_mult)} (integer T_mult, no m_mul);
     * optax: {@code sgdr_schedule}; Anneal: {@code CosineDecayRestartsLR}.
     */
    public static Schedule cosineDecayRestarts(double lr, double firstDecaySteps, double tMul, double mMul, double alpha) {
        return t -> {
            double fraction = t / firstDecaySteps;
            double restart;
            if (tMul == 1.0) {
                restart = Math.floor(fraction);
                fraction -= restart;
            } else {
                restart = Math.floor(Math.log(1.0 - fraction * (1.0 - tMul)) / Math.log(tMul));
                double sum = (1.0 - Math.pow(tMul, restart)) / (1.0 - tMul);
                fraction = (fraction - sum) / Math.pow(tMul, restart);
            }
            double mFac = Math.pow(mMul, restart);
            double cosine = 0.5 * mFac * (1.0 + Math.cos(Math.PI * fraction));
            double decayed = (1 - alpha) * cosine + alpha;
            return lr * decayed;
        };
    }
}
