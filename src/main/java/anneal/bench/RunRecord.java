package anneal.bench;

import anneal.train.EpochRecord;
import anneal.train.RunResult;
import java.time.Instant;
import java.util.List;

/**
 * One finished cell as stored in the journal (one JSON line, {@code "type": "run"}).
 *
 * @param schedule           catalogue name
 * @param seed               seed of the run
 * @param epochs             epoch budget
 * @param backend            backend name as on the command line
 * @param spec               the resolved spec string that was trained
 * @param lr                 the optimizer's lr
 * @param status             {@code REACHED}, {@code NOT_REACHED}, {@code DIVERGED} (see {@link anneal.train.RunStatus})
 *                           or {@link #FAILED} when the cell crashed
 * @param timeToTarget       seconds inside the timed region to the first evaluation at the target (NaN if not reached)
 * @param epochsToTarget     fractional epoch of that evaluation (NaN if not reached)
 * @param bestTestAccuracy   best test accuracy over the evaluations
 * @param finalTestAccuracy  test accuracy at the last evaluation
 * @param setupSeconds       data upload, init and warm-up, outside the timed region
 * @param backendDescription the backend's one-line description
 * @param error              why a {@code FAILED} cell failed (null otherwise)
 * @param records            one entry per evaluation
 * @param lrStride           {@code lrs[i]} is the lr after step {@code i * lrStride}
 * @param lrs                group 0's lr, sampled every {@code lrStride} steps (at most {@link #MAX_LR_POINTS} points)
 * @param finishedAt         ISO-8601 time the record was written
 * @param loadSeconds        loading the data and creating the backend in the cell's JVM, outside the timed region
 */
public record RunRecord(String schedule, long seed, int epochs, String backend, String spec, double lr,
                        String status, double timeToTarget, double epochsToTarget, double bestTestAccuracy,
                        double finalTestAccuracy, double setupSeconds, String backendDescription, String error,
                        List<EpochRecord> records, int lrStride, double[] lrs, String finishedAt,
                        double loadSeconds) {
    /** Status of a cell that threw or whose benchmark JVM died. */
    public static final String FAILED = "FAILED";
    /** Most lr points stored per run (the curve is smooth; the report plots it). */
    public static final int MAX_LR_POINTS = 1000;

    public RunRecord {
        records = records == null ? List.of() : List.copyOf(records);
        lrs = lrs == null ? new double[0] : lrs.clone();
    }

    /** The cell this record finishes. */
    public SweepCell cell() {
        return new SweepCell(schedule, seed, epochs, backend);
    }

    /** Whether the run reached the target. */
    public boolean reached() {
        return "REACHED".equals(status);
    }

    /** Seconds inside the timed region for the whole run (last evaluation's elapsed time; NaN without records). */
    public double runSeconds() {
        return records.isEmpty() ? Double.NaN : records.get(records.size() - 1).elapsedSeconds();
    }

    /** Best validation accuracy over the evaluations (NaN without records). */
    public double bestValAccuracy() {
        return records.stream().mapToDouble(EpochRecord::valAccuracy).max().orElse(Double.NaN);
    }

    /** Validation accuracy at the last evaluation (NaN without records). */
    public double finalValAccuracy() {
        return records.isEmpty() ? Double.NaN : records.get(records.size() - 1).valAccuracy();
    }

    /** Seconds of evaluation over the whole run (NaN without records). */
    public double evalSeconds() {
        return records.isEmpty() ? Double.NaN : records.get(records.size() - 1).evalSeconds();
    }

    /** The run's clock at its end: training time, plus evaluation time with {@code evalOnClock} (NaN without records). */
    public double clockSeconds(boolean evalOnClock) {
        return records.isEmpty() ? Double.NaN : records.get(records.size() - 1).timedSeconds(evalOnClock);
    }

    /** The record of a finished training run whose data and backend took {@code loadSeconds} to prepare. */
    public static RunRecord of(SweepCell cell, RunResult r, double loadSeconds) {
        double[] all = r.lrs() == null ? new double[0] : r.lrs();
        int stride = Math.max(1, (all.length + MAX_LR_POINTS - 1) / MAX_LR_POINTS);
        double[] sampled = new double[(all.length + stride - 1) / stride];
        for (int i = 0; i < sampled.length; i++) sampled[i] = all[i * stride];
        return new RunRecord(cell.schedule(), cell.seed(), cell.epochs(), cell.backend(), r.config().scheduleSpec(),
                r.config().lr(), r.status().name(), r.timeToTarget(), r.epochsToTarget(), r.bestTestAccuracy(),
                r.finalTestAccuracy(), r.setupSeconds(), r.backend(), null, r.records(), stride, sampled,
                Instant.now().toString(), loadSeconds);
    }

    /** The record of a cell that failed before producing a result. */
    public static RunRecord failed(SweepCell cell, String spec, double lr, String error) {
        return new RunRecord(cell.schedule(), cell.seed(), cell.epochs(), cell.backend(), spec, lr, FAILED,
                Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, null, error, List.of(), 1,
                new double[0], Instant.now().toString(), Double.NaN);
    }
}
