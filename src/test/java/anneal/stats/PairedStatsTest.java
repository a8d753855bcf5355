package anneal.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.math3.stat.inference.WilcoxonSignedRankTest;
import org.junit.jupiter.api.Test;

class PairedStatsTest {
    /**
     * n = 6, every one of the 64 sign patterns of the differences 1..6 as the observed data. With the differences
     * equal to their ranks the sign-flip statistic is {@code 2 W+ - 21}, so its exact two-sided p-value must equal
     * the exact Wilcoxon signed-rank p-value, computed independently by Commons Math, and the count of sign
     * patterns at least as extreme (closed form: subsets of {1..6} with sum <= min(W+, W-), doubled).
     */
    @Test
    void everyPValueForSixPairsEnumerated() {
        int[] subsetsWithSumAtMost = new int[22];  // number of subsets of {1..6} with sum <= k
        for (int mask = 0; mask < 64; mask++) {
            int s = 0;
            for (int i = 0; i < 6; i++) if ((mask >> i & 1) == 1) s += i + 1;
            for (int k = s; k < 22; k++) subsetsWithSumAtMost[k]++;
        }
        WilcoxonSignedRankTest wilcoxon = new WilcoxonSignedRankTest();
        for (int mask = 0; mask < 64; mask++) {
            double[] d = new double[6];
            int wPlus = 0;
            for (int i = 0; i < 6; i++) {
                d[i] = (mask >> i & 1) == 1 ? i + 1 : -(i + 1);
                if (d[i] > 0) wPlus += i + 1;
            }
            SignFlipTest.Result r = SignFlipTest.differences(d);
            int w = Math.min(wPlus, 21 - wPlus);
            assertEquals(Math.min(1.0, 2.0 * subsetsWithSumAtMost[w] / 64), r.pValue(), 1e-15, "mask " + mask);
            double[] zero = new double[6];
            assertEquals(wilcoxon.wilcoxonSignedRankTest(d, zero, true), r.pValue(), 1e-12, "mask " + mask);
            assertTrue(r.exact());
        }
        SignFlipTest.Result allFaster = SignFlipTest.differences(new double[] {1, 2, 3, 4, 5, 6});
        assertEquals(2.0 / 64, allFaster.pValue(), 1e-15);
        assertEquals(0.03125, allFaster.smallestPossible());
    }

    @Test
    void signFlipUsesTheValuesNotOnlyTheirRanks() {
        // d = (10, 1, -2): sums over the 8 sign patterns are 13, 9, 11, 7 and their negatives; |sum| >= 9 in 6: p = 0.75
        SignFlipTest.Result r = SignFlipTest.test(new double[] {11, 2, 0, Double.NaN}, new double[] {1, 1, 2, 5});
        assertEquals(3, r.pairs());
        assertEquals(0.75, r.pValue(), 1e-15);
        assertEquals(3.0, r.meanDiff(), 1e-15);
        // a zero difference leaves the p-value unchanged
        assertEquals(0.75, SignFlipTest.differences(new double[] {10, 1, -2, 0}).pValue(), 1e-15);
        // d = (10, -1, -2, -3), sum 4: the 10 dominates, so every one of the 16 patterns has |sum| >= 4: p = 1, while
        // the signed-rank test on the same data (ranks 4, 1, 2, 3; W+ = 4) gives 2 * 7 / 16 = 0.875
        assertEquals(1.0, SignFlipTest.differences(new double[] {10, -1, -2, -3}).pValue(), 1e-15);
        assertEquals(0.875, new WilcoxonSignedRankTest().wilcoxonSignedRankTest(new double[] {10, -1, -2, -3},
                new double[4], true), 1e-12);
        assertTrue(Double.isNaN(SignFlipTest.differences(new double[0]).pValue()));
    }

    @Test
    void pairsNeededForSignificance() {
        assertEquals(6, SignFlipTest.pairsNeeded(1, 0.05), "2/64 < 0.05 <= 2/32");
        // 11 comparisons under Holm: 11 * 2 / 2^n < 0.05 needs 2^n > 440: n = 9
        assertEquals(9, SignFlipTest.pairsNeeded(11, 0.05));
    }

    @Test
    void holmMatchesTheStepDownByHand() {
        // sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04 -> running max 0.02, 0.03, 0.06, 0.06
        assertArrayEquals(new double[] {0.03, 0.06, 0.06, 0.02}, Holm.adjust(new double[] {0.01, 0.04, 0.03, 0.005}), 1e-15);
        // R: p.adjust(c(0.01, 0.02, 0.03, 0.04, 0.05), "holm") = 0.05 0.08 0.09 0.09 0.09
        assertArrayEquals(new double[] {0.05, 0.08, 0.09, 0.09, 0.09}, Holm.adjust(new double[] {0.01, 0.02, 0.03, 0.04, 0.05}), 1e-15);
        double[] withNan = Holm.adjust(new double[] {0.5, Double.NaN, 0.9});
        assertEquals(1.0, withNan[0]);
        assertTrue(Double.isNaN(withNan[1]));
        assertEquals(1.0, withNan[2]);
    }

    @Test
    void performanceProfileByHand() {
        Map<String, double[]> t = new LinkedHashMap<>();
        t.put("a", new double[] {10, 20, Double.POSITIVE_INFINITY, 5});
        t.put("b", new double[] {20, 10, Double.POSITIVE_INFINITY, Double.NaN});
        PerformanceProfile p = PerformanceProfile.of(t);
        assertEquals(3, p.settings(), "the third setting nobody reached is left out");
        // ratios a: 1, 2, 1; b: 2, 1, inf
        assertEquals(2.0 / 3, p.rho("a", 1.0), 1e-15);
        assertEquals(1.0, p.rho("a", 2.0), 1e-15);
        assertEquals(1.0 / 3, p.rho("b", 1.5), 1e-15);
        // score: mean over settings of (4 - r) / 3 for r <= 4
        assertEquals((1 + 2.0 / 3 + 1) / 3, p.score("a"), 1e-15);
        assertEquals((2.0 / 3 + 1 + 0) / 3, p.score("b"), 1e-15);
    }

    @Test
    void bootstrapIsReproducibleAndBracketsTheEstimate() {
        double[] x = {1, 2, 3, 4, 5, 6, 7, 8};
        Bootstrap.Interval a = Bootstrap.percentile(x.length, d -> Bootstrap.mean(x, d), 0.95);
        Bootstrap.Interval b = Bootstrap.percentile(x.length, d -> Bootstrap.mean(x, d), 0.95);
        assertEquals(a, b);
        assertEquals(4.5, a.estimate(), 1e-15);
        assertTrue(a.low() < 4.5 && a.high() > 4.5 && a.low() >= 1 && a.high() <= 8, a.toString());
        // the standard error of the mean is s / sqrt(n) = 0.866 (population s); a 95% interval spans roughly +-1.7
        assertEquals(2 * 1.96 * Math.sqrt(42.0 / 8 / 8), a.high() - a.low(), 0.5);
        Bootstrap.Interval constant = Bootstrap.percentile(3, d -> 7.0, 0.95);
        assertEquals(new Bootstrap.Interval(7, 7, 7), constant);
    }
}
