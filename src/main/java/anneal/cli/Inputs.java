package anneal.cli;

import java.util.Locale;
import picocli.CommandLine;

/**
 * How the CLI reads its arguments, beyond picocli's defaults: {@code @FILE} is not expanded by picocli (a schedule
 * spec reads {@code @FILE} itself, with a size limit and one-line errors), and numbers accept Python's spellings of
 * the special values, in any case: {@code nan}, {@code inf}, {@code -inf}, {@code infinity} (as {@code float()}
 * does), so {@code --metrics nan} and {@code NaN} mean the same. Whether NaN or an infinity is allowed is then up
 * to each option's check, which names the option.
 */
final class Inputs {
    private Inputs() {
    }

    static void configure(CommandLine cli) {
        cli.setExpandAtFiles(false);
        cli.registerConverter(Double.class, Inputs::number);
        cli.registerConverter(double.class, Inputs::number);
    }

    /** A decimal number as {@link Double#parseDouble}, plus Python's nan / inf spellings in any case. */
    static Double number(String text) {
        String t = text.strip();
        String lower = t.toLowerCase(Locale.ROOT);
        String unsigned = lower.startsWith("-") || lower.startsWith("+") ? lower.substring(1) : lower;
        boolean negative = lower.startsWith("-");
        switch (unsigned) {
            case "nan": return Double.NaN;
            case "inf": case "infinity": return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            default: break;
        }
        // Double.parseDouble also takes hex floats and a trailing d/f ("1d"), which Python does not; refuse those
        if (!t.matches("[-+]?([0-9][0-9_]*\\.?[0-9_]*|\\.[0-9][0-9_]*)([eE][-+]?[0-9]+)?")) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a number (allowed: a decimal number, "
                    + "nan or inf)");
        }
        return Double.parseDouble(t.replace("_", ""));
    }
}
