package anneal.backend.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A small fixed pool of threads that run one task together: {@link #run} hands the task to every worker
 * (the calling thread is worker 0) and returns when all are done. Work is split by the task itself with
 * {@link #split}, a pure function of the worker index, so which thread computes which rows never depends
 * on timing.
 *
 * <p>Hand-off without allocation and without a system call in the common case: a task is published by bumping a
 * volatile generation; a waiting thread (a worker waiting for the next task, the caller waiting for the workers)
 * spins for at most {@link #SPIN_NANOS} ({@link Thread#onSpinWait}), then parks ({@link LockSupport#park}) after
 * announcing that it sleeps, and whoever ends its wait unparks it (a Dekker-style flag check on volatiles, so no
 * wake-up is lost). The short spin covers the gap between the two passes of a training step and between steps;
 * anything longer (evaluation, the trainer's bookkeeping, an idle pool) parks, so a shared machine loses at most
 * that much CPU per hand-off. A {@code java.util.concurrent.Semaphore} would allocate a queue node whenever a
 * thread blocks.
 */
final class WorkerPool implements AutoCloseable {
    /** Work for one worker. */
    interface Task {
        void run(int worker);
    }

    /** How long a waiting thread spins before it parks. */
    static final long SPIN_NANOS = 50_000;

    private final int threads;
    private final Thread[] workers;
    /** 1 while worker {@code w} is (about to be) parked waiting for a task. */
    private final AtomicIntegerArray sleeping;
    private final AtomicInteger remaining = new AtomicInteger();
    private volatile Task task;
    private volatile int generation;
    private volatile Thread caller;
    private volatile boolean callerSleeping;
    private volatile boolean closed;
    private volatile Throwable failure;
    /** Threads of the current {@link #run}: the caller as worker 0, then the pool's own. */
    private final Thread[] running;
    private final AtomicInteger arrived = new AtomicInteger();
    /** Completed {@link #barrier}s of the current run. */
    private volatile int barrierPhase;
    /** 1 while worker {@code w} is (about to be) parked in a {@link #barrier}. */
    private final AtomicIntegerArray barrierSleeping;
    /** Set when a worker failed during a run: the others leave their barriers instead of waiting for it. */
    private volatile boolean broken;
    private static final IllegalStateException BROKEN = new IllegalStateException(
            "another worker of the pool failed during this task") {
        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    };

    WorkerPool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        this.workers = new Thread[threads];
        this.sleeping = new AtomicIntegerArray(threads);
        this.barrierSleeping = new AtomicIntegerArray(threads);
        this.running = new Thread[threads];
        for (int w = 1; w < threads; w++) {
            int id = w;
            workers[w] = new Thread(() -> loop(id), "anneal-cpu-" + w);
            workers[w].setDaemon(true);
            running[w] = workers[w];
            workers[w].start();
        }
    }

    int threads() {
        return threads;
    }

    /** Ids of the pool's own threads (workers 1 .. threads - 1; worker 0 is whoever calls {@link #run}). */
    long[] workerThreadIds() {
        long[] ids = new long[threads - 1];
        for (int w = 1; w < threads; w++) ids[w - 1] = workers[w].getId();
        return ids;
    }

    /** Runs {@code t} on all workers and waits for all of them; rethrows the first failure. One caller at a time. */
    void run(Task t) {
        if (closed) throw new IllegalStateException("worker pool is closed");
        if (threads == 1) {
            t.run(0);
            return;
        }
        task = t;
        failure = null;
        broken = false;
        arrived.set(0);
        caller = Thread.currentThread();
        running[0] = caller;
        remaining.set(threads - 1);
        generation = generation + 1; // publishes task, failure and remaining (single writer)
        for (int w = 1; w < threads; w++) if (sleeping.get(w) != 0) LockSupport.unpark(workers[w]);
        Throwable mine = null;
        try {
            t.run(0);
        } catch (Throwable e) {
            mine = e;
            if (e != BROKEN) breakBarriers();
        }
        awaitWorkers();
        task = null;
        Throwable first = mine != null && mine != BROKEN ? mine : failure;
        if (first instanceof RuntimeException r) throw r;
        if (first instanceof Error e) throw e;
        if (first != null) throw new IllegalStateException(first);
    }

    private void awaitWorkers() {
        long deadline = System.nanoTime() + SPIN_NANOS;
        while (remaining.get() != 0) {
            if (System.nanoTime() < deadline) {
                Thread.onSpinWait();
            } else {
                callerSleeping = true;
                if (remaining.get() != 0) LockSupport.park(this);
                callerSleeping = false;
            }
        }
    }

    private void loop(int id) {
        int seen = 0;
        while (true) {
            long deadline = System.nanoTime() + SPIN_NANOS;
            while (generation == seen && !closed) {
                if (System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                } else {
                    sleeping.set(id, 1);
                    if (generation == seen && !closed) LockSupport.park(this);
                    sleeping.set(id, 0);
                }
            }
            if (closed) return;
            seen = generation;
            try {
                task.run(id);
            } catch (Throwable e) {
                if (e != BROKEN) {
                    failure = e;
                    breakBarriers();
                }
            } finally {
                if (remaining.decrementAndGet() == 0 && callerSleeping) LockSupport.unpark(caller);
            }
        }
    }

    /**
     * Waits inside a task until every worker of the current {@link #run} has called it (as many times): what each wrote
     * before is then visible to all. Spins for at most {@link #SPIN_NANOS}, then parks; the last to arrive wakes the
     * sleepers. Allocates nothing. If another worker failed, throws instead of waiting for it ({@link #run} rethrows
     * that worker's failure).
     */
    void barrier(int worker) {
        if (threads == 1) return;
        int phase = barrierPhase;
        if (arrived.incrementAndGet() == threads) {
            arrived.set(0);
            barrierPhase = phase + 1; // publishes arrived = 0 before anyone can arrive at the next barrier
            for (int w = 0; w < threads; w++) if (w != worker && barrierSleeping.get(w) != 0) LockSupport.unpark(running[w]);
            return;
        }
        long deadline = System.nanoTime() + SPIN_NANOS;
        while (barrierPhase == phase) {
            if (broken) throw BROKEN;
            if (System.nanoTime() < deadline) {
                Thread.onSpinWait();
            } else {
                barrierSleeping.set(worker, 1);
                if (barrierPhase == phase && !broken) LockSupport.park(this);
                barrierSleeping.set(worker, 0);
            }
        }
    }

    private void breakBarriers() {
        broken = true;
        for (int w = 0; w < threads; w++) if (running[w] != null) LockSupport.unpark(running[w]);
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
        for (int w = 1; w < threads; w++) LockSupport.unpark(workers[w]);
    }
}
