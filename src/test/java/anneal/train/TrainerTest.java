package anneal.train;

import anneal.schedule.HyperparameterTable;
import anneal.schedule.Hyperparameter;
import anneal.data.EpochOrder;
import anneal.optim.OptimizerSetup;
import anneal.optim.SgdConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import anneal.backend.cpu.CpuBackend;
import anneal.data.Splits;
import anneal.data.SyntheticData;
import anneal.schedule.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainerTest {
    static final Splits BLOBS = SyntheticData.blobs(20, 4, 2000, 200, 500, 1.0, 11);

    static TrainConfig config(int epochs, int batch, double target, boolean stop, int evalEvery) {
        return new TrainConfig("test", 0.05, epochs, batch, target, 5, new int[] {32},
                new SgdConfig(0.9, 0, true, 5e-4), true, 200, evalEvery, stop);
    }

    static RunResult run(TrainConfig c, anneal.schedule.LrScheduler s, int threads, List<EpochRecord> seen) {
        try (CpuBackend b = new CpuBackend(threads)) {
            return new Trainer(b, BLOBS).warmupSteps(3).warmupJitQuiet(0).run(c, s, new TrainListener() {
                @Override
                public void onRecord(EpochRecord r) {
                    seen.add(r);
                }
            });
        }
    }

    @Test
    void learnsTheSyntheticTaskAndRecordsEveryEpoch() {
        List<EpochRecord> seen = new ArrayList<>();
        RunResult r = run(config(4, 32, 0.99, false, 0), TestSchedules.constant(0.05, 2), 2, seen);
        assertEquals(4, r.records().size());
        assertEquals(seen, r.records());
        EpochRecord last = r.records().get(3);
        assertTrue(last.testAccuracy() > 0.9, "test accuracy " + last.testAccuracy() + " (chance 0.25)");
        assertTrue(last.valAccuracy() > 0.9, "validation accuracy " + last.valAccuracy());
        assertTrue(last.trainLoss() < r.records().get(0).trainLoss());
        assertEquals(4.0, last.epoch());
        assertEquals(4 * 63, last.step(), "ceil(2000 / 32) = 63 steps per epoch: the last, partial batch is kept");
        assertEquals(4 * 63, r.lrs().length);
        for (int i = 1; i < 4; i++) {
            EpochRecord a = r.records().get(i - 1), b = r.records().get(i);
            assertTrue(b.trainSeconds() > a.trainSeconds() && b.evalSeconds() > a.evalSeconds());
        }
        assertEquals(r.records().stream().mapToDouble(EpochRecord::testAccuracy).max().getAsDouble(), r.bestTestAccuracy());
        assertEquals(last.testAccuracy(), r.finalTestAccuracy());
        assertTrue(r.setupSeconds() > 0);
    }

    @Test
    void stopsAtTheFirstEvaluationThatReachesTheTarget() {
        RunResult r = run(config(5, 32, 0.5, true, 0), TestSchedules.constant(0.05, 2), 2, new ArrayList<>());
        assertEquals(RunStatus.REACHED, r.status());
        assertEquals(1, r.records().size());
        assertEquals(1.0, r.epochsToTarget());
        assertEquals(r.records().get(0).trainSeconds(), r.timeToTarget(), "the clock pauses for evaluations");
        RunResult never = run(config(2, 32, 1.0, true, 0), TestSchedules.constant(1e-6, 2), 1, new ArrayList<>());
        assertEquals(RunStatus.NOT_REACHED, never.status());
        assertEquals(2, never.records().size());
        assertTrue(Double.isNaN(never.timeToTarget()) && Double.isNaN(never.epochsToTarget()));
    }

    @Test
    void stepsEachScheduleAtItsOwnCadenceAndRecordsEveryStepsLr() {
        TestSchedules.Geometric perStep = new TestSchedules.Geometric(0.05, 0.99, Clock.STEP, 2, false);
        RunResult r = run(config(2, 64, 1.0, false, 0), perStep, 1, new ArrayList<>());
        int steps = 2 * 32;
        assertEquals(steps, perStep.ticks);
        double[] expected = new double[steps];
        for (int i = 0; i < steps; i++) expected[i] = 0.05 * Math.pow(0.99, i);
        assertArrayEquals(expected, r.lrs());
        assertEquals(expected[31], r.records().get(0).lr(), "a record carries the lr of the step before it");

        TestSchedules.Geometric perEpoch = new TestSchedules.Geometric(0.05, 0.5, Clock.EPOCH, 2, false);
        r = run(config(3, 64, 1.0, false, 0), perEpoch, 1, new ArrayList<>());
        assertEquals(3, perEpoch.ticks);
        assertEquals(0.05, r.lrs()[31]);
        assertEquals(0.025, r.lrs()[32]);
        assertEquals(0.0125, r.lrs()[95]);

        TestSchedules.Geometric plateau = new TestSchedules.Geometric(0.05, 0.5, Clock.EPOCH, 2, true);
        r = run(config(2, 64, 1.0, false, 20), plateau, 1, new ArrayList<>());
        assertEquals(r.records().size(), plateau.metrics.size(), "one metric step per evaluation");
        for (int i = 0; i < plateau.metrics.size(); i++)
            assertEquals(r.records().get(i).valLoss(), plateau.metrics.get(i), "the metric is the validation loss");
        assertEquals(List.of(20.0 / 32, 1.0, 40.0 / 32, 60.0 / 32, 2.0),
                r.records().stream().map(EpochRecord::epoch).toList(), "every 20 steps and at every epoch end");
    }

    @Test
    void aMetricScheduleNeedsAValidationSplit() {
        Splits noVal = SyntheticData.blobs(20, 4, 100, 0, 50, 1.0, 1);
        try (CpuBackend b = new CpuBackend(1)) {
            TestSchedules.Geometric plateau = new TestSchedules.Geometric(0.05, 0.5, Clock.EPOCH, 2, true);
            String m = assertThrows(IllegalArgumentException.class,
                    () -> new Trainer(b, noVal).run(config(1, 10, 0.9, false, 0), plateau, TrainListener.NONE)).getMessage();
            assertTrue(m.contains("validation"), m);
        }
    }

    /** A CPU backend that also records the weight decay every step receives, per group. */
    static class RecordingBackend implements anneal.backend.Backend {
        final CpuBackend inner = new CpuBackend(1);
        final List<double[]> weightDecays = new ArrayList<>();
        final List<double[]> momenta = new ArrayList<>();

        @Override public String name() { return inner.name(); }
        @Override public String description() { return inner.description(); }
        @Override public void init(anneal.model.MlpSpec spec, anneal.model.Parameters initial, OptimizerSetup optimizer) {
            inner.init(spec, initial, optimizer);
            weightDecays.clear();  // the trainer re-initialises after its warm-up
            momenta.clear();
        }
        @Override public void upload(Splits splits) { inner.upload(splits); }
        @Override public void beginEpoch(int[] order) { inner.beginEpoch(order); }
        @Override public void trainStep(int offset, int batchSize, HyperparameterTable hyperparameters) {
            weightDecays.add(hyperparameters.row(Hyperparameter.WEIGHT_DECAY).clone());
            momenta.add(hyperparameters.row(Hyperparameter.MOMENTUM).clone());
            inner.trainStep(offset, batchSize, hyperparameters);
        }
        @Override public double lastLoss() { return inner.lastLoss(); }
        @Override public double drainMeanLoss() { return inner.drainMeanLoss(); }
        @Override public double endEpoch() { return inner.endEpoch(); }
        @Override public Evaluation evaluate(Split split) { return inner.evaluate(split); }
        @Override public anneal.model.Parameters parameters() { return inner.parameters(); }
        @Override public void close() { inner.close(); }
    }

    static TrainConfig withSchedule(String spec, double weightDecay, int epochs) {
        return new TrainConfig(spec, 0.05, epochs, 32, 0.99, 5, new int[] {32}, new SgdConfig(0.9, 0, true, weightDecay),
                true, 200, 0, false);
    }

    static RecordingBackend train(TrainConfig c) {
        RecordingBackend b = new RecordingBackend();
        RunResult r = new Trainer(b, BLOBS).warmupSteps(3).warmupJitQuiet(0).run(c, TrainListener.NONE);
        // the run records what reached the backend for group 0, when the schedule sets it
        double[] momentum0 = b.momenta.stream().mapToDouble(m -> m[0]).toArray();
        double[] wd0 = b.weightDecays.stream().mapToDouble(w -> w[0]).toArray();
        anneal.schedule.LrScheduler s = Trainer.schedule(c);
        assertArrayEquals(s.schedules(Hyperparameter.MOMENTUM) ? momentum0 : new double[0], r.perStep(Hyperparameter.MOMENTUM));
        assertArrayEquals(s.schedules(Hyperparameter.WEIGHT_DECAY) ? wd0 : new double[0], r.perStep(Hyperparameter.WEIGHT_DECAY));
        return b;
    }

    @Test
    void aCoScheduledWeightDecayReachesEveryStepStartingAtTheOptimizersWeightDecayPerGroup() {
        // weight decay by ExponentialLR(gamma=0.5) per epoch from the optimizer's 5e-4; the bias group
        // (--no-bias-decay) starts at 0 and stays there; momentum stays the optimizer's
        try (RecordingBackend b = train(withSchedule(
                "CoScheduleLR(scheduler=ConstantLR(factor=1.0, total_iters=1), weight_decay=ExponentialLR(gamma=0.5))",
                5e-4, 3))) {
            int stepsPerEpoch = (BLOBS.train().count() + 31) / 32;
            assertEquals(3 * stepsPerEpoch, b.weightDecays.size());
            for (int i = 0; i < b.weightDecays.size(); i++) {
                int epoch = i / stepsPerEpoch;
                assertArrayEquals(new double[] {5e-4 * Math.pow(0.5, epoch), 0.0}, b.weightDecays.get(i), "step " + i);
                assertArrayEquals(new double[] {0.9, 0.9}, b.momenta.get(i), "step " + i);
            }
        }
    }

    @Test
    void weightDecayScheduledPerStepFollowsEveryStepAndAnExplicitBaseWins() {
        // OneCycleLR makes the whole CoScheduleLR per step, so the weight decay's LinearLR counts optimizer steps:
        // base_weight_decay * (0.25 + 0.75 * min(k, 3) / 3) at step k, per group
        try (RecordingBackend b = train(withSchedule("CoScheduleLR(scheduler=OneCycleLR(max_lr=0.05, total_steps=126),"
                + " weight_decay=LinearLR(start_factor=0.25, end_factor=1.0, total_iters=3), base_weight_decay=[0.004, 0.002])",
                5e-4, 2))) {
            double[][] expected = {{0.001, 0.0005}, {0.002, 0.001}, {0.003, 0.0015}, {0.004, 0.002}, {0.004, 0.002}};
            for (int i = 0; i < expected.length; i++)
                assertArrayEquals(expected[i], b.weightDecays.get(i), 1e-17, "step " + i);
            assertTrue(b.momenta.get(0)[0] > b.momenta.get(60)[0], "OneCycleLR's cycled momentum still reaches the backend");
        }
    }

    @Test
    void aConstantCoScheduledWeightDecayTrainsBitIdenticallyToTheFixedOne() {
        // the independent reference: the backend's fixed-weight-decay path (no schedule for it)
        try (RecordingBackend fixed = train(withSchedule("StepLR(step_size=1, gamma=0.7)", 1e-2, 2));
             RecordingBackend scheduled = train(withSchedule("CoScheduleLR(scheduler=StepLR(step_size=1, gamma=0.7),"
                     + " weight_decay=ConstantLR(factor=1.0, total_iters=1))", 1e-2, 2));
             RecordingBackend toZero = train(withSchedule("CoScheduleLR(scheduler=StepLR(step_size=1, gamma=0.7),"
                     + " weight_decay=LambdaLR(lr_lambda='0'))", 1e-2, 2));
             RecordingBackend none = train(withSchedule("StepLR(step_size=1, gamma=0.7)", 0, 2))) {
            for (int t = 0; t < fixed.parameters().count(); t++) {
                assertArrayEquals(fixed.parameters().tensor(t), scheduled.parameters().tensor(t), "tensor " + t);
                assertArrayEquals(none.parameters().tensor(t), toZero.parameters().tensor(t), "tensor " + t);
            }
            assertTrue(!java.util.Arrays.equals(fixed.parameters().tensor(0), none.parameters().tensor(0)),
                    "weight decay 1e-2 changes the weights");
        }
    }

    @Test
    void aDivergingRunIsRecordedNotThrown() {
        TrainConfig c = new TrainConfig("test", 1e4, 3, 32, 0.9, 5, new int[] {32}, new SgdConfig(0.9, 0, false, 0),
                false, 200, 0, false);
        RunResult r = run(c, TestSchedules.constant(1e4, 1), 2, new ArrayList<>());
        assertEquals(RunStatus.DIVERGED, r.status());
        EpochRecord last = r.records().get(r.records().size() - 1);
        assertTrue(!Double.isFinite(last.trainLoss()) || !Double.isFinite(last.testLoss()));
        assertTrue(last.step() < 3 * 63, "stopped early, at step " + last.step());
    }

    /** A recording backend that counts {@link anneal.backend.Backend#lastLoss()} calls since its last init. */
    static final class CountingBackend extends RecordingBackend {
        int lastLossCalls;

        @Override public void init(anneal.model.MlpSpec spec, anneal.model.Parameters initial, OptimizerSetup optimizer) {
            super.init(spec, initial, optimizer);
            lastLossCalls = 0;
        }
        @Override public double lastLoss() {
            lastLossCalls++;
            return super.lastLoss();
        }
    }

    @Test
    void divergenceIsFoundAtTheNextEvaluationWithoutReadingTheLastLoss() {
        // before: the loop read lastLoss() every 10 steps (a blocking device-to-host copy on CUDA) and stopped at
        // step 10; now the drained mean loss (NaN once any step's loss was) flags it at the evaluation of step 25
        TrainConfig c = new TrainConfig("test", 1e4, 3, 32, 0.9, 5, new int[] {32}, new SgdConfig(0.9, 0, false, 0),
                false, 200, 25, false);
        try (CountingBackend b = new CountingBackend()) {
            RunResult r = new Trainer(b, BLOBS).warmupSteps(3).warmupJitQuiet(0).run(c, TestSchedules.constant(1e4, 1), TrainListener.NONE);
            assertEquals(0, b.lastLossCalls, "lastLoss() calls in the timed loop");
            assertEquals(RunStatus.DIVERGED, r.status());
            EpochRecord last = r.records().get(r.records().size() - 1);
            assertEquals(25, last.step(), "found at the first evaluation after the divergence");
            assertTrue(!Double.isFinite(last.trainLoss()), "the record shows the non-finite train loss: " + last.trainLoss());
            assertTrue(!Double.isNaN(last.testAccuracy()), "the diverged record has its test numbers");
        }
    }

    @Test
    void runsAreReproducibleAndIndependentOfTheThreadCount() {
        RunResult a = run(config(2, 50, 1.0, false, 0), TestSchedules.constant(0.05, 2), 2, new ArrayList<>());
        RunResult b = run(config(2, 50, 1.0, false, 0), TestSchedules.constant(0.05, 2), 2, new ArrayList<>());
        RunResult c = run(config(2, 50, 1.0, false, 0), TestSchedules.constant(0.05, 2), 3, new ArrayList<>());
        for (RunResult other : new RunResult[] {b, c})
            for (int i = 0; i < a.records().size(); i++) {
                EpochRecord x = a.records().get(i), y = other.records().get(i);
                assertEquals(x.trainLoss(), y.trainLoss());
                assertEquals(x.valLoss(), y.valLoss());
                assertEquals(x.testAccuracy(), y.testAccuracy());
            }
    }

    @Test
    void snapshotDuringARunHoldsTheRecordsSoFar() {
        List<Integer> sizes = new ArrayList<>();
        try (CpuBackend b = new CpuBackend(1)) {
            Trainer t = new Trainer(b, BLOBS).warmupSteps(0);
            t.run(config(3, 100, 1.0, false, 0), TestSchedules.constant(0.05, 2), new TrainListener() {
                @Override
                public void onRecord(EpochRecord r) {
                    RunResult soFar = t.snapshot();
                    sizes.add(soFar.records().size());
                    assertEquals(r, soFar.records().get(soFar.records().size() - 1));
                    assertEquals(r.step(), soFar.lrs().length);
                }
            });
        }
        assertEquals(List.of(1, 2, 3), sizes);
    }

    @Test
    void epochOrderIsASeededPermutation() {
        int[] a = EpochOrder.of(1000, 7, 3);
        assertArrayEquals(a, EpochOrder.of(1000, 7, 3));
        assertTrue(!java.util.Arrays.equals(a, EpochOrder.of(1000, 7, 4)));
        assertTrue(!java.util.Arrays.equals(a, EpochOrder.of(1000, 8, 3)));
        int[] sorted = a.clone();
        java.util.Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) assertEquals(i, sorted[i]);
    }
}
