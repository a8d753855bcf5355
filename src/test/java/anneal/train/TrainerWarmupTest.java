package anneal.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import anneal.backend.ForwardingBackend;
import anneal.schedule.HyperparameterTable;
import anneal.data.Splits;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The warm-up before the timed region: its minimum, its wait for a quiet JIT (driven here by a fake compile-time
 * counter, so the JIT's real activity does not matter), its cap, and the short last batch it ends each cycle with.
 */
class TrainerWarmupTest {
    /** Records the batch sizes of the steps before the real data is uploaded (the warm-up's). */
    private static final class WarmupSteps extends ForwardingBackend {
        final List<Integer> sizes = new ArrayList<>();
        boolean realData;
        final Splits real;
        /** Called once per warm-up step, before it (the fake JIT counter moves from here). */
        Runnable beforeStep = () -> { };

        WarmupSteps(Splits real) {
            this.real = real;
        }

        @Override public void upload(Splits splits) { realData = splits == real; super.upload(splits); }
        @Override public void trainStep(int offset, int batchSize, HyperparameterTable hyperparameters) {
            if (!realData) {
                sizes.add(batchSize);
                beforeStep.run();
            }
            super.trainStep(offset, batchSize, hyperparameters);
        }
    }

    /** 2000 training rows in batches of 32: 62 whole batches and one of 16 per epoch. */
    private static TrainConfig oneEpoch() {
        return TrainerTest.config(1, 32, 0.99, false, 0);
    }

    @Test
    void waitsUntilTheJitHasCompiledNothingForAHalfASecond() {
        try (WarmupSteps b = new WarmupSteps(TrainerTest.BLOBS)) {
            AtomicLong compiled = new AtomicLong();
            long[] firstStep = {0}, lastMove = {0}, end = {0};
            // the JIT compiles during the first 0.8 s of the warm-up, then nothing
            b.beforeStep = () -> {
                long now = System.nanoTime();
                if (firstStep[0] == 0) firstStep[0] = now;
                if (now - firstStep[0] < 800_000_000L) {
                    compiled.incrementAndGet();
                    lastMove[0] = now;
                }
                end[0] = now;
            };
            Trainer t = new Trainer(b, TrainerTest.BLOBS).warmupSteps(3).warmupSeconds(0.1).warmupJitQuiet(10)
                    .jitMillis(compiled::get);
            t.run(oneEpoch(), TestSchedules.constant(0.05, 2), TrainListener.NONE);
            assertTrue(t.warmedJitQuiet());
            assertEquals(b.sizes.size(), t.warmedSteps());
            // the last warm-up step ran at least the quiet time after the counter last moved, and not much later
            double quietFor = (end[0] - lastMove[0]) * 1e-9;
            assertTrue(quietFor >= Trainer.JIT_QUIET_SECONDS - 0.05 && quietFor < Trainer.JIT_QUIET_SECONDS + 1,
                    "the last warm-up step came " + quietFor + " s after the JIT's last compile; quiet means "
                            + Trainer.JIT_QUIET_SECONDS + " s");
            assertTrue(t.warmedSeconds() >= 0.8 + Trainer.JIT_QUIET_SECONDS - 0.05,
                    "warmed " + t.warmedSeconds() + " s; the JIT was busy for 0.8 s, quiet needs " + Trainer.JIT_QUIET_SECONDS);
            assertTrue(t.warmedSeconds() < 5, "stopped waiting once quiet: " + t.warmedSeconds() + " s");
        }
    }

    @Test
    void aJitThatNeverGoesQuietEndsTheWarmUpAtItsMaximum() {
        try (WarmupSteps b = new WarmupSteps(TrainerTest.BLOBS)) {
            AtomicLong compiled = new AtomicLong();
            b.beforeStep = compiled::incrementAndGet;
            Trainer t = new Trainer(b, TrainerTest.BLOBS).warmupSteps(3).warmupSeconds(0.1).warmupJitQuiet(0.6)
                    .jitMillis(compiled::get);
            t.run(oneEpoch(), TestSchedules.constant(0.05, 2), TrainListener.NONE);
            assertFalse(t.warmedJitQuiet());
            assertTrue(t.warmedSeconds() >= 0.6 && t.warmedSeconds() < 3, "warmed " + t.warmedSeconds() + " s, cap 0.6 s");
        }
    }

    @Test
    void withoutTheWaitOrWithoutACounterTheWarmUpEndsAtItsMinimum() {
        for (boolean noCounter : new boolean[] {false, true}) {
            try (WarmupSteps b = new WarmupSteps(TrainerTest.BLOBS)) {
                AtomicLong compiled = new AtomicLong();
                b.beforeStep = compiled::incrementAndGet; // never quiet
                Trainer t = new Trainer(b, TrainerTest.BLOBS).warmupSteps(40).warmupSeconds(0);
                t = noCounter ? t.jitMillis(null) : t.warmupJitQuiet(0).jitMillis(compiled::get);
                t.run(oneEpoch(), TestSchedules.constant(0.05, 2), TrainListener.NONE);
                assertEquals(40, t.warmedSteps());
                assertEquals(40, b.sizes.size());
                assertFalse(t.warmedJitQuiet());
            }
        }
    }

    @Test
    void theWarmUpCycleEndsWithABatchAsShortAsTheRunsLast() {
        try (WarmupSteps b = new WarmupSteps(TrainerTest.BLOBS)) {
            Trainer t = new Trainer(b, TrainerTest.BLOBS).warmupSteps(40).warmupSeconds(0).warmupJitQuiet(0);
            t.run(oneEpoch(), TestSchedules.constant(0.05, 2), TrainListener.NONE);
            // Trainer.WARMUP_BATCHES whole batches of 32, then 2000 mod 32 = 16 rows, and round again
            for (int s = 0; s < 40; s++)
                assertEquals(s % (Trainer.WARMUP_BATCHES + 1) == Trainer.WARMUP_BATCHES ? 16 : 32, b.sizes.get(s), "step " + s);
        }
    }
}
