package anneal.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TickLabelsTest {
    @Test
    void thousandsAndMillionsGetSuffixes() {
        assertEquals("14k", TickLabels.format(14000, 14070));
        assertEquals("1.5k", TickLabels.format(1500, 14070));
        assertEquals("140k", TickLabels.format(140000, 140700));
        assertEquals("1M", TickLabels.format(1e6, 2e6));
        assertEquals("2.5M", TickLabels.format(2.5e6, 2e6));
        assertEquals("-2k", TickLabels.format(-2000, 5000));
        assertEquals("1e10", TickLabels.format(1e10, 1e10));
    }

    @Test
    void roundingToFourDigitsPicksTheSuffixAfterRounding() {
        assertEquals("1k", TickLabels.format(999.96, 1000));
        assertEquals("1.173k", TickLabels.format(1172.5, 14070));
        assertEquals("1M", TickLabels.format(999_999.7, 1e6));
    }

    @Test
    void fractionsKeepTheLeadingZeroAndLoseFloatNoise() {
        assertEquals("0.05", TickLabels.format(0.05, 0.1));
        assertEquals("0.3", TickLabels.format(0.1 + 0.2, 1));
        assertEquals("-0.5", TickLabels.format(-0.5, 1));
        assertEquals("5", TickLabels.format(5, 30));
        assertEquals("500", TickLabels.format(500, 1000));
        assertEquals("0.001", TickLabels.format(0.001, 0.1));
    }

    @Test
    void smallValuesAreScientificAndNearZeroIsZero() {
        assertEquals("2.5e-5", TickLabels.format(2.5e-5, 1e-4));
        assertEquals("1e-4", TickLabels.format(1e-4, 1e-4));
        assertEquals("0", TickLabels.format(1.3877787807814457E-17, 0.1));
        assertEquals("0", TickLabels.format(-0.0, 0.1));
        assertEquals("1e-12", TickLabels.format(1e-12, 1e-12));
        assertEquals("NaN", TickLabels.format(Double.NaN, 1));
    }
}
