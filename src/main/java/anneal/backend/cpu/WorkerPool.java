package anneal.backend.cpu;

import java.util.concurrent.Semaphore;

/**
 * A small fixed pool of threads that run one task together: {@link #run} hands the task to every worker
 * (the calling thread is worker 0) and returns when all are done. Work is split by the task itself with
 * {@link #split}, a pure function of the worker index, so which thread computes which rows never depends
 * on timing. Workers are daemon threads blocked on a semaphore between tasks (no spinning: the machine is
 * shared).
 */
final class WorkerPool implements AutoCloseable {
    /** Work for one worker. */
    interface Task {
        void run(int worker);
    }

    private final int threads;
    private final Thread[] workers;
    private final Semaphore[] start;
    private final Semaphore done = new Semaphore(0);
    private volatile Task task;
    private volatile boolean closed;
    private volatile Throwable failure;

    WorkerPool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        this.workers = new Thread[threads];
        this.start = new Semaphore[threads];
        for (int w = 1; w < threads; w++) {
            start[w] = new Semaphore(0);
            int id = w;
            workers[w] = new Thread(() -> loop(id), "anneal-cpu-" + w);
            workers[w].setDaemon(true);
            workers[w].start();
        }
    }

    int threads() {
        return threads;
    }

    /** Runs {@code t} on all workers and waits for all of them; rethrows the first failure. */
    void run(Task t) {
        if (closed) throw new IllegalStateException("worker pool is closed");
        if (threads == 1) {
            t.run(0);
            return;
        }
        task = t;
        failure = null;
        for (int w = 1; w < threads; w++) start[w].release();
        Throwable mine = null;
        try {
            t.run(0);
        } catch (Throwable e) {
            mine = e;
        }
        done.acquireUninterruptibly(threads - 1);
        task = null;
        Throwable first = mine != null ? mine : failure;
        if (first instanceof RuntimeException r) throw r;
        if (first instanceof Error e) throw e;
        if (first != null) throw new IllegalStateException(first);
    }

    private void loop(int id) {
        while (true) {
            start[id].acquireUninterruptibly();
            if (closed) return;
            try {
                task.run(id);
            } catch (Throwable e) {
                failure = e;
            } finally {
                done.release();
            }
        }
    }

    /**
     * Start of worker {@code w}'s share of {@code n} items split into {@code parts} contiguous ranges whose
     * boundaries are multiples of {@code align} (except the end): worker {@code w} owns
     * {@code [split(w), split(w + 1))}.
     */
    static int split(int w, int parts, int n, int align) {
        if (w >= parts) return n;
        long units = (n + align - 1) / align;
        return (int) Math.min(n, (units * w / parts) * align);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (int w = 1; w < threads; w++) start[w].release();
    }
}
