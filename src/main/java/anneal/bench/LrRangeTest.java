package anneal.bench;

import anneal.ConfigurationException;
import anneal.backend.Backend;
import anneal.data.EpochOrder;
import anneal.optim.OptimizerSetup;
import anneal.schedule.Hyperparameter;
import anneal.schedule.HyperparameterTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Smith's learning-rate range test ("Cyclical Learning Rates for Training Neural Networks", 2017, section 3.3;
 * fastai's {@code lr_find}): train from fresh weights for a short run while the lr rises exponentially from
 * {@code minLr} to {@code maxLr}, record every step's training loss, smooth it, and stop once it diverges.
 *
 * <ul>
 *   <li>lr at step i of n: {@code minLr * (maxLr / minLr)^(i / (n - 1))}.</li>
 *   <li>Smoothed loss: bias-corrected exponential moving average,
 *       {@code avg_i = beta avg_(i-1) + (1 - beta) loss_i}, {@code smoothed_i = avg_i / (1 - beta^(i+1))}.</li>
 *   <li>Stop when the loss is NaN or infinite, or the smoothed loss exceeds {@code divergeFactor} (4) times its
 *       best value so far.</li>
 *   <li>Suggestions ({@link #suggest}): the lr at the smoothed minimum, the lr of steepest descent (most negative
 *       slope of the smoothed loss against log lr, before the minimum), {@code max_lr = lr at minimum / 10} (the
 *       minimum itself is already at the edge of divergence, and the moving average lags), and
 *       {@code base_lr = max_lr / 4} for CyclicLR (Smith: a third to a quarter of max_lr).</li>
 * </ul>
 */
public final class LrRangeTest {
    private LrRangeTest() {
    }

    /**
     * @param minLr         first lr, > 0
     * @param maxLr         last lr, > minLr
     * @param steps         optimizer steps at most, >= 3
     * @param batch         samples per step
     * @param beta          smoothing factor of the moving average, in [0, 1)
     * @param divergeFactor stop once smoothed loss > divergeFactor x best smoothed loss
     */
    public record Settings(double minLr, double maxLr, int steps, int batch, double beta, double divergeFactor) {
        public Settings {
            if (!(minLr > 0) || Double.isInfinite(minLr)) throw new ConfigurationException("--min-lr must be > 0, got " + minLr);
            if (!(maxLr > minLr) || Double.isInfinite(maxLr))
                throw new ConfigurationException("--max-lr must be finite and > --min-lr (" + minLr + "), got " + maxLr);
            if (steps < 3) throw new ConfigurationException("--steps must be >= 3, got " + steps);
            if (batch < 1) throw new ConfigurationException("--batch must be >= 1, got " + batch);
            if (!(beta >= 0 && beta < 1)) throw new ConfigurationException("--smoothing must be in [0, 1), got " + beta);
            if (!(divergeFactor > 1) || Double.isInfinite(divergeFactor))
                throw new ConfigurationException("--stop-factor must be finite and > 1, got " + divergeFactor);
        }

        /** The lr of step {@code i}. */
        public double lr(int i) {
            return minLr * Math.pow(maxLr / minLr, (double) i / (steps - 1));
        }
    }

    /** One step: its lr, raw training loss and smoothed loss. */
    public record Point(int step, double lr, double loss, double smoothed) {
    }

    /** What the curve suggests; NaN fields when the curve is too short to say. */
    public record Suggestion(double lrAtMinimum, double steepestLr, double maxLr, double baseLr) {
        /** {@code CyclicLR(base_lr=..., max_lr=..., step_size_up=...)}, triangular, momentum cycled as PyTorch's default. */
        public String cyclicSpec(int stepSizeUp) {
            return "CyclicLR(base_lr=" + round(baseLr) + ", max_lr=" + round(maxLr) + ", step_size_up=" + stepSizeUp
                    + ", mode='triangular2')";
        }

        /** {@code OneCycleLR(max_lr=..., total_steps=...)}. */
        public String oneCycleSpec(int totalSteps) {
            return "OneCycleLR(max_lr=" + round(maxLr) + ", total_steps=" + totalSteps + ")";
        }
    }

    /** The curve, why it stopped, and the suggestion. */
    public record Result(List<Point> points, String stopReason, Suggestion suggestion) {
    }

    /** Called after every step. */
    public interface Listener {
        void onStep(Point p);
    }

    /**
     * Runs the test on a backend that has been {@link Backend#init initialised} and {@link Backend#upload given}
     * {@code trainCount} training rows. Batches follow the trainer's epoch order ({@link EpochOrder}) for {@code seed}, a new one after each pass.
     *
     * @param optimizer the groups the backend was initialised with: each keeps its momentum and weight decay, and
     *                  every group gets the same lr
     */
    public static Result run(Backend backend, int trainCount, OptimizerSetup optimizer, Settings s, long seed,
                             Listener listener) {
        HyperparameterTable step = optimizer.configured();
        double[] lr = step.row(Hyperparameter.LR);
        int pass = 0;
        backend.beginEpoch(EpochOrder.of(trainCount, seed, pass));
        int offset = 0;
        double avg = 0;
        double best = Double.POSITIVE_INFINITY;
        List<Point> points = new ArrayList<>();
        String reason = "reached --max-lr";
        for (int i = 0; i < s.steps(); i++) {
            int size = Math.min(s.batch(), trainCount - offset);
            for (int g = 0; g < lr.length; g++) step.set(Hyperparameter.LR, g, s.lr(i));
            backend.trainStep(offset, size, step);
            double loss = backend.lastLoss();
            offset += size;
            if (offset >= trainCount) {
                backend.endEpoch();
                backend.beginEpoch(EpochOrder.of(trainCount, seed, ++pass));
                offset = 0;
            }
            if (!Double.isFinite(loss)) {
                points.add(new Point(i, lr[0], loss, Double.NaN));
                reason = "loss became " + loss + " at lr " + round(lr[0]);
                break;
            }
            avg = s.beta() * avg + (1 - s.beta()) * loss;
            double smoothed = avg / (1 - Math.pow(s.beta(), i + 1));
            Point p = new Point(i, lr[0], loss, smoothed);
            points.add(p);
            if (listener != null) listener.onStep(p);
            best = Math.min(best, smoothed);
            if (smoothed > s.divergeFactor() * best) {
                reason = "smoothed loss passed " + s.divergeFactor() + "x its minimum at lr " + round(lr[0]);
                break;
            }
        }
        backend.endEpoch();
        return new Result(points, reason, suggest(points));
    }

    /** Suggestion from a curve (see the class comment). */
    public static Suggestion suggest(List<Point> points) {
        List<Point> ok = points.stream().filter(p -> Double.isFinite(p.smoothed())).toList();
        if (ok.size() < 3) return new Suggestion(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        int m = 0;
        for (int i = 1; i < ok.size(); i++) if (ok.get(i).smoothed() < ok.get(m).smoothed()) m = i;
        int steep = m;
        double bestSlope = Double.POSITIVE_INFINITY;
        for (int i = 1; i < Math.min(m + 1, ok.size() - 1); i++) {
            double slope = (ok.get(i + 1).smoothed() - ok.get(i - 1).smoothed())
                    / (Math.log(ok.get(i + 1).lr()) - Math.log(ok.get(i - 1).lr()));
            if (slope < bestSlope) {
                bestSlope = slope;
                steep = i;
            }
        }
        double atMin = ok.get(m).lr();
        double max = atMin / 10;
        return new Suggestion(atMin, ok.get(steep).lr(), max, max / 4);
    }

    /** Two significant digits, as a user would type it. */
    static String round(double v) {
        if (!Double.isFinite(v) || v == 0) return Double.toString(v);
        java.math.BigDecimal d = new java.math.BigDecimal(v).round(new java.math.MathContext(2));
        return d.stripTrailingZeros().toPlainString();
    }
}
