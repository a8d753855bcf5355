package anneal.report;

import java.util.Arrays;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.descriptive.moment.StandardDeviation;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.apache.commons.math3.stat.inference.WilcoxonSignedRankTest;

/**
 * The report's statistics, on plain arrays (NaN entries are dropped first by every method).
 *
 * <ul>
 *   <li>Quantiles use linear interpolation between order statistics (Hyndman-Fan type 7, the default of
 *       numpy and R), so the IQR matches {@code numpy.percentile(x, [25, 75])}.</li>
 *   <li>The MLPerf-style mean drops the fastest and the slowest run and averages the rest (MLPerf Training
 *       rules, "olympic" scoring); with fewer than 3 runs it is the plain mean.</li>
 *   <li>Confidence intervals for a mean use Student's t with n-1 degrees of freedom.</li>
 *   <li>Paired comparisons use the two-sided Wilcoxon signed-rank test with the exact null distribution
 *       (Commons Math, exact for n &lt;= 30 pairs); pairs with zero difference are dropped first.</li>
 * </ul>
 */
public final class Stats {
    private Stats() {
    }

    /** The finite entries of {@code x}. */
    public static double[] finite(double[] x) {
        return Arrays.stream(x).filter(Double::isFinite).toArray();
    }

    /** Arithmetic mean of the finite entries (NaN when there are none). */
    public static double mean(double[] x) {
        double[] f = finite(x);
        return f.length == 0 ? Double.NaN : Arrays.stream(f).average().orElseThrow();
    }

    /** Quantile {@code p} in [0, 1] (type 7); NaN when there are no finite entries. */
    public static double quantile(double[] x, double p) {
        double[] f = finite(x);
        if (f.length == 0) return Double.NaN;
        if (f.length == 1) return f[0];
        return new Percentile().withEstimationType(Percentile.EstimationType.R_7).evaluate(f, p * 100);
    }

    public static double median(double[] x) {
        return quantile(x, 0.5);
    }

    /** Interquartile range q75 - q25. */
    public static double iqr(double[] x) {
        return quantile(x, 0.75) - quantile(x, 0.25);
    }

    /** Mean without the smallest and the largest entry (MLPerf); plain mean for fewer than 3 entries. */
    public static double trimmedMean(double[] x) {
        double[] f = finite(x);
        if (f.length < 3) return mean(f);
        Arrays.sort(f);
        double sum = 0;
        for (int i = 1; i < f.length - 1; i++) sum += f[i];
        return sum / (f.length - 2);
    }

    /** A mean with a two-sided confidence interval; {@code halfWidth} is NaN for fewer than 2 entries. */
    public record MeanCi(double mean, double halfWidth, int n) {
        public double low() {
            return mean - halfWidth;
        }

        public double high() {
            return mean + halfWidth;
        }
    }

    /** Mean and {@code level} (e.g. 0.95) confidence interval: mean +- t(1 - (1-level)/2, n-1) * s / sqrt(n). */
    public static MeanCi meanCi(double[] x, double level) {
        double[] f = finite(x);
        if (f.length < 2) return new MeanCi(mean(f), Double.NaN, f.length);
        double s = new StandardDeviation(true).evaluate(f);
        double t = new TDistribution(f.length - 1).inverseCumulativeProbability(1 - (1 - level) / 2);
        return new MeanCi(mean(f), t * s / Math.sqrt(f.length), f.length);
    }

    /**
     * Result of a paired test.
     *
     * @param test   the test's name
     * @param pairs  pairs with a non-zero difference that entered the test
     * @param pValue two-sided p-value (NaN when the test could not run)
     * @param note   why there is no p-value, or empty
     */
    public record PairedTest(String test, int pairs, double pValue, String note) {
        /** Whether the difference is significant at level {@code alpha}. */
        public boolean significant(double alpha) {
            return pValue < alpha;
        }

        /** Smallest two-sided p-value the exact test can reach with this many pairs: 2 / 2^n. */
        public static double smallestPossible(int pairs) {
            return Math.min(1.0, 2.0 / Math.pow(2, pairs));
        }
    }

    /** Name of the paired test as printed in the report. */
    public static final String WILCOXON = "Wilcoxon signed-rank (two-sided, exact)";

    /**
     * Two-sided exact Wilcoxon signed-rank test of {@code a[i] - b[i]}; pairs where either side is NaN or the
     * difference is 0 are dropped. Reports no p-value for 0 pairs and notes when the pair count cannot
     * reach 5% (fewer than 6 pairs).
     */
    public static PairedTest wilcoxon(double[] a, double[] b) {
        if (a.length != b.length) throw new IllegalArgumentException("paired samples differ in length: " + a.length + " vs " + b.length);
        int n = 0;
        double[] x = new double[a.length];
        double[] y = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            if (!Double.isFinite(a[i]) || !Double.isFinite(b[i]) || a[i] == b[i]) continue;
            x[n] = a[i];
            y[n] = b[i];
            n++;
        }
        if (n == 0) return new PairedTest(WILCOXON, 0, Double.NaN, "no usable pairs");
        double p = new WilcoxonSignedRankTest().wilcoxonSignedRankTest(Arrays.copyOf(x, n), Arrays.copyOf(y, n), n <= 30);
        String note = PairedTest.smallestPossible(n) >= 0.05
                ? n + " pairs cannot reach p < 0.05 (smallest possible p = " + fmt(PairedTest.smallestPossible(n)) + ")"
                : "";
        return new PairedTest(WILCOXON, n, p, note);
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.3g", v);
    }
}
