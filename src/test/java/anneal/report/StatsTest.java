package anneal.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StatsTest {
    private static final double NAN = Double.NaN;

    @Test
    void quantilesMatchNumpyLinearInterpolation() {
        double[] x = {7, 1, 3, 5, NAN, 9};
        // numpy.percentile([1,3,5,7,9], [25,50,75]) = [3, 5, 7]
        assertEquals(3, Stats.quantile(x, 0.25), 1e-15);
        assertEquals(5, Stats.median(x), 1e-15);
        assertEquals(4, Stats.iqr(x), 1e-15);
        // numpy.percentile([1,2,3,4], 25) = 1.75
        assertEquals(1.75, Stats.quantile(new double[] {4, 3, 2, 1}, 0.25), 1e-15);
        assertEquals(2.5, Stats.median(new double[] {4, 3, 2, 1}), 1e-15);
        assertTrue(Double.isNaN(Stats.median(new double[] {NAN})));
    }

    @Test
    void trimmedMeanDropsFastestAndSlowest() {
        assertEquals((2 + 3 + 10) / 3.0, Stats.trimmedMean(new double[] {100, 2, 3, 10, 1}), 1e-15);
        assertEquals(1.5, Stats.trimmedMean(new double[] {1, 2}), 1e-15);
        assertEquals(2, Stats.trimmedMean(new double[] {1, 2, 3}), 1e-15);
    }

    @Test
    void confidenceIntervalUsesStudentT() {
        // x = 1..5: mean 3, s = sqrt(2.5), t(0.975, 4) = 2.7764451051977987 (scipy.stats.t.ppf)
        Stats.MeanCi ci = Stats.meanCi(new double[] {1, 2, 3, 4, 5}, 0.95);
        assertEquals(3, ci.mean(), 1e-15);
        // Commons Math inverts the t CDF numerically to about 1e-9
        assertEquals(2.7764451051977987 * Math.sqrt(2.5) / Math.sqrt(5), ci.halfWidth(), 1e-9);
        assertEquals(5, ci.n());
        // two points 0 and 1: t(0.975, 1) = 12.706204736174698, s = sqrt(0.5), half-width = t * s / sqrt(2) = t / 2
        assertEquals(12.706204736174698 / 2, Stats.meanCi(new double[] {0, 1}, 0.95).halfWidth(), 1e-9);
        Stats.MeanCi one = Stats.meanCi(new double[] {0.9}, 0.95);
        assertEquals(0.9, one.mean());
        assertTrue(Double.isNaN(one.halfWidth()));
    }

    @Test
    void wilcoxonExactPValuesByHand() {
        // all 6 differences positive: W- = 0, exact two-sided p = 2 / 2^6 = 0.03125
        double[] a = {2, 3, 4, 5, 6, 7};
        double[] b = {1, 1, 1, 1, 1, 1};
        Stats.PairedTest t = Stats.wilcoxon(a, b);
        assertEquals(6, t.pairs());
        assertEquals(0.03125, t.pValue(), 1e-12);
        assertTrue(t.significant(0.05));
        assertEquals("", t.note());
        // 5 pairs can at best reach 2 / 32 = 0.0625, and the report says so
        Stats.PairedTest five = Stats.wilcoxon(new double[] {2, 3, 4, 5, 6}, new double[] {1, 1, 1, 1, 1});
        assertEquals(0.0625, five.pValue(), 1e-12);
        assertFalse(five.significant(0.05));
        assertTrue(five.note().contains("cannot reach"), five.note());
    }

    @Test
    void wilcoxonDropsTiesAndMissingPairs() {
        // differences: +1 (rank 1), -2 (rank 2), 0 dropped, NaN dropped, +3 (rank 3): W+ = 4, W- = 2, n = 3.
        // Exact: P(W+ >= 4) over the 8 sign patterns of ranks {1,2,3}: sums 0,1,2,3,3,4,5,6 -> P(W+ <= 2) = 3/8,
        // two-sided p = 2 * min(P(W<=2), P(W>=4)) = 2 * 3/8 = 0.75
        Stats.PairedTest t = Stats.wilcoxon(new double[] {2, 1, 5, NAN, 4}, new double[] {1, 3, 5, 1, 1});
        assertEquals(3, t.pairs());
        assertEquals(0.75, t.pValue(), 1e-12);
        Stats.PairedTest none = Stats.wilcoxon(new double[] {1, NAN}, new double[] {1, 2});
        assertEquals(0, none.pairs());
        assertTrue(Double.isNaN(none.pValue()));
    }
}
