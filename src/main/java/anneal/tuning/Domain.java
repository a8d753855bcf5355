package anneal.tuning;

import java.util.Locale;

/**
 * What values a hyperparameter may take at all, whatever bounds a search space gives it: the catalogue's spaces lie
 * inside these, and a {@code --space} override must too. {@link #phrase()} says it in the words an error message uses.
 */
public enum Domain {
    /** Any finite number. */
    ANY("any finite number", Double.NEGATIVE_INFINITY, false, Double.POSITIVE_INFINITY, false),
    /** A scale such as the peak lr or OneCycleLR's div_factor: {@code (0, inf)}. */
    POSITIVE("a number > 0", 0, true, Double.POSITIVE_INFINITY, false),
    /** A length as a fraction of the run (warmup, pct_start, decay interval, milestone, half-cycle): {@code (0, 1]}. */
    FRACTION_OF_RUN("a fraction of the run in (0, 1]", 0, true, 1, false),
    /** A multiplicative decay factor (StepLR gamma, ExponentialLR end ratio, plateau factor, CyclicLR base): {@code (0, 1)}. */
    FACTOR("a factor in (0, 1)", 0, true, 1, true),
    /** A floor as a share of the peak lr (cosine and SGDR eta_min / lr): {@code [0, 1]}. */
    SHARE("a share of the peak lr in [0, 1]", 0, false, 1, false),
    /** A count such as ReduceLROnPlateau's patience in evaluations: {@code [0, inf)}. */
    COUNT("a count >= 0", 0, false, Double.POSITIVE_INFINITY, false);

    private final String phrase;
    private final double lowest;
    private final boolean lowestOpen;
    private final double highest;
    private final boolean highestOpen;

    Domain(String phrase, double lowest, boolean lowestOpen, double highest, boolean highestOpen) {
        this.phrase = phrase;
        this.lowest = lowest;
        this.lowestOpen = lowestOpen;
        this.highest = highest;
        this.highestOpen = highestOpen;
    }

    /** Whether {@code v} is an allowed value (finite and inside the domain). */
    public boolean contains(double v) {
        if (!Double.isFinite(v)) return false;
        boolean aboveLow = lowestOpen ? v > lowest : v >= lowest;
        boolean belowHigh = highestOpen ? v < highest : v <= highest;
        return aboveLow && belowHigh;
    }

    /** The allowed values in words, e.g. {@code a fraction of the run in (0, 1]}. */
    public String phrase() {
        return phrase;
    }

    /** The JSON name: the constant's name in lower case. */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The domain called {@code name} (as {@link #jsonName()} writes it, any case). */
    public static Domain fromJson(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
