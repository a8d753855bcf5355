package anneal.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * Against R's {@code survival} package: the {@code aml} data (acute myelogenous leukaemia, Miller 1981), whose
 * {@code summary(survfit(Surv(time, status) ~ x, data = aml))} is printed in the package documentation and in
 * most survival textbooks. A {@code +} is a censored time.
 */
class KaplanMeierTest {
    // Maintained: 9, 13, 13+, 18, 23, 28+, 31, 34, 45+, 48, 161+
    static final double[] MAINTAINED_T = {9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161};
    static final boolean[] MAINTAINED_E = {true, true, false, true, true, false, true, true, false, true, false};
    // Nonmaintained: 5, 5, 8, 8, 12, 16+, 23, 27, 30, 33, 43, 45
    static final double[] NON_T = {5, 5, 8, 8, 12, 16, 23, 27, 30, 33, 43, 45};
    static final boolean[] NON_E = {true, true, true, true, true, false, true, true, true, true, true, true};

    @Test
    void amlMaintainedMatchesSurvfit() {
        KaplanMeier km = KaplanMeier.fit(MAINTAINED_T, MAINTAINED_E);
        // survfit: time 9 13 18 23 31 34 48; n.risk 11 10 8 7 5 4 2; survival 0.909 0.818 0.716 0.614 0.491 0.368 0.184
        assertArrayEquals(new double[] {9, 13, 18, 23, 31, 34, 48}, km.eventTimes());
        assertArrayEquals(new int[] {11, 10, 8, 7, 5, 4, 2}, km.atRisk());
        double[] s = {10.0 / 11, 10.0 / 11 * 9 / 10, 10.0 / 11 * 9 / 10 * 7 / 8, 10.0 / 11 * 9 / 10 * 7 / 8 * 6 / 7,
                10.0 / 11 * 9 / 10 * 7 / 8 * 6 / 7 * 4 / 5, 10.0 / 11 * 9 / 10 * 7 / 8 * 6 / 7 * 4 / 5 * 3 / 4,
                10.0 / 11 * 9 / 10 * 7 / 8 * 6 / 7 * 4 / 5 * 3 / 4 / 2};
        assertArrayEquals(s, km.survivalAtEvents(), 1e-15);
        double[] printed = {0.909, 0.818, 0.716, 0.614, 0.491, 0.368, 0.184};
        assertArrayEquals(printed, km.survivalAtEvents(), 5e-4);
        assertEquals(31, km.median(), "survfit's median for the maintained group");
        assertEquals(0.716, km.survival(20), 5e-4);
        assertEquals(1 - 0.716, km.reachedBy(20), 5e-4);
        assertEquals(1, km.survival(8.99));
        assertEquals(0.184, km.survival(200), 5e-4);
    }

    @Test
    void amlNonmaintainedMatchesSurvfit() {
        KaplanMeier km = KaplanMeier.fit(NON_T, NON_E);
        // survfit: 5 8 12 23 27 30 33 43 45; n.risk 12 10 8 6 5 4 3 2 1; survival 0.8333 0.6667 0.5833 0.4861 0.3889 0.2917 0.1944 0.0972 0
        assertArrayEquals(new int[] {12, 10, 8, 6, 5, 4, 3, 2, 1}, km.atRisk());
        assertArrayEquals(new double[] {0.8333, 0.6667, 0.5833, 0.4861, 0.3889, 0.2917, 0.1944, 0.0972, 0},
                km.survivalAtEvents(), 5e-5);
        assertEquals(23, km.median(), "survfit's median for the nonmaintained group");
    }

    @Test
    void restrictedMeanIsTheAreaUnderTheStepCurve() {
        KaplanMeier km = KaplanMeier.fit(MAINTAINED_T, MAINTAINED_E);
        double s1 = 10.0 / 11, s2 = s1 * 9 / 10, s3 = s2 * 7 / 8, s4 = s3 * 6 / 7, s5 = s4 * 4 / 5, s6 = s5 * 3 / 4;
        // by hand: rectangles between the event times up to tau = 40
        double byHand = 9 * 1 + (13 - 9) * s1 + (18 - 13) * s2 + (23 - 18) * s3 + (31 - 23) * s4 + (34 - 31) * s5 + (40 - 34) * s6;
        assertEquals(byHand, km.restrictedMean(40), 1e-12);
        assertEquals(5, km.restrictedMean(5), 1e-15, "before the first event S = 1");
        assertEquals(0, km.restrictedMean(0));
    }

    @Test
    void missesCensoredAtTheHorizonGiveTheMeanOfTheCappedTimes() {
        // runs reach the target at 2, 3, 5 s; two miss and are censored at their budget of 8 s
        KaplanMeier km = KaplanMeier.fit(new double[] {5, 8, 2, 8, 3}, new boolean[] {true, false, true, false, true});
        assertEquals((2 + 3 + 5 + 8 + 8) / 5.0, km.restrictedMean(8), 1e-12);
        assertEquals(5, km.median(), "S: 0.8 after 2, 0.6 after 3, 0.4 after 5");
        assertEquals(0.6, km.reachedBy(5), 1e-15);
    }

    @Test
    void medianOnAnExactHalfIsTheMidpointAndUnreachedIsInfinite() {
        // S = 0.5 from 4 to 6 (the next event): the median is 5 (R print.survfit)
        KaplanMeier half = KaplanMeier.fit(new double[] {2, 4, 6, 8}, new boolean[] {true, true, true, true});
        assertEquals(5, half.median());
        // half the runs miss: S stays 0.5 to the last observed time 10
        KaplanMeier flat = KaplanMeier.fit(new double[] {2, 4, 10, 10}, new boolean[] {true, true, false, false});
        assertEquals(7, flat.median());
        KaplanMeier none = KaplanMeier.fit(new double[] {3, 10, 10}, new boolean[] {true, false, false});
        assertEquals(Double.POSITIVE_INFINITY, none.median());
        assertEquals((3 + 10 + 10) / 3.0, none.restrictedMean(10), 1e-12);
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> KaplanMeier.fit(new double[0], new boolean[0]));
        assertThrows(IllegalArgumentException.class, () -> KaplanMeier.fit(new double[] {1}, new boolean[] {true, false}));
        assertThrows(IllegalArgumentException.class, () -> KaplanMeier.fit(new double[] {Double.NaN}, new boolean[] {true}));
    }
}
