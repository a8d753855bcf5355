package anneal.report;

import anneal.ConfigurationException;
import anneal.bench.CatalogueEntry;
import anneal.bench.Journal;
import anneal.bench.JournalHeader;
import anneal.bench.OverheadBenchmarks;
import anneal.bench.RunRecord;
import anneal.bench.ScheduleCatalogue;
import anneal.bench.SweepSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes {@code DIR/REPORT.md} and its PNG plots from a sweep folder: the journal ({@code journal.jsonl}) and,
 * when present, the overhead benchmarks' JMH JSON ({@value OverheadBenchmarks#RESULT_FILE}). Reading never
 * changes the journal; the report is written to a temporary file and moved into place.
 */
public final class ReportWriter {
    private final Path dir;

    public ReportWriter(Path dir) {
        this.dir = dir;
    }

    /**
     * Writes the report and returns its path.
     *
     * @throws IllegalArgumentException if the folder holds no readable journal
     */
    public Path write() throws IOException {
        Path file = Journal.fileIn(dir);
        if (!Files.exists(file))
            throw new ConfigurationException("no sweep journal at " + file + " (run 'anneal sweep --out " + dir + "' first)");
        Journal journal = Journal.read(file);
        if (!Files.isWritable(dir)) throw new ConfigurationException("folder " + dir + " is not writable");
        SweepSettings settings = journal.header().settings();
        List<RunRecord> untuned = journal.runs().stream().filter(r -> !isTrial(r)).toList();
        List<RunRecord> trials = journal.runs().stream().filter(ReportWriter::isTrial).toList();
        List<BudgetTable> tables = tables(untuned, settings.target(), settings.evalOnClock());
        StringBuilder md = new StringBuilder();
        header(md, journal.header(), journal.runs().size());
        if (!trials.isEmpty()) new TunedSection(trials, settings, journal.header().plan()).write(md, dir);
        for (BudgetTable t : tables) results(md, t, settings, tables.size());
        sensitivity(md, tables, untuned, settings);
        profile(md, tables);
        lrCurves(md, untuned.isEmpty() ? trials : untuned);
        overhead(md);
        if (!tables.isEmpty())
            md.append("## Selection guide").append(trials.isEmpty() ? " (untuned: every schedule at its catalogue recipe)" : "")
                    .append("\n\n").append(new SelectionGuide(tables).markdown()).append('\n');
        failures(md, journal.runs());
        catalogue(md, untuned);
        if (!trials.isEmpty()) searchSpaces(md, trials, settings);
        Path report = dir.resolve("REPORT.md");
        anneal.util.AtomicFiles.write(report, md.toString().getBytes(StandardCharsets.UTF_8));
        return report;
    }

    /**
     * What the seeds allow: the smallest adjusted p-value the exact sign-flip test can give with {@code pairs} pairs and
     * Holm over {@code comparisons} ({@code comparisons x 2 / 2^pairs}, reached only when one schedule is slower on
     * every pair), whether that is below {@link BudgetTable#ALPHA}, and if not how many pairs would be needed.
     *
     * @param unit what a pair is, plural ({@code seeds}, {@code studies})
     */
    static String attainable(int comparisons, int pairs, String unit) {
        if (comparisons < 1) return "";
        double smallest = Math.min(1, comparisons * anneal.stats.SignFlipTest.Result.smallestPossible(pairs));
        int needed = anneal.stats.SignFlipTest.pairsNeeded(comparisons, BudgetTable.ALPHA);
        String head = "With " + comparisons + " Holm-adjusted " + (comparisons == 1 ? "comparison" : "comparisons") + " and "
                + pairs + " " + unit + " the smallest attainable adjusted p-value of the exact test is " + Fmt.pv(smallest)
                + " (" + comparisons + " × 2/2^" + pairs + ", reached only when a schedule is slower than the reference in every "
                + "pair)";
        if (smallest < BudgetTable.ALPHA) return head + ", so a difference can reach p < " + BudgetTable.ALPHA + ".";
        return head + ": **too few " + unit + " for significance**, no comparison can reach p < " + BudgetTable.ALPHA + "; "
                + needed + " " + unit + " would be needed (a single comparison needs "
                + anneal.stats.SignFlipTest.pairsNeeded(1, BudgetTable.ALPHA) + ").";
    }

