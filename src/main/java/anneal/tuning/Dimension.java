package anneal.tuning;

import anneal.ConfigurationException;

/**
 * One hyperparameter of a search space, sampled from {@code [low, high]}: on a log scale ({@code low * (high/low)^u})
 * for scale parameters such as the peak lr, linearly otherwise. Shape parameters are written as fractions of the
 * run (warmup fraction, OneCycle {@code pct_start}, ...) so that one space fits every budget. {@code low == high}
 * fixes the parameter (every trial gets that value; the other dimensions' points are unchanged).
 *
 * @param name   the parameter's name ({@code lr}, {@code warmup}, ...)
 * @param low    lower bound
 * @param high   upper bound, {@code >= low}
 * @param log    sample on a log scale (needs {@code low > 0})
 * @param domain the values the parameter may take at all; both bounds lie in it
 */
public record Dimension(String name, double low, double high, boolean log, Domain domain) {
    public Dimension {
        if (domain == null) domain = log ? Domain.POSITIVE : Domain.ANY;
        if (!Double.isFinite(low) || !Double.isFinite(high) || high < low)
            throw new ConfigurationException("search space bound " + name + ": [" + low + ", " + high
                    + "] must be finite with low <= high");
        if (log && !(low > 0))
            throw new ConfigurationException("search space bound " + name + ": a log-scale range needs low > 0, got ["
                    + low + ", " + high + "]");
        if (!domain.contains(low) || !domain.contains(high))
            throw new ConfigurationException("search space bound " + name + ": [" + low + ", " + high + "] must be "
                    + domain.phrase());
    }

    /** A log-scale dimension of positive values. */
    public static Dimension log(String name, double low, double high) {
        return new Dimension(name, low, high, true, Domain.POSITIVE);
    }

    /** A log-scale dimension in {@code domain}. */
    public static Dimension log(String name, double low, double high, Domain domain) {
        return new Dimension(name, low, high, true, domain);
    }

    /** A linear dimension of any finite values. */
    public static Dimension linear(String name, double low, double high) {
        return new Dimension(name, low, high, false, Domain.ANY);
    }

    /** A linear dimension in {@code domain}. */
    public static Dimension linear(String name, double low, double high, Domain domain) {
        return new Dimension(name, low, high, false, domain);
    }

    /** This dimension with other bounds (same name, scale and domain), checked as the constructor checks. */
    public Dimension withBounds(double newLow, double newHigh) {
        return new Dimension(name, newLow, newHigh, log, domain);
    }

    /** The value at {@code u} in [0, 1). */
    public double at(double u) {
        return log ? low * Math.pow(high / low, u) : low + u * (high - low);
    }

    /** Whether {@code v} lies inside the bounds. */
    public boolean contains(double v) {
        return v >= low && v <= high;
    }

    /** {@code lr in [0.02, 0.5] log} (or {@code pct_start = 0.3} when fixed), as {@code sweep --list} prints it. */
    public String describe() {
        if (low == high) return name + " = " + low;
        return name + " in [" + low + ", " + high + "]" + (log ? " log" : "");
    }
}
