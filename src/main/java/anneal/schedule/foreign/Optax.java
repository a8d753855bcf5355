package anneal.schedule.foreign;

import anneal.schedule.Schedule;
import java.util.Map;
import java.util.TreeMap;

/**
 * optax's schedules ({@code optax/schedules/_schedule.py} and {@code _join.py}, read at google-deepmind/optax
 * 2edbcbe2): functions of the update count {@code t = 0, 1, ...} that return the lr itself.
 */
public final class Optax {
    private Optax() {
    }

    /** {@code constant_schedule(value)}: {@code value}. PyTorch: {@code ConstantLR(factor=1)}; Keras: a float lr. */
    public static Schedule constant(double value) {
        return t -> value;
    }

    /**
     * {@code polynomial_schedule(init_value, end_value, power, transition_steps, transition_begin=0)}:
     * {@code c = clip(t - begin, 0, steps)}, {@code (init - end) * (1 - c/steps)^power + end}; a constant
     * {@code init} when {@code steps <= 0}, {@code begin < 0} counts as 0. PyTorch: {@code PolynomialLR} (to 0),
     * Keras: {@code PolynomialDecay}.
     */
    public static Schedule polynomial(double init, double end, double power, long steps, long begin) {
        if (steps <= 0) return t -> init;
        long b = Math.max(0, begin);
        return t -> {
            double c = Math.min(Math.max(t - b, 0), steps);
            double frac = 1 - c / steps;
            return (init - end) * Math.pow(frac, power) + end;
        };
    }

    /** {@code linear_schedule(init_value, end_value, transition_steps, transition_begin=0)}: polynomial with power 1. PyTorch: {@code LinearLR}. */
    public static Schedule linear(double init, double end, long steps, long begin) {
        return polynomial(init, end, 1, steps, begin);
    }

    /**
     * {@code piecewise_constant_schedule(init_value, boundaries_and_scales)}: {@code init} times every scale whose
     * boundary is {@code <= t}. PyTorch: {@code MultiStepLR} (one gamma), Keras: {@code PiecewiseConstantDecay}.
     */
    public static Schedule piecewiseConstant(double init, Map<Long, Double> boundariesAndScales) {
        TreeMap<Long, Double> sorted = new TreeMap<>(boundariesAndScales);
        long[] thresholds = sorted.keySet().stream().mapToLong(Long::longValue).toArray();
        double[] scales = sorted.values().stream().mapToDouble(Double::doubleValue).toArray();
        return t -> {
            double v = init;
            for (int i = 0; i < thresholds.length; i++) {
                double indicator = Math.max(0.0, Math.signum((double) (thresholds[i] - t)));
                v = v * indicator + (1 - indicator) * scales[i] * v;
            }
            return v;
        };
    }

    /**
     * {@code exponential_decay(init_value, transition_steps, decay_rate, transition_begin=0, staircase=False,
     * end_value=None)}: {@code p = (t - begin) / steps} (floored with staircase), {@code init * rate^p} after
     * {@code begin} and {@code init} before, clipped at {@code end_value} (from below when {@code rate < 1}).
     * Constant {@code init} when {@code steps <= 0} or {@code rate == 0}. PyTorch: {@code ExponentialLR}
     * ({@code gamma = rate^(1/steps)}), Keras: {@code ExponentialDecay} (no begin, no floor value).
     */
    public static Schedule exponentialDecay(double init, long steps, double rate, long begin, boolean staircase,
            Double endValue) {
        if (steps <= 0 || rate == 0) return t -> init;
        long b = Math.max(0, begin);
        return t -> {
            long decreased = t - b;
            double p = (double) decreased / steps;
            if (staircase) p = Math.floor(p);
            double v = decreased <= 0 ? init : init * Math.pow(rate, p);
            if (endValue != null) v = rate < 1.0 ? Math.max(v, endValue) : Math.min(v, endValue);
            return v;
        };
    }

    /**
     * {@code cosine_decay_schedule(init_value, decay_steps, alpha=0.0, exponent=1.0)}: {@code c = min(t, steps)},
     * {@code init * ((1 - alpha) * (0.5 * (1 + cos(pi c / steps)))^exponent + alpha)}: it holds
     * {@code alpha * init} after {@code decay_steps}, where PyTorch's {@code CosineAnnealingLR(T_max=steps,
     * eta_min=alpha*init)} rises again; Keras: {@code CosineDecay}.
     */
    public static Schedule cosineDecay(double init, double decaySteps, double alpha, double exponent) {
        return t -> {
            double c = Math.min((double) t, decaySteps);
            double cosineDecay = 0.5 * (1 + Math.cos(Math.PI * c / decaySteps));
            double decayed = (1 - alpha) * Math.pow(cosineDecay, exponent) + alpha;
            return init * decayed;
        };
    }

