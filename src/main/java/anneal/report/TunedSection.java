package anneal.report;

import anneal.bench.CatalogueEntry;
import anneal.bench.RunRecord;
import anneal.bench.ScheduleCatalogue;
import anneal.bench.SweepPlan;
import anneal.bench.SweepSettings;
import anneal.stats.Holm;
import anneal.stats.SignFlipTest;
import anneal.tuning.TuningScore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The report's tuned comparison ({@code sweep --tune}): per budget and backend, every schedule's AlgoPerf score (the
 * median over studies of each study's fastest trial to the validation target, a miss counting as infinite), its
 * robustness (the share of trials that reached the target), the hyperparameters of its best trials, and paired
 * comparisons of the study scores with the best schedule's (restricted to the budget's horizon, exact sign-flip test,
 * Holm-adjusted).
 */
final class TunedSection {
    private final List<RunRecord> trials;
    private final SweepSettings settings;
    private final SweepPlan plan;

    TunedSection(List<RunRecord> trials, SweepSettings settings, SweepPlan plan) {
        this.trials = trials;
        this.settings = settings;
        this.plan = plan;
    }

    /** A schedule's scores at one budget. */
    record Row(String schedule, TuningScore score, List<Long> studySeeds, int trials, List<RunRecord> runs) {
        /** The record of study {@code j}'s trial {@code k} (1-based), or null. */
        RunRecord run(int j, int k) {
            for (RunRecord r : runs)
                if (r.seed() == studySeeds.get(j) && ScheduleCatalogue.get(r.schedule()).trialNumber() == k) return r;
            return null;
        }

        /** Final validation accuracy of each study's best trial (NaN where no trial reached the target). */
        double[] bestTrialsFinalAccuracy() {
            double[] out = new double[studySeeds.size()];
            for (int j = 0; j < out.length; j++) {
                RunRecord r = score.bestTrial()[j] > 0 ? run(j, score.bestTrial()[j]) : null;
                out[j] = r == null ? Double.NaN : r.finalValAccuracy();
            }
            return out;
        }
    }

    /** Rows of one budget and backend, best first: lowest score, then highest robustness. */
    static List<Row> rows(List<RunRecord> runs, double target, boolean evalOnClock) {
        return rows(runs, r -> ScheduleSummary.timeTo(r, target, evalOnClock));
    }

    /** Rows scored by {@code measure} (a trial's time to target, NaN for a miss), best first. */
    static List<Row> rows(List<RunRecord> runs, java.util.function.ToDoubleFunction<RunRecord> measure) {
        Map<String, List<RunRecord>> by = new LinkedHashMap<>();
        for (String name : ScheduleCatalogue.names()) by.put(name, new ArrayList<>());
        for (RunRecord r : runs) by.computeIfAbsent(CatalogueEntry.baseName(r.schedule()), k -> new ArrayList<>()).add(r);
        List<Row> out = new ArrayList<>();
        by.forEach((name, rs) -> {
            if (rs.isEmpty()) return;
            List<Long> seeds = List.copyOf(new TreeSet<>(rs.stream().map(RunRecord::seed).toList()));
            int k = rs.stream().mapToInt(r -> ScheduleCatalogue.get(r.schedule()).trialNumber()).max().orElse(0);
            double[][] t = new double[seeds.size()][k];
            for (double[] row : t) java.util.Arrays.fill(row, Double.POSITIVE_INFINITY);
            for (RunRecord r : rs) {
                double v = measure.applyAsDouble(r);
                t[seeds.indexOf(r.seed())][ScheduleCatalogue.get(r.schedule()).trialNumber() - 1] =
                        Double.isFinite(v) ? v : Double.POSITIVE_INFINITY;
            }
            out.add(new Row(name, TuningScore.of(t), seeds, k, List.copyOf(rs)));
        });
        out.sort(Comparator.comparingDouble((Row r) -> r.score().score()).thenComparingDouble(r -> -r.score().robustness()));
        return out;
    }

