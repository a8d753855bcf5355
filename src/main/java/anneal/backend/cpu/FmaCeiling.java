package anneal.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * This machine's fp32 FMA ceiling through the Vector API, the yardstick of the CPU step's share of peak: {@link #CHAINS}
 * independent chains {@code c = a.fma(b, c)} on {@link FloatVector#SPECIES_PREFERRED}, registers only (enough chains
 * to cover the FMA latency times the FMA ports). JMH's {@code PeakFlopsBench} times it on 1 and 2 threads
 * (tools/bench_cpu.sh); with {@code -Danneal.cpu.phaseTimes=true} {@link CpuBackend} also runs it on every worker
 * between steps, so that the two large products' share of peak is taken against the ceiling of the same seconds
 * (on a shared VM the ceiling moves by 15-20% within minutes).
 *
 * <p>The accumulator is the FMA's addend, as in every kernel here: C2 emits {@code vfmadd231ps}, which writes its
 * addend in place. The other form, {@code c = c.fma(a, b)}, made C2 copy {@code b} before each FMA and, with AVX2's 16
 * registers, spill chains to the stack: the ceiling read about 20% low on the Zen 3.
 */
public final class FmaCeiling {
    /** Independent FMA chains per round. */
    public static final int CHAINS = 12;

    private FmaCeiling() {
    }

    /** Floating-point operations of one round: {@link #CHAINS} vector FMAs of 2 FLOP per lane. */
    public static double flopPerRound() {
        return 2.0 * CHAINS * VectorKernels.L;
    }

    /**
     * {@code rounds} rounds of {@link #CHAINS} vector FMAs with multiplicands {@code a} and {@code b}; returns the sum
     * of the chains, so that none is dead code.
     */
    public static float run(int rounds, float a, float b) {
        FloatVector va = FloatVector.broadcast(VectorKernels.S, a), vb = FloatVector.broadcast(VectorKernels.S, b);
        FloatVector c0 = vb, c1 = vb, c2 = vb, c3 = vb, c4 = vb, c5 = vb, c6 = vb, c7 = vb, c8 = vb, c9 = vb, c10 = vb;
        FloatVector c11 = vb;
        for (int i = 0; i < rounds; i++) {
            c0 = va.fma(vb, c0);
            c1 = va.fma(vb, c1);
            c2 = va.fma(vb, c2);
            c3 = va.fma(vb, c3);
            c4 = va.fma(vb, c4);
            c5 = va.fma(vb, c5);
            c6 = va.fma(vb, c6);
            c7 = va.fma(vb, c7);
            c8 = va.fma(vb, c8);
            c9 = va.fma(vb, c9);
            c10 = va.fma(vb, c10);
            c11 = va.fma(vb, c11);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(VectorOperators.ADD);
    }

    /** Lanes of the species (a score in vector FMAs per second times {@code 2 * lanes} is FLOP/s). */
    public static int lanes() {
        return VectorKernels.L;
    }
}
