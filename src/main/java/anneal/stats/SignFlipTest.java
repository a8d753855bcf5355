package anneal.stats;

import java.util.SplittableRandom;

/**
 * The exact paired sign-flip (Fisher-Pitman permutation) test of a zero mean difference: under the null
 * hypothesis that the two members of each pair are exchangeable, every one of the {@code 2^n} sign assignments of
 * the differences {@code d_i} is equally likely; the two-sided p-value is the share of assignments whose
 * {@code |sum(+-d_i)|} is at least the observed {@code |sum(d_i)|}. Valid for any number of pairs and any
 * distribution of the differences (no normality), and exact: all {@code 2^n} assignments are enumerated for
 * {@code n <=} {@value #EXACT_MAX_PAIRS}; beyond that {@value #MONTE_CARLO_DRAWS} random assignments from a
 * fixed seed estimate it ({@code (hits + 1) / (draws + 1)}).
 *
 * <p>Pairs with a NaN on either side are dropped; zero differences stay (they do not change the statistic). The
 * smallest p-value {@code n} non-zero pairs can give is {@code 2 / 2^n} (all differences of one sign), so six
 * pairs are needed for p &lt; 0.05 (0.03125), five can at best reach 0.0625.
 */
public final class SignFlipTest {
    /** Largest pair count enumerated exactly. */
    public static final int EXACT_MAX_PAIRS = 22;
    /** Random assignments above {@link #EXACT_MAX_PAIRS}. */
    public static final int MONTE_CARLO_DRAWS = 200_000;
    /** The test's name as printed in reports. */
    public static final String NAME = "exact paired sign-flip permutation test (two-sided)";

    private SignFlipTest() {
    }

    /**
     * Result of the test.
     *
     * @param pairs    pairs that entered the test (both sides finite)
     * @param nonZero  of those, pairs with a non-zero difference
     * @param meanDiff mean of {@code a - b} over the pairs
     * @param pValue   two-sided p-value (NaN without pairs)
     * @param exact    whether all assignments were enumerated
     */
    public record Result(int pairs, int nonZero, double meanDiff, double pValue, boolean exact) {
        /** Smallest p-value these pairs could give at all: {@code 2 / 2^nonZero} (1 without non-zero pairs). */
        public double smallestPossible() {
            return smallestPossible(nonZero);
        }

        public static double smallestPossible(int nonZero) {
            return Math.min(1.0, 2.0 / Math.pow(2, nonZero));
        }
    }

    /** Tests {@code a[i] - b[i]}, pairs with a NaN dropped. */
    public static Result test(double[] a, double[] b) {
        if (a.length != b.length) throw new IllegalArgumentException("paired samples differ in length: " + a.length + " vs " + b.length);
        double[] d = new double[a.length];
        int n = 0;
        for (int i = 0; i < a.length; i++)
            if (!Double.isNaN(a[i]) && !Double.isNaN(b[i])) d[n++] = a[i] - b[i];
        return differences(java.util.Arrays.copyOf(d, n));
    }

    /** Tests the differences {@code d} (all finite). */
    public static Result differences(double[] d) {
        int n = d.length;
        int nonZero = 0;
        double sum = 0, scale = 0;
        for (double v : d) {
            if (!Double.isFinite(v)) throw new IllegalArgumentException("differences must be finite, got " + v);
            if (v != 0) nonZero++;
            sum += v;
            scale += Math.abs(v);
        }
        if (n == 0) return new Result(0, 0, Double.NaN, Double.NaN, true);
        double observed = Math.abs(sum) - 1e-12 * scale;  // tolerance for rounding of equal sums in another order
        if (n <= EXACT_MAX_PAIRS) {
            long hits = 0, total = 1L << n;
            for (long mask = 0; mask < total; mask++) {
                double s = 0;
                for (int i = 0; i < n; i++) s += ((mask >>> i) & 1) == 0 ? d[i] : -d[i];
                if (Math.abs(s) >= observed) hits++;
            }
            return new Result(n, nonZero, sum / n, hits / (double) total, true);
        }
        SplittableRandom rng = new SplittableRandom(Bootstrap.SEED);
        long hits = 0;
        for (int k = 0; k < MONTE_CARLO_DRAWS; k++) {
            double s = 0;
            for (double v : d) s += rng.nextBoolean() ? v : -v;
            if (Math.abs(s) >= observed) hits++;
        }
        return new Result(n, nonZero, sum / n, (hits + 1) / (MONTE_CARLO_DRAWS + 1.0), false);
    }

    /**
     * The fewest pairs with which any of {@code comparisons} Holm-adjusted tests can reach p &lt; {@code alpha}: the
     * smallest {@code n} with {@code comparisons * 2 / 2^n < alpha}.
     */
    public static int pairsNeeded(int comparisons, double alpha) {
        int m = Math.max(1, comparisons);
        int n = 1;
        while (m * Result.smallestPossible(n) >= alpha) n++;
        return n;
    }
}