    /** Whether {@code r} is a tuning trial ({@code onecycle@3}). */
    static boolean isTrial(RunRecord r) {
        return r.schedule().indexOf(CatalogueEntry.TRIAL_SEPARATOR) >= 0;
    }

    /** One table per (epoch budget, backend), shortest budget first; schedules in catalogue order. */
    static List<BudgetTable> tables(List<RunRecord> runs, double target, boolean evalOnClock) {
        Map<String, List<RunRecord>> groups = new TreeMap<>();
        for (RunRecord r : runs)
            groups.computeIfAbsent(String.format("%06d|%s", r.epochs(), r.backend()), k -> new ArrayList<>()).add(r);
        List<String> order = new ArrayList<>(ScheduleCatalogue.names());
        List<BudgetTable> out = new ArrayList<>();
        groups.forEach((k, rs) -> out.add(new BudgetTable(rs.get(0).epochs(), rs.get(0).backend(), rs, order, target, evalOnClock)));
        return out;
    }

    private static void header(StringBuilder md, JournalHeader h, int runs) {
        SweepSettings s = h.settings();
        md.append("# Learning-rate schedules on Fashion-MNIST: time to accuracy\n\n");
        md.append("Generated by `anneal report` from `journal.jsonl` (").append(runs).append(" runs).\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| started | ").append(h.createdAt()).append(" |\n");
        h.environment().forEach((k, v) -> md.append("| ").append(k).append(" | `").append(v.replace("|", "\\|")).append("` |\n"));
        md.append("| protocol | ").append(s).append(" |\n");
        md.append("| target | ").append(s.target()).append(" validation accuracy (")
                .append(s.targetSource() == null ? "recorded before targets noted their source" : s.targetSource()).append(") |\n");
        if (h.plan() != null)
            md.append("| plan | schedules ").append(String.join(", ", h.plan().schedules())).append("; seeds ")
                    .append(h.plan().seeds()).append("; epochs ").append(h.plan().epochs()).append("; backend ")
                    .append(h.plan().backend()).append(h.plan().tuning() == null ? "; untuned" : "; tuned " + h.plan().tuning())
                    .append(" |\n");
        md.append("\n**Protocol.** The target (").append(s.target()).append(") is on **validation** accuracy: ")
                .append(s.validationSize()).append(" images held out of the training set by the run's seed. Test accuracy ")
                .append("is evaluated at epoch ends and reported, never used to stop, rank or step a schedule. Every schedule ")
                .append("trains the same model with the same optimizer, batch and seeds; a seed fixes the initial weights, the ")
                .append("validation split and every epoch's data order, so runs with equal seeds are paired. Validation is ")
                .append("evaluated ").append(s.evalEvery() > 0 ? "every " + s.evalEvery() + " steps"
                        : s.evalsPerEpoch() > 0 ? s.evalsPerEpoch() + " times per epoch" : "at epoch ends only")
                .append(" and at every epoch end. Time to target is the clock at the first evaluation at or above the target: ")
                .append(s.evalOnClock() ? "training and evaluation time (MLPerf's view, `--eval-on-clock`)"
                        : "training time only; the clock is paused while evaluating (AlgoPerf), and evaluation time is reported beside it")
                .append(". Data loading, upload, initialisation and the JIT warm-up (on synthetic data of the same shape, never ")
                .append("the real data) are outside the clock and reported as set-up. Each run is a fresh JVM (JMH fork).\n\n")
                .append("**Statistics.** Time to target is right-censored: a run that misses the target is censored at the end of ")
                .append("its clock, never dropped. Per schedule: the Kaplan-Meier estimate of P(reached by t), its median, and the ")
                .append("restricted mean time to target up to tau (RMST: the area under the KM curve of not-yet-reached; a miss ")
                .append("counts as tau), tau being the shortest complete run's clock, each with a 95% bootstrap CI over seeds (")
                .append(anneal.stats.Bootstrap.RESAMPLES).append(" resamples, fixed seed). The reference is the lowest RMST. ")
                .append("Comparisons with it are paired by seed on restricted time min(t, tau): mean difference with bootstrap CI ")
                .append("and the ").append(anneal.stats.SignFlipTest.NAME).append(", Holm-adjusted over the comparisons. ")
                .append("Accuracies: mean ± 95% CI (Student t).\n\n");
    }

