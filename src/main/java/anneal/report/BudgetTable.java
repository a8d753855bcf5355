package anneal.report;

import anneal.bench.RunRecord;
import anneal.stats.Bootstrap;
import anneal.stats.Holm;
import anneal.stats.SignFlipTest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The results of one epoch budget on one backend: a {@link ScheduleSummary} per schedule, the horizon {@code tau}
 * (the shortest complete run's clock, so every run is observed up to it), the reference schedule (the lowest
 * restricted mean time to target), and paired comparisons of every other schedule with it by seed: the mean
 * difference in restricted time {@code min(t, tau)} (a miss counts as {@code tau}) with a 95% bootstrap CI over seeds,
 * and the {@link SignFlipTest exact sign-flip test}, Holm-adjusted over the comparisons.
 */
public final class BudgetTable {
    /** Significance level of the report's verdicts. */
    public static final double ALPHA = 0.05;

    private final int epochs;
    private final String backend;
    private final double target;
    private final double tau;
    private final List<Long> seeds;
    private final List<ScheduleSummary> rows;
    private final ScheduleSummary reference;
    private final Map<String, Comparison> comparisons = new LinkedHashMap<>();

    /** A comparison of one schedule with the reference. */
    public record Comparison(ScheduleSummary row, SignFlipTest.Result test, double holmP, Bootstrap.Interval meanDiff,
                             double holmEpochsP) {
    }

    public BudgetTable(int epochs, String backend, List<RunRecord> runs, List<String> scheduleOrder, double target,
                       boolean evalOnClock) {
        this.epochs = epochs;
        this.backend = backend;
        this.target = target;
        this.seeds = List.copyOf(new TreeSet<>(runs.stream().map(RunRecord::seed).toList()));
        // tau: the smallest over schedules of each schedule's longest complete clock (every schedule is observed up to it)
        Map<String, Double> longest = new LinkedHashMap<>();
        for (RunRecord r : runs)
            if (!RunRecord.FAILED.equals(r.status()) && !"DIVERGED".equals(r.status()) && Double.isFinite(r.clockSeconds(evalOnClock)))
                longest.merge(r.schedule(), r.clockSeconds(evalOnClock), Math::max);
        this.tau = longest.values().stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        Map<String, List<RunRecord>> by = new LinkedHashMap<>();
        for (String s : scheduleOrder) by.put(s, new ArrayList<>());
        for (RunRecord r : runs) by.computeIfAbsent(r.schedule(), k -> new ArrayList<>()).add(r);
        List<ScheduleSummary> list = new ArrayList<>();
        by.forEach((s, rs) -> {
            if (!rs.isEmpty()) list.add(ScheduleSummary.of(s, rs, target, tau, evalOnClock));
        });
        this.rows = List.copyOf(list);
        this.reference = rows.stream().filter(r -> r.completed() > 0).min(FASTEST).orElse(null);
        if (reference == null) return;
        List<ScheduleSummary> others = rows.stream().filter(r -> r != reference && r.completed() > 0).toList();
        double[] ref = reference.restrictedBySeed(seeds, tau);
        double[] raw = new double[others.size()];
        double[] rawEpochs = new double[others.size()];
        double[] refEpochs = reference.epochsBySeed(seeds);
        List<SignFlipTest.Result> tests = new ArrayList<>();
        List<Bootstrap.Interval> diffs = new ArrayList<>();
        for (int i = 0; i < others.size(); i++) {
            double[] mine = others.get(i).restrictedBySeed(seeds, tau);
            SignFlipTest.Result t = SignFlipTest.test(mine, ref);
            tests.add(t);
            raw[i] = t.pValue();
            rawEpochs[i] = SignFlipTest.test(others.get(i).epochsBySeed(seeds), refEpochs).pValue();
            diffs.add(pairedMeanDifference(mine, ref));
        }
        double[] holm = Holm.adjust(raw);
        double[] holmEpochs = Holm.adjust(rawEpochs);
        for (int i = 0; i < others.size(); i++)
            comparisons.put(others.get(i).schedule(),
                    new Comparison(others.get(i), tests.get(i), holm[i], diffs.get(i), holmEpochs[i]));
    }