    void write(StringBuilder md, Path dir) {
        Map<String, List<RunRecord>> groups = new TreeMap<>();
        for (RunRecord r : trials)
            groups.computeIfAbsent(String.format("%06d|%s", r.epochs(), r.backend()), k -> new ArrayList<>()).add(r);
        groups.forEach((key, rs) -> {
            List<RunRecord> done = rs.stream().filter(r -> !RunRecord.FAILED.equals(r.status())).toList();
            // tau as in BudgetTable: the smallest over schedules of each one's longest complete clock
            Map<String, Double> longest = new LinkedHashMap<>();
            for (RunRecord r : done)
                if (!"DIVERGED".equals(r.status()) && Double.isFinite(r.clockSeconds(settings.evalOnClock())))
                    longest.merge(CatalogueEntry.baseName(r.schedule()), r.clockSeconds(settings.evalOnClock()), Math::max);
            double tau = longest.values().stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
            List<Row> rows = rows(done, settings.target(), settings.evalOnClock());
            Map<String, TuningScore> inEpochs = new LinkedHashMap<>();
            List<Row> epochRows = rows(done, r -> ScheduleSummary.epochsTo(r, settings.target()));
            for (Row r : epochRows) inEpochs.put(r.schedule(), r.score());
            if (rows.isEmpty()) return;
            RunRecord any = rs.get(0);
            md.append("## Tuned comparison: ").append(any.epochs()).append(any.epochs() == 1 ? " epoch" : " epochs")
                    .append(" on ").append(any.backend()).append(" (").append(plan != null && plan.tuning() != null
                            ? "--tune " + plan.tuning() : "tuned").append(", equal budget per schedule)\n\n");
            md.append("Each study trains the schedule at the same Sobol points of its search space (peak lr on a log scale, ")
                    .append("shape parameters as fractions of the run; `anneal sweep --list` prints the spaces) with one seed; ")
                    .append("a study scores its fastest trial to the validation target, the schedule the median over studies, ")
                    .append("a miss counting as ∞ (AlgoPerf's external tuning). Robustness: the share of all trials that ")
                    .append("reached the target (how forgiving the schedule is of a wrong lr). Paired comparison of study scores ")
                    .append("with the best schedule, by seed, restricted to tau = ").append(Fmt.sec(tau))
                    .append(": ").append(SignFlipTest.NAME).append(", Holm-adjusted.\n\n");
            Row best = rows.get(0);
            double[] ref = restricted(best, best.studySeeds(), tau);
            double[] raw = new double[rows.size() - 1];
            for (int i = 1; i < rows.size(); i++)
                raw[i - 1] = SignFlipTest.test(restricted(rows.get(i), best.studySeeds(), tau), ref).pValue();
            double[] holm = Holm.adjust(raw);
            // rank by the score in epochs, ties sharing the better rank (1 + the schedules strictly ahead)
            Map<String, Integer> epochRank = new LinkedHashMap<>();
            for (String n : inEpochs.keySet())
                epochRank.put(n, 1 + (int) inEpochs.values().stream().filter(t -> t.score() < inEpochs.get(n).score()).count());
            // the same paired test on epochs to target (restricted to the budget) against the best schedule in epochs
            Map<String, Double> epochP = new LinkedHashMap<>();
            Row bestInEpochs = epochRows.get(0);
            double[] refEpochs = restricted(bestInEpochs, bestInEpochs.studySeeds(), any.epochs());
            double[] rawEpochs = new double[epochRows.size() - 1];
            for (int i = 1; i < epochRows.size(); i++)
                rawEpochs[i - 1] = SignFlipTest.test(restricted(epochRows.get(i), bestInEpochs.studySeeds(), any.epochs()),
                        refEpochs).pValue();
            double[] holmEpochs = Holm.adjust(rawEpochs);
            for (int i = 1; i < epochRows.size(); i++) epochP.put(epochRows.get(i).schedule(), holmEpochs[i - 1]);
            md.append("| rank | schedule | tuned score | study scores | robustness | p vs `").append(best.schedule())
                    .append("` (Holm) | tuned score in epochs (study scores) | rank in epochs | final val acc of the best ")
                    .append("trials | best trial's hyperparameters |\n")
                    .append("|---:|---|---:|---|---:|---:|---|---:|---:|---|\n");
            for (int i = 0; i < rows.size(); i++) {
                Row r = rows.get(i);
                StringBuilder studies = new StringBuilder();
                for (double v : r.score().studyScores()) studies.append(studies.length() == 0 ? "" : ", ").append(Fmt.bare(v));
                md.append("| ").append(i + 1).append(" | ").append(r.schedule()).append(" | ").append(Fmt.sec(r.score().score()))
                        .append(" | ").append(studies).append(" | ").append(Fmt.pct(r.score().robustness())).append(" | ")
                        .append(i == 0 ? "best" : Fmt.pv(holm[i - 1])).append(" | ").append(epochScores(inEpochs.get(r.schedule())))
                        .append(" | ").append(epochRank.get(r.schedule())).append(" | ")
                        .append(Fmt.num(mean(r.bestTrialsFinalAccuracy()), 4)).append(" | ").append(bestPoint(r)).append(" |\n");
            }
            md.append('\n').append(ReportWriter.attainable(rows.size() - 1, best.studySeeds().size(), "studies")).append('\n');
            md.append("\nTuned score in epochs: the same scoring with epochs of training to the target instead of seconds ")
                    .append("(the machine's load cannot move it); rank in epochs orders by it, ties sharing a rank. On a ")
                    .append("loaded machine read it before the seconds: every schedule costs the same per step, so where the two ")
                    .append("rankings disagree the seconds are the machine's noise. Final val acc of the best trials: ")
                    .append("the mean over studies of the final validation accuracy of each study's fastest trial (studies ")
                    .append("without one left out). Best trial's hyperparameters: the trial fastest in most studies, at its point ")
                    .append("of the search space the journal records (`Search spaces as tuned` below).\n\n");
            new TunedTree(rows, inEpochs, epochRank, bestInEpochs.schedule(), epochP, best.studySeeds().size()).write(md);
        });
    }

