package anneal.report;

import anneal.bench.RunRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The results of one epoch budget on one backend: a {@link ScheduleSummary} per schedule, the reference
 * schedule (the fastest to the target: highest success rate, then lowest median time) and paired tests of
 * every schedule against it on the same seeds.
 */
public final class BudgetTable {
    private final int epochs;
    private final String backend;
    private final List<Long> seeds;
    private final List<ScheduleSummary> rows;
    private final ScheduleSummary reference;

    public BudgetTable(int epochs, String backend, List<RunRecord> runs, List<String> scheduleOrder) {
        this.epochs = epochs;
        this.backend = backend;
        this.seeds = List.copyOf(new TreeSet<>(runs.stream().map(RunRecord::seed).toList()));
        Map<String, List<RunRecord>> by = new LinkedHashMap<>();
        for (String s : scheduleOrder) by.put(s, new ArrayList<>());
        for (RunRecord r : runs) by.computeIfAbsent(r.schedule(), k -> new ArrayList<>()).add(r);
        List<ScheduleSummary> list = new ArrayList<>();
        by.forEach((s, rs) -> {
            if (!rs.isEmpty()) list.add(ScheduleSummary.of(s, rs));
        });
        this.rows = List.copyOf(list);
        this.reference = rows.stream().min(FASTEST).orElse(null);
    }

    /** Highest success rate first, then lowest median time to target, then highest final accuracy. */
    public static final Comparator<ScheduleSummary> FASTEST = Comparator
            .comparingDouble((ScheduleSummary s) -> -nanToMinusOne(s.successRate()))
            .thenComparingDouble(s -> Double.isNaN(s.medianTtt()) ? Double.POSITIVE_INFINITY : s.medianTtt())
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

    /** The row with the highest mean final test accuracy. */
    public ScheduleSummary mostAccurate() {
        return rows.stream().max(Comparator.comparingDouble(s -> nanToMinusOne(s.finalAccuracy().mean()))).orElse(null);
    }

    /** Paired test of {@code row}'s time to target against the reference's, over seeds both reached. */
    public Stats.PairedTest tttVsReference(ScheduleSummary row) {
        return Stats.wilcoxon(row.tttBySeed(seeds), reference.tttBySeed(seeds));
    }

    /** Paired test of final test accuracy between {@code a} and {@code b}. */
    public Stats.PairedTest finalAccuracy(ScheduleSummary a, ScheduleSummary b) {
        return Stats.wilcoxon(a.finalAccuracyBySeed(seeds), b.finalAccuracyBySeed(seeds));
    }

    /** Title of the budget: {@code 3 epochs on cpu}. */
    public String title() {
        return epochs + (epochs == 1 ? " epoch" : " epochs") + " on " + backend;
    }
}
