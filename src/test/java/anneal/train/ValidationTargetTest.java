package anneal.train;

import anneal.schedule.HyperparameterTable;
import anneal.optim.SgdConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import anneal.backend.Backend;
import anneal.backend.cpu.CpuBackend;
import anneal.data.Dataset;
import anneal.data.Splits;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The target is on validation accuracy; test accuracy is only reported; the clock pauses for evaluations. */
class ValidationTargetTest {
    /** {@code d} with every label moved to the next class: a model that is right on {@code d} is wrong on this. */
    static Dataset mislabelled(Dataset d) {
        byte[] y = d.labels().clone();
        for (int i = 0; i < y.length; i++) y[i] = (byte) ((y[i] + 1) % d.classes());
        return new Dataset(d.name() + "/mislabelled", d.features(), y, d.count(), d.featureCount(), d.classes());
    }

    static RunResult run(Splits data, boolean evalOnClock, Backend backend) {
        TrainConfig c = new TrainConfig("test", 0.05, 3, 32, 0.8, 5, new int[] {32}, new SgdConfig(0.9, 0, true, 5e-4),
                false, 200, 0, false);
        return new Trainer(backend, data).warmupSteps(3).warmupJitQuiet(0).evalOnClock(evalOnClock)
                .run(c, TestSchedules.constant(0.05, 1), TrainListener.NONE);
    }

    @Test
    void validationDecidesWhenTestAndValidationDisagree() {
        Splits good = TrainerTest.BLOBS;
        // validation learnable, test mislabelled: the target is reached although test accuracy is near 0
        Splits badTest = new Splits(good.train(), good.validation(), mislabelled(good.test()));
        try (CpuBackend b = new CpuBackend(1)) {
            RunResult r = run(badTest, false, b);
            assertEquals(RunStatus.REACHED, r.status());
            assertTrue(r.bestTestAccuracy() < 0.2, "test accuracy " + r.bestTestAccuracy());
            EpochRecord at = r.records().stream().filter(e -> e.valAccuracy() >= 0.8).findFirst().orElseThrow();
            assertEquals(at.epoch(), r.epochsToTarget());
        }
        // validation mislabelled, test learnable: never reached although test accuracy is high
        Splits badVal = new Splits(good.train(), mislabelled(good.validation()), good.test());
        try (CpuBackend b = new CpuBackend(1)) {
            RunResult r = run(badVal, false, b);
            assertEquals(RunStatus.NOT_REACHED, r.status());
            assertTrue(r.bestTestAccuracy() > 0.9, "test accuracy " + r.bestTestAccuracy());
            assertTrue(Double.isNaN(r.timeToTarget()));
        }
    }

    @Test
    void theClockPausesForEvaluationsUnlessAskedToCountThem() {
        try (CpuBackend b = new CpuBackend(1)) {
            RunResult paused = run(TrainerTest.BLOBS, false, b);
            EpochRecord first = paused.records().get(0);
            assertEquals(RunStatus.REACHED, paused.status());
            assertEquals(first.trainSeconds(), paused.timeToTarget());
            assertTrue(first.evalSeconds() > 0);
        }
        try (CpuBackend b = new CpuBackend(1)) {
            RunResult counted = run(TrainerTest.BLOBS, true, b);
            EpochRecord first = counted.records().get(0);
            assertEquals(first.trainSeconds() + first.evalSeconds(), counted.timeToTarget());
        }
    }

    @Test
    void theWarmUpNeverTouchesTheRealData() {
        List<String> uploads = new ArrayList<>();
        List<Integer> stepsBeforeRealData = new ArrayList<>();
        int[] steps = {0};
        try (TrainerTest.RecordingBackend b = new TrainerTest.RecordingBackend() {
            @Override
            public void upload(Splits splits) {
                uploads.add(splits.train().name());
                if (!splits.train().name().startsWith("synthetic")) stepsBeforeRealData.add(steps[0]);
                super.upload(splits);
            }

            @Override
            public void trainStep(int offset, int batchSize, HyperparameterTable hyperparameters) {
                steps[0]++;
                super.trainStep(offset, batchSize, hyperparameters);
            }
        }) {
            Splits real = new Splits(rename(TrainerTest.BLOBS.train()), TrainerTest.BLOBS.validation(), TrainerTest.BLOBS.test());
            run(real, false, b);
        }
        assertEquals(List.of("synthetic/train", "real/train"), uploads);
        assertTrue(stepsBeforeRealData.get(0) >= 3, "the warm-up steps ran on the synthetic data");
    }

    @Test
    void testOnlyAtEpochEndsLeavesMidEpochTestNumbersEmpty() {
        TrainConfig c = new TrainConfig("test", 0.05, 2, 32, 0.99, 5, new int[] {32}, new SgdConfig(0.9, 0, true, 5e-4),
                false, 200, 16, false);
        try (CpuBackend b = new CpuBackend(1)) {
            RunResult r = new Trainer(b, TrainerTest.BLOBS).warmupSteps(3).warmupJitQuiet(0).testAtEpochEndsOnly(true)
                    .run(c, TestSchedules.constant(0.05, 1), TrainListener.NONE);
            // ceil(2000 / 32) = 63 steps per epoch: evaluations at 16, 32, 48, 63 (end), 64, 80, 96, 112, 126 (end)
            assertEquals(9, r.records().size());
            for (EpochRecord e : r.records()) {
                boolean end = e.epoch() == Math.rint(e.epoch());
                assertEquals(end, !Double.isNaN(e.testAccuracy()), "epoch " + e.epoch());
                assertTrue(!Double.isNaN(e.valAccuracy()));
            }
            assertEquals(r.records().get(8).testAccuracy(), r.finalTestAccuracy());
            assertEquals(Math.max(r.records().get(3).testAccuracy(), r.records().get(8).testAccuracy()), r.bestTestAccuracy());
        }
    }

    static Dataset rename(Dataset d) {
        return new Dataset("real/train", d.features(), d.labels(), d.count(), d.featureCount(), d.classes());
    }
}
