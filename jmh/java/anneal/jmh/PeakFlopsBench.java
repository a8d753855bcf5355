package anneal.jmh;

import anneal.backend.JvmOptions;
import anneal.backend.cpu.FmaCeiling;
import java.util.concurrent.TimeUnit;
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
 * This machine's fp32 FMA ceiling through the Vector API ({@link FmaCeiling}, the loop the CPU backend's phase timers
 * also run between steps): the yardstick for the CPU training step's share of peak (tools/bench_cpu.sh). Each
 * invocation is {@value #ITERATIONS} rounds of {@value FmaCeiling#CHAINS} independent {@code FloatVector.fma} chains,
 * so the score, in vector FMAs per second, times {@code 2 * lanes} is FLOP/s. Run with {@code -t 1} and {@code -t 2}
 * (one chain set per thread, no sharing): JMH sums a throughput over its threads, so the score is the machine's peak
 * for that many cores.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {JvmOptions.VECTOR_MODULE, JvmOptions.TRAP_LIMIT})
@State(Scope.Thread)
public class PeakFlopsBench {
    static final int ITERATIONS = 100_000;

    private final float[] seed = {0.999f, 1e-6f};

    /** {@code ITERATIONS * CHAINS} vector FMAs; returns their sum so nothing is dead code. */
    @Benchmark
    @OperationsPerInvocation(ITERATIONS * FmaCeiling.CHAINS)
    public float fma() {
        return FmaCeiling.run(ITERATIONS, seed[0], seed[1]);
    }

    /** Lanes of the species (the script multiplies the score by {@code 2 * lanes}). */
    public static int lanes() {
        return FmaCeiling.lanes();
    }
}
