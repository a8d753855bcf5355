package anneal.bench;

import anneal.train.TrainListener;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Sets a sweep's target the way AlgoPerf sets its workload targets: a reference schedule is rerun with different
 * seeds at a longer budget than the sweep's, and the target is the median over the reruns of each run's best
 * validation accuracy, rounded down to {@value #DECIMALS} decimals (so the reference reaches it within the longer
 * budget in at least half the reruns). The runs happen in this JVM, before the journal exists; the result and
 * how it was obtained go into the journal header ({@link SweepSettings#targetSource()}).
 */
public final class TargetCalibration {
    /** The reference schedule (the catalogue's linear warmup + cosine, the usual recipe of modern training). */
    public static final String REFERENCE = "warmup-linear";
    /** Reruns of the reference. */
    public static final int RERUNS = 3;
    /** The longer budget, as a multiple of the sweep's longest budget. */
    public static final int BUDGET_FACTOR = 2;
    /** Decimals the target is rounded down to. */
    public static final int DECIMALS = 3;

    private TargetCalibration() {
    }

    /** The calibrated target and where it came from. */
    public record Result(double target, String source, List<Double> bestValidation) {
    }

    /**
     * Runs the reference {@link #RERUNS} times at {@code BUDGET_FACTOR x longestEpochs} on {@code backend} with
     * seeds {@code 1000, 1001, ...} (none of the sweep's own seeds), and returns the target.
     *
     * @throws IllegalStateException when a rerun fails (the sweep is not started)
     */
    public static Result calibrate(SweepSettings settings, int longestEpochs, String backend, PrintStream progress) {
        int epochs = BUDGET_FACTOR * longestEpochs;
        List<Double> best = new ArrayList<>();
        for (int i = 0; i < RERUNS; i++) {
            SweepCell cell = new SweepCell(REFERENCE, 1000 + i, epochs, backend);
            try (CellRunner.Prepared p = CellRunner.prepare(cell, settings, progress)) {
                RunRecord r = p.run(TrainListener.NONE);
                if (RunRecord.FAILED.equals(r.status()) || !Double.isFinite(r.bestValAccuracy()))
                    throw new IllegalStateException("calibration run " + cell.label() + " failed: " + r.error());
                best.add(r.bestValAccuracy());
                progress.printf(Locale.ROOT, "calibrate-target: %s best validation accuracy %.4f%n", cell.label(),
                        r.bestValAccuracy());
            }
        }
        double median = median(best);
        double target = roundDown(median);
        String source = String.format(Locale.ROOT, "calibrated: median best validation accuracy of %s over %d reruns "
                + "(seeds 1000..%d) at %d epochs = %.4f, rounded down to %s", REFERENCE, RERUNS, 999 + RERUNS, epochs,
                median, target);
        return new Result(target, source, List.copyOf(best));
    }

    /** {@code x} rounded down to {@link #DECIMALS} decimals. */
    static double roundDown(double x) {
        double scale = Math.pow(10, DECIMALS);
        return Math.floor(x * scale + 1e-9) / scale;
    }

    static double median(List<Double> x) {
        List<Double> s = new ArrayList<>(x);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
