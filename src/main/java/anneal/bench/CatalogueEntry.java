package anneal.bench;

import java.util.function.Function;

/**
 * One named, tuned schedule of the sweep: a template that becomes a PyTorch-syntax spec string once the
 * run's {@link Budget} is known (e.g. {@code total_steps = epochs * steps_per_epoch}).
 *
 * @param name        the name used on the command line and as the JMH parameter ({@code onecycle})
 * @param family      the chapter's name for the schedule ({@code OneCycleLR})
 * @param description how the spec was chosen, in one sentence
 * @param baseLr      the optimizer's lr ({@code SGD(lr=...)}), which the spec scales
 * @param template    budget to spec string
 */
public record CatalogueEntry(String name, String family, String description, double baseLr,
                             Function<Budget, String> template) {

    /** The spec string for a run of {@code budget}. */
    public String spec(Budget budget) {
        return template.apply(budget);
    }
}
