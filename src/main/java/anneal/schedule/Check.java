package anneal.schedule;

import anneal.ConfigurationException;

/**
 * The one place argument ranges are checked, for the Java constructors and the spec parser alike.
 * Every failure is a {@link ConfigurationException} naming the schedule, the argument, the value and
 * what is allowed.
 */
public final class Check {
    private Check() {
    }

    /** Builds the uniform message: {@code StepLR: gamma=-1.0 is not allowed; allowed: > 0}. */
    public static ConfigurationException bad(String schedule, String arg, Object value, String allowed) {
        return ConfigurationException.of(schedule, arg, value, allowed);
    }

    /** How a value appears in messages (strings quoted, arrays listed). */
    public static String show(Object value) {
        return ConfigurationException.show(value);
    }

    /** {@code lo < value} (or {@code <=} when {@code loInclusive}) and likewise for {@code hi}; NaN never passes. */
    public static double range(String schedule, String arg, double value, double lo, boolean loInclusive, double hi,
            boolean hiInclusive) {
        boolean ok = !Double.isNaN(value)
                && (loInclusive ? value >= lo : value > lo)
                && (hiInclusive ? value <= hi : value < hi);
        if (!ok) throw bad(schedule, arg, value, describe(lo, loInclusive, hi, hiInclusive));
        return value;
    }

    static String describe(double lo, boolean loInclusive, double hi, boolean hiInclusive) {
        boolean hasLo = lo != Double.NEGATIVE_INFINITY;
        boolean hasHi = hi != Double.POSITIVE_INFINITY && hi != Double.MAX_VALUE; // MAX_VALUE: just "finite"
        String l = (loInclusive ? ">= " : "> ") + num(lo);
        String h = (hiInclusive ? "<= " : "< ") + num(hi);
        if (hasLo && hasHi) return l + " and " + h;
        if (hasLo) return l;
        if (hasHi) return h;
        return "a number (not NaN)";
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** {@code value > 0}, finite. */
    public static double positive(String schedule, String arg, double value) {
        return range(schedule, arg, value, 0.0, false, Double.MAX_VALUE, true);
    }

    /** {@code value >= lo}, finite. */
    public static double finiteAtLeast(String schedule, String arg, double value, double lo) {
        return range(schedule, arg, value, lo, true, Double.MAX_VALUE, true);
    }

    /** An integer {@code >= lo}. */
    public static long atLeast(String schedule, String arg, long value, long lo) {
        if (value < lo) throw bad(schedule, arg, value, "an integer >= " + lo);
        return value;
    }

    /**
     * A step that Python itself refuses (PyTorch raises {@code ZeroDivisionError}): an {@link ArithmeticException}
     * naming the schedule and the cause, thrown where PyTorch's step raises.
     */
    public static ArithmeticException zeroDivision(String schedule, String cause) {
        return new ArithmeticException(schedule + ": division by zero (PyTorch raises ZeroDivisionError): " + cause);
    }

    /**
     * Python's float {@code base ** exponent}: {@code OverflowError} (an {@link ArithmeticException} naming
     * {@code schedule}) where the result of finite operands is too large for a double, {@code ZeroDivisionError}
     * for {@code 0.0 ** negative}; otherwise {@link Math#pow}.
     */
    public static double pythonPow(String schedule, double base, double exponent) {
        double r = Math.pow(base, exponent);
        if (Double.isInfinite(r) && Double.isFinite(base) && Double.isFinite(exponent)) {
            if (base == 0.0) throw zeroDivision(schedule, "0.0 cannot be raised to a negative power");
            throw new ArithmeticException(schedule + ": " + base + " ** " + exponent + " overflows a double (PyTorch "
                    + "raises OverflowError: (34, 'Numerical result out of range'))");
        }
        return r;
    }

    /** A per-group list must have one value per parameter group. */
    public static double[] perGroup(String schedule, String arg, double[] values, int groups) {
        if (values.length != groups) {
            throw bad(schedule, arg, values, "one value per parameter group (" + groups + " values) or a single "
                    + "number");
        }
        return values;
    }
}