    /** Mean of the finite entries (NaN without one). */
    static double mean(double[] x) {
        return java.util.Arrays.stream(x).filter(Double::isFinite).average().orElse(Double.NaN);
    }

    private static String epochScores(TuningScore t) {
        if (t == null) return "–";
        StringBuilder sb = new StringBuilder(t.score() == Double.POSITIVE_INFINITY ? "∞" : Fmt.num(t.score(), 2)).append(" (");
        double[] v = t.studyScores();
        for (int i = 0; i < v.length; i++)
            sb.append(i == 0 ? "" : ", ").append(v[i] == Double.POSITIVE_INFINITY ? "∞" : Fmt.num(v[i], 2));
        return sb.append(")").toString();
    }

    private static double[] restricted(Row r, List<Long> seedOrder, double tau) {
        double[] out = new double[seedOrder.size()];
        java.util.Arrays.fill(out, Double.NaN);
        for (int j = 0; j < r.studySeeds().size(); j++) {
            int at = seedOrder.indexOf(r.studySeeds().get(j));
            if (at >= 0) out[at] = Math.min(r.score().studyScores()[j], tau);
        }
        return out;
    }

    /** The hyperparameters of the trial that was fastest in most studies. */
    private String bestPoint(Row r) {
        Map<Integer, Integer> votes = new TreeMap<>();
        for (int k : r.score().bestTrial()) if (k > 0) votes.merge(k, 1, Integer::sum);
        if (votes.isEmpty()) return "none reached the target";
        int k = votes.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        CatalogueEntry e = settings.entry(r.schedule() + CatalogueEntry.TRIAL_SEPARATOR + k);
        StringBuilder sb = new StringBuilder("trial " + k + ":");
        for (var d : e.space().dimensions())
            sb.append(' ').append(d.name()).append('=').append(value(d, e.point().get(d.name())));
        return sb.toString();
    }

    /** A point's value: 3 significant digits, a count rounded as the schedule's template rounds it. */
    static String value(anneal.tuning.Dimension d, double v) {
        return d.domain() == anneal.tuning.Domain.COUNT ? Long.toString(Math.round(v)) : String.format(Locale.ROOT, "%.3g", v);
    }
}
