package anneal.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.function.Function;

/**
 * Short tick labels for the plots' numeric axes: at most four significant digits, {@code k}/{@code M} suffixes for
 * thousands and millions ({@code 14k} rather than {@code 14,070} or {@code 1.4E4}), a leading zero on fractions
 * ({@code 0.05} rather than {@code .05}), scientific notation below 0.001 ({@code 2.5e-5}), and tick positions that
 * summing left a hair away from zero printed as {@code 0}.
 */
public final class TickLabels {
    private static final MathContext FOUR_DIGITS = new MathContext(4);

    private TickLabels() {
    }

    /**
     * A formatter for an axis whose data reach magnitude {@code scale} (the largest absolute value on it); values
     * below {@code 1e-9 * scale} in magnitude are labelled {@code 0}.
     */
    public static Function<Double, String> forScale(double scale) {
        return v -> format(v, scale);
    }

    /** The label of tick value {@code v} on an axis of magnitude {@code scale} (see the class comment). */
    public static String format(double v, double scale) {
        if (!Double.isFinite(v)) return Double.toString(v);
        if (v == 0 || Math.abs(v) <= Math.abs(scale) * 1e-9) return "0";
        BigDecimal d = new BigDecimal(v).round(FOUR_DIGITS).stripTrailingZeros();
        double a = Math.abs(d.doubleValue());
        if (a >= 1e9 || a < 1e-3) return scientific(d);
        if (a >= 1e6) return plain(d.movePointLeft(6)) + "M";
        if (a >= 1e3) return plain(d.movePointLeft(3)) + "k";
        return plain(d);
    }

    private static String plain(BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0).toPlainString() : s.toPlainString();
    }

    private static String scientific(BigDecimal d) {
        int exponent = d.precision() - d.scale() - 1;
        return plain(d.movePointLeft(exponent)) + "e" + exponent;
    }
}
