package anneal.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link WorkerPool}'s barrier: what each worker wrote before it is visible to all after it, and a failure ends the wait. */
class WorkerPoolTest {
    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 2, 3})
    void afterEachBarrierEveryWorkerSeesWhatEveryOtherWroteBeforeIt(int threads) {
        try (WorkerPool pool = new WorkerPool(threads)) {
            int[] slots = new int[threads];
            AtomicIntegerArray wrong = new AtomicIntegerArray(1);
            for (int run = 0; run < 2000; run++) {
                int base = run * 3;
                pool.run(w -> {
                    for (int phase = 0; phase < 3; phase++) {
                        slots[w] = base + phase;
                        pool.barrier(w);
                        for (int other = 0; other < threads; other++) if (slots[other] != base + phase) wrong.incrementAndGet(0);
                        pool.barrier(w); // nobody writes the next phase's value before everyone has read this one's
                    }
                });
            }
            assertEquals(0, wrong.get(0), "reads after a barrier that missed a write made before it");
        }
    }

    @ParameterizedTest(name = "worker {0} of 3 fails")
    @ValueSource(ints = {0, 1, 2})
    void aWorkerThatFailsBeforeABarrierEndsTheOthersWaitAndItsFailureIsRethrown(int failing) {
        try (WorkerPool pool = new WorkerPool(3)) {
            IllegalArgumentException failure = new IllegalArgumentException("worker " + failing + " failed");
            RuntimeException thrown = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(
                    RuntimeException.class, () -> pool.run(w -> {
                        if (w == failing) throw failure;
                        pool.barrier(w);
                    })));
            assertSame(failure, thrown);
            int[] ran = new int[3];
            pool.run(w -> { // the pool still works
                pool.barrier(w);
                ran[w] = 1;
            });
            assertEquals(3, ran[0] + ran[1] + ran[2]);
        }
    }
}
