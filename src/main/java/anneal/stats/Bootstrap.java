package anneal.stats;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Nonparametric bootstrap over the runs (seeds) of a sample: {@value #RESAMPLES} resamples of the same size drawn
 * with replacement from a fixed-seed generator (so a report is reproducible), and the percentile interval of the
 * statistic (Efron and Tibshirani 1993, ch. 13). Resamples whose statistic is NaN are dropped; infinite values
 * (e.g. a median that is never reached) stay and sort last, so an upper bound can read {@code +Infinity}.
 */
public final class Bootstrap {
    /** Resamples per interval. */
    public static final int RESAMPLES = 2000;
    /** Seed of the resampling generator. */
    public static final long SEED = 0x5EED_2026L;

    private Bootstrap() {
    }

    /** An estimate with the bounds of its confidence interval. */
    public record Interval(double estimate, double low, double high) {
    }

    /**
     * The statistic on {@code sample} and its percentile interval at {@code level} (e.g. 0.95).
     *
     * @param size      number of units (seeds) in the sample
     * @param statistic the statistic of a resample, given as the indices drawn (length {@code size})
     */
    public static Interval percentile(int size, Function<int[], Double> statistic, double level) {
        if (size < 1) throw new IllegalArgumentException("bootstrap needs at least one unit");
        if (!(level > 0 && level < 1)) throw new IllegalArgumentException("confidence level must be in (0, 1), got " + level);
        int[] identity = new int[size];
        for (int i = 0; i < size; i++) identity[i] = i;
        double estimate = statistic.apply(identity);
        SplittableRandom rng = new SplittableRandom(SEED);
        double[] values = new double[RESAMPLES];
        int kept = 0;
        int[] draw = new int[size];
        for (int b = 0; b < RESAMPLES; b++) {
            for (int i = 0; i < size; i++) draw[i] = rng.nextInt(size);
            double v = statistic.apply(draw);
            if (!Double.isNaN(v)) values[kept++] = v;
        }
        if (kept == 0) return new Interval(estimate, Double.NaN, Double.NaN);
        double[] v = Arrays.copyOf(values, kept);
        Arrays.sort(v);
        double alpha = (1 - level) / 2;
        return new Interval(estimate, orderStatistic(v, alpha), orderStatistic(v, 1 - alpha));
    }

    /** Type-7 quantile of sorted {@code v}, exact at infinities (no interpolation into an infinite neighbour). */
    static double orderStatistic(double[] v, double p) {
        double h = (v.length - 1) * p;
        int lo = (int) Math.floor(h);
        int hi = Math.min(v.length - 1, lo + 1);
        double frac = h - lo;
        if (frac == 0 || v[lo] == v[hi]) return v[lo];
        if (Double.isInfinite(v[hi]) || Double.isInfinite(v[lo])) return frac < 0.5 ? v[lo] : v[hi];
        return v[lo] + frac * (v[hi] - v[lo]);
    }

    /** Mean of {@code x} over the drawn indices. */
    public static double mean(double[] x, int[] draw) {
        double s = 0;
        for (int i : draw) s += x[i];
        return s / draw.length;
    }
}