    /** Mean of {@code a - b} over the seeds where both ran, with a 95% bootstrap CI over those seeds. */
    static Bootstrap.Interval pairedMeanDifference(double[] a, double[] b) {
        List<Double> d = new ArrayList<>();
        for (int i = 0; i < a.length; i++) if (!Double.isNaN(a[i]) && !Double.isNaN(b[i])) d.add(a[i] - b[i]);
        if (d.isEmpty()) return new Bootstrap.Interval(Double.NaN, Double.NaN, Double.NaN);
        double[] x = d.stream().mapToDouble(Double::doubleValue).toArray();
        return Bootstrap.percentile(x.length, draw -> Bootstrap.mean(x, draw), 0.95);
    }

    /** Lowest restricted mean time first, then highest success, then highest final validation accuracy. */
    public static final Comparator<ScheduleSummary> FASTEST = Comparator
            .comparingDouble((ScheduleSummary s) -> Double.isNaN(s.rmst().estimate()) ? Double.POSITIVE_INFINITY : s.rmst().estimate())
            .thenComparingDouble(s -> -nanToMinusOne(s.successRate()))
            .thenComparingDouble(s -> -nanToMinusOne(s.finalAccuracy().mean()));

    private static double nanToMinusOne(double v) {
        return Double.isNaN(v) ? -1 : v;
    }

    public int epochs() {
        return epochs;
    }

    public String backend() {
        return backend;
    }

    public double target() {
        return target;
    }

    /** The RMST horizon: the smallest over schedules of each one's longest complete clock (NaN without one). */
    public double tau() {
        return tau;
    }

    public List<Long> seeds() {
        return seeds;
    }

    public List<ScheduleSummary> rows() {
        return rows;
    }

    /** The fastest schedule of the budget (null when there are no runs). */
    public ScheduleSummary reference() {
        return reference;
    }

    public Optional<ScheduleSummary> row(String schedule) {
        return rows.stream().filter(r -> r.schedule().equals(schedule)).findFirst();
    }

    /** The comparison of {@code schedule} with the reference (empty for the reference itself). */
    public Optional<Comparison> comparison(String schedule) {
        return Optional.ofNullable(comparisons.get(schedule));
    }

    /** Comparisons with the reference. */
    public int comparisonCount() {
        return comparisons.size();
    }

    /** Seeds needed before any Holm-adjusted comparison of this table could reach p &lt; 0.05. */
    public int seedsNeeded() {
        return SignFlipTest.pairsNeeded(comparisons.size(), ALPHA);
    }

    /** The row with the highest mean final validation accuracy. */
    public ScheduleSummary mostAccurate() {
        return rows.stream().max(Comparator.comparingDouble(s -> nanToMinusOne(s.finalAccuracy().mean()))).orElse(null);
    }

    /** Holm-adjusted paired test of {@code row}'s restricted time against the reference's. */
    public Stats.PairedTest tttVsReference(ScheduleSummary row) {
        Comparison c = comparisons.get(row.schedule());
        if (c == null) return new Stats.PairedTest(SignFlipTest.NAME, 0, Double.NaN, "the reference itself");
        return paired(c.test(), c.holmP(), ", Holm-adjusted over " + comparisons.size());
    }

    /** Paired sign-flip test of final validation accuracy between {@code a} and {@code b} (unadjusted). */
    public Stats.PairedTest finalAccuracy(ScheduleSummary a, ScheduleSummary b) {
        SignFlipTest.Result t = SignFlipTest.test(a.finalAccuracyBySeed(seeds), b.finalAccuracyBySeed(seeds));
        return paired(t, t.pValue(), "");
    }

    private static Stats.PairedTest paired(SignFlipTest.Result t, double p, String adjusted) {
        if (t.pairs() == 0) return new Stats.PairedTest(SignFlipTest.NAME, 0, Double.NaN, "no usable pairs");
        String note = t.smallestPossible() >= ALPHA ? t.nonZero() + " non-zero pairs cannot reach p < 0.05" : "";
        return new Stats.PairedTest(SignFlipTest.NAME + adjusted, t.pairs(), p, note);
    }

    /** Title of the budget: {@code 3 epochs on cpu}. */
    public String title() {
        return epochs + (epochs == 1 ? " epoch" : " epochs") + " on " + backend;
    }
}