    /**
     * {@code piecewise_interpolate_schedule(interpolate_type, init_value, boundaries_and_scales)}: values
     * {@code init * prod(scales up to boundary i)}, interpolated linearly ({@code (end - start) * pct + start}) or
     * by cosine ({@code end + (start - end) / 2 * (cos(pi pct) + 1)}) between consecutive boundaries (from 0), the
     * last value from the last boundary on. PyTorch: {@code OneCycleLR}'s phases; Keras: none.
     */
    public static Schedule piecewiseInterpolate(boolean cosine, double init, Map<Long, Double> boundariesAndScales) {
        TreeMap<Long, Double> sorted = new TreeMap<>(boundariesAndScales);
        int n = sorted.size();
        long[] bounds = new long[n + 1];
        double[] values = new double[n + 1];
        values[0] = init;
        int i = 1;
        for (Map.Entry<Long, Double> e : sorted.entrySet()) {
            bounds[i] = e.getKey();
            values[i] = values[i - 1] * e.getValue();
            i++;
        }
        return t -> {
            double active = 0.0;
            for (int k = 0; k < n; k++) {
                if (bounds[k] <= t && t < bounds[k + 1]) {
                    double pct = (double) (t - bounds[k]) / Math.max(bounds[k + 1] - bounds[k], 1);
                    double start = values[k];
                    double end = values[k + 1];
                    active = cosine ? end + (start - end) / 2.0 * (Math.cos(Math.PI * pct) + 1) : (end - start) * pct + start;
                }
            }
            return active + (bounds[n] <= t ? values[n] : 0.0);
        };
    }

    /**
     * {@code linear_onecycle_schedule(transition_steps, peak_value, pct_start=0.3, pct_final=0.85, div_factor=25.0,
     * final_div_factor=1e4)}: linear from {@code peak/div} to {@code peak} at {@code int(pct_start*T)}, back to
     * {@code peak/div} at {@code int(pct_final*T)}, to {@code peak/div/final_div} at {@code T}. PyTorch:
     * {@code OneCycleLR(anneal_strategy='linear', three_phase=True)} (which counts phases from step 0 to T-1).
     */
    public static Schedule linearOnecycle(long steps, double peak, double pctStart, double pctFinal, double div,
            double finalDiv) {
        Map<Long, Double> b = new java.util.LinkedHashMap<>();
        b.put((long) (pctStart * steps), div);
        b.put((long) (pctFinal * steps), 1.0 / div);
        b.put(steps, 1.0 / finalDiv);
        return piecewiseInterpolate(false, peak / div, b);
    }

    /**
     * {@code cosine_onecycle_schedule(transition_steps, peak_value, pct_start=0.3, div_factor=25.0,
     * final_div_factor=1e4)}: cosine from {@code peak/div} to {@code peak} at {@code int(pct_start*T)}, then to
     * {@code peak/(div*final_div)} at {@code T}. PyTorch: {@code OneCycleLR} (default cos, two phases).
     */
    public static Schedule cosineOnecycle(long steps, double peak, double pctStart, double div, double finalDiv) {
        Map<Long, Double> b = new java.util.LinkedHashMap<>();
        b.put((long) (pctStart * steps), div);
        b.put(steps, 1.0 / (div * finalDiv));
        return piecewiseInterpolate(true, peak / div, b);
    }

    /**
     * {@code join_schedules(schedules, boundaries)}: schedule {@code i} from boundary {@code i-1} on, counting
     * {@code t - boundary}. PyTorch: {@code SequentialLR} (without its re-stepping quirks).
     */
    public static Schedule join(Schedule[] schedules, long[] boundaries) {
        return t -> {
            double out = schedules[0].value(t);
            for (int i = 0; i < boundaries.length && i + 1 < schedules.length; i++) {
                if (t >= boundaries[i]) out = schedules[i + 1].value(t - boundaries[i]);
            }
            return out;
        };
    }

    /**
     * {@code warmup_cosine_decay_schedule(init_value, peak_value, warmup_steps, decay_steps, end_value=0.0,
     * exponent=1.0)}: linear {@code init -> peak} over the warmup, then cosine decay to {@code end_value} over
     * {@code decay_steps - warmup_steps} (the warmup counts inside {@code decay_steps}). PyTorch:
     * {@code SequentialLR([LinearLR, CosineAnnealingLR])}; transformers: {@code cosine} (from 0, to 0).
     */
    public static Schedule warmupCosineDecay(double init, double peak, long warmup, long decaySteps, double end,
            double exponent) {
        double alpha = peak == 0.0 ? 0.0 : end / peak;
        return join(new Schedule[] {linear(init, peak, warmup, 0),
            cosineDecay(peak, (double) (decaySteps - warmup), alpha, exponent)}, new long[] {warmup});
    }

    /**
     * {@code warmup_exponential_decay_schedule(init_value, peak_value, warmup_steps, transition_steps, decay_rate,
     * transition_begin=0, staircase=False, end_value=None)}: linear warmup, then {@link #exponentialDecay} from
     * {@code peak}. PyTorch: {@code SequentialLR([LinearLR, ExponentialLR])}.
     */
    public static Schedule warmupExponentialDecay(double init, double peak, long warmup, long steps, double rate,
            long begin, boolean staircase, Double end) {
        return join(new Schedule[] {linear(init, peak, warmup, 0),
            exponentialDecay(peak, steps, rate, begin, staircase, end)}, new long[] {warmup});
    }
}
