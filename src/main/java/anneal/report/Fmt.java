package anneal.report;

import java.util.Locale;

/** Number formatting shared by the report's tables. */
final class Fmt {
    private Fmt() {
    }

    static String sec(double v) {
        if (v == Double.POSITIVE_INFINITY) return "∞";
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f s", v) : "–";
    }

    /** {@code 3.21 s [2.90, 3.80]}: an estimate with its bootstrap CI ({@code ∞} for a bound never reached). */
    static String interval(anneal.stats.Bootstrap.Interval i) {
        if (Double.isNaN(i.estimate())) return "–";
        return sec(i.estimate()) + " [" + bare(i.low()) + ", " + bare(i.high()) + "]";
    }

    /** Seconds without the unit. */
    static String bare(double v) {
        if (v == Double.POSITIVE_INFINITY) return "∞";
        if (v == Double.NEGATIVE_INFINITY) return "-∞";
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "–";
    }

    /** A p-value to three significant digits. */
    static String pv(double p) {
        return Double.isFinite(p) ? String.format(Locale.ROOT, "%.3g", p) : "–";
    }

    static String num(double v, int digits) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + digits + "f", v) : "–";
    }

    static String pct(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.0f%%", 100 * v) : "–";
    }

    /** {@code 0.8843 ± 0.0021} (95% CI half-width), or the mean alone for one run. */
    static String ci(Stats.MeanCi c) {
        if (!Double.isFinite(c.mean())) return "–";
        return Double.isFinite(c.halfWidth())
                ? String.format(Locale.ROOT, "%.4f ± %.4f", c.mean(), c.halfWidth())
                : String.format(Locale.ROOT, "%.4f", c.mean());
    }

    /** p-value with the pair count, or why there is none. */
    static String p(Stats.PairedTest t) {
        if (Double.isNaN(t.pValue())) return "n/a (" + t.note() + ")";
        String s = String.format(Locale.ROOT, "p = %.3g (n = %d)", t.pValue(), t.pairs());
        return t.note().isEmpty() ? s : s + "*";
    }

    /** Engineering notation for ns. */
    static String nanos(double ns) {
        if (!Double.isFinite(ns)) return "–";
        if (ns < 1e3) return String.format(Locale.ROOT, "%.1f ns", ns);
        if (ns < 1e6) return String.format(Locale.ROOT, "%.1f µs", ns / 1e3);
        return String.format(Locale.ROOT, "%.2f ms", ns / 1e6);
    }
}
