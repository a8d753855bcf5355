package anneal.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** {@link TaskQueues}: every task is run exactly once, by its owner first, and the others' from the back. */
class TaskQueuesTest {
    private static List<Integer> drain(TaskQueues q, int w) {
        List<Integer> taken = new ArrayList<>();
        for (int t; (t = q.next(w)) >= 0; ) taken.add(t);
        return taken;
    }

    @Test
    void aWorkerTakesItsOwnTasksInOrderThenStealsTheOthersFromTheBack() {
        TaskQueues q = new TaskQueues(3, true);
        q.assign(0, 0, 3);
        q.assign(1, 3, 5);
        q.assign(2, 5, 8);
        assertEquals(3, q.next(1));
        assertEquals(List.of(4, 7, 6, 5, 2, 1, 0), drain(q, 1), "own front, then worker 2's back, then worker 0's");
        assertEquals(-1, q.next(0));
        assertEquals(-1, q.next(2));
    }

    @Test
    void withoutStealingAWorkerRunsExactlyItsOwnRange() {
        TaskQueues q = new TaskQueues(2, false);
        q.assign(0, 0, 4);
        q.assign(1, 4, 6);
        assertEquals(List.of(4, 5), drain(q, 1));
        assertEquals(List.of(0, 1, 2, 3), drain(q, 0));
    }

    @Test
    void anEmptyRangeIsAllowedAndAnInvertedOneIsABug() {
        TaskQueues q = new TaskQueues(2, true);
        q.assign(0, 0, 0);
        q.assign(1, 0, 2);
        assertEquals(List.of(1, 0), drain(q, 0));
        assertThrows(IllegalArgumentException.class, () -> q.assign(0, 3, 2));
        assertThrows(IllegalArgumentException.class, () -> q.assign(0, -1, 2));
    }

    @Test
    void workersRacingForTheSameTasksTakeEachExactlyOnce() throws Exception {
        int threads = 3, tasks = 48, rounds = 3000;
        TaskQueues q = new TaskQueues(threads, true);
        AtomicIntegerArray taken = new AtomicIntegerArray(tasks * rounds);
        try (WorkerPool pool = new WorkerPool(threads)) {
            for (int r = 0; r < rounds; r++) {
                for (int w = 0; w < threads; w++)
                    q.assign(w, WorkerPool.split(w, threads, tasks, 1), WorkerPool.split(w + 1, threads, tasks, 1));
                int base = r * tasks;
                pool.run(w -> {
                    for (int t; (t = q.next(w)) >= 0; ) {
                        taken.incrementAndGet(base + t);
                        if (w == 0) Thread.onSpinWait(); // worker 0 slower, so the others steal from it
                    }
                });
            }
        }
        for (int i = 0; i < tasks * rounds; i++) assertEquals(1, taken.get(i), "task " + i % tasks + " of round " + i / tasks);
    }
}
