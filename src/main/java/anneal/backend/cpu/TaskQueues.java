package anneal.backend.cpu;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Work stealing for one parallel phase: each worker owns a contiguous range of task indices, takes them from the front,
 * and when its own are done takes the others' from the back. On a machine whose cores run at different speeds from
 * one moment to the next (a virtual machine whose host runs other guests, or one process competing with ours), a
 * static split leaves the faster worker waiting at the next barrier; this one hands it the slower worker's last tasks.
 * Which worker runs a task never changes what the task computes, so results stay bit-for-bit the same.
 *
 * <p>A worker's range is one {@code long} (front in the high half, end in the low half) changed by compare-and-set,
 * so the owner and a thief can never both take the last task. Ranges sit a cache line apart. No allocation.
 */
final class TaskQueues {
    /** Longs between two workers' ranges: one cache line. */
    private static final int STRIDE = 8;

    private final int threads;
    private final boolean stealing;
    private final AtomicLongArray ranges;

    /** Queues for {@code threads} workers; with {@code stealing} false each worker runs exactly its own range. */
    TaskQueues(int threads, boolean stealing) {
        this.threads = threads;
        this.stealing = stealing;
        this.ranges = new AtomicLongArray(threads * STRIDE);
    }

    /**
     * Gives worker {@code w} tasks {@code [from, to)}. Called by the caller before {@link WorkerPool#run}, which
     * publishes it to the workers.
     */
    void assign(int w, int from, int to) {
        if (from < 0 || to < from) throw new IllegalArgumentException("task range [" + from + ", " + to + ")");
        ranges.set(w * STRIDE, ((long) from << 32) | to);
    }

    /** The next task for worker {@code w}: its own front, else another's back; -1 when none is left. */
    int next(int w) {
        int own = take(w, true);
        if (own >= 0 || !stealing) return own;
        for (int d = 1; d < threads; d++) {
            int stolen = take((w + d) % threads, false);
            if (stolen >= 0) return stolen;
        }
        return -1;
    }

    /** Takes the first ({@code front}) or the last task of worker {@code w}'s range; -1 when it is empty. */
    private int take(int w, boolean front) {
        int at = w * STRIDE;
        while (true) {
            long v = ranges.get(at);
            int first = (int) (v >>> 32), end = (int) v;
            if (first >= end) return -1;
            long rest = front ? ((long) (first + 1) << 32) | end : ((long) first << 32) | (end - 1);
            if (ranges.compareAndSet(at, v, rest)) return front ? first : end - 1;
        }
    }
}
