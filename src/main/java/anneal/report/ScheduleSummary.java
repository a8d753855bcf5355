package anneal.report;

import anneal.bench.RunRecord;
import anneal.stats.Bootstrap;
import anneal.stats.KaplanMeier;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * One row of a budget's results: every run of one schedule at one epoch budget on one backend, with time to target
 * treated as right-censored data. A run that reached the validation target is an event at its time to target; a run
 * that missed is censored at the end of its clock; a diverged run (which can never reach it) at the horizon
 * {@code tau}; a {@code FAILED} cell produced no observation and is left out (and listed in the report).
 *
 * @param schedule       catalogue name
 * @param runs           runs of the row, ordered by seed
 * @param completed      runs that produced a result (not {@code FAILED})
 * @param reached        runs that reached the target
 * @param diverged       runs that diverged
 * @param successRate    reached / completed
 * @param seeds          seed of each observation (the completed runs, by seed)
 * @param times          observed time of each completed run: time to target, or its censoring time
 * @param events         whether each completed run reached the target
 * @param km             Kaplan-Meier estimate of P(reached by t) (null without completed runs)
 * @param kmMedian       KM median time to target with a 95% bootstrap CI over seeds ({@code +Infinity}: not reached by half)
 * @param rmst           restricted mean time to target up to {@code tau} with a 95% bootstrap CI over seeds
 * @param medianEpochs   median epochs to target over the runs that reached it (the evaluation grid's resolution)
 * @param epochTimes     epochs to target of each completed run, or the budget's epochs for a miss (censored there)
 * @param rmstEpochs     restricted mean epochs to target up to the budget, with a 95% bootstrap CI: the same
 *                       analysis in optimizer progress instead of seconds, free of machine noise
 * @param finalAccuracy  final validation accuracy, mean and 95% CI (Student t)
 * @param bestAccuracy   best validation accuracy, mean and 95% CI
 * @param finalTest      final test accuracy, mean and 95% CI (reported only)
 * @param bestTest       best test accuracy, mean and 95% CI (reported only)
 * @param evalShare      median share of evaluation time in a run's training + evaluation time
 * @param medianEval     median seconds of evaluation per run
 * @param medianSetup    median seconds of trainer set-up (upload, init, warm-up), outside the clock
 * @param medianLoad     median seconds of data loading and backend creation, outside the clock
 */
public record ScheduleSummary(String schedule, List<RunRecord> runs, int completed, int reached, int diverged,
                              double successRate, long[] seeds, double[] times, boolean[] events, KaplanMeier km,
                              Bootstrap.Interval kmMedian, Bootstrap.Interval rmst, double medianEpochs,
                              double[] epochTimes, Bootstrap.Interval rmstEpochs,
                              Stats.MeanCi finalAccuracy, Stats.MeanCi bestAccuracy, Stats.MeanCi finalTest,
                              Stats.MeanCi bestTest, double evalShare, double medianEval, double medianSetup,
                              double medianLoad) {

    /**
     * The clock reading of the first evaluation of {@code r} whose validation accuracy reaches {@code target}; NaN when
     * none does (the journal keeps every evaluation, so any target can be asked after the sweep).
     */
    public static double timeTo(RunRecord r, double target, boolean evalOnClock) {
        if ("DIVERGED".equals(r.status()) || RunRecord.FAILED.equals(r.status())) return Double.NaN;
        for (var e : r.records())
            if (e.valAccuracy() >= target) return e.timedSeconds(evalOnClock);
        return Double.NaN;
    }

    /** Epoch of that evaluation (NaN when none). */
    static double epochsTo(RunRecord r, double target) {
        if ("DIVERGED".equals(r.status()) || RunRecord.FAILED.equals(r.status())) return Double.NaN;
        for (var e : r.records()) if (e.valAccuracy() >= target) return e.epoch();
        return Double.NaN;
    }

    /** Summarises {@code runs} (all of one schedule, budget and backend) for {@code target} with horizon {@code tau}. */
    public static ScheduleSummary of(String schedule, List<RunRecord> runs, double target, double tau, boolean evalOnClock) {
        List<RunRecord> sorted = runs.stream().sorted(Comparator.comparingLong(RunRecord::seed)).toList();
        List<RunRecord> done = sorted.stream().filter(r -> !RunRecord.FAILED.equals(r.status())).toList();
        int n = done.size();
        long[] seeds = new long[n];
        double[] times = new double[n];
        boolean[] events = new boolean[n];
        for (int i = 0; i < n; i++) {
            RunRecord r = done.get(i);
            seeds[i] = r.seed();
            double t = timeTo(r, target, evalOnClock);
            events[i] = Double.isFinite(t);
            times[i] = events[i] ? t : "DIVERGED".equals(r.status()) || !Double.isFinite(r.clockSeconds(evalOnClock))
                    ? tau : r.clockSeconds(evalOnClock);
        }
        int reached = 0;
        for (boolean e : events) if (e) reached++;
        int diverged = (int) done.stream().filter(r -> "DIVERGED".equals(r.status())).count();
        KaplanMeier km = n == 0 ? null : KaplanMeier.fit(times, events);
        Bootstrap.Interval median = n == 0 ? new Bootstrap.Interval(Double.NaN, Double.NaN, Double.NaN)
                : Bootstrap.percentile(n, d -> KaplanMeier.fit(pick(times, d), pick(events, d)).median(), 0.95);
        Bootstrap.Interval rmst = n == 0 || !Double.isFinite(tau) ? new Bootstrap.Interval(Double.NaN, Double.NaN, Double.NaN)
                : Bootstrap.percentile(n, d -> KaplanMeier.fit(pick(times, d), pick(events, d)).restrictedMean(tau), 0.95);
        double[] ett = done.stream().mapToDouble(r -> epochsTo(r, target)).filter(Double::isFinite).toArray();
        double[] epochTimes = new double[n];
        for (int i = 0; i < n; i++) epochTimes[i] = events[i] ? epochsTo(done.get(i), target) : done.get(i).epochs();
        double budget = done.stream().mapToInt(RunRecord::epochs).max().orElse(0);
        Bootstrap.Interval rmstEpochs = n == 0 ? new Bootstrap.Interval(Double.NaN, Double.NaN, Double.NaN)
                : Bootstrap.percentile(n, d -> KaplanMeier.fit(pick(epochTimes, d), pick(events, d)).restrictedMean(budget), 0.95);
        double[] share = done.stream().mapToDouble(r -> r.evalSeconds() / (r.evalSeconds() + r.clockSeconds(false))).toArray();
        return new ScheduleSummary(schedule, sorted, n, reached, diverged, n == 0 ? Double.NaN : reached / (double) n,
                seeds, times, events, km, median, rmst, Stats.median(ett), epochTimes, rmstEpochs,
                Stats.meanCi(done.stream().mapToDouble(RunRecord::finalValAccuracy).toArray(), 0.95),
                Stats.meanCi(done.stream().mapToDouble(RunRecord::bestValAccuracy).toArray(), 0.95),
                Stats.meanCi(done.stream().mapToDouble(RunRecord::finalTestAccuracy).toArray(), 0.95),
                Stats.meanCi(done.stream().mapToDouble(RunRecord::bestTestAccuracy).toArray(), 0.95),
                Stats.median(share), Stats.median(done.stream().mapToDouble(RunRecord::evalSeconds).toArray()),
                Stats.median(done.stream().mapToDouble(RunRecord::setupSeconds).toArray()),
                Stats.median(done.stream().mapToDouble(RunRecord::loadSeconds).toArray()));
    }

    /** Restricted time per seed of {@code seedOrder}: {@code min(time, tau)}, a miss counting as {@code tau}; NaN where not run. */
    public double[] restrictedBySeed(List<Long> seedOrder, double tau) {
        double[] out = new double[seedOrder.size()];
        Arrays.fill(out, Double.NaN);
        for (int i = 0; i < seeds.length; i++) {
            int at = seedOrder.indexOf(seeds[i]);
            if (at >= 0) out[at] = events[i] ? Math.min(times[i], tau) : tau;
        }
        return out;
    }

    /** Epochs to target per seed of {@code seedOrder}, a miss counting as the budget; NaN where not run. */
    public double[] epochsBySeed(List<Long> seedOrder) {
        double[] out = new double[seedOrder.size()];
        Arrays.fill(out, Double.NaN);
        for (int i = 0; i < seeds.length; i++) {
            int at = seedOrder.indexOf(seeds[i]);
            if (at >= 0) out[at] = epochTimes[i];
        }
        return out;
    }

    /** Final validation accuracy per seed of {@code seedOrder} (NaN where not run or failed). */
    public double[] finalAccuracyBySeed(List<Long> seedOrder) {
        double[] out = new double[seedOrder.size()];
        Arrays.fill(out, Double.NaN);
        for (RunRecord r : runs) {
            int i = seedOrder.indexOf(r.seed());
            if (i >= 0 && !RunRecord.FAILED.equals(r.status())) out[i] = r.finalValAccuracy();
        }
        return out;
    }

    static double[] pick(double[] x, int[] draw) {
        double[] out = new double[draw.length];
        for (int i = 0; i < draw.length; i++) out[i] = x[draw[i]];
        return out;
    }

    static boolean[] pick(boolean[] x, int[] draw) {
        boolean[] out = new boolean[draw.length];
        for (int i = 0; i < draw.length; i++) out[i] = x[draw[i]];
        return out;
    }
}
