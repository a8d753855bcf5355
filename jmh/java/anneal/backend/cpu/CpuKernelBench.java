package anneal.backend.cpu;

import anneal.backend.JvmOptions;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Each phase of the CPU training step of the sweep's model (784-256-10, batch 128) as one single-threaded JMH
 * benchmark, at the step's sizes, so that the kernels' share of the FMA ceiling ({@code anneal.jmh.PeakFlopsBench})
 * can be read off directly and kernel variants compared in one run (issue #14). The two large products are
 * 51,380,224 FLOP each: {@code GFLOP/s = 51,380.224 / (us per op)}.
 *
 * <pre>java -jar target/anneal.jar bench CpuKernelBench -f 1 -wi 3 -i 5</pre>
 * In package {@code anneal.backend.cpu} because the kernels are package-private.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {JvmOptions.VECTOR_MODULE, JvmOptions.TRAP_LIMIT})
@State(Scope.Thread)
public class CpuKernelBench {
    static final int ROWS = 128, IN = 784, HIDDEN = 256, CLASSES = 10, TRAIN = 4096;
    /** {@link #forwardL1Resident}'s rows and inputs (one panel of outputs). */
    static final int L1_ROWS = 16, L1_IN = 96;

    float[] features = new float[TRAIN * IN];
    int[] rowOffsets = new int[ROWS];
    float[] x = new float[ROWS * IN], xt = new float[Panels.groupedLength(ROWS, IN)], scratch = new float[Panels.scratchLength(ROWS)];
    float[] xa = new float[Panels.packedRowsLength(ROWS, IN)];
    float[] w0 = new float[HIDDEN * IN], b0 = new float[HIDDEN];
    float[] g0 = new float[HIDDEN * IN], buf0 = new float[HIDDEN * IN];
    float[] h = new float[ROWS * HIDDEN], dh = new float[ROWS * HIDDEN];
    float[] w1 = new float[CLASSES * HIDDEN], b1 = new float[CLASSES], g1 = new float[CLASSES * HIDDEN];
    float[] z = new float[ROWS * CLASSES], dz = new float[ROWS * CLASSES], gb0 = new float[HIDDEN], gb1 = new float[CLASSES];
    byte[] y = new byte[ROWS];
    double[] rowLoss = new double[ROWS], exps = new double[CLASSES];
    float[] l1x = new float[Panels.packedRowsLength(L1_ROWS, L1_IN)], l1w = new float[Panels.panelLength(Panels.WIDTH, L1_IN)];
    float[] l1c = new float[L1_ROWS * Panels.WIDTH], l1part = new float[Panels.scratchLength(L1_ROWS)];
    final Panels.RangeUpdate update = (from, to) -> VectorKernels.sgdUpdate(w0, g0, buf0, from, to, 0.01, 0.9, 0, true,
            5e-4, false);

    @Setup
    public void setUp() {
        Random r = new Random(1);
        for (int i = 0; i < features.length; i++) features[i] = (float) r.nextGaussian();
        for (float[] a : new float[][] {w0, b0, w1, b1, h, dh}) for (int i = 0; i < a.length; i++) a[i] = (float) (0.05 * r.nextGaussian());
        for (int i = 0; i < ROWS; i++) {
            rowOffsets[i] = r.nextInt(TRAIN) * IN;
            System.arraycopy(features, rowOffsets[i], x, i * IN, IN);
            y[i] = (byte) r.nextInt(CLASSES);
        }
        Panels.packRows(features, rowOffsets, xa, ROWS, IN, 0, Panels.groups(ROWS));
        Panels.packRows(features, rowOffsets, l1x, L1_ROWS, L1_IN, 0, Panels.groups(L1_ROWS));
        for (int i = 0; i < l1w.length; i++) l1w[i] = (float) (0.05 * r.nextGaussian());
    }

    /** The batch gathered from the training set (the old rows pass's copy). */
    @Benchmark
    public float gather() {
        for (int i = 0; i < ROWS; i++) System.arraycopy(features, rowOffsets[i], x, i * IN, IN);
        return x[IN];
    }

