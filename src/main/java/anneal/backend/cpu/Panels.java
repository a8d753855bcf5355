package anneal.backend.cpu;

import static anneal.backend.cpu.VectorKernels.L;
import static anneal.backend.cpu.VectorKernels.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The first layer's weights in a transposed, panel-packed layout, and the two large products of a step that use
 * it. A weight {@code W} ({@code n x k} row-major, as {@code nn.Linear.weight}, with {@code n} a multiple of
 * {@link #WIDTH}) is stored as {@code n / WIDTH} panels of {@code k x WIDTH} floats:
 * {@code P[q * k * WIDTH + p * WIDTH + jj] = W[q * WIDTH + jj][p]}. One row {@code p} of a panel is
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
    /** Vectors per panel row: the micro-kernels keep {@code ROWS x VECTORS} accumulators in registers. */
    static final int VECTORS = 4;
    /** Floats per panel row (64 on AVX-512, 32 on AVX2). */
    static final int WIDTH = VECTORS * L;
    /** Rows of the output block of a micro-kernel. */
    static final int ROWS = 4;

    private Panels() {
    }

    /** Whether a layer with {@code n} outputs can use the panel layout. */
    static boolean fits(int n) {
        return n % WIDTH == 0;
    }

    /** {@code W} ({@code n x k} row-major) into panel layout {@code P}. */
    static void pack(float[] w, float[] p, int n, int k) {
        for (int j = 0; j < n; j++) {
            int base = (j / WIDTH) * k * WIDTH + j % WIDTH;
            for (int c = 0; c < k; c++) p[base + c * WIDTH] = w[j * k + c];
        }
    }

    /** Panel layout {@code P} back to {@code W} ({@code n x k} row-major). */
    static void unpack(float[] p, float[] w, int n, int k) {
        for (int j = 0; j < n; j++) {
            int base = (j / WIDTH) * k * WIDTH + j % WIDTH;
            for (int c = 0; c < k; c++) w[j * k + c] = p[base + c * WIDTH];
        }
    }

    /** Stores one output row of a block (four vectors, no lane reduction: the sums are final). */
    private static void store(FloatVector v0, FloatVector v1, FloatVector v2, FloatVector v3, float[] c, int at) {
        v0.intoArray(c, at);
        v1.intoArray(c, at + L);
        v2.intoArray(c, at + 2 * L);
        v3.intoArray(c, at + 3 * L);
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

    /** Panel rows per block of the reduction in {@link #forward}: 128 x 64 floats (32 KiB) of the panel stay in L1. */
    static final int KC = 128;

    /**
     * {@code C[i][j] = act(sum_p A[i][p] * W[j][p] + bias[j])} for the outputs of panels {@code [q0, q1)}
     * ({@code j in [q0 WIDTH, q1 WIDTH)}) and rows {@code i in [0, m)} of {@code A}; row {@code i} of {@code A} starts
     * at float offset {@code rowOff[i]} (so the batch is read in place from the training set, in the epoch's order);
     * {@code W} in panel layout {@code w}; C row {@code i} at {@code cOff + i * n}. The Linear forward
     * {@code X W^T + b}, optional ReLU.
     *
     * <p>Blocked over the reduction in {@link #KC}-row slices of the panel, so the slice stays in L1 while every
     * row block of {@code A} passes over it. The partial sums between slices go through {@code part} ({@code m * WIDTH}
     * floats, this worker's own), one contiguous block, and only the last slice writes C: C's rows are {@code n}
     * floats apart (1 KiB in the sweep's model), so one panel's columns of them fall into a few L1 sets and evict each
     * other, and the cache lines where two workers' panels meet would change cores at every slice (about 3% of a
     * 2-thread step alone, 3-8% with the other two changes of its commit, measured in one JVM against writing the
     * partial sums into C). A float store and reload is exact, so each element is still one chain of fused
     * multiply-adds, {@code p} ascending.
     */
    static void forward(float[] a, int[] rowOff, float[] w, float[] bias, float[] c, int cOff, int m, int n, int k,
                        int q0, int q1, boolean relu, float[] part) {
        for (int q = q0; q < q1; q++) forwardRows(a, rowOff, w, bias, c, cOff, 0, m, n, k, q, relu, part);
    }

    /**
     * Rows {@code [i0, i1)} of panel {@code q} of {@link #forward} (one task of the step's first phase); {@code part}
     * holds {@code (i1 - i0) * WIDTH} floats.
     */
    static void forwardRows(float[] a, int[] rowOff, float[] w, float[] bias, float[] c, int cOff, int i0, int i1, int n,
                            int k, int q, boolean relu, float[] part) {
        int panel = q * k * WIDTH, col = q * WIDTH;
        for (int p0 = 0; p0 < k; p0 += KC) {
            int p1 = Math.min(k, p0 + KC);
            boolean last = p1 == k;
            float[] in = p0 == 0 ? null : part, out = last ? c : part;
            int i = i0;
            for (; i + ROWS <= i1; i += ROWS)
                forwardBlock(a, rowOff[i], rowOff[i + 1], rowOff[i + 2], rowOff[i + 3], w, panel, in, (i - i0) * WIDTH,
                        out, last ? cOff + i * n + col : (i - i0) * WIDTH, last ? n : WIDTH, p0, p1);
            for (; i < i1; i++) {
                forwardRow(a, rowOff[i], w, panel, part, (i - i0) * WIDTH, p0, p1);
                if (last) System.arraycopy(part, (i - i0) * WIDTH, c, cOff + i * n + col, WIDTH);
            }
        }
        if (bias != null || relu) for (int i = i0; i < i1; i++) epilogue(c, cOff + i * n + col, bias, col, relu);
    }

    /**
     * One {@code ROWS x WIDTH} block of {@link #forward} over panel rows {@code [p0, p1)}: starts from zero
     * ({@code in == null}) or from the partial sums at {@code in[i0 ..]} (rows {@code WIDTH} apart), and stores the sums
     * at {@code out[o0 ..]}, rows {@code outStride} apart.
     */
    private static void forwardBlock(float[] a, int a0, int a1, int a2, int a3, float[] w, int panel, float[] in, int i0,
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
        for (int p = p0; p < p1; p++) {
            // W's index from p itself, not a second induction variable: C2 then hoists the range checks of the four
            // loads out of the loop and keeps A's base in a register (with bo += WIDTH it kept two compares per
            // iteration and reloaded A's base from an XMM register before each broadcast, one more uop on an FMA
            // port per four FMAs)
            int bo = panel + p * WIDTH;
            FloatVector b0 = FloatVector.fromArray(S, w, bo);
            FloatVector b1 = FloatVector.fromArray(S, w, bo + L);
            FloatVector b2 = FloatVector.fromArray(S, w, bo + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, w, bo + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(S, a[a1 + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(S, a[a2 + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(S, a[a3 + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
            c33 = x.fma(b3, c33);
        }
        store(c00, c01, c02, c03, out, o0);
        store(c10, c11, c12, c13, out, o0 + outStride);
        store(c20, c21, c22, c23, out, o0 + 2 * outStride);
        store(c30, c31, c32, c33, out, o0 + 3 * outStride);
    }

    private static void forwardRow(float[] a, int a0, float[] w, int panel, float[] c, int c0, int p0, int p1) {
        FloatVector c0v, c1v, c2v, c3v;
        if (p0 == 0) {
            c0v = c1v = c2v = c3v = FloatVector.zero(S);
        } else {
            c0v = FloatVector.fromArray(S, c, c0);
            c1v = FloatVector.fromArray(S, c, c0 + L);
            c2v = FloatVector.fromArray(S, c, c0 + 2 * L);
            c3v = FloatVector.fromArray(S, c, c0 + 3 * L);
        }
        for (int p = p0; p < p1; p++) {
            int bo = panel + p * WIDTH;
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c0v = x.fma(FloatVector.fromArray(S, w, bo), c0v);
            c1v = x.fma(FloatVector.fromArray(S, w, bo + L), c1v);
            c2v = x.fma(FloatVector.fromArray(S, w, bo + 2 * L), c2v);
            c3v = x.fma(FloatVector.fromArray(S, w, bo + 3 * L), c3v);
        }
        store(c0v, c1v, c2v, c3v, c, c0);
    }

    /** One input {@code p} of {@link #weightGradient} (past the last whole group), from the rows in place. */
    private static void gradientRow(float[] x, int[] rowOff, float[] dy, int col, int n, float[] g, int g0, int p,
                                    int rows) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
        for (int i = 0, dyo = col; i < rows; i++, dyo += n) {
            FloatVector v = FloatVector.broadcast(S, x[rowOff[i] + p]);
            c0 = v.fma(FloatVector.fromArray(S, dy, dyo), c0);
            c1 = v.fma(FloatVector.fromArray(S, dy, dyo + L), c1);
            c2 = v.fma(FloatVector.fromArray(S, dy, dyo + 2 * L), c2);
            c3 = v.fma(FloatVector.fromArray(S, dy, dyo + 3 * L), c3);
        }
        store(c0, c1, c2, c3, g, g0);
    }

    /**
     * Groups {@code [b0, b1)} of the batch into {@code xt} in the layout the weight gradient broadcasts from: for each
     * group of {@link #ROWS} inputs {@code p = 4 b .. 4 b + 3}, all {@code rows} rows' four values in a row,
     * {@code xt[b * rows * 4 + i * 4 + pp] = X[i][4 b + pp]} (inputs past the last whole group are not packed).
     * Workers split it by groups, so each one writes one contiguous range of {@code xt} (split by rows, both wrote
     * into every group's run, and the cache line where their halves met changed cores once per group).
     */
    static void packGroups(float[] x, int[] rowOff, float[] xt, int rows, int b0, int b1) {
        // group-major: the writes are one contiguous run per group, and each row's cache line of x is read by four
        // consecutive groups (row-major, every 16-byte write would land on a different cache line)
        for (int b = b0; b < b1; b++) {
            int dst = b * rows * ROWS, col = b * ROWS;
            for (int i = 0; i < rows; i++, dst += ROWS) {
                int src = rowOff[i] + col;
                xt[dst] = x[src];
                xt[dst + 1] = x[src + 1];
                xt[dst + 2] = x[src + 2];
                xt[dst + 3] = x[src + 3];
            }
        }
    }

    /** Whole groups of four inputs in a reduction of {@code k} (what {@link #packGroups} packs). */
    static int groups(int k) {
        return k / ROWS;
    }

    /**
     * The weight gradient {@code dW = dY^T X} in panel layout for panels {@code [q0, q1)}, all {@code k} panel rows:
     * {@code G[q][p][jj] = sum_i X[i][p] * dY[i][q * WIDTH + jj]} over {@code i in [0, rows)}, ascending. {@code X}'s
     * whole groups of four inputs come from {@code xt} ({@link #packGroups} of all groups: each block's broadcasts are
     * then one contiguous stream instead of a gather over the batch rows, 17% faster), the rest from row {@code i} at
     * {@code rowOff[i]}; {@code dY} is {@code rows x n} row-major. After each block of {@code G} is stored,
     * {@code then} (may be null) is called on its range. {@code scratch} ({@code rows * WIDTH} floats) takes dY's
     * columns of one panel as one contiguous block: read with dY's own stride (n floats, a multiple of 1 KiB here),
     * the block's {@code 4 rows} cache lines fall into a few L1 sets and evict each other.
     */
    static void weightGradient(float[] x, int[] rowOff, float[] xt, float[] dy, float[] g, int q0, int q1, int n,
                               int k, int rows, float[] scratch, RangeUpdate then) {
        for (int q = q0; q < q1; q++) {
            copyPanelColumns(dy, scratch, q, n, rows);
            gradientGroups(x, rowOff, xt, scratch, g, q, 0, groups(k), k, rows, then);
        }
    }

    /** Panel {@code q}'s columns of {@code dY} ({@code rows x n} row-major) into {@code scratch}, contiguous. */
    static void copyPanelColumns(float[] dy, float[] scratch, int q, int n, int rows) {
        int col = q * WIDTH;
        for (int i = 0; i < rows; i++) System.arraycopy(dy, i * n + col, scratch, i * WIDTH, WIDTH);
    }

    /**
     * Groups {@code [b0, b1)} of panel {@code q} of {@link #weightGradient} (one task of the step's last phase), and the
     * inputs past the last whole group when {@code b1} is the last group; {@code scratch} holds the panel's columns of
     * dY ({@link #copyPanelColumns}).
     */
    static void gradientGroups(float[] x, int[] rowOff, float[] xt, float[] scratch, float[] g, int q, int b0, int b1,
                               int k, int rows, RangeUpdate then) {
        int panel = q * k * WIDTH;
        for (int b = b0; b < b1; b++) {
            int g0 = panel + b * ROWS * WIDTH;
            gradientBlock(xt, b * rows * ROWS, scratch, g, g0, rows);
            if (then != null) then.apply(g0, g0 + ROWS * WIDTH);
        }
        if (b1 < groups(k)) return;
        for (int p = groups(k) * ROWS; p < k; p++) {
            int g0 = panel + p * WIDTH;
            gradientRow(x, rowOff, scratch, 0, WIDTH, g, g0, p, rows);
            if (then != null) then.apply(g0, g0 + WIDTH);
        }
    }

    private static void gradientBlock(float[] xt, int base, float[] dy, float[] g, int g0, int rows) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z, c30 = z, c31 = z, c32 = z, c33 = z;
        // both indices as induction variables of their own (from i, C2 kept xt's base in an XMM register and moved it
        // back before each row's broadcasts: about 5% slower alone)
        for (int xo = base, dyo = 0, end = base + rows * ROWS; xo < end; xo += ROWS, dyo += WIDTH) {
            FloatVector d0 = FloatVector.fromArray(S, dy, dyo);
            FloatVector d1 = FloatVector.fromArray(S, dy, dyo + L);
            FloatVector d2 = FloatVector.fromArray(S, dy, dyo + 2 * L);
            FloatVector d3 = FloatVector.fromArray(S, dy, dyo + 3 * L);
            FloatVector v = FloatVector.broadcast(S, xt[xo]);
            c00 = v.fma(d0, c00);
            c01 = v.fma(d1, c01);
            c02 = v.fma(d2, c02);
            c03 = v.fma(d3, c03);
            v = FloatVector.broadcast(S, xt[xo + 1]);
            c10 = v.fma(d0, c10);
            c11 = v.fma(d1, c11);
            c12 = v.fma(d2, c12);
            c13 = v.fma(d3, c13);
            v = FloatVector.broadcast(S, xt[xo + 2]);
            c20 = v.fma(d0, c20);
            c21 = v.fma(d1, c21);
            c22 = v.fma(d2, c22);
            c23 = v.fma(d3, c23);
            v = FloatVector.broadcast(S, xt[xo + 3]);
            c30 = v.fma(d0, c30);
            c31 = v.fma(d1, c31);
            c32 = v.fma(d2, c32);
            c33 = v.fma(d3, c33);
        }
        store(c00, c01, c02, c03, g, g0);
        store(c10, c11, c12, c13, g, g0 + WIDTH);
        store(c20, c21, c22, c23, g, g0 + 2 * WIDTH);
        store(c30, c31, c32, c33, g, g0 + 3 * WIDTH);
    }
}
