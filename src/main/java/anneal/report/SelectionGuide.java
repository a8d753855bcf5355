package anneal.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The report's selection guide: the seed chapter's decision tree, branch by branch, each branch checked
 * against a row of this run's data and saying whether the data agrees with the folklore. A branch whose
 * schedules were not swept says so and how to include them.
 */
public final class SelectionGuide {
    private static final double ALPHA = 0.05;
    private static final List<String> COSINE_FAMILY = List.of("cosine", "warmup-linear", "warmup-exp", "warmup-cos");

    private final List<BudgetTable> tables;

    /** @param tables one per epoch budget, shortest first */
    public SelectionGuide(List<BudgetTable> tables) {
        this.tables = tables.stream().filter(t -> t.reference() != null)
                .sorted(java.util.Comparator.comparingInt(BudgetTable::epochs)).toList();
    }

    /** The guide as Markdown. */
    public String markdown() {
        if (tables.isEmpty()) return "No completed runs yet: nothing to base a guide on.\n";
        BudgetTable shortest = tables.get(0);
        BudgetTable longest = tables.get(tables.size() - 1);
        StringBuilder md = new StringBuilder();
        md.append("Folklore is the seed chapter's decision tree; each branch is checked against this run. \"Agrees\" ")
                .append("means the folklore's pick is the best row or not significantly worse than it (")
                .append(anneal.stats.SignFlipTest.NAME).append(" on restricted time to target, Holm-adjusted, α = ")
                .append(ALPHA).append(", paired by seed; branches about final accuracy use the same test on final validation ")
                .append("accuracy, one unadjusted comparison each); with few seeds ")
                .append("\"not distinguishable\" is the honest reading, not \"equal\".\n\n");
        if (tables.size() == 1)
            md.append("Only one epoch budget (").append(shortest.title()).append(") was swept, so the short- and long-budget ")
                    .append("branches read the same table; sweep `--epochs 3,15` (or `--full`) to separate them.\n\n");

        md.append("```\n")
                .append("Want the fastest training (short budget)?      -> OneCycleLR         (folklore)\n")
                .append("Long budget / modern architectures?             -> cosine or warmup + cosine\n")
                .append("Know the decay epochs?                          -> StepLR / MultiStepLR\n")
                .append("Unsure what will work?                          -> ReduceLROnPlateau (safe default)\n")
                .append("Want to explore the lr range?                   -> CyclicLR (after lr-find)\n")
                .append("No tuning at all?                               -> constant lr\n")
                .append("```\n\n");

        // Short budget: fastest to target.
        ScheduleSummary fast = shortest.reference();
        boolean two = tables.size() > 1;
        md.append(two ? "**Short budget (" : "**Fastest training (").append(shortest.title()).append("), folklore: OneCycleLR.** Fastest here: `")
                .append(fast.schedule()).append("` (success ").append(Fmt.pct(fast.successRate())).append(", restricted mean ")
                .append(Fmt.sec(fast.rmst().estimate())).append(" to the target). ")
                .append(verdictTtt(shortest, List.of("onecycle"))).append("\n\n");

        // Long budget: best final accuracy.
        ScheduleSummary acc = longest.mostAccurate();
        md.append(two ? "**Long budget (" : "**Final accuracy (").append(longest.title()).append("), folklore: cosine or warmup + cosine.** ")
                .append("Most accurate at the end: `").append(acc.schedule()).append("` (final validation accuracy ")
                .append(Fmt.ci(acc.finalAccuracy())).append("). ").append(verdictAccuracy(longest, COSINE_FAMILY))
                .append("\n\n");

        // Known decay points.
        md.append("**Known decay epochs, folklore: StepLR / MultiStepLR.** ")
                .append(verdictAccuracy(longest, List.of("step", "multistep"))).append("\n\n");

        // Unsure: plateau as the safe default.
        md.append("**Unsure, folklore: ReduceLROnPlateau is the safe default.** ").append(verdictSafe("plateau"))
                .append("\n\n");

        // Explore: cyclic.
        md.append("**Exploring the lr range, folklore: CyclicLR.** ").append(verdictTtt(shortest, List.of("cyclic")))
                .append(" Run `anneal lr-find` first: it prints CyclicLR and OneCycleLR specs with bounds for this model.\n\n");

        // No tuning: constant baseline.
        md.append("**No schedule at all (constant lr).** ").append(baseline(shortest)).append("\n");
        return md.toString();
    }

