package anneal.report;

import anneal.tuning.TuningScore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The seed chapter's selection tree read against a tuned comparison: does each branch's pick survive when every
 * schedule gets the same tuning budget? Speed branches read the tuned score in epochs to the target (every schedule
 * costs the same per step, so epochs order them as an unloaded machine's seconds would, and load cannot move them;
 * the rank in seconds is given beside it) with the Holm-adjusted paired test against the best in epochs; the "safe default" and "explore the lr range" branches read
 * robustness (the share of the search space that reaches the target), the accuracy branch the final validation
 * accuracy of the studies' best trials. With too few studies for any test it says that the verdicts are point
 * estimates.
 */
final class TunedTree {
    private static final List<String> COSINE_FAMILY = List.of("cosine", "warmup-linear", "warmup-exp", "warmup-cos");

    private final List<TunedSection.Row> rows;
    private final Map<String, TuningScore> inEpochs;
    private final Map<String, Integer> epochRank;
    private final String bestInEpochs;
    private final Map<String, Double> epochP;
    private final int studies;

    /**
     * @param rows      best first (by the tuned score in seconds)
     * @param inEpochs  each schedule's score in epochs
     * @param epochRank each schedule's rank by the score in epochs (1 = best)
     * @param bestInEpochs the schedule with the best score in epochs
     * @param epochP    Holm-adjusted p of each other schedule's study scores in epochs against {@code bestInEpochs}'
     * @param studies   studies (paired seeds) per schedule
     */
    TunedTree(List<TunedSection.Row> rows, Map<String, TuningScore> inEpochs, Map<String, Integer> epochRank,
              String bestInEpochs, Map<String, Double> epochP, int studies) {
        this.rows = rows;
        this.inEpochs = inEpochs;
        this.epochRank = epochRank;
        this.bestInEpochs = bestInEpochs;
        this.epochP = epochP;
        this.studies = studies;
    }

    void write(StringBuilder md) {
        int n = rows.size();
        boolean testable = n > 1 && (n - 1) * anneal.stats.SignFlipTest.Result.smallestPossible(studies) < BudgetTable.ALPHA;
        md.append("### Does the selection tree survive tuning?\n\n")
                .append("Each branch of the seed chapter's tree, read against this tuned comparison of ").append(n)
                .append(" schedules. Speed branches read the tuned score in epochs to the target: every schedule costs the "
                        + "same per step (see the overhead table), so epochs order them as seconds would on an unloaded "
                        + "machine, and machine load cannot move them; the rank in seconds is given beside it. ").append(testable ? "\"Not distinguishable\" means the Holm-adjusted paired test "
                        + "cannot tell the pick from the best." : "**With " + studies + " studies no test can separate two "
                        + "schedules** (see above), so every verdict below is a point estimate: where the pick ranks, "
                        + "not whether it is significantly better or worse.").append("\n\n");
        // Speed: OneCycleLR for the fastest training; StepLR / MultiStepLR when the decay epochs are known.
        md.append("- **Fastest training -> OneCycleLR.** ").append(speed(List.of("onecycle"))).append('\n');
        md.append("- **Known decay epochs -> StepLR / MultiStepLR.** ").append(speed(List.of("step", "multistep"))).append('\n');
        // Accuracy: cosine or warmup + cosine.
        md.append("- **Long budget / modern -> cosine or warmup + cosine** (final validation accuracy of the best trials). ")
                .append(accuracy()).append('\n');
        // Robustness: plateau as the safe default, cyclic to explore the lr range.
        md.append("- **Unsure -> ReduceLROnPlateau (safe default)**, read as robustness (share of the search space that "
                + "reaches the target). ").append(robustness("plateau")).append('\n');
        md.append("- **Explore the lr range -> CyclicLR**, read as robustness. ").append(robustness("cyclic")).append('\n');
        md.append("- **No tuning at all -> constant lr.** ").append(constant()).append("\n\n");
    }

    private int rank(String name) {
        for (int i = 0; i < rows.size(); i++) if (rows.get(i).schedule().equals(name)) return i + 1;
        return -1;
    }

    private String where(int rank) {
        int n = rows.size();
        if (rank == 1) return "the best";
        if (rank <= Math.ceil(n / 3.0)) return "in the best third";
        if (rank > n - Math.ceil(n / 3.0)) return "in the slowest third";
        return "mid-table";
    }

