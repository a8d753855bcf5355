package anneal.bench;

import anneal.schedule.Budget;
import anneal.tuning.SearchSpace;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * One named schedule of the sweep: a template that becomes a PyTorch-syntax spec string once the run's
 * {@link Budget} and the schedule's hyperparameters are known, and the search space those hyperparameters are
 * tuned in ({@code sweep --tune}). The entry's own {@link #point()} is the untuned recipe (peak lr from
 * {@code lr-find}, the schedule's usual shape); {@link #trial(int)} is the entry at a Sobol point of the space.
 *
 * @param name        the name used on the command line and as the JMH parameter ({@code onecycle}; a tuning trial
 *                    is {@code onecycle@3})
 * @param family      the chapter's name for the schedule ({@code OneCycleLR})
 * @param description how the spec was chosen, in one sentence
 * @param space       the search space: {@code lr} (peak lr, log scale) and shape parameters as fractions of the run
 * @param point       the hyperparameters this entry trains with (a value for every dimension of {@code space})
 * @param template    budget and hyperparameters to spec string
 * @param optimizerLr the optimizer's lr ({@code SGD(lr=...)}) for the hyperparameters (the peak lr, or CyclicLR's
 *                    base lr)
 */
public record CatalogueEntry(String name, String family, String description, SearchSpace space,
                             Map<String, Double> point, Template template, ToDoubleFunction<Map<String, Double>> optimizerLr) {
    /** Separates a schedule's name from its trial number: {@code onecycle@3}. */
    public static final char TRIAL_SEPARATOR = '@';

    /** A spec template. */
    @FunctionalInterface
    public interface Template {
        String spec(Budget budget, Map<String, Double> p);
    }

    public CatalogueEntry {
        point = Map.copyOf(point);
        for (var d : space.dimensions())
            if (!point.containsKey(d.name()))
                throw new IllegalArgumentException("catalogue entry " + name + " has no value for " + d.name());
    }

    /** The spec string for a run of {@code budget}. */
    public String spec(Budget budget) {
        return template.spec(budget, point);
    }

    /** The optimizer's lr ({@code SGD(lr=...)}), which the spec scales. */
    public double baseLr() {
        return optimizerLr.applyAsDouble(point);
    }

    /** The peak lr of this entry's hyperparameters. */
    public double peakLr() {
        return point.get("lr");
    }

    /** The schedule's name without a trial number. */
    public String scheduleName() {
        return baseName(name);
    }

    /** The trial number of this entry (0 for the untuned recipe). */
    public int trialNumber() {
        int i = name.indexOf(TRIAL_SEPARATOR);
        return i < 0 ? 0 : Integer.parseInt(name.substring(i + 1));
    }

    /** The entry at trial {@code k >= 1} of its search space. */
    public CatalogueEntry trial(int k) {
        String base = scheduleName();
        return new CatalogueEntry(base + TRIAL_SEPARATOR + k, family, "trial " + k + " of " + base + "'s search space",
                space, space.point(k), template, optimizerLr);
    }

    /** This entry with another search space (a {@code --space} override), its untuned recipe unchanged. */
    public CatalogueEntry withSpace(SearchSpace newSpace) {
        return new CatalogueEntry(name, family, description, newSpace, point, template, optimizerLr);
    }

    /** {@code onecycle@3} to {@code onecycle}. */
    public static String baseName(String name) {
        int i = name.indexOf(TRIAL_SEPARATOR);
        return i < 0 ? name : name.substring(0, i);
    }
}
