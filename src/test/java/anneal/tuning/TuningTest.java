package anneal.tuning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.apache.commons.math3.random.SobolSequenceGenerator;
import org.junit.jupiter.api.Test;

class TuningTest {
    static final double INF = Double.POSITIVE_INFINITY;

    @Test
    void trialPointsAreCommonsMathsSobolSequenceAfterTheOrigin() {
        SearchSpace space = SearchSpace.of(Dimension.linear("a", 0, 1), Dimension.linear("b", 0, 1), Dimension.linear("c", 0, 1));
        SobolSequenceGenerator g = new SobolSequenceGenerator(3);
        assertArrayEquals(new double[3], g.nextVector(), "Commons Math's sequence starts at the origin");
        for (int k = 1; k <= 64; k++) assertArrayEquals(g.nextVector(), space.unitPoint(k), "trial " + k);
        // the first coordinate is the van der Corput sequence in Gray-code order (closed form)
        double[] first = {0.5, 0.75, 0.25, 0.375, 0.875, 0.625, 0.125};
        for (int k = 1; k <= first.length; k++) assertEquals(first[k - 1], space.unitPoint(k)[0], "trial " + k);
    }

    @Test
    void dimensionsMapTheUnitIntervalLinearlyOrOnALogScale() {
        SearchSpace space = SearchSpace.of(Dimension.log("lr", 0.01, 1.0), Dimension.linear("warmup", 0.0, 0.4));
        Map<String, Double> p1 = space.point(1);  // unit point (0.5, 0.5)
        assertEquals(0.1, p1.get("lr"), 1e-15, "geometric midpoint of 0.01 and 1");
        assertEquals(0.2, p1.get("warmup"), 1e-15);
        Map<String, Double> p2 = space.point(2);  // (0.75, 0.25)
        assertEquals(Math.pow(10, -0.5), p2.get("lr"), 1e-15);
        assertEquals(0.1, p2.get("warmup"), 1e-15);
        assertEquals(space.points(5).get(4), space.point(5));
    }

    @Test
    void badBoundsNameTheDimension() {
        String m = assertThrows(IllegalArgumentException.class, () -> Dimension.linear("warmup", 0.3, 0.1)).getMessage();
        assertTrue(m.contains("warmup") && m.contains("low <= high"), m);
        m = assertThrows(IllegalArgumentException.class, () -> Dimension.log("lr", 0, 1)).getMessage();
        assertTrue(m.contains("lr") && m.contains("low > 0"), m);
        assertThrows(IllegalArgumentException.class, () -> Dimension.log("lr", -1, 1));
        // equal bounds fix the parameter: every trial gets the value
        SearchSpace fixed = SearchSpace.of(Dimension.linear("x", 1, 1), Dimension.log("y", 0.5, 0.5));
        for (int k = 1; k <= 5; k++) assertEquals(java.util.Map.of("x", 1.0, "y", 0.5), fixed.point(k));
        m = assertThrows(IllegalArgumentException.class, () -> Dimension.linear("pct", 0.1, 1.5, Domain.FRACTION_OF_RUN))
                .getMessage();
        assertTrue(m.contains("pct") && m.contains("fraction of the run in (0, 1]"), m);
        assertThrows(IllegalArgumentException.class, () -> Dimension.linear("x", 0, Double.NaN));
    }

    @Test
    void tunePlanParsesAndRejects() {
        assertEquals(new TuningPlan(8, 6), TuningPlan.parse("8", 6));
        assertEquals(new TuningPlan(8, 3), TuningPlan.parse("8x3", 6));
        for (String bad : new String[] {"0", "3x0", "x", "3x", "a", "3x2x1", "-1", "1001"}) {
            String m = assertThrows(IllegalArgumentException.class, () -> TuningPlan.parse(bad, 6)).getMessage();
            assertTrue(m.startsWith("--tune"), m);
        }
        String m = assertThrows(IllegalArgumentException.class, () -> new TuningPlan(4, 5).requireSeeds(3)).getMessage();
        assertTrue(m.contains("--tune 4x5 needs at least 5 seeds"), m);
    }

    @Test
    void scoreIsTheStudyMedianOfTheFastestTrialAndAMissIsInfinite() {
        // three studies of three trials: fastest per study 2, 4, 7 -> median 4; 7 of 9 trials reached
        TuningScore s = TuningScore.of(new double[][] {{5, 2, INF}, {4, 9, 6}, {Double.NaN, 7, 8}});
        assertArrayEquals(new double[] {2, 4, 7}, s.studyScores());
        assertArrayEquals(new int[] {2, 1, 2}, s.bestTrial());
        assertEquals(4, s.score());
        assertEquals(7.0 / 9, s.robustness(), 1e-15);
        // two of three studies miss everywhere: the median is infinite
        TuningScore bad = TuningScore.of(new double[][] {{INF, INF}, {3, INF}, {INF, Double.NaN}});
        assertEquals(INF, bad.score());
        assertEquals(1.0 / 6, bad.robustness(), 1e-15);
        // an even number of studies averages the middle two
        assertEquals(3.5, TuningScore.of(new double[][] {{1}, {3}, {4}, {9}}).score());
        assertEquals(INF, TuningScore.of(new double[][] {{1}, {INF}}).score());
    }
}
