package anneal.bench;

import anneal.schedule.HyperparameterTable;
import anneal.schedule.Hyperparameter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import anneal.backend.Backend;
import anneal.data.Splits;
import anneal.model.MlpSpec;
import anneal.model.Parameters;
import anneal.optim.OptimizerSetup;
import anneal.optim.SgdConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

class LrRangeTestTest {
    /** One optimizer group of two tensors with this momentum and weight decay. */
    private static OptimizerSetup sgd(double momentum, double weightDecay) {
        return OptimizerSetup.single(new SgdConfig(momentum, 0, false, weightDecay), 2);
    }
    /** Test double: the loss of a step is a fixed function of its lr; records the lrs and batch offsets it saw. */
    static final class LossOfLr implements Backend {
        final DoubleUnaryOperator loss;
        final List<Double> lrs = new ArrayList<>();
        final List<Integer> offsets = new ArrayList<>();
        final List<Double> momenta = new ArrayList<>();
        final List<Double> weightDecays = new ArrayList<>();
        int epochs;
        double last;

        LossOfLr(DoubleUnaryOperator loss) {
            this.loss = loss;
        }

        @Override public String name() { return "fake"; }
        @Override public String description() { return "loss = f(lr)"; }
        @Override public void init(MlpSpec spec, Parameters initial, OptimizerSetup optimizer) { }
        @Override public void upload(Splits splits) { }
        @Override public void beginEpoch(int[] order) { epochs++; }
        @Override public void trainStep(int offset, int batchSize, HyperparameterTable hyperparameters) {
            double lr = hyperparameters.get(Hyperparameter.LR, 0);
            lrs.add(lr);
            momenta.add(hyperparameters.get(Hyperparameter.MOMENTUM, 0));
            weightDecays.add(hyperparameters.get(Hyperparameter.WEIGHT_DECAY, 0));
            offsets.add(offset);
            last = loss.applyAsDouble(lr);
        }
        @Override public double lastLoss() { return last; }
        @Override public double drainMeanLoss() { return last; }  // lr-find reads lastLoss only
        @Override public double endEpoch() { return 0; }
        @Override public Evaluation evaluate(Split split) { return new Evaluation(0, 0, 0); }
        @Override public Parameters parameters() { return null; }
        @Override public void close() { }
    }

    @Test
    void lrRisesExponentiallyAndBatchesWrapAround() {
        LossOfLr fake = new LossOfLr(lr -> 1.0);
        LrRangeTest.Settings s = new LrRangeTest.Settings(1e-4, 1, 5, 100, 0.98, 4);
        LrRangeTest.Result r = LrRangeTest.run(fake, 250, sgd(0.9, 5e-4), s, 0, null);
        // 1e-4 * (1e4)^(i/4) = 1e-4, 1e-3, 1e-2, 1e-1, 1
        double[] expected = {1e-4, 1e-3, 1e-2, 1e-1, 1};
        for (int i = 0; i < 5; i++) assertEquals(expected[i], fake.lrs.get(i), 1e-15 * Math.max(1, expected[i]));
        // 250 rows in batches of 100: offsets 0, 100, 200 (50 rows), then a new pass
        assertEquals(List.of(0, 100, 200, 0, 100), fake.offsets);
        assertEquals(2, fake.epochs);
        assertEquals(List.of(0.9, 0.9, 0.9, 0.9, 0.9), fake.momenta);  // the optimizer's, every step
        assertEquals(List.of(5e-4, 5e-4, 5e-4, 5e-4, 5e-4), fake.weightDecays);
        assertEquals("reached --max-lr", r.stopReason());
        // a constant loss smooths to itself (bias correction)
        for (LrRangeTest.Point p : r.points()) assertEquals(1.0, p.smoothed(), 1e-12);
    }

