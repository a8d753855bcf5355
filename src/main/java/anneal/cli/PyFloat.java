package anneal.cli;

import java.math.BigDecimal;

/**
 * Formats a double as Python's {@code repr(float)}: the shortest digits that read back to the same double,
 * positional for exponents -4..15 ({@code 0.001}, {@code 100.0}) and scientific otherwise ({@code 1e-05},
 * {@code 1.5e+16}), so the CLI's numbers diff cleanly against PyTorch's printed values.
 */
final class PyFloat {
    private PyFloat() {
    }

    static String repr(double v) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        if (v == 0) return (1 / v < 0) ? "-0.0" : "0.0";
        BigDecimal d = new BigDecimal(shortest(v)).stripTrailingZeros();
        String digits = d.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - d.scale(); // decimal exponent of the first digit
        String sign = v < 0 ? "-" : "";
        if (exponent >= -5 + 1 && exponent < 16) {
            String plain = d.abs().toPlainString();
            if (!plain.contains(".")) plain += ".0";
            return sign + plain;
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        String exp = String.format("%02d", Math.abs(exponent));
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + exp;
    }

    /** Shortest round-tripping decimal: Double.toString, shortened further where Java 17's is not minimal. */
    private static String shortest(double v) {
        String s = Double.toString(v);
        BigDecimal d = new BigDecimal(s);
        for (int precision = 1; precision < 17; precision++) {
            BigDecimal r = d.round(new java.math.MathContext(precision));
            if (r.doubleValue() == v) return r.toString();
        }
        return s;
    }
}
