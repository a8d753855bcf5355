package anneal.jmh;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * This machine's fp32 FMA ceiling through the Vector API: the yardstick for the CPU training step's share of peak
 * (tools/bench_cpu.sh). Each invocation is {@value #ITERATIONS} rounds of {@value #CHAINS} independent
 * {@code FloatVector.fma} chains on {@link FloatVector#SPECIES_PREFERRED} (enough chains to cover the FMA latency
 * times the number of FMA ports), so the score, in vector FMAs per second, times {@code 2 * lanes} is FLOP/s.
 *
 * <p>Each chain is {@code c = a.fma(b, c)}, the accumulator as the addend, as in every kernel of the CPU backend:
 * C2 emits {@code vfmadd231ps}, which writes its addend in place. The earlier form, {@code c = c.fma(a, b)} (the
 * chain through the multiplicand), makes C2 copy {@code b} into a fresh register before each FMA; on AVX2's 16
 * registers the unrolled loop then spilled chains to the stack, and the ceiling read 80-83 GFLOP/s on one core of
 * the 2-core Zen 3 where this form reads 98-101: every share of peak measured against it was about 20% too high.
 * Run with {@code -t 1} and {@code -t 2} (one chain set per thread, no sharing): JMH sums a throughput over its
 * threads, so the score is the machine's peak for that many cores.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@State(Scope.Thread)
public class PeakFlopsBench {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int CHAINS = 12;
    static final int ITERATIONS = 100_000;

    private final float[] seed = {0.999f, 1e-6f};

    /** {@code ITERATIONS * CHAINS} vector FMAs; returns their sum so nothing is dead code. */
    @Benchmark
    @OperationsPerInvocation(ITERATIONS * CHAINS)
    public float fma() {
        FloatVector a = FloatVector.broadcast(S, seed[0]), b = FloatVector.broadcast(S, seed[1]);
        FloatVector c0 = b, c1 = b, c2 = b, c3 = b, c4 = b, c5 = b, c6 = b, c7 = b, c8 = b, c9 = b, c10 = b, c11 = b;
        for (int i = 0; i < ITERATIONS; i++) {
            c0 = a.fma(b, c0);
            c1 = a.fma(b, c1);
            c2 = a.fma(b, c2);
            c3 = a.fma(b, c3);
            c4 = a.fma(b, c4);
            c5 = a.fma(b, c5);
            c6 = a.fma(b, c6);
            c7 = a.fma(b, c7);
            c8 = a.fma(b, c8);
            c9 = a.fma(b, c9);
            c10 = a.fma(b, c10);
            c11 = a.fma(b, c11);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(VectorOperators.ADD);
    }

    /** Lanes of {@link #S} (the script multiplies the score by {@code 2 * lanes}). */
    public static int lanes() {
        return S.length();
    }
}
