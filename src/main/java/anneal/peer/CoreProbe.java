package anneal.peer;

import anneal.backend.cpu.FmaCeiling;
import anneal.stats.Median;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How many cores {@code threads} threads really get, slice by slice: {@code tools/bench_cpu.sh} runs it just before
 * and just after every configuration, so that a run that fell into a spell where the machine gave less than it
 * has can be told from one that did not.
 *
 * <p>Why: on the 2-core AMD EPYC VMs the host sometimes puts both virtual CPUs on the two hyperthreads of one
 * physical core, for tens of milliseconds to seconds at a time. Measured on a Zen 4 (2026-12-03): a cache line's
 * round trip between the two threads reads 52-63 ns in those spells and 130-150 ns otherwise, and two threads'
 * concurrent {@link FmaCeiling} chunks take 1300 us in the first case and 655-670 us in the second, exactly half the
 * throughput, while one thread alone is unaffected. A 2-thread training step is 1.6x slower then (640 against 1070
 * us), and the reps of a benchmark differ by that much for that reason alone.
 *
 * <p>How: one thread alone times {@value #REFERENCE_CHUNKS} chunks of {@value #CHUNK_ROUNDS} {@link FmaCeiling}
 * rounds (the reference: the median chunk); then {@code threads} threads run chunks side by side, for 0.2 s
 * discarded (the JIT compiles their loop then, and its compiler threads would otherwise take a core from the
 * measurement), then for the given seconds, each recording when each chunk ended. {@link #effectiveCores} spreads each chunk's work uniformly over its
 * duration and sums, per slice of {@value #SLICE_MILLIS} ms, the work all threads did there, in reference chunks per
 * reference chunk time: 2.0 is two cores at the reference speed, 1.0 two threads on one core (or one thread's core
 * taken away). A slice counts as short of cores when it got less than {@code threads - 0.5}.
 */
public final class CoreProbe {
    /** FMA rounds per chunk (about 60 us on a Zen 4 core, 200 us on a Zen 1). */
    static final int CHUNK_ROUNDS = 16_384;
    /** Chunks of the single-thread reference. */
    static final int REFERENCE_CHUNKS = 400;
    /** Length of a slice of {@link #effectiveCores}. */
    static final int SLICE_MILLIS = 20;

    private CoreProbe() {
    }

    /** The probe's summary: {@code cores} per slice in order, and what {@link #toJson} prints. */
    public record Result(int threads, double seconds, double referenceChunkMicros, double[] cores) {
        public Result {
            if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
            if (cores.length == 0) throw new IllegalArgumentException("a probe needs at least one whole slice");
        }

        public double mean() {
            return Arrays.stream(cores).average().orElseThrow();
        }

        public double median() {
            return Median.of(cores);
        }

        /** The share of slices that got less than {@code threads - 0.5} cores. */
        public double shortFraction() {
            return (double) Arrays.stream(cores).filter(c -> c < threads - 0.5).count() / cores.length;
        }

        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("probe", "cores");
            m.put("threads", threads);
            m.put("seconds", seconds);
            m.put("reference_chunk_us", referenceChunkMicros);
            m.put("slices", cores.length);
            m.put("slice_ms", SLICE_MILLIS);
            m.put("mean_cores", mean());
            m.put("median_cores", median());
            m.put("min_cores", Arrays.stream(cores).min().orElseThrow());
            m.put("short_fraction", shortFraction());
            return m;
        }
    }

    /** Measures for {@code seconds} with {@code threads} threads (the caller is one of them). */
    public static Result measure(int threads, double seconds) throws InterruptedException {
        if (threads < 1 || threads > 256) throw new IllegalArgumentException("threads must be in 1..256, got " + threads);
        if (!(seconds >= 0.05 && seconds <= 60))
            throw new IllegalArgumentException("seconds must be in [0.05, 60], got " + seconds);
        float[] sink = new float[16 * threads];
        for (int i = 0; i < REFERENCE_CHUNKS; i++) sink[0] += FmaCeiling.run(CHUNK_ROUNDS, 0.999f, 1e-6f); // the JIT
        long[] ref = new long[REFERENCE_CHUNKS];
        for (int i = 0; i < REFERENCE_CHUNKS; i++) {
            long t0 = System.nanoTime();
            sink[0] += FmaCeiling.run(CHUNK_ROUNDS, 0.999f, 1e-6f);
            ref[i] = System.nanoTime() - t0;
        }
        Arrays.sort(ref);
        long reference = ref[REFERENCE_CHUNKS / 2];
        sideBySide(threads, 0.2, reference, sink); // the same, discarded: its loops compiled, the compiler idle after
        long[][] ends = new long[threads][];
        long[] starts = new long[threads];
        int[] counts = new int[threads];
        sideBySide(threads, seconds, reference, sink, starts, ends, counts);
        if (sink[0] == 42f) System.err.print(""); // keeps the sums alive
        long t0 = Arrays.stream(starts).max().orElseThrow();
        long t1 = Long.MAX_VALUE;
        for (int w = 0; w < threads; w++) t1 = Math.min(t1, counts[w] == 0 ? t0 : ends[w][counts[w] - 1]);
        long slice = SLICE_MILLIS * 1_000_000L;
        int slices = (int) Math.max(0, (t1 - t0) / slice);
        if (slices == 0) throw new IllegalStateException("the probe's threads overlapped for less than one slice ("
                + (t1 - t0) / 1e6 + " ms)");
        return new Result(threads, seconds, reference / 1e3, effectiveCores(starts, ends, counts, reference, t0, slice, slices));
    }

    /** {@code threads} threads running chunks side by side for {@code seconds}, results discarded. */
    private static void sideBySide(int threads, double seconds, long reference, float[] sink) throws InterruptedException {
        sideBySide(threads, seconds, reference, sink, new long[threads], new long[threads][], new int[threads]);
    }

    /** {@code threads} threads (the caller is one) running chunks side by side for {@code seconds}. */
    private static void sideBySide(int threads, double seconds, long reference, float[] sink, long[] starts,
                                   long[][] ends, int[] counts) throws InterruptedException {
        long span = (long) (seconds * 1e9);
        // a chunk slower than a tenth of the reference is not expected; the arrays hold ten times as many as fit
        int capacity = (int) Math.min(Integer.MAX_VALUE - 8, 10 * (span / Math.max(1, reference) + 2));
        for (int w = 0; w < threads; w++) ends[w] = new long[capacity];
        long begin = System.nanoTime() + 2_000_000; // every thread started and spinning by then
        Thread[] helpers = new Thread[threads - 1];
        for (int w = 1; w < threads; w++) {
            int id = w;
            helpers[w - 1] = new Thread(() -> chunks(id, begin, span, starts, ends, counts, sink), "core-probe-" + w);
            helpers[w - 1].start();
        }
        chunks(0, begin, span, starts, ends, counts, sink);
        for (Thread h : helpers) h.join();
    }

    private static void chunks(int w, long begin, long span, long[] starts, long[][] ends, int[] counts, float[] sink) {
        while (System.nanoTime() < begin) Thread.onSpinWait();
        long start = System.nanoTime(), stop = start + span;
        long[] mine = ends[w];
        int n = 0;
        for (long now = start; now < stop && n < mine.length; ) {
            sink[16 * w] += FmaCeiling.run(CHUNK_ROUNDS, 0.999f, 1e-6f);
            now = System.nanoTime();
            mine[n++] = now;
        }
        starts[w] = start;
        counts[w] = n;
    }

    /**
     * Cores per slice: thread {@code w}'s chunk {@code i} ran from {@code ends[w][i - 1]} (from {@code starts[w]} for
     * the first) to {@code ends[w][i]} and did one reference chunk of work, spread uniformly over that time; slice
     * {@code s} is {@code [t0 + s * slice, t0 + (s + 1) * slice)}, and gets the work that fell in it times
     * {@code reference / slice}.
     */
    static double[] effectiveCores(long[] starts, long[][] ends, int[] counts, long reference, long t0, long slice,
                                   int slices) {
        double[] work = new double[slices];
        for (int w = 0; w < starts.length; w++) {
            long from = starts[w];
            for (int i = 0; i < counts[w]; i++) {
                long to = ends[w][i];
                if (to > from) {
                    long lo = Math.max(from, t0), hi = Math.min(to, t0 + slices * slice);
                    for (long s = Math.max(0, (lo - t0) / slice); lo < hi && s < slices; s++) {
                        long sliceEnd = t0 + (s + 1) * slice;
                        long part = Math.min(hi, sliceEnd) - lo;
                        work[(int) s] += (double) part / (to - from);
                        lo = sliceEnd;
                    }
                }
                from = to;
            }
        }
        double[] cores = new double[slices];
        for (int s = 0; s < slices; s++) cores[s] = work[s] * reference / slice;
        return cores;
    }
}
