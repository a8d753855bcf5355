package anneal.report;

import anneal.bench.RunRecord;
import java.util.List;

/**
 * One row of the report's results table: every run of one schedule at one epoch budget on one backend.
 * Time-to-target statistics are over the runs that reached the target; accuracy statistics over every run
 * that produced a result (diverged runs included, failed ones not).
 *
 * @param schedule        catalogue name
 * @param runs            runs of the row, ordered by seed
 * @param completed       runs that produced a result (not {@code FAILED})
 * @param reached         runs that reached the target
 * @param diverged        runs that diverged
 * @param successRate     reached / runs
 * @param medianTtt       median seconds to target
 * @param iqrTtt          interquartile range of seconds to target
 * @param mlperfTtt       mean seconds to target without the fastest and slowest run
 * @param medianEpochs    median epochs to target
 * @param finalAccuracy   final test accuracy, mean and 95% CI
 * @param bestAccuracy    best test accuracy, mean and 95% CI
 * @param medianSetup     median seconds of trainer set-up (upload, init, JIT/device warm-up), outside the timed region
 * @param medianLoad      median seconds of data loading and backend creation, outside the timed region
 */
public record ScheduleSummary(String schedule, List<RunRecord> runs, int completed, int reached, int diverged,
                              double successRate, double medianTtt, double iqrTtt, double mlperfTtt,
                              double medianEpochs, Stats.MeanCi finalAccuracy, Stats.MeanCi bestAccuracy,
                              double medianSetup, double medianLoad) {

    /** Summarises {@code runs} (all of one schedule, budget and backend). */
    public static ScheduleSummary of(String schedule, List<RunRecord> runs) {
        List<RunRecord> sorted = runs.stream().sorted(java.util.Comparator.comparingLong(RunRecord::seed)).toList();
        List<RunRecord> done = sorted.stream().filter(r -> !RunRecord.FAILED.equals(r.status())).toList();
        double[] ttt = sorted.stream().filter(RunRecord::reached).mapToDouble(RunRecord::timeToTarget).toArray();
        double[] ett = sorted.stream().filter(RunRecord::reached).mapToDouble(RunRecord::epochsToTarget).toArray();
        int diverged = (int) sorted.stream().filter(r -> "DIVERGED".equals(r.status())).count();
        return new ScheduleSummary(schedule, sorted, done.size(), ttt.length, diverged,
                sorted.isEmpty() ? Double.NaN : ttt.length / (double) sorted.size(),
                Stats.median(ttt), Stats.iqr(ttt), Stats.trimmedMean(ttt), Stats.median(ett),
                Stats.meanCi(done.stream().mapToDouble(RunRecord::finalTestAccuracy).toArray(), 0.95),
                Stats.meanCi(done.stream().mapToDouble(RunRecord::bestTestAccuracy).toArray(), 0.95),
                Stats.median(done.stream().mapToDouble(RunRecord::setupSeconds).toArray()),
                Stats.median(done.stream().mapToDouble(RunRecord::loadSeconds).toArray()));
    }

    /** Time to target per seed in {@code seeds} order (NaN where not reached or not run). */
    public double[] tttBySeed(List<Long> seeds) {
        return bySeed(seeds, true);
    }

    /** Final test accuracy per seed in {@code seeds} order (NaN where not run or failed). */
    public double[] finalAccuracyBySeed(List<Long> seeds) {
        return bySeed(seeds, false);
    }

    private double[] bySeed(List<Long> seeds, boolean ttt) {
        double[] out = new double[seeds.size()];
        java.util.Arrays.fill(out, Double.NaN);
        for (RunRecord r : runs) {
            int i = seeds.indexOf(r.seed());
            if (i < 0 || RunRecord.FAILED.equals(r.status())) continue;
            out[i] = ttt ? (r.reached() ? r.timeToTarget() : Double.NaN) : r.finalTestAccuracy();
        }
        return out;
    }
}