    @Test
    void smoothingIsTheBiasCorrectedMovingAverage() {
        double[] losses = {2.0, 1.0, 4.0};
        int[] k = {0};
        LossOfLr fake = new LossOfLr(lr -> losses[k[0]++]);
        LrRangeTest.Result r = LrRangeTest.run(fake, 1000, sgd(0, 0), new LrRangeTest.Settings(1e-3, 1, 3, 10, 0.5, 100), 0, null);
        // avg: 1.0, 1.0, 2.5 -> corrected by 1 - 0.5^k: 2.0, 1.0 / 0.75, 2.5 / 0.875
        assertEquals(2.0, r.points().get(0).smoothed(), 1e-15);
        assertEquals(1.0 / 0.75, r.points().get(1).smoothed(), 1e-15);
        assertEquals(2.5 / 0.875, r.points().get(2).smoothed(), 1e-15);
    }

    @Test
    void stopsWhenTheLossExplodesOrTurnsNaN() {
        // loss 1 until lr 0.1, then 10: smoothed (beta 0) jumps past 4x the best at the first lr >= 0.1
        LossOfLr fake = new LossOfLr(lr -> lr < 0.099 ? 1 : 10);
        LrRangeTest.Result r = LrRangeTest.run(fake, 10_000, sgd(0.9, 0),
                new LrRangeTest.Settings(1e-4, 1, 5, 10, 0, 4), 0, null);
        assertEquals(4, r.points().size());
        assertTrue(r.stopReason().contains("4.0x"), r.stopReason());
        LossOfLr nan = new LossOfLr(lr -> lr > 0.05 ? Double.NaN : 1);
        LrRangeTest.Result rn = LrRangeTest.run(nan, 10_000, sgd(0.9, 0),
                new LrRangeTest.Settings(1e-4, 1, 5, 10, 0.9, 4), 0, null);
        assertEquals(4, rn.points().size());
        assertTrue(rn.stopReason().contains("NaN"), rn.stopReason());
    }

    @Test
    void suggestsFromTheMinimumAndTheSteepestDescent() {
        // x = log10(lr) on a grid of 10 points per decade from 1e-5; loss = 2 - tanh(2 (x + 3)) for x <= -1 (steepest
        // descent at x = -3), rising after its minimum at x = -1
        List<LrRangeTest.Point> pts = new ArrayList<>();
        for (int i = 0; i <= 50; i++) {
            double x = -5 + i / 10.0;
            double loss = x <= -1 ? 2 - Math.tanh(2 * (x + 3)) : 2 - Math.tanh(4) + 5 * (x + 1);
            pts.add(new LrRangeTest.Point(i, Math.pow(10, x), loss, loss));
        }
        LrRangeTest.Suggestion s = LrRangeTest.suggest(pts);
        assertEquals(0.1, s.lrAtMinimum(), 1e-12);
        assertEquals(1e-3, s.steepestLr(), 1e-15);
        assertEquals(0.01, s.maxLr(), 1e-12);
        assertEquals(0.0025, s.baseLr(), 1e-12);
        assertEquals("OneCycleLR(max_lr=0.01, total_steps=1290)", s.oneCycleSpec(1290));
        assertEquals("CyclicLR(base_lr=0.0025, max_lr=0.01, step_size_up=860, mode='triangular2')", s.cyclicSpec(860));
        assertTrue(Double.isNaN(LrRangeTest.suggest(pts.subList(0, 2)).maxLr()));
    }

    @Test
    void badSettingsNameTheOption() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new LrRangeTest.Settings(0, 1, 10, 1, 0.9, 4))
                .getMessage().startsWith("--min-lr"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new LrRangeTest.Settings(1, 0.5, 10, 1, 0.9, 4))
                .getMessage().startsWith("--max-lr"));
        assertThrows(IllegalArgumentException.class, () -> new LrRangeTest.Settings(1e-3, 1, 2, 1, 0.9, 4));
        assertThrows(IllegalArgumentException.class, () -> new LrRangeTest.Settings(1e-3, 1, 10, 1, 1.0, 4));
    }
}