    private void results(StringBuilder md, BudgetTable t, SweepSettings settings, int budgets) throws IOException {
        String slug = t.epochs() + "ep-" + t.backend();
        ScheduleSummary ref = t.reference();
        if (ref == null) return;
        md.append("## Untuned comparison: ").append(t.title()).append(" (").append(t.seeds().size())
                .append(t.seeds().size() == 1 ? " seed" : " seeds").append(", every schedule at its catalogue recipe, one peak lr)\n\n");
        md.append("Horizon tau = ").append(Fmt.sec(t.tau())).append(". Reference: `").append(ref.schedule())
                .append("` (lowest restricted mean time to ").append(t.target()).append(").");
        md.append(' ').append(attainable(t.comparisonCount(), t.seeds().size(), "seeds")).append("\n\n");
        md.append("| schedule | reached | KM median [95% CI] | RMST [95% CI] | Δ restricted vs `").append(ref.schedule())
                .append("` [95% CI] | p (Holm) | RMST epochs [95% CI] | p epochs (Holm) | final val acc | best val acc | final test acc | ")
                .append("eval time (share) | set-up + load |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        Map<String, List<RunRecord>> runs = new LinkedHashMap<>();
        for (ScheduleSummary r : t.rows()) {
            boolean isRef = r == ref;
            var cmp = t.comparison(r.schedule());
            md.append("| ").append(isRef ? "**" + r.schedule() + "**" : r.schedule()).append(" | ").append(r.reached())
                    .append("/").append(r.completed())
                    .append(r.completed() < r.runs().size() ? " (" + (r.runs().size() - r.completed()) + " failed)" : "")
                    .append(r.diverged() > 0 ? " (" + r.diverged() + " diverged)" : "")
                    .append(" | ").append(Fmt.interval(r.kmMedian())).append(" | ").append(Fmt.interval(r.rmst()))
                    .append(" | ").append(isRef ? "reference" : cmp.map(c -> Fmt.interval(c.meanDiff())).orElse("–"))
                    .append(" | ").append(isRef ? "–" : cmp.map(c -> Fmt.pv(c.holmP()) + " (" + Fmt.pv(c.test().pValue()) + ")").orElse("–"))
                    .append(" | ").append(epochs(r.rmstEpochs())).append(" | ")
                    .append(isRef ? "–" : cmp.map(c -> Fmt.pv(c.holmEpochsP())).orElse("–"))
                    .append(" | ").append(Fmt.ci(r.finalAccuracy()))
                    .append(" | ").append(Fmt.ci(r.bestAccuracy())).append(" | ").append(Fmt.ci(r.finalTest()))
                    .append(" | ").append(Fmt.sec(r.medianEval())).append(" (").append(Fmt.pct(r.evalShare())).append(")")
                    .append(" | ").append(Fmt.num(r.medianSetup(), 1)).append(" + ").append(Fmt.num(r.medianLoad(), 1)).append(" s |\n");
            runs.put(r.schedule(), r.runs());
        }
        md.append("\np (Holm): the exact sign-flip p-value adjusted over the ").append(t.comparisonCount())
                .append(" comparisons, the raw p-value in parentheses. Δ restricted: mean over seeds of this schedule's ")
                .append("min(t, tau) minus the reference's (positive: slower). RMST epochs: the same Kaplan-Meier analysis ")
                .append("in epochs of training (censored at the budget of ").append(t.epochs()).append(" epochs), which machine ")
                .append("load cannot distort; p epochs: its exact paired test on epochs to target, Holm-adjusted.\n\n");
        String km = "kaplan-meier-" + slug + ".png";
        ChapterCharts.kaplanMeierGrid(t, String.valueOf(t.target()), dir.resolve(km));
        if (Files.exists(dir.resolve(km)))
            md.append("Kaplan-Meier estimate of P(validation target reached by t), one panel per schedule (reached/runs in ")
                    .append("the title), the reference dashed grey:\n\n![Kaplan-Meier curves](").append(km).append(")\n\n");
        String acc = "validation-" + slug + ".png";
        ChapterCharts.validationGrid(t, runs, settings.evalOnClock(), dir.resolve(acc));
        if (Files.exists(dir.resolve(acc)))
            md.append("Validation accuracy against training seconds: median over seeds, band from the lowest to the highest ")
                    .append("seed, the reference's median grey, the target dashed:\n\n![validation accuracy](").append(acc)
                    .append(")\n\n");
    }

    private static String epochs(anneal.stats.Bootstrap.Interval i) {
        if (Double.isNaN(i.estimate())) return "–";
        return Fmt.num(i.estimate(), 2) + " [" + Fmt.num(i.low(), 2) + ", " + Fmt.num(i.high(), 2) + "]";
    }

    /** Targets of the sensitivity curve: from 0.04 below the sweep's target to 0.01 above it, in steps of 0.005. */
    static double[] sensitivityTargets(double target) {
        double[] out = new double[11];
        for (int i = 0; i < out.length; i++) out[i] = Math.round((target - 0.04 + 0.005 * i) * 1000) / 1000.0;
        return out;
    }

    private void sensitivity(StringBuilder md, List<BudgetTable> tables, List<RunRecord> runs, SweepSettings s)
            throws IOException {
        if (tables.isEmpty()) return;
        md.append("## How much the target matters\n\n").append("The same runs at other validation targets (DAWNBench found ")
                .append("the threshold choice matters most): restricted mean time to target up to each budget's tau, per schedule.\n\n");
        for (BudgetTable t : tables) {
            if (t.reference() == null) continue;
            double[] targets = sensitivityTargets(s.target());
            Map<String, double[]> lines = new LinkedHashMap<>();
            StringBuilder table = new StringBuilder("| schedule |");
            for (double x : targets) table.append(' ').append(x).append(" |");
            table.append("\n|---|").append("---:|".repeat(targets.length)).append('\n');
            List<RunRecord> mine = runs.stream().filter(r -> r.epochs() == t.epochs() && r.backend().equals(t.backend())).toList();
            List<BudgetTable> at = new ArrayList<>();
            for (double x : targets)
                at.add(new BudgetTable(t.epochs(), t.backend(), mine, ScheduleCatalogue.names(), x, s.evalOnClock()));
            for (ScheduleSummary row : t.rows()) {
                double[] y = new double[targets.length];
                table.append("| ").append(row.schedule()).append(" |");
                for (int i = 0; i < targets.length; i++) {
                    y[i] = at.get(i).row(row.schedule()).map(r -> r.km() == null ? Double.NaN : r.km().restrictedMean(t.tau()))
                            .orElse(Double.NaN);
                    table.append(' ').append(Fmt.bare(y[i])).append(" |");
                }
                table.append('\n');
                lines.put(row.schedule(), y);
            }
            String png = "target-sensitivity-" + t.epochs() + "ep-" + t.backend() + ".png";
            ChapterCharts.targetSensitivity(targets, lines, "Restricted mean seconds to target (tau " + Fmt.sec(t.tau())
                    + "), " + t.title(), dir.resolve(png));
            md.append("**").append(t.title()).append("** (seconds; tau = ").append(Fmt.sec(t.tau()))
                    .append(" means no run reached it):\n\n").append(table).append('\n');
            if (Files.exists(dir.resolve(png))) md.append("![target sensitivity](").append(png).append(")\n\n");
        }
    }

    private void profile(StringBuilder md, List<BudgetTable> tables) throws IOException {
        if (tables.isEmpty()) return;
        Map<String, double[]> times = new LinkedHashMap<>();
        for (String name : ScheduleCatalogue.names()) {
            double[] v = new double[tables.size()];
            boolean any = false;
            for (int i = 0; i < tables.size(); i++) {
                var row = tables.get(i).row(name);
                v[i] = row.map(r -> r.kmMedian().estimate()).orElse(Double.POSITIVE_INFINITY);
                any |= row.isPresent();
            }
            if (any) times.put(name, v);
        }
        anneal.stats.PerformanceProfile p = anneal.stats.PerformanceProfile.of(times);
        md.append("## Performance profile (AlgoPerf)\n\n").append("Settings: the ").append(tables.size())
                .append(tables.size() == 1 ? " budget" : " budgets").append(" × backends swept (")
                .append(String.join(", ", tables.stream().map(BudgetTable::title).toList()))
                .append("); time per setting: the KM median (a schedule that half its runs did not bring to the target counts as a miss). ")
                .append("rho(tau): share of settings within tau times the best; score: its integral over tau in [1, ")
                .append(anneal.stats.PerformanceProfile.TAU_MAX).append("], normalised to [0, 1].");
        if (p.settings() < 2)
            md.append(" With ").append(p.settings()).append(p.settings() == 1 ? " setting" : " settings")
                    .append(" the profile is a step per schedule; `--full` (two budgets) makes it a profile.");
        md.append("\n\n| schedule | rho(1) | rho(1.5) | rho(2) | score |\n|---|---:|---:|---:|---:|\n");
        times.keySet().stream().sorted(java.util.Comparator.comparingDouble(k -> -p.score(k))).forEach(k ->
                md.append("| ").append(k).append(" | ").append(Fmt.num(p.rho(k, 1), 2)).append(" | ")
                        .append(Fmt.num(p.rho(k, 1.5), 2)).append(" | ").append(Fmt.num(p.rho(k, 2), 2)).append(" | ")
                        .append(Fmt.num(p.score(k), 3)).append(" |\n"));
        md.append('\n');
        ChapterCharts.performanceProfile(p, "Performance profile over " + p.settings() + " setting(s)", dir.resolve("performance-profile.png"));
        if (Files.exists(dir.resolve("performance-profile.png"))) md.append("![performance profile](performance-profile.png)\n\n");
    }

    private void lrCurves(StringBuilder md, List<RunRecord> all) throws IOException {
        int longest = all.stream().mapToInt(RunRecord::epochs).max().orElse(0);
        Map<String, RunRecord> first = new LinkedHashMap<>();
        for (String name : ScheduleCatalogue.names())
            all.stream().filter(r -> CatalogueEntry.baseName(r.schedule()).equals(name) && r.epochs() == longest
                            && r.lrs().length > 0)
                    .findFirst().ifPresent(r -> first.put(name, r));
        if (first.isEmpty()) return;
        Charts.lrGrid(first, dir.resolve("lr-curves.png"));
        boolean trials = first.values().stream().anyMatch(ReportWriter::isTrial);
        md.append("## Learning-rate curves (").append(longest).append(longest == 1 ? " epoch" : " epochs").append(", as trained)\n\n")
                .append(trials ? "A tuned sweep: each panel is the schedule's first recorded trial ("
                        + String.join(", ", first.values().stream().map(r -> r.schedule() + " seed " + r.seed()).toList())
                        + "), one point of its search space.\n\n" : "")
                .append("![lr curves](lr-curves.png)\n\n");
    }

    private void overhead(StringBuilder md) {
        Path json = dir.resolve(OverheadBenchmarks.RESULT_FILE);
        md.append("## Scheduler overhead\n\n");
        if (!Files.exists(json)) {
            md.append("No `").append(OverheadBenchmarks.RESULT_FILE).append("` in this folder (the sweep ran with `--no-overhead`).\n\n");
            return;
        }
        List<JmhResults.Row> rows;
        try {
            rows = JmhResults.read(json);
        } catch (IllegalArgumentException e) {
            md.append("Could not read `").append(OverheadBenchmarks.RESULT_FILE).append("`: ").append(e.getMessage()).append("\n\n");
            return;
        }
        List<JmhResults.Row> steps = rows.stream().filter(r -> r.benchmark().startsWith("TrainStepBench.")).toList();
        List<JmhResults.Row> scheds = rows.stream().filter(r -> r.benchmark().startsWith("ScheduleStepBench.")).toList();
        md.append("From JMH (`").append(OverheadBenchmarks.RESULT_FILE).append("`, `-prof gc`): the cost of one scheduler ")
                .append("`step()` next to the cost of one training step, and its share of it.\n\n");
        if (steps.isEmpty()) md.append("No TrainStepBench result.\n\n");
        if (!steps.isEmpty()) {
            md.append("| training step | backend | time per step | B/step |\n|---|---|---:|---:|\n");
            for (JmhResults.Row s : steps)
                md.append("| ").append(s.label()).append(" | ").append(s.params().getOrDefault("backend", "?")).append(" | ")
                        .append(Fmt.nanos(s.nanosPerOp())).append(" | ").append(Fmt.num(s.bytesPerOp(), 1)).append(" |\n");
            md.append('\n');
        }
        if (scheds.isEmpty()) {
            md.append("No ScheduleStepBench result.\n\n");
            return;
        }
        StringBuilder head = new StringBuilder("| schedule | ns/step | B/step |");
        StringBuilder rule = new StringBuilder("|---|---:|---:|");
        for (JmhResults.Row s : steps) {
            head.append(" share of a ").append(s.params().getOrDefault("backend", s.label())).append(" step |");
            rule.append("---:|");
        }
        md.append(head).append('\n').append(rule).append('\n');
        for (JmhResults.Row r : scheds) {
            md.append("| `").append(r.label()).append("` | ").append(Fmt.num(r.nanosPerOp(), 1)).append(" | ")
                    .append(Fmt.num(r.bytesPerOp(), 1)).append(" |");
            for (JmhResults.Row s : steps)
                md.append(' ').append(String.format(java.util.Locale.ROOT, "%.5f%%", 100 * r.nanosPerOp() / s.nanosPerOp()))
                        .append(" |");
            md.append('\n');
        }
        md.append('\n');
    }

    private static void failures(StringBuilder md, List<RunRecord> runs) {
        List<RunRecord> bad = runs.stream().filter(r -> RunRecord.FAILED.equals(r.status()) || "DIVERGED".equals(r.status())).toList();
        if (bad.isEmpty()) return;
        md.append("## Failed and diverged runs\n\n| cell | status | detail |\n|---|---|---|\n");
        for (RunRecord r : bad)
            md.append("| ").append(r.cell().label()).append(" | ").append(r.status()).append(" | ")
                    .append(r.error() != null ? r.error().replace("|", "\\|") : "loss became NaN/inf; final acc " + Fmt.num(r.finalTestAccuracy(), 4))
                    .append(" |\n");
        md.append('\n');
    }

    /**
     * The search spaces a tuned sweep drew its trials from: the journal's ({@code --space} overrides included), or the
     * catalogue's for journals written before spaces were recorded; the first trial's spec shows how a point becomes one.
     */
    private static void searchSpaces(StringBuilder md, List<RunRecord> trials, SweepSettings settings) {
        md.append("## Search spaces as tuned\n\n").append(settings.spaces() != null ? "As recorded in the journal header "
                + "(`settings.spaces`, with any `--space` overrides)" : "The catalogue's (this journal predates recorded "
                + "spaces)").append("; log: sampled on a log scale.\n\n| schedule | search space | trials | trial 1 as trained |\n"
                + "|---|---|---:|---|\n");
        int longest = trials.stream().mapToInt(RunRecord::epochs).max().orElse(0);
        for (CatalogueEntry e : ScheduleCatalogue.all()) {
            List<RunRecord> rs = trials.stream().filter(r -> CatalogueEntry.baseName(r.schedule()).equals(e.name())).toList();
            if (rs.isEmpty()) continue;
            int k = rs.stream().mapToInt(r -> ScheduleCatalogue.get(r.schedule()).trialNumber()).max().orElse(0);
            String first = rs.stream().filter(r -> r.schedule().equals(e.name() + CatalogueEntry.TRIAL_SEPARATOR + 1)
                    && r.epochs() == longest).map(RunRecord::spec).findFirst().orElse("–");
            md.append("| ").append(e.name()).append(" | ").append(settings.entry(e.name() + CatalogueEntry.TRIAL_SEPARATOR + 1)
                    .space().describe()).append(" | ").append(k).append(" | `").append(first).append("` |\n");
        }
        md.append('\n');
    }

    private static void catalogue(StringBuilder md, List<RunRecord> runs) {
        if (runs.isEmpty()) return;
        md.append("## Schedules as trained\n\n| schedule | what | lr | spec (longest budget) |\n|---|---|---:|---|\n");
        int longest = runs.stream().mapToInt(RunRecord::epochs).max().orElse(0);
        for (CatalogueEntry e : ScheduleCatalogue.all())
            runs.stream().filter(r -> r.schedule().equals(e.name()) && r.epochs() == longest).findFirst()
                    .ifPresent(r -> md.append("| ").append(e.name()).append(" | ").append(e.description()).append(" | ")
                            .append(r.lr()).append(" | `").append(r.spec()).append("` |\n"));
        md.append('\n');
    }
}
