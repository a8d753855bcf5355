package anneal.backend.cpu;

import anneal.ConfigurationException;
import static anneal.backend.cpu.VectorKernels.L;
import static anneal.backend.cpu.VectorKernels.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The first layer's weights in a transposed, panel-packed layout, and the two large products of a step that use
 * it. A weight {@code W} ({@code n x k} row-major, as {@code nn.Linear.weight}, with {@code n} a multiple of
 * {@link #WIDTH}) is stored as {@code n / WIDTH} panels of {@code kp x WIDTH} floats, {@code kp} being {@code k}
 * rounded up to whole vectors ({@link #paddedInputs}): {@code P[q * kp * WIDTH + p * WIDTH + jj] = W[q * WIDTH + jj][p]},
 * and zero in the rows {@code p >= k} (nothing writes them: their gradient is never computed, so the update leaves
 * them zero, and the forward's reduction runs over whole vectors of inputs with no loop for a last, partial one).
 * One row {@code p} of a panel is
 * {@link #VECTORS} consecutive vectors, so both products below are outer-product micro-kernels that load
 * {@code VECTORS} contiguous vectors and broadcast a few scalars per step of the reduction, with no
 * lane reduction, no transpose per step and a gradient that comes out in the same layout (the SGD update is
 * element-wise, so it does not care).
 *
 * <p>Every output element is one chain of fused multiply-adds over the reduction index, ascending from zero, in
 * whichever block (full or edge) and worker computes it; blocking only changes which elements share
 * registers. So results do not depend on the split of work between threads.
 */
final class Panels {
    /**
     * The register block of the micro-kernels: {@code rows} rows of the output (batch rows in the forward, inputs in
     * the weight gradient) by {@code vectors} vectors of a panel row, all accumulators in registers for the whole
     * reduction. Chosen by the vector register file: 32 registers (AVX-512, AArch64) hold 4 x 4 accumulators, the
     * four panel vectors and the broadcast; AVX2's 16 do not (C2 keeps half the accumulators on the stack and loads
     * and stores them at every step of the reduction: the forward product ran at 39-43 GFLOP/s on one Zen 3 core
     * against 59-76 for 6 x 2, whose 12 accumulators, two panel vectors and broadcast fit). The shape changes which
     * elements share registers, never an element's chain of fused multiply-adds, so both give the same bits.
     */
    enum MicroKernel {
        /**
         * 4 rows x 4 vectors (16 accumulators + 4 + 1 of 32 registers); the forward's reduction in slices of 128 panel
         * rows (128 x 64 floats, 32 KiB, stay in L1; measured on the Intel Xeon).
         */
        FOUR_BY_FOUR("4x4", 4, 4, 128),
        /**
         * 6 rows x 2 vectors (12 accumulators + 2 + 1 of 16 registers), the shape of BLIS's Haswell kernel; the
         * forward's reduction in one slice (a 784-row panel of 16 floats is 49 KiB, read from L2: against slices of
         * 128 rows, tools/build_ab.sh gave 0.83, slices of 392 0.94, on the Zen 3).
         */
        SIX_BY_TWO("6x2", 6, 2, 1 << 16);

        /** The system property that overrides the choice (for tests and experiments): {@code 4x4} or {@code 6x2}. */
        static final String PROPERTY = "anneal.cpu.microKernel";

        final String label;
        final int rows;
        final int vectors;
        /** Panel rows per slice of the forward's reduction ({@link Panels#KC}): a multiple of every vector length. */
        final int sliceRows;

        MicroKernel(String label, int rows, int vectors, int sliceRows) {
            this.label = label;
            this.rows = rows;
            this.vectors = vectors;
            this.sliceRows = sliceRows;
        }

        /** The shape {@link #PROPERTY} names, or this machine's ({@link #forRegisters}); bad values are bad input. */
        static MicroKernel selected() {
            String value = System.getProperty(PROPERTY);
            if (value == null || value.isEmpty()) return thisMachines();
            for (MicroKernel k : values())
                if (k.label.equals(value)) return k;
            throw new ConfigurationException("-D" + PROPERTY + "=" + value + ": not a micro-kernel shape; allowed: 4x4, 6x2, "
                    + "or unset (4x4 where there are 32 vector registers, 6x2 where there are 16)");
        }

        /** Vector registers a JIT can use: 32 on AArch64 and with AVX-512, 16 with AVX2 or SSE. */
        static int vectorRegisters(String arch, int vectorBits) {
            return "aarch64".equals(arch) || vectorBits >= 512 ? 32 : 16;
        }

        /** The shape for this machine's vector registers. */
        static MicroKernel thisMachines() {
            return forRegisters(vectorRegisters(System.getProperty("os.arch"), S.vectorBitSize()));
        }

        static MicroKernel forRegisters(int registers) {
            return registers >= 32 ? FOUR_BY_FOUR : SIX_BY_TWO;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /**
     * This JVM's micro-kernel shape (where the property is not a shape, this machine's: {@link CpuBackend}'s
     * constructor reports the bad value, as class initialisation could not).
     */
    static final MicroKernel KERNEL = selectedOrThisMachines();

    private static MicroKernel selectedOrThisMachines() {
        try {
            return MicroKernel.selected();
        } catch (ConfigurationException badValue) {
            return MicroKernel.thisMachines();
        }
    }
    /** Vectors per panel row: the micro-kernels keep {@code ROWS x VECTORS} accumulators in registers. */
    static final int VECTORS = KERNEL.vectors;
    /** Floats per panel row (64 on AVX-512, 16 on AVX2). */
    static final int WIDTH = VECTORS * L;
    /** Rows of the output block of a micro-kernel: batch rows in the forward, inputs per group in the gradient. */
    static final int ROWS = KERNEL.rows;

    private Panels() {
    }

    /** Whether a layer with {@code n} outputs can use the panel layout. */
    static boolean fits(int n) {
        return n % WIDTH == 0;
    }

    /** Rows of a panel for a reduction of {@code k} inputs: {@code k} rounded up to whole vectors. */
    static int paddedInputs(int k) {
        return (k + L - 1) / L * L;
    }

    /** Floats of an {@code n x k} weight in panel layout (with its zero rows). */
    static int panelLength(int n, int k) {
        return n * paddedInputs(k);
    }

    /** {@code W} ({@code n x k} row-major) into panel layout {@code P} ({@link #panelLength} floats), zero rows too. */
    static void pack(float[] w, float[] p, int n, int k) {
        int kp = paddedInputs(k);
        for (int j = 0; j < n; j++) {
            int base = (j / WIDTH) * kp * WIDTH + j % WIDTH;
            for (int c = 0; c < kp; c++) p[base + c * WIDTH] = c < k ? w[j * k + c] : 0f;
        }
    }

    /** Panel layout {@code P} back to {@code W} ({@code n x k} row-major). */
    static void unpack(float[] p, float[] w, int n, int k) {
        int kp = paddedInputs(k);
        for (int j = 0; j < n; j++) {
            int base = (j / WIDTH) * kp * WIDTH + j % WIDTH;
            for (int c = 0; c < k; c++) w[j * k + c] = p[base + c * WIDTH];
        }
    }

    /**
     * {@code C[at + jj] = act(C[at + jj] + bias[col + jj])} for one panel-wide output row, in place (a separate pass
     * over the just-stored, cache-hot row: passing vectors into a method that C2 does not inline would box them).
     */
    private static void epilogue(float[] c, int at, float[] bias, int col, boolean relu) {
        for (int v = 0; v < WIDTH; v += L) {
            FloatVector s = FloatVector.fromArray(S, c, at + v);
            if (bias != null) s = s.add(FloatVector.fromArray(S, bias, col + v));
            if (relu) s = s.blend(0f, s.compare(VectorOperators.LT, 0f));
            s.intoArray(c, at + v);
        }
    }

    /**
     * What to do with a block of the gradient as soon as it is computed (while it is in L1): the fused SGD update
     * of the same elements. {@code [from, to)} are float offsets into the panel-layout tensor.
     */
    interface RangeUpdate {
        void apply(int from, int to);
    }

    /**
     * Panel rows per slice of the reduction in {@link #forward} ({@link MicroKernel#sliceRows}): a multiple of every
     * vector length, so a slice starts at a whole block of {@link #packRows}.
     */
    static final int KC = KERNEL.sliceRows;

    /** Floats of one row group in {@link #packRows}' layout: {@code k} inputs rounded up to whole vectors. */
    static int packedGroupLength(int k) {
        return paddedInputs(k) * ROWS;
    }

    /**
     * Per worker scratch of the panel products for {@code rows} batch rows: the forward's partial sums of whole row
     * groups, or one panel's columns of the weight gradient's {@code dY}.
     */
    static int scratchLength(int rows) {
        return groups(rows) * ROWS * WIDTH;
    }

    /** Floats of {@link #packRows}' layout for {@code m} rows of {@code k} inputs. */
    static int packedRowsLength(int m, int k) {
        return groups(m) * packedGroupLength(k);
    }

    /**
     * Row groups {@code [g0, g1)} of the {@code m} rows at {@code rowOff} (float offsets into {@code x}) into the layout
     * the forward broadcasts from: per group of {@link #ROWS} rows, per block of {@code L} inputs (one vector),
     * the group's rows one after another, {@code xa[g * packedGroupLength(k) + b * L * ROWS + r * L + pp] =
     * X[g * ROWS + r][b * L + pp]}; a last, partial block is padded with zeros, and so are the rows past {@code m} of a
     * last, partial group (the forward computes them and does not store them; the 4 x 4 weight gradient reads this
     * layout too, and adds their products with zero rows of dY, which leave its sums unchanged).
     *
     * <p>Read in place, a block's rows are {@link #ROWS} unrelated addresses: C2 kept that many index registers, ran
     * out of the 16 general-purpose ones, hoisted all six broadcasts of a step above the FMAs and spilled accumulators
     * (6 x 2 on Zen 3: 28 GFLOP/s on one core); packed, every broadcast is one index plus a constant. The rows come
     * from memory (the training set is 188 MB, the order shuffled), so they are read {@link #ROWS} at a time, one
     * vector of each in turn: several streams in flight at once made the copy about twice as fast as one row after
     * the other, and a layout of single inputs side by side (one scalar store per float) 1.8x slower again.
     */
    static void packRows(float[] x, int[] rowOff, float[] xa, int m, int k, int g0, int g1) {
        int whole = k / L * L, group = packedGroupLength(k);
        for (int g = g0; g < g1; g++) {
            int base = g * group, present = Math.min(ROWS, m - g * ROWS);
            for (int b = 0; b < whole; b += L)
                for (int r = 0; r < present; r++)
                    FloatVector.fromArray(S, x, rowOff[g * ROWS + r] + b).intoArray(xa, base + b * ROWS + r * L);
            if (whole < k)
                for (int r = 0; r < present; r++) {
                    int src = rowOff[g * ROWS + r], dst = base + whole * ROWS + r * L;
                    for (int pp = 0; pp < L; pp++) xa[dst + pp] = whole + pp < k ? x[src + whole + pp] : 0f;
                }
            for (int b = 0; b < group && present < ROWS; b += L * ROWS)
                java.util.Arrays.fill(xa, base + b + present * L, base + b + ROWS * L, 0f);
        }
    }

    /**
     * {@code C[i][j] = act(sum_p A[i][p] * W[j][p] + bias[j])} for the outputs of panels {@code [q0, q1)}
     * ({@code j in [q0 WIDTH, q1 WIDTH)}) and rows {@code i in [0, m)} of {@code A}; row {@code i} of {@code A} starts
     * at float offset {@code rowOff[i]}, and is packed first into {@code packed} ({@link #packedRowsLength} floats,
     * {@link #packRows}); {@code W} in panel layout {@code w}; C row {@code i} at {@code cOff + i * n}. The Linear
     * forward {@code X W^T + b}, optional ReLU. {@code part}: {@link #scratchLength}{@code (m)} floats.
     */
    static void forward(float[] a, int[] rowOff, float[] w, float[] bias, float[] c, int cOff, int m, int n, int k,
                        int q0, int q1, boolean relu, float[] packed, float[] part) {
        packRows(a, rowOff, packed, m, k, 0, groups(m));
        for (int q = q0; q < q1; q++) forwardGroups(packed, w, bias, c, cOff, m, 0, groups(m), n, k, q, relu, part);
    }

    /**
     * Row groups {@code [g0, g1)} (rows {@code [g0 ROWS, min(m, g1 ROWS))}) of panel {@code q} of {@link #forward}, from
     * the rows packed by {@link #packRows} (one task of the step's forward phase); {@code part} holds
     * {@code (g1 - g0) * ROWS * WIDTH} floats.
     *
     * <p>Blocked over the reduction in {@link #KC}-row slices of the panel (4 x 4: the slice stays in L1 while every
     * row group passes over it). The partial sums between slices go through {@code part} (this worker's own), one
     * contiguous block, and only the last slice writes C: C's rows are {@code n} floats apart (1 KiB in the sweep's
     * model), so one panel's columns of them fall into a few L1 sets and evict each other, and the cache lines where
     * two workers' panels meet would change cores at every slice (about 3% of a 2-thread step alone, 3-8% with the
     * other two changes of its commit, measured in one JVM against writing the partial sums into C). A float store
     * and reload is exact, so each element is still one chain of fused multiply-adds, {@code p} ascending.
     */
    static void forwardGroups(float[] xa, float[] w, float[] bias, float[] c, int cOff, int m, int g0, int g1, int n,
                              int k, int q, boolean relu, float[] part) {
        int kp = paddedInputs(k), panel = q * kp * WIDTH, col = q * WIDTH;
        for (int p0 = 0; p0 < kp; p0 += KC) {
            int p1 = Math.min(kp, p0 + KC);
            boolean last = p1 == kp;
            float[] in = p0 == 0 ? null : part, out = last ? c : part;
            for (int g = g0; g < g1; g++) {
                // into part, the repeated rows of a partial group too: the next slice starts from them
                int i = g * ROWS, rows = last ? Math.min(ROWS, m - i) : ROWS, at = (g - g0) * ROWS * WIDTH;
                int o0 = last ? cOff + i * n + col : at, outStride = last ? n : WIDTH;
                int xb = g * packedGroupLength(k);
                if (VECTORS == 4) forwardBlock4x4(xa, xb, rows, w, panel, in, at, out, o0, outStride, p0, p1);
                else forwardBlock6x2(xa, xb, rows, w, panel, in, at, out, o0, outStride, p0, p1);
            }
        }
        if (bias != null || relu)
            for (int i = g0 * ROWS, i1 = Math.min(m, g1 * ROWS); i < i1; i++) epilogue(c, cOff + i * n + col, bias, col, relu);
    }

    /** Block row {@code r}'s source row for a block of {@code rows} real rows: itself, or the last real one. */
    private static int real(int r, int rows) {
        return Math.min(r, rows - 1);
    }

    /**
     * One {@code 4 x 4}-vector block of {@link #forwardGroups} over panel rows {@code [p0, p1)}: the row group packed at
     * {@code xa[xb ..]}; starts from zero ({@code in == null}) or from the partial sums at {@code in[i0 ..]} (rows
     * {@code WIDTH} apart), and stores the first {@code rows} rows' sums at {@code out[o0 ..]}, rows {@code outStride}
     * apart.
     */
    private static void forwardBlock4x4(float[] xa, int xb, int rows, float[] w, int panel, float[] in, int i0,
                                        float[] out, int o0, int outStride, int p0, int p1) {
        FloatVector c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33;
        if (in == null) {
            c00 = c01 = c02 = c03 = c10 = c11 = c12 = c13 = FloatVector.zero(S);
            c20 = c21 = c22 = c23 = c30 = c31 = c32 = c33 = c00;
        } else {
            c00 = FloatVector.fromArray(S, in, i0);
            c01 = FloatVector.fromArray(S, in, i0 + L);
            c02 = FloatVector.fromArray(S, in, i0 + 2 * L);
            c03 = FloatVector.fromArray(S, in, i0 + 3 * L);
            c10 = FloatVector.fromArray(S, in, i0 + WIDTH);
            c11 = FloatVector.fromArray(S, in, i0 + WIDTH + L);
            c12 = FloatVector.fromArray(S, in, i0 + WIDTH + 2 * L);
            c13 = FloatVector.fromArray(S, in, i0 + WIDTH + 3 * L);
            c20 = FloatVector.fromArray(S, in, i0 + 2 * WIDTH);
            c21 = FloatVector.fromArray(S, in, i0 + 2 * WIDTH + L);
            c22 = FloatVector.fromArray(S, in, i0 + 2 * WIDTH + 2 * L);
            c23 = FloatVector.fromArray(S, in, i0 + 2 * WIDTH + 3 * L);
            c30 = FloatVector.fromArray(S, in, i0 + 3 * WIDTH);
            c31 = FloatVector.fromArray(S, in, i0 + 3 * WIDTH + L);
            c32 = FloatVector.fromArray(S, in, i0 + 3 * WIDTH + 2 * L);
            c33 = FloatVector.fromArray(S, in, i0 + 3 * WIDTH + 3 * L);
        }
        // blocks of L inputs (p0 and p1 are multiples of L: the panel's and the packed rows' zero padding), the
        // inner loop's trip count a constant: a variable one (with the vectors in the phis of two nested loops) made
        // C2 box them, 20x slower, and a second loop for a partial block, once compiled while only that loop ran,
        // boxed in the other one. Both indices from the loop variables, not induction variables of their own, so
        // C2 hoists the range checks of the loads.
        for (int b = p0; b < p1; b += L)
            for (int pp = 0; pp < L; pp++) {
                int bo = panel + (b + pp) * WIDTH, xo = xb + b * ROWS + pp;
                FloatVector b0 = FloatVector.fromArray(S, w, bo);
                FloatVector b1 = FloatVector.fromArray(S, w, bo + L);
                FloatVector b2 = FloatVector.fromArray(S, w, bo + 2 * L);
                FloatVector b3 = FloatVector.fromArray(S, w, bo + 3 * L);
                FloatVector x = FloatVector.broadcast(S, xa[xo]);
                c00 = x.fma(b0, c00);
                c01 = x.fma(b1, c01);
                c02 = x.fma(b2, c02);
                c03 = x.fma(b3, c03);
                x = FloatVector.broadcast(S, xa[xo + L]);
                c10 = x.fma(b0, c10);
                c11 = x.fma(b1, c11);
                c12 = x.fma(b2, c12);
                c13 = x.fma(b3, c13);
                x = FloatVector.broadcast(S, xa[xo + 2 * L]);
                c20 = x.fma(b0, c20);
                c21 = x.fma(b1, c21);
                c22 = x.fma(b2, c22);
                c23 = x.fma(b3, c23);
                x = FloatVector.broadcast(S, xa[xo + 3 * L]);
                c30 = x.fma(b0, c30);
                c31 = x.fma(b1, c31);
                c32 = x.fma(b2, c32);
                c33 = x.fma(b3, c33);
            }
        store4(c00, c01, c02, c03, out, o0);
        if (rows > 1) store4(c10, c11, c12, c13, out, o0 + outStride);
        if (rows > 2) store4(c20, c21, c22, c23, out, o0 + 2 * outStride);
        if (rows > 3) store4(c30, c31, c32, c33, out, o0 + 3 * outStride);
    }

    /** As {@link #forwardBlock4x4}, a {@code 6 x 2}-vector block. */
    private static void forwardBlock6x2(float[] xa, int xb, int rows, float[] w, int panel, float[] in, int i0,
                                        float[] out, int o0, int outStride, int p0, int p1) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (in == null) {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = FloatVector.zero(S);
        } else {
            c00 = FloatVector.fromArray(S, in, i0);
            c01 = FloatVector.fromArray(S, in, i0 + L);
            c10 = FloatVector.fromArray(S, in, i0 + WIDTH);
            c11 = FloatVector.fromArray(S, in, i0 + WIDTH + L);
            c20 = FloatVector.fromArray(S, in, i0 + 2 * WIDTH);
            c21 = FloatVector.fromArray(S, in, i0 + 2 * WIDTH + L);
            c30 = FloatVector.fromArray(S, in, i0 + 3 * WIDTH);
            c31 = FloatVector.fromArray(S, in, i0 + 3 * WIDTH + L);
            c40 = FloatVector.fromArray(S, in, i0 + 4 * WIDTH);
            c41 = FloatVector.fromArray(S, in, i0 + 4 * WIDTH + L);
            c50 = FloatVector.fromArray(S, in, i0 + 5 * WIDTH);
            c51 = FloatVector.fromArray(S, in, i0 + 5 * WIDTH + L);
        }
        for (int b = p0; b < p1; b += L)
            for (int pp = 0; pp < L; pp++) {
                int bo = panel + (b + pp) * WIDTH, xo = xb + b * ROWS + pp;
                FloatVector b0 = FloatVector.fromArray(S, w, bo);
                FloatVector b1 = FloatVector.fromArray(S, w, bo + L);
                FloatVector x = FloatVector.broadcast(S, xa[xo]);
                c00 = x.fma(b0, c00);
                c01 = x.fma(b1, c01);
                x = FloatVector.broadcast(S, xa[xo + L]);
                c10 = x.fma(b0, c10);
                c11 = x.fma(b1, c11);
                x = FloatVector.broadcast(S, xa[xo + 2 * L]);
                c20 = x.fma(b0, c20);
                c21 = x.fma(b1, c21);
                x = FloatVector.broadcast(S, xa[xo + 3 * L]);
                c30 = x.fma(b0, c30);
                c31 = x.fma(b1, c31);
                x = FloatVector.broadcast(S, xa[xo + 4 * L]);
                c40 = x.fma(b0, c40);
                c41 = x.fma(b1, c41);
                x = FloatVector.broadcast(S, xa[xo + 5 * L]);
                c50 = x.fma(b0, c50);
                c51 = x.fma(b1, c51);
            }
        store2(c00, c01, out, o0);
        if (rows > 1) store2(c10, c11, out, o0 + outStride);
        if (rows > 2) store2(c20, c21, out, o0 + 2 * outStride);
        if (rows > 3) store2(c30, c31, out, o0 + 3 * outStride);
        if (rows > 4) store2(c40, c41, out, o0 + 4 * outStride);
        if (rows > 5) store2(c50, c51, out, o0 + 5 * outStride);
    }

    /** Stores one output row of a 4-vector block (no lane reduction: the sums are final). */
    private static void store4(FloatVector v0, FloatVector v1, FloatVector v2, FloatVector v3, float[] c, int at) {
        v0.intoArray(c, at);
        v1.intoArray(c, at + L);
        v2.intoArray(c, at + 2 * L);
        v3.intoArray(c, at + 3 * L);
    }

    /** Stores one output row of a 2-vector block. */
    private static void store2(FloatVector v0, FloatVector v1, float[] c, int at) {
        v0.intoArray(c, at);
        v1.intoArray(c, at + L);
    }

    /**
     * Groups of {@link #ROWS} in {@code count} (batch rows in {@link #packRows}, inputs in {@link #packGroups}), the
     * last one partial where {@code ROWS} does not divide it.
     */
    static int groups(int count) {
        return (count + ROWS - 1) / ROWS;
    }

    /**
     * Whether the weight gradient broadcasts {@code X} from the forward's packing of the batch ({@link #packRows}), so
     * that a step packs the batch once: with 4 x 4, a group of 4 inputs lies inside one vector block of each row there
     * (every float species has a multiple of 4 lanes). 6 x 2's groups of 6 inputs straddle the blocks, so it packs the
     * batch a second time, for the gradient alone ({@link #packGroups}). On the AVX-512 Intel Xeon the second packing
     * was 43-48 us of a 485 us 2-thread step.
     */
    static final boolean GRADIENT_READS_PACKED_ROWS = VECTORS == 4;

    /**
     * The batch in the layout the weight gradient reads, for input groups {@code [b0, b1)} (one worker's share): with
     * {@link #GRADIENT_READS_PACKED_ROWS} the forward's packing {@code xa} itself, nothing written ({@code xt} may be
     * null); else {@code xt}, those groups written by {@link #packGroups}. Returns the array to pass to
     * {@link #gradientGroups}.
     */
    static float[] packForGradient(float[] x, int[] rowOff, float[] xa, float[] xt, int rows, int k, int b0, int b1) {
        if (GRADIENT_READS_PACKED_ROWS) return xa;
        packGroups(x, rowOff, xt, rows, k, b0, b1);
        return xt;
    }

    /** Floats of {@link #packGroups}' layout for {@code rows} rows of {@code k} inputs. */
    static int groupedLength(int rows, int k) {
        return groups(k) * ROWS * rows;
    }

    /**
     * Rows after its own that one vector store of {@link #packGroups} reaches into ({@code L - ROWS} floats), or all
     * of a group where a vector is narrower than a group's run (it then copies float by float).
     */
    private static final int SPILL_ROWS = L >= ROWS ? (L - 1) / ROWS : Integer.MAX_VALUE / 2;

    /**
     * Groups {@code [b0, b1)} of the batch into {@code xt} in the layout the 6 x 2 weight gradient broadcasts from
     * (4 x 4 reads {@link #packRows}' instead, {@link #GRADIENT_READS_PACKED_ROWS}): for each group of {@link #ROWS}
     * inputs {@code p = ROWS b .. ROWS b + ROWS - 1}, all {@code rows} rows' values in a row,
     * {@code xt[(b * rows + i) * ROWS + pp] = X[i][ROWS b + pp]}; in a last, partial group the inputs past {@code k}
     * repeat its last one (the micro-kernel computes them and does not store them). Workers split it by groups, so
     * each one writes one contiguous range of {@code xt} (split by rows, both wrote into every group's run, and the
     * cache line where their halves met changed cores once per group).
     */
    static void packGroups(float[] x, int[] rowOff, float[] xt, int rows, int k, int b0, int b1) {
        // group-major: the writes are one contiguous run per group, and each row's cache line of x is read by a few
        // consecutive groups (row-major, every short write would land on a different cache line)
        for (int b = b0; b < b1; b++) {
            int dst = b * rows * ROWS, col = b * ROWS, present = Math.min(ROWS, k - col);
            if (present == ROWS) {
                // one vector per row (L >= ROWS: 8 floats for 6 on AVX2): its last L - ROWS floats land in the next
                // rows' places, which the next iterations overwrite; the group's last SPILL_ROWS rows are copied float
                // by float, so nothing lands in the next group (another worker's, maybe), and so is a group whose
                // vector would read past the row. Against float-by-float copies of every row: the phase 72-74 -> 35-38
                // us per worker on the Zen 1 EPYC
                int i = 0, vectorRows = col + L <= k ? rows - SPILL_ROWS : 0;
                for (; i < vectorRows; i++, dst += ROWS) FloatVector.fromArray(S, x, rowOff[i] + col).intoArray(xt, dst);
                for (; i < rows; i++, dst += ROWS)
                    for (int pp = 0, src = rowOff[i] + col; pp < ROWS; pp++) xt[dst + pp] = x[src + pp];
            } else {
                for (int i = 0; i < rows; i++, dst += ROWS)
                    for (int pp = 0; pp < ROWS; pp++) xt[dst + pp] = x[rowOff[i] + col + real(pp, present)];
            }
        }
    }

    /**
     * The weight gradient {@code dW = dY^T X} in panel layout for panels {@code [q0, q1)}, all {@code k} panel rows:
     * {@code G[q][p][jj] = sum_i X[i][p] * dY[i][q * WIDTH + jj]} over {@code i in [0, rows)}, ascending. {@code X}
     * comes from {@code xg}: with {@link #GRADIENT_READS_PACKED_ROWS} the forward's {@link #packRows} of all row groups,
     * else {@link #packGroups} of all input groups (each block's broadcasts are then one stream with a constant
     * stride instead of a gather over the batch rows, 17% faster); {@code dY} is {@code rows x n} row-major. After each
     * block of {@code G} is stored, {@code then} (may be null) is called on its range. {@code scratch}
     * ({@link #scratchLength}{@code (rows)} floats) takes dY's columns of one panel as one contiguous block: read with
     * dY's own stride (n floats, a multiple of 1 KiB here), the block's {@code 4 rows} cache lines fall into a few L1
     * sets and evict each other.
     */
    static void weightGradient(float[] xg, float[] dy, float[] g, int q0, int q1, int n, int k, int rows,
                               float[] scratch, RangeUpdate then) {
        for (int q = q0; q < q1; q++) {
            copyPanelColumns(dy, scratch, q, n, rows);
            gradientGroups(xg, scratch, g, q, 0, groups(k), k, rows, then);
        }
    }

    /**
     * Panel {@code q}'s columns of {@code dY} ({@code rows x n} row-major) into {@code scratch}, contiguous, and zero
     * rows after them up to a whole row group (the 4 x 4 gradient multiplies them with {@link #packRows}' zero rows:
     * {@code fma(0, 0, s) == s} for every sum {@code s} of its chains, none of which is {@code -0}, as they start
     * at {@code +0}).
     */
    static void copyPanelColumns(float[] dy, float[] scratch, int q, int n, int rows) {
        int col = q * WIDTH;
        for (int i = 0; i < rows; i++) System.arraycopy(dy, i * n + col, scratch, i * WIDTH, WIDTH);
        java.util.Arrays.fill(scratch, rows * WIDTH, groups(rows) * ROWS * WIDTH, 0f);
    }

    /**
     * Input groups {@code [b0, b1)} of panel {@code q} of {@link #weightGradient} (one task of the step's last phase);
     * {@code scratch} holds the panel's columns of dY ({@link #copyPanelColumns}).
     */
    static void gradientGroups(float[] xg, float[] scratch, float[] g, int q, int b0, int b1, int k, int rows,
                               RangeUpdate then) {
        int panel = q * paddedInputs(k) * WIDTH, group = packedGroupLength(k);
        for (int b = b0; b < b1; b++) {
            int g0 = panel + b * ROWS * WIDTH, inputs = Math.min(ROWS, k - b * ROWS), p = b * ROWS;
            if (GRADIENT_READS_PACKED_ROWS)
                gradientBlock4x4(xg, p / L * L * ROWS + p % L, group, scratch, g, g0, groups(rows), inputs);
            else gradientBlock6x2(xg, b * rows * ROWS, scratch, g, g0, rows, inputs);
            if (then != null) then.apply(g0, g0 + inputs * WIDTH);
        }
    }

    /**
     * One group of {@link #gradientGroups} from {@link #packRows}' layout: 4 inputs ({@code inputs} of them real) x 4
     * vectors, over {@code rowGroups} groups of 4 batch rows. Input {@code p} of row {@code r} of row group {@code i} is
     * at {@code xa[xo0 + i * group + r * L + (p - p0)]}, its dY row at {@code dy[(4 i + r) * WIDTH]}. One trip is half a
     * row group, its two rows written out in order, so each element's chain still runs over the batch rows ascending.
     * Measured against the alternatives: a whole row group per trip (64 FMAs) spilled accumulators; an inner loop over
     * its four rows was not unrolled and kept an array base in an XMM register. The stores are written out: through
     * {@link #store4}, C2 reached its node-count cutoff for inlining and boxed the vectors (14x slower).
     */
    private static void gradientBlock4x4(float[] xa, int xo0, int group, float[] dy, float[] g, int g0, int rowGroups,
                                         int inputs) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z, c30 = z, c31 = z, c32 = z, c33 = z;
        for (int h = 0; h < 2 * rowGroups; h++) {
            int xo = xo0 + (h >> 1) * group + (h & 1) * (2 * L), dyo = h * (2 * WIDTH);
            FloatVector d0 = FloatVector.fromArray(S, dy, dyo);
            FloatVector d1 = FloatVector.fromArray(S, dy, dyo + L);
            FloatVector d2 = FloatVector.fromArray(S, dy, dyo + 2 * L);
            FloatVector d3 = FloatVector.fromArray(S, dy, dyo + 3 * L);
            FloatVector v = FloatVector.broadcast(S, xa[xo]);
            c00 = v.fma(d0, c00);
            c01 = v.fma(d1, c01);
            c02 = v.fma(d2, c02);
            c03 = v.fma(d3, c03);
            v = FloatVector.broadcast(S, xa[xo + 1]);
            c10 = v.fma(d0, c10);
            c11 = v.fma(d1, c11);
            c12 = v.fma(d2, c12);
            c13 = v.fma(d3, c13);
            v = FloatVector.broadcast(S, xa[xo + 2]);
            c20 = v.fma(d0, c20);
            c21 = v.fma(d1, c21);
            c22 = v.fma(d2, c22);
            c23 = v.fma(d3, c23);
            v = FloatVector.broadcast(S, xa[xo + 3]);
            c30 = v.fma(d0, c30);
            c31 = v.fma(d1, c31);
            c32 = v.fma(d2, c32);
            c33 = v.fma(d3, c33);
            d0 = FloatVector.fromArray(S, dy, dyo + WIDTH);
            d1 = FloatVector.fromArray(S, dy, dyo + WIDTH + L);
            d2 = FloatVector.fromArray(S, dy, dyo + WIDTH + 2 * L);
            d3 = FloatVector.fromArray(S, dy, dyo + WIDTH + 3 * L);
            v = FloatVector.broadcast(S, xa[xo + L]);
            c00 = v.fma(d0, c00);
            c01 = v.fma(d1, c01);
            c02 = v.fma(d2, c02);
            c03 = v.fma(d3, c03);
            v = FloatVector.broadcast(S, xa[xo + L + 1]);
            c10 = v.fma(d0, c10);
            c11 = v.fma(d1, c11);
            c12 = v.fma(d2, c12);
            c13 = v.fma(d3, c13);
            v = FloatVector.broadcast(S, xa[xo + L + 2]);
            c20 = v.fma(d0, c20);
            c21 = v.fma(d1, c21);
            c22 = v.fma(d2, c22);
            c23 = v.fma(d3, c23);
            v = FloatVector.broadcast(S, xa[xo + L + 3]);
            c30 = v.fma(d0, c30);
            c31 = v.fma(d1, c31);
            c32 = v.fma(d2, c32);
            c33 = v.fma(d3, c33);
        }
        c00.intoArray(g, g0);
        c01.intoArray(g, g0 + L);
        c02.intoArray(g, g0 + 2 * L);
        c03.intoArray(g, g0 + 3 * L);
        if (inputs > 1) {
            c10.intoArray(g, g0 + WIDTH);
            c11.intoArray(g, g0 + WIDTH + L);
            c12.intoArray(g, g0 + WIDTH + 2 * L);
            c13.intoArray(g, g0 + WIDTH + 3 * L);
        }
        if (inputs > 2) {
            c20.intoArray(g, g0 + 2 * WIDTH);
            c21.intoArray(g, g0 + 2 * WIDTH + L);
            c22.intoArray(g, g0 + 2 * WIDTH + 2 * L);
            c23.intoArray(g, g0 + 2 * WIDTH + 3 * L);
        }
        if (inputs > 3) {
            c30.intoArray(g, g0 + 3 * WIDTH);
            c31.intoArray(g, g0 + 3 * WIDTH + L);
            c32.intoArray(g, g0 + 3 * WIDTH + 2 * L);
            c33.intoArray(g, g0 + 3 * WIDTH + 3 * L);
        }
    }

    /** One group of {@link #gradientGroups}: 6 inputs ({@code inputs} of them real) x 2 vectors. */
    private static void gradientBlock6x2(float[] xt, int base, float[] dy, float[] g, int g0, int rows, int inputs) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z;
        FloatVector c50 = z, c51 = z;
        for (int xo = base, dyo = 0, end = base + rows * ROWS; xo < end; xo += ROWS, dyo += WIDTH) {
            FloatVector d0 = FloatVector.fromArray(S, dy, dyo);
            FloatVector d1 = FloatVector.fromArray(S, dy, dyo + L);
            FloatVector v = FloatVector.broadcast(S, xt[xo]);
            c00 = v.fma(d0, c00);
            c01 = v.fma(d1, c01);
            v = FloatVector.broadcast(S, xt[xo + 1]);
            c10 = v.fma(d0, c10);
            c11 = v.fma(d1, c11);
            v = FloatVector.broadcast(S, xt[xo + 2]);
            c20 = v.fma(d0, c20);
            c21 = v.fma(d1, c21);
            v = FloatVector.broadcast(S, xt[xo + 3]);
            c30 = v.fma(d0, c30);
            c31 = v.fma(d1, c31);
            v = FloatVector.broadcast(S, xt[xo + 4]);
            c40 = v.fma(d0, c40);
            c41 = v.fma(d1, c41);
            v = FloatVector.broadcast(S, xt[xo + 5]);
            c50 = v.fma(d0, c50);
            c51 = v.fma(d1, c51);
        }
        store2(c00, c01, g, g0);
        if (inputs > 1) store2(c10, c11, g, g0 + WIDTH);
        if (inputs > 2) store2(c20, c21, g, g0 + 2 * WIDTH);
        if (inputs > 3) store2(c30, c31, g, g0 + 3 * WIDTH);
        if (inputs > 4) store2(c40, c41, g, g0 + 4 * WIDTH);
        if (inputs > 5) store2(c50, c51, g, g0 + 5 * WIDTH);
    }
}
