package anneal.tuning;

import anneal.ConfigurationException;
/**
 * {@code --tune TRIALS[xSTUDIES]}: for every schedule, {@code studies} independent studies of {@code trials}
 * search-space points each. Study {@code j} trains every trial with the sweep's {@code j}-th seed (so a study is
 * one seed, and the studies of two schedules are paired by seed); the trial points are the same in every study.
 *
 * @param trials  points per study, >= 1
 * @param studies studies per schedule, >= 1 (each needs its own seed)
 */
public record TuningPlan(int trials, int studies) {
    /** Most trials a study may ask for. */
    public static final int MAX_TRIALS = 1000;

    public TuningPlan {
        if (trials < 1 || trials > MAX_TRIALS)
            throw new ConfigurationException("--tune: TRIALS must be in 1.." + MAX_TRIALS + ", got " + trials);
        if (studies < 1) throw new ConfigurationException("--tune: STUDIES must be >= 1, got " + studies);
    }

    /**
     * Parses {@code TRIALS} or {@code TRIALSxSTUDIES}; a bare {@code TRIALS} means one study per seed ({@code seeds}).
     *
     * @throws IllegalArgumentException naming {@code --tune}, the value and what is allowed
     */
    public static TuningPlan parse(String text, int seeds) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        String[] parts = t.split("x", -1);
        try {
            if (parts.length == 1) return new TuningPlan(Integer.parseInt(parts[0]), seeds);
            if (parts.length == 2) return new TuningPlan(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new ConfigurationException("--tune must be TRIALS or TRIALSxSTUDIES with integers >= 1 (e.g. 8 or 8x6), got '"
                + text + "'");
    }

    /**
     * Checks that the sweep has a seed per study.
     *
     * @throws IllegalArgumentException when there are fewer seeds than studies
     */
    public void requireSeeds(int seeds) {
        if (seeds < studies)
            throw new ConfigurationException("--tune " + trials + "x" + studies + " needs at least " + studies
                    + " seeds (one per study), got --seeds " + seeds);
    }

    @Override
    public String toString() {
        return trials + "x" + studies;
    }
}