    /** The batch's rows packed for the forward, read from the training set ({@link Panels#packRows}). */
    @Benchmark
    public float packRows() {
        Panels.packRows(features, rowOffsets, xa, ROWS, IN, 0, Panels.groups(ROWS));
        return xa[IN];
    }

    /**
     * The forward micro-kernel on operands that stay in L1: the first 96 inputs of 16 batch rows ({@link Panels#packRows})
     * x one panel ({@code WIDTH} outputs), {@code 2 * 16 * 96 * WIDTH} FLOP; with AVX-512 (4 x 4, {@code WIDTH} 64)
     * 24 KiB of panel, 6 KiB of packed rows and 196,608 FLOP: {@code GFLOP/s = 196.608 / (us per op)}. Its share of
     * {@code PeakFlopsBench} is the kernel shape's own ceiling; the gap from it to {@link #forwardLayer1}'s share is
     * what the step's sizes (the memory) cost.
     */
    @Benchmark
    public float forwardL1Resident() {
        Panels.forwardGroups(l1x, l1w, null, l1c, 0, L1_ROWS, 0, Panels.groups(L1_ROWS), Panels.WIDTH, L1_IN, 0, false,
                l1part);
        return l1c[7];
    }

    /** Layer 1 forward {@code relu(X W0^T + b0)}, 51.4 MFLOP, from the packed rows. */
    @Benchmark
    public float forwardLayer1() {
        for (int q = 0; q < HIDDEN / Panels.WIDTH; q++)
            Panels.forwardGroups(xa, w0, b0, h, 0, ROWS, 0, Panels.groups(ROWS), HIDDEN, IN, q, true, scratch);
        return h[7];
    }

    /**
     * Layer 1 weight gradient {@code dH^T X}, 51.4 MFLOP, gradient only: with 4 x 4 from the forward's packed rows
     * ({@code xa}), with 6 x 2 its own packing of the batch included ({@link Panels#GRADIENT_READS_PACKED_ROWS}).
     */
    @Benchmark
    public float gradientLayer1() {
        Panels.weightGradient(gradientInput(), dh, g0, 0, HIDDEN / Panels.WIDTH, HIDDEN, IN, ROWS, scratch, null);
        return g0[7];
    }

    /** Layer 1 weight gradient with the fused SGD update of every block. */
    @Benchmark
    public float gradientUpdateLayer1() {
        Panels.weightGradient(gradientInput(), dh, g0, 0, HIDDEN / Panels.WIDTH, HIDDEN, IN, ROWS, scratch, update);
        return w0[7];
    }

    /** The batch as the weight gradient reads it, packed here where it has a packing of its own (6 x 2). */
    private float[] gradientInput() {
        return Panels.packForGradient(features, rowOffsets, xa, xt, ROWS, IN, 0, Panels.groups(IN));
    }

    /** The SGD update of W0 alone (momentum, Nesterov, weight decay). */
    @Benchmark
    public float updateLayer1() {
        update.apply(0, w0.length);
        return w0[7];
    }

    /** Everything else of a step: layer 2 forward, softmax + cross-entropy, dH, layer 2's and both biases' gradients. */
    @Benchmark
    public float smallProducts() {
        VectorKernels.gemmNT(h, 0, w1, z, 0, ROWS, CLASSES, HIDDEN, b1, false);
        VectorKernels.softmaxCrossEntropy(z, y, 0, dz, rowLoss, 0, 0, ROWS, CLASSES, ROWS, exps);
        VectorKernels.gemmNN(dz, 0, w1, dh, 0, ROWS, HIDDEN, CLASSES, h);
        VectorKernels.gemmTN(dz, CLASSES, h, g1, 0, CLASSES, HIDDEN, ROWS);
        VectorKernels.biasGrad(dz, gb1, ROWS, CLASSES, 0, CLASSES);
        VectorKernels.biasGrad(dh, gb0, ROWS, HIDDEN, 0, HIDDEN);
        return dh[7] + g1[3];
    }
}
