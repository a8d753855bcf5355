package anneal.tuning;

import anneal.ConfigurationException;
/**
 * One hyperparameter of a search space, sampled from {@code [low, high]}: on a log scale ({@code low * (high/low)^u})
 * for scale parameters such as the peak lr, linearly otherwise. Shape parameters are written as fractions of the
 * run (warmup fraction, OneCycle {@code pct_start}, ...) so that one space fits every budget.
 *
 * @param name the parameter's name ({@code lr}, {@code warmup}, ...)
 * @param low  lower bound
 * @param high upper bound, {@code > low}
 * @param log  sample on a log scale (needs {@code low > 0})
 */
public record Dimension(String name, double low, double high, boolean log) {
    public Dimension {
        if (!Double.isFinite(low) || !Double.isFinite(high) || !(high > low))
            throw new ConfigurationException("search space bound " + name + ": [" + low + ", " + high
                    + "] must be finite with low < high");
        if (log && !(low > 0))
            throw new ConfigurationException("search space bound " + name + ": a log-scale range needs low > 0, got ["
                    + low + ", " + high + "]");
    }

    /** A log-scale dimension. */
    public static Dimension log(String name, double low, double high) {
        return new Dimension(name, low, high, true);
    }

    /** A linear dimension. */
    public static Dimension linear(String name, double low, double high) {
        return new Dimension(name, low, high, false);
    }

    /** The value at {@code u} in [0, 1). */
    public double at(double u) {
        return log ? low * Math.pow(high / low, u) : low + u * (high - low);
    }

    /** Whether {@code v} lies inside the bounds. */
    public boolean contains(double v) {
        return v >= low && v <= high;
    }
}