    private String speed(List<String> picks) {
        List<String> swept = picks.stream().filter(p -> rank(p) > 0).toList();
        if (swept.isEmpty()) return "Not tuned in this sweep (add it to `--schedules`).";
        String pick = swept.stream().min(Comparator.comparingInt(p -> epochRank.getOrDefault(p, Integer.MAX_VALUE)))
                .orElseThrow();
        int r = epochRank.get(pick);
        long tied = epochRank.values().stream().filter(v -> v == r).count();
        String head = "`" + pick + "`: tuned score " + epochs(pick) + " epochs, rank " + r + (tied > 1 ? " (tied with "
                + (tied - 1) + ")" : "") + " of " + rows.size() + " (in seconds: rank " + rank(pick) + ", "
                + Fmt.sec(rows.get(rank(pick) - 1).score().score()) + ")";
        if (r == 1) return head + ": **agrees**, the best tuned score" + (tied > 1 ? " (shared)" : "") + ".";
        double p = epochP.getOrDefault(pick, Double.NaN);
        if (p < BudgetTable.ALPHA)
            return head + ": **does not survive**: significantly slower than `" + bestInEpochs + "` (p = " + Fmt.pv(p) + " Holm).";
        String w = where(r);
        return head + ", " + w + "; against `" + bestInEpochs + "` p = " + Fmt.pv(p) + " (Holm): "
                + (w.equals("in the slowest third") ? "**not supported**" : w.equals("in the best third") ? "**consistent**"
                : "**not supported, not refuted**") + ".";
    }

    private String epochs(String name) {
        TuningScore t = inEpochs.get(name);
        return t == null || !Double.isFinite(t.score()) ? "∞" : Fmt.num(t.score(), 2);
    }

    private String robustness(String pick) {
        if (rank(pick) < 0) return "Not tuned in this sweep (add it to `--schedules`).";
        List<TunedSection.Row> byShare = new ArrayList<>(rows);
        byShare.sort(Comparator.comparingDouble((TunedSection.Row r) -> -r.score().robustness()));
        double top = byShare.get(0).score().robustness();
        TunedSection.Row row = rows.get(rank(pick) - 1);
        long above = rows.stream().filter(r -> r.score().robustness() > row.score().robustness()).count();
        List<String> most = rows.stream().filter(r -> r.score().robustness() == top).map(r -> "`" + r.schedule() + "`").toList();
        String head = "`" + pick + "` reached the target in " + Fmt.pct(row.score().robustness()) + " of its trials";
        if (above == 0) return head + ": **agrees**, the most forgiving" + (most.size() > 1 ? " (with " + String.join(", ",
                most.stream().filter(m -> !m.equals("`" + pick + "`")).toList()) + ")" : "") + ".";
        return head + ", " + (above == rows.size() - 1 ? "every other schedule" : above + " of the " + (rows.size() - 1)
                + " others") + " did better (the most forgiving: " + String.join(", ", most)
                + " at " + Fmt.pct(top) + "): " + (above >= rows.size() / 2 ? "**not supported**" : "**partly**") + ".";
    }

    private String accuracy() {
        TunedSection.Row bestAcc = rows.stream().max(Comparator.comparingDouble(r -> nan(TunedSection.mean(r.bestTrialsFinalAccuracy()))))
                .orElseThrow();
        TunedSection.Row family = rows.stream().filter(r -> COSINE_FAMILY.contains(r.schedule()))
                .max(Comparator.comparingDouble(r -> nan(TunedSection.mean(r.bestTrialsFinalAccuracy())))).orElse(null);
        if (family == null) return "No cosine schedule was tuned.";
        String head = "Most accurate: `" + bestAcc.schedule() + "` (" + Fmt.num(TunedSection.mean(bestAcc.bestTrialsFinalAccuracy()), 4)
                + "); the best of the cosine family: `" + family.schedule() + "` ("
                + Fmt.num(TunedSection.mean(family.bestTrialsFinalAccuracy()), 4) + ")";
        if (family == bestAcc) return head + ": **agrees**.";
        return head + ": " + (TunedSection.mean(bestAcc.bestTrialsFinalAccuracy()) - TunedSection.mean(family.bestTrialsFinalAccuracy())
                < 0.005 ? "**agrees within half a point**" : "**not supported**") + " (the trials were picked for speed, "
                + "not accuracy, and one budget was swept).";
    }

    private String constant() {
        if (rank("constant") < 0) return "The constant baseline was not tuned in this sweep.";
        int r = epochRank.get("constant");
        TunedSection.Row row = rows.get(rank("constant") - 1);
        double acc = TunedSection.mean(row.bestTrialsFinalAccuracy());
        double best = rows.stream().mapToDouble(x -> TunedSection.mean(x.bestTrialsFinalAccuracy())).filter(Double::isFinite)
                .max().orElse(Double.NaN);
        return "Tuned, the constant baseline's score is " + epochs("constant") + " epochs, rank " + r + " of " + rows.size()
                + " (in seconds: rank " + rank("constant") + "), robustness " + Fmt.pct(row.score().robustness())
                + ", final validation accuracy of its best trials " + Fmt.num(acc, 4) + " against the best schedule's "
                + Fmt.num(best, 4) + (r <= Math.ceil(rows.size() / 3.0) ? ": once its lr is tuned a constant lr is about as "
                + "fast to this target; what a schedule buys is accuracy and robustness." : ": " + (r - 1) + " schedules reach the "
                + "target in fewer epochs" + (best - acc >= 0.005 ? ", and the most accurate ends " + Fmt.num(100 * (best - acc), 1)
                + " points higher" : "") + ".");
    }

    private static double nan(double v) {
        return Double.isNaN(v) ? -1 : v;
    }
}