    private String verdictTtt(BudgetTable t, List<String> picks) {
        Optional<ScheduleSummary> row = bestOf(t, picks, true);
        if (row.isEmpty()) return notMeasured(picks);
        ScheduleSummary r = row.get();
        ScheduleSummary ref = t.reference();
        if (!(ref.successRate() > 0))
            return "No run reached the target at " + t.title() + ", so this branch cannot be checked here (raise --epochs "
                    + "or lower --target).";
        String cite = "`" + r.schedule() + "`: success " + Fmt.pct(r.successRate()) + ", restricted mean "
                + Fmt.sec(r.rmst().estimate()) + ", KM median " + Fmt.sec(r.kmMedian().estimate());
        if (r == ref) return cite + ". **Agrees**: it is the fastest row.";
        if (r.successRate() < ref.successRate())
            return cite + ". **Disagrees**: it reached the target in fewer runs than `" + ref.schedule() + "` ("
                    + Fmt.pct(ref.successRate()) + ").";
        Stats.PairedTest p = t.tttVsReference(r);
        if (p.significant(ALPHA))
            return cite + ". **Disagrees**: significantly slower than `" + ref.schedule() + "` (" + Fmt.p(p) + ").";
        return cite + ". **Agrees within the noise**: slower than `" + ref.schedule() + "` but not distinguishable (" + Fmt.p(p)
                + ").";
    }

    private String verdictAccuracy(BudgetTable t, List<String> picks) {
        Optional<ScheduleSummary> row = bestOf(t, picks, false);
        if (row.isEmpty()) return notMeasured(picks);
        ScheduleSummary r = row.get();
        ScheduleSummary best = t.mostAccurate();
        String cite = "`" + r.schedule() + "` ends at " + Fmt.ci(r.finalAccuracy());
        if (r == best) return cite + ". **Agrees**: the most accurate row.";
        Stats.PairedTest p = t.finalAccuracy(r, best);
        if (p.significant(ALPHA))
            return cite + ". **Disagrees**: significantly below `" + best.schedule() + "` (" + Fmt.p(p) + ").";
        return cite + ". **Agrees within the noise**: below `" + best.schedule() + "` but not distinguishable (" + Fmt.p(p) + ").";
    }

    private String verdictSafe(String name) {
        List<String> parts = new ArrayList<>();
        boolean seen = false;
        boolean safe = true;
        for (BudgetTable t : tables) {
            Optional<ScheduleSummary> row = t.row(name);
            if (row.isEmpty()) continue;
            seen = true;
            ScheduleSummary r = row.get();
            double maxSuccess = t.rows().stream().mapToDouble(ScheduleSummary::successRate).max().orElse(0);
            int rank = 1 + (int) t.rows().stream().filter(o -> BudgetTable.FASTEST.compare(o, r) < 0).count();
            parts.add(t.title() + ": success " + Fmt.pct(r.successRate()) + " (best " + Fmt.pct(maxSuccess) + "), "
                    + r.diverged() + " diverged, rank " + rank + " of " + t.rows().size() + " by time to target");
            if (r.successRate() < maxSuccess || r.diverged() > 0) safe = false;
        }
        if (!seen) return notMeasured(List.of(name));
        return "`" + name + "`: " + String.join("; ", parts) + ". "
                + (safe ? "**Agrees**: it never failed where another schedule succeeded, though a safe default is not a fast one."
                        : "**Disagrees**: some schedule reached the target more often.");
    }

    private String baseline(BudgetTable t) {
        Optional<ScheduleSummary> row = t.row("constant");
        if (row.isEmpty()) return notMeasured(List.of("constant"));
        ScheduleSummary c = row.get();
        ScheduleSummary ref = t.reference();
        ScheduleSummary acc = t.mostAccurate();
        return "`constant` (" + t.title() + "): success " + Fmt.pct(c.successRate()) + ", restricted mean "
                + Fmt.sec(c.rmst().estimate()) + ", final " + Fmt.ci(c.finalAccuracy()) + " against `" + ref.schedule()
                + "` at " + Fmt.sec(ref.rmst().estimate())
                + " and `" + acc.schedule() + "` at " + Fmt.ci(acc.finalAccuracy())
                + ": this is what choosing a schedule buys on this model. Paired test of final accuracy: "
                + (c == acc ? "it is the most accurate row." : Fmt.p(t.finalAccuracy(c, acc)) + ".");
    }

    private static Optional<ScheduleSummary> bestOf(BudgetTable t, List<String> names, boolean byTime) {
        return t.rows().stream().filter(r -> names.contains(r.schedule()) && r.completed() > 0)
                .min(byTime ? BudgetTable.FASTEST
                        : java.util.Comparator.comparingDouble((ScheduleSummary s) -> -s.finalAccuracy().mean()));
    }

    private static String notMeasured(List<String> names) {
        return "Not measured in this run (sweep with `--schedules " + String.join(",", names) + ",...`).";
    }
}
