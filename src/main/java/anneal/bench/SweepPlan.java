package anneal.bench;

import anneal.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import anneal.tuning.TuningPlan;

/**
 * The cells of a sweep, in the order they run: epochs budget, then seed, then schedule, so that every
 * schedule has a paired run for a seed before the next seed starts (an interrupted sweep still compares
 * like with like). Stored in the journal's header so that {@code --resume} continues the same plan.
 *
 * @param schedules catalogue names
 * @param seeds     seeds, each run by every schedule (paired comparisons)
 * @param epochs    epoch budgets
 * @param backend   backend name ({@code cpu}, {@code cuda})
 * @param tuning    {@code --tune}: every schedule at {@code trials} points of its search space in each of
 *                  {@code studies} studies, study {@code j} on seed {@code j} of {@code seeds}; null: untuned (each
 *                  schedule at its catalogue recipe, every seed)
 */
public record SweepPlan(List<String> schedules, List<Long> seeds, List<Integer> epochs, String backend, TuningPlan tuning) {
    /** An untuned plan. */
    public SweepPlan(List<String> schedules, List<Long> seeds, List<Integer> epochs, String backend) {
        this(schedules, seeds, epochs, backend, null);
    }

    public SweepPlan {
        if (schedules.isEmpty()) throw new ConfigurationException("--schedules: no schedule given");
        if (seeds.isEmpty()) throw new ConfigurationException("--seeds: at least one seed is needed");
        if (epochs.isEmpty()) throw new ConfigurationException("--epochs: at least one epoch budget is needed");
        for (int e : epochs)
            if (e < 1) throw new ConfigurationException("--epochs must be >= 1, got " + e);
        for (String s : schedules) ScheduleCatalogue.get(s);
        if (backend == null || backend.isBlank()) throw new ConfigurationException("--backend: no backend given");
        if (tuning != null) tuning.requireSeeds(seeds.size());
        schedules = List.copyOf(schedules);
        seeds = List.copyOf(seeds);
        epochs = List.copyOf(epochs);
    }

    /** Every cell of the plan; a tuned plan's cells name their trial ({@code onecycle@3}). */
    public List<SweepCell> cells() {
        List<SweepCell> out = new ArrayList<>();
        for (int e : epochs) {
            if (tuning == null) {
                for (long s : seeds)
                    for (String c : schedules) out.add(new SweepCell(c, s, e, backend));
                continue;
            }
            for (int j = 0; j < tuning.studies(); j++)
                for (String c : schedules)
                    for (int k = 1; k <= tuning.trials(); k++)
                        out.add(new SweepCell(c + CatalogueEntry.TRIAL_SEPARATOR + k, seeds.get(j), e, backend));
        }
        return out;
    }

    /** What differs between this plan's tuning and {@code other}'s (null when equal), for {@code --resume}. */
    public String tuningDifference(SweepPlan other) {
        return java.util.Objects.equals(tuning, other.tuning) ? null
                : "tuning plan " + (other.tuning == null ? "none" : other.tuning) + " vs " + (tuning == null ? "none" : tuning);
    }

    /** The cells without a record in {@code finished}. */
    public List<SweepCell> remaining(Set<SweepCell> finished) {
        return cells().stream().filter(c -> !finished.contains(c)).toList();
    }

    /**
     * Parses {@code --seeds}: a count {@code N} (seeds 0..N-1) or a comma-separated list ({@code 3,7,11}).
     *
     * @throws ConfigurationException for 0, negative or malformed values
     */
    public static List<Long> parseSeeds(String text) {
        String t = text.trim();
        try {
            if (!t.contains(",")) {
                long n = Long.parseLong(t);
                if (n < 1) throw new ConfigurationException("--seeds must be a count >= 1 or a list of seeds, got '" + text + "'");
                if (n > 1000) throw new ConfigurationException("--seeds count must be <= 1000, got " + n);
                List<Long> out = new ArrayList<>();
                for (long i = 0; i < n; i++) out.add(i);
                return out;
            }
            List<Long> out = new ArrayList<>();
            for (String s : t.split(",")) {
                if (s.isBlank()) continue;
                long v = Long.parseLong(s.trim());
                if (!out.contains(v)) out.add(v);
            }
            if (out.isEmpty()) throw new ConfigurationException("--seeds: no seed in '" + text + "'");
            return out;
        } catch (NumberFormatException e) {
            throw new ConfigurationException("--seeds must be a count >= 1 or a comma-separated list of integers, got '"
                    + text + "'");
        }
    }

    /** Parses {@code --epochs}: one budget or a comma-separated list; each >= 1. */
    public static List<Integer> parseEpochs(String text) {
        List<Integer> out = new ArrayList<>();
        for (String s : text.split(",")) {
            if (s.isBlank()) continue;
            int v;
            try {
                v = Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                throw new ConfigurationException("--epochs must be integers >= 1 (e.g. 3 or 3,10), got '" + text + "'");
            }
            if (v < 1) throw new ConfigurationException("--epochs must be >= 1, got " + v);
            if (!out.contains(v)) out.add(v);
        }
        if (out.isEmpty()) throw new ConfigurationException("--epochs: no epoch budget in '" + text + "'");
        return out;
    }
}
