package anneal.backend.cpu;

import anneal.backend.ReferenceOps;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The CPU backend's fast kernels, written with the Vector API ({@link FloatVector#SPECIES_PREFERRED}: 8 lanes
 * on AVX2, 16 on AVX-512). Each one has a plain counterpart in {@link ReferenceOps} that its tests compare
 * against. Row-major everywhere; every kernel works on a range of output rows so that a caller can split
 * rows between threads.
 *
 * <p>Register blocking: the matrix multiplies keep a block of the output (up to 12 vectors) in registers for
 * the whole reduction. Every output element is computed by the same sequence of floating-point operations
 * whichever block path (full block or edge) produces it, so results do not depend on how rows are split
 * between threads.
 */
final class VectorKernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    private VectorKernels() {
    }

    /**
     * {@code C[i][j] = act(sum_p A[i][p] * B[j][p] + bias[j])} for {@code m} rows of A starting at float offset
     * {@code aOff}, all {@code n} rows of B ({@code n x k}), written to C at {@code cOff} (row stride n).
     * The Linear forward {@code X W^T + b} with an optional ReLU ({@code bias} may be null).
     *
     * <p>Per element: a vector of partial dot products over the first {@code loopBound(k)} entries (lane-wise
     * fused multiply-add), reduced across lanes, then the remaining entries added one by one.
     */
    static void gemmNT(float[] a, int aOff, float[] b, float[] c, int cOff, int m, int n, int k, float[] bias,
                       boolean relu) {
        // Cache blocking: a panel of B's rows stays in L2 while every row of A passes over it.
        int panel = Math.max(4, (NT_PANEL_FLOATS / Math.max(1, k)) & ~3);
        for (int j0 = 0; j0 < n; j0 += panel)
            gemmNTPanel(a, aOff, b, c, cOff, m, n, k, bias, relu, j0, Math.min(n, j0 + panel));
    }

    /** Floats of B per panel of {@link #gemmNT} (128 KiB: half of a small L2). */
    private static final int NT_PANEL_FLOATS = 32 * 1024;

    private static void gemmNTPanel(float[] a, int aOff, float[] b, float[] c, int cOff, int m, int n, int k,
                                    float[] bias, boolean relu, int jStart, int jEnd) {
        int kv = S.loopBound(k);
        int i = 0;
        for (; i + 3 <= m; i += 3) {
            int a0 = aOff + i * k, a1 = a0 + k, a2 = a1 + k;
            int j = jStart;
            for (; j + 4 <= jEnd; j += 4) {
                int b0 = j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
                FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
                FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
                FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
                for (int p = 0; p < kv; p += L) {
                    FloatVector w0 = FloatVector.fromArray(S, b, b0 + p);
                    FloatVector w1 = FloatVector.fromArray(S, b, b1 + p);
                    FloatVector w2 = FloatVector.fromArray(S, b, b2 + p);
                    FloatVector w3 = FloatVector.fromArray(S, b, b3 + p);
                    FloatVector x = FloatVector.fromArray(S, a, a0 + p);
                    c00 = x.fma(w0, c00);
                    c01 = x.fma(w1, c01);
                    c02 = x.fma(w2, c02);
                    c03 = x.fma(w3, c03);
                    x = FloatVector.fromArray(S, a, a1 + p);
                    c10 = x.fma(w0, c10);
                    c11 = x.fma(w1, c11);
                    c12 = x.fma(w2, c12);
                    c13 = x.fma(w3, c13);
                    x = FloatVector.fromArray(S, a, a2 + p);
                    c20 = x.fma(w0, c20);
                    c21 = x.fma(w1, c21);
                    c22 = x.fma(w2, c22);
                    c23 = x.fma(w3, c23);
                }
                int r0 = cOff + i * n + j, r1 = r0 + n, r2 = r1 + n;
                c[r0] = finish(c00.reduceLanes(VectorOperators.ADD), a, a0, b, b0, kv, k, bias, j, relu);
                c[r0 + 1] = finish(c01.reduceLanes(VectorOperators.ADD), a, a0, b, b1, kv, k, bias, j + 1, relu);
                c[r0 + 2] = finish(c02.reduceLanes(VectorOperators.ADD), a, a0, b, b2, kv, k, bias, j + 2, relu);
                c[r0 + 3] = finish(c03.reduceLanes(VectorOperators.ADD), a, a0, b, b3, kv, k, bias, j + 3, relu);
                c[r1] = finish(c10.reduceLanes(VectorOperators.ADD), a, a1, b, b0, kv, k, bias, j, relu);
                c[r1 + 1] = finish(c11.reduceLanes(VectorOperators.ADD), a, a1, b, b1, kv, k, bias, j + 1, relu);
                c[r1 + 2] = finish(c12.reduceLanes(VectorOperators.ADD), a, a1, b, b2, kv, k, bias, j + 2, relu);
                c[r1 + 3] = finish(c13.reduceLanes(VectorOperators.ADD), a, a1, b, b3, kv, k, bias, j + 3, relu);
                c[r2] = finish(c20.reduceLanes(VectorOperators.ADD), a, a2, b, b0, kv, k, bias, j, relu);
                c[r2 + 1] = finish(c21.reduceLanes(VectorOperators.ADD), a, a2, b, b1, kv, k, bias, j + 1, relu);
                c[r2 + 2] = finish(c22.reduceLanes(VectorOperators.ADD), a, a2, b, b2, kv, k, bias, j + 2, relu);
                c[r2 + 3] = finish(c23.reduceLanes(VectorOperators.ADD), a, a2, b, b3, kv, k, bias, j + 3, relu);
            }
            for (; j < jEnd; j++) {
                // three rows' chains side by side (each the same arithmetic as dot(), which runs one chain at a time)
                int b0 = j * k;
                FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0;
                for (int p = 0; p < kv; p += L) {
                    FloatVector w0 = FloatVector.fromArray(S, b, b0 + p);
                    s0 = FloatVector.fromArray(S, a, a0 + p).fma(w0, s0);
                    s1 = FloatVector.fromArray(S, a, a1 + p).fma(w0, s1);
                    s2 = FloatVector.fromArray(S, a, a2 + p).fma(w0, s2);
                }
                c[cOff + i * n + j] = finish(s0.reduceLanes(VectorOperators.ADD), a, a0, b, b0, kv, k, bias, j, relu);
                c[cOff + (i + 1) * n + j] = finish(s1.reduceLanes(VectorOperators.ADD), a, a1, b, b0, kv, k, bias, j, relu);
                c[cOff + (i + 2) * n + j] = finish(s2.reduceLanes(VectorOperators.ADD), a, a2, b, b0, kv, k, bias, j, relu);
            }
        }
        for (; i < m; i++) {
            int a0 = aOff + i * k;
            for (int j = jStart; j < jEnd; j++) c[cOff + i * n + j] = dot(a, a0, b, j * k, kv, k, bias, j, relu);
        }
    }

    private static float dot(float[] a, int ao, float[] b, int bo, int kv, int k, float[] bias, int j, boolean relu) {
        FloatVector acc = FloatVector.zero(S);
        for (int p = 0; p < kv; p += L)
            acc = FloatVector.fromArray(S, a, ao + p).fma(FloatVector.fromArray(S, b, bo + p), acc);
        return finish(acc.reduceLanes(VectorOperators.ADD), a, ao, b, bo, kv, k, bias, j, relu);
    }

    /** The lane sum {@code s} of a dot product's vector part, plus its scalar tail, bias and ReLU (takes the sum, not
     * the vector: a vector argument of a method C2 does not inline is boxed, an allocation per call). */
    private static float finish(float s, float[] a, int ao, float[] b, int bo, int kv, int k, float[] bias,
                                int j, boolean relu) {
        for (int p = kv; p < k; p++) s = Math.fma(a[ao + p], b[bo + p], s);
        if (bias != null) s += bias[j];
        return relu && s < 0 ? 0f : s;
    }

    /**
     * {@code C[i][j] = sum_p A[p][i] * B[p][j]} for output rows {@code i in [i0, i1)}, all {@code n} columns:
     * A is {@code k x lda}, B is {@code k x n}, C is {@code ? x n}. The weight gradient {@code dY^T X}.
     * Per element: one fused multiply-add per p, p ascending, from 0.
     */
    static void gemmTN(float[] a, int lda, float[] b, float[] c, int i0, int i1, int n, int k) {
        gemmTN(a, lda, b, c, i0, i1, n, k, 0, n);
    }

    /**
     * {@link #gemmTN} for columns {@code [j0, j1)} only ({@code j0} a multiple of the vector length): how the step
     * splits a small layer's weight gradient between workers when it has fewer output rows than a block has (the
     * classifier's ten).
     */
    static void gemmTN(float[] a, int lda, float[] b, float[] c, int i0, int i1, int n, int k, int j0, int j1) {
        // Cache blocking: a panel of B's columns (all k rows) stays in L1/L2 while every output row passes over it.
        int nv = Math.min(j1, S.loopBound(n));
        int panel = TN_PANEL_VECTORS * L;
        for (int j = j0; j < nv; j += panel) gemmTNPanel(a, lda, b, c, i0, i1, n, k, j, Math.min(nv, j + panel));
        if (nv < j1) for (int i = i0; i < i1; i++) tnScalarColumns(a, lda, b, c, i, Math.max(j0, nv), j1, n, k);
    }

    /** Vectors of B's columns per panel of {@link #gemmTN} (a multiple of the 3-vector block). */
    private static final int TN_PANEL_VECTORS = 12;

    private static void gemmTNPanel(float[] a, int lda, float[] b, float[] c, int i0, int i1, int n, int k, int jStart,
                                    int nv) {
        int i = i0;
        for (; i + 4 <= i1; i += 4) {
            int j = jStart;
            for (; j + 3 * L <= nv; j += 3 * L) {
                FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00;
                FloatVector c10 = c00, c11 = c00, c12 = c00;
                FloatVector c20 = c00, c21 = c00, c22 = c00;
                FloatVector c30 = c00, c31 = c00, c32 = c00;
                for (int p = 0; p < k; p++) {
                    int bo = p * n + j, ao = p * lda + i;
                    FloatVector x0 = FloatVector.fromArray(S, b, bo);
                    FloatVector x1 = FloatVector.fromArray(S, b, bo + L);
                    FloatVector x2 = FloatVector.fromArray(S, b, bo + 2 * L);
                    FloatVector d = FloatVector.broadcast(S, a[ao]);
                    c00 = d.fma(x0, c00);
                    c01 = d.fma(x1, c01);
                    c02 = d.fma(x2, c02);
                    d = FloatVector.broadcast(S, a[ao + 1]);
                    c10 = d.fma(x0, c10);
                    c11 = d.fma(x1, c11);
                    c12 = d.fma(x2, c12);
                    d = FloatVector.broadcast(S, a[ao + 2]);
                    c20 = d.fma(x0, c20);
                    c21 = d.fma(x1, c21);
                    c22 = d.fma(x2, c22);
                    d = FloatVector.broadcast(S, a[ao + 3]);
                    c30 = d.fma(x0, c30);
                    c31 = d.fma(x1, c31);
                    c32 = d.fma(x2, c32);
                }
                int r = i * n + j;
                c00.intoArray(c, r);
                c01.intoArray(c, r + L);
                c02.intoArray(c, r + 2 * L);
                r += n;
                c10.intoArray(c, r);
                c11.intoArray(c, r + L);
                c12.intoArray(c, r + 2 * L);
                r += n;
                c20.intoArray(c, r);
                c21.intoArray(c, r + L);
                c22.intoArray(c, r + 2 * L);
                r += n;
                c30.intoArray(c, r);
                c31.intoArray(c, r + L);
                c32.intoArray(c, r + 2 * L);
            }
            for (; j < nv; j += L) {
                FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
                for (int p = 0; p < k; p++) {
                    int ao = p * lda + i;
                    FloatVector x = FloatVector.fromArray(S, b, p * n + j);
                    c0 = FloatVector.broadcast(S, a[ao]).fma(x, c0);
                    c1 = FloatVector.broadcast(S, a[ao + 1]).fma(x, c1);
                    c2 = FloatVector.broadcast(S, a[ao + 2]).fma(x, c2);
                    c3 = FloatVector.broadcast(S, a[ao + 3]).fma(x, c3);
                }
                c0.intoArray(c, i * n + j);
                c1.intoArray(c, (i + 1) * n + j);
                c2.intoArray(c, (i + 2) * n + j);
                c3.intoArray(c, (i + 3) * n + j);
            }
        }
        for (; i < i1; i++) {
            int j = jStart;
            for (; j + 4 * L <= nv; j += 4 * L) {
                // four chains at a time (one alone waits on the latency of each fused multiply-add)
                FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
                for (int p = 0; p < k; p++) {
                    FloatVector d = FloatVector.broadcast(S, a[p * lda + i]);
                    int bo = p * n + j;
                    c0 = d.fma(FloatVector.fromArray(S, b, bo), c0);
                    c1 = d.fma(FloatVector.fromArray(S, b, bo + L), c1);
                    c2 = d.fma(FloatVector.fromArray(S, b, bo + 2 * L), c2);
                    c3 = d.fma(FloatVector.fromArray(S, b, bo + 3 * L), c3);
                }
                c0.intoArray(c, i * n + j);
                c1.intoArray(c, i * n + j + L);
                c2.intoArray(c, i * n + j + 2 * L);
                c3.intoArray(c, i * n + j + 3 * L);
            }
            for (; j < nv; j += L) {
                FloatVector c0 = FloatVector.zero(S);
                for (int p = 0; p < k; p++)
                    c0 = FloatVector.broadcast(S, a[p * lda + i]).fma(FloatVector.fromArray(S, b, p * n + j), c0);
                c0.intoArray(c, i * n + j);
            }
        }
    }

    private static void tnScalarColumns(float[] a, int lda, float[] b, float[] c, int i, int j0, int j1, int n, int k) {
        for (int j = j0; j < j1; j++) {
            float s = 0f;
            for (int p = 0; p < k; p++) s = Math.fma(a[p * lda + i], b[p * n + j], s);
            c[i * n + j] = s;
        }
    }

    /**
     * {@code C[i][j] = sum_p A[i][p] * B[p][j]} for {@code m} rows (A at {@code aOff}, stride k; C at
     * {@code cOff}, stride n; B is {@code k x n}), then, when {@code mask} is given, {@code C[i][j] = 0} where
     * {@code mask[i][j] <= 0} (ReLU backward against the layer's output, stored like C). The input gradient
     * {@code dY W}. Per element: one fused multiply-add per p, p ascending, from 0.
     */
    static void gemmNN(float[] a, int aOff, float[] b, float[] c, int cOff, int m, int n, int k, float[] mask) {
        int nv = S.loopBound(n);
        for (int i = 0; i < m; i++) {
            int ar = aOff + i * k, cr = cOff + i * n;
            int j = 0;
            for (; j + 4 * L <= nv; j += 4 * L) {
                FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
                for (int p = 0; p < k; p++) {
                    FloatVector d = FloatVector.broadcast(S, a[ar + p]);
                    int bo = p * n + j;
                    c0 = d.fma(FloatVector.fromArray(S, b, bo), c0);
                    c1 = d.fma(FloatVector.fromArray(S, b, bo + L), c1);
                    c2 = d.fma(FloatVector.fromArray(S, b, bo + 2 * L), c2);
                    c3 = d.fma(FloatVector.fromArray(S, b, bo + 3 * L), c3);
                }
                store(c0, c, cr + j, mask);
                store(c1, c, cr + j + L, mask);
                store(c2, c, cr + j + 2 * L, mask);
                store(c3, c, cr + j + 3 * L, mask);
            }
            for (; j < nv; j += L) {
                FloatVector c0 = FloatVector.zero(S);
                for (int p = 0; p < k; p++)
                    c0 = FloatVector.broadcast(S, a[ar + p]).fma(FloatVector.fromArray(S, b, p * n + j), c0);
                store(c0, c, cr + j, mask);
            }
            for (; j < n; j++) {
                float s = 0f;
                for (int p = 0; p < k; p++) s = Math.fma(a[ar + p], b[p * n + j], s);
                c[cr + j] = mask != null && !(mask[cr + j] > 0) ? 0f : s;
            }
        }
    }

    private static void store(FloatVector v, float[] c, int at, float[] mask) {
        if (mask != null) v = v.blend(0f, FloatVector.fromArray(S, mask, at).compare(VectorOperators.GT, 0f).not());
        v.intoArray(c, at);
    }

    /**
     * {@code db[i] = sum_p dy[p][i]} for {@code i in [i0, i1)}, {@code dy} is {@code rows x cols}; float sums, p
     * ascending from zero (vectorised across columns, so each column is still one sequential chain of adds).
     */
    static void biasGrad(float[] dy, float[] db, int rows, int cols, int i0, int i1) {
        int i = i0;
        for (; i + L <= i1; i += L) {
            FloatVector s = FloatVector.zero(S);
            for (int p = 0, o = i; p < rows; p++, o += cols) s = s.add(FloatVector.fromArray(S, dy, o));
            s.intoArray(db, i);
        }
        for (; i < i1; i++) {
            float s = 0f;
            for (int p = 0; p < rows; p++) s += dy[p * cols + i];
            db[i] = s;
        }
    }

    /**
     * Fused softmax + cross-entropy + gradient for rows {@code [r0, r1)} of {@code logits} ({@code ? x cols}):
     * {@code rowLoss[r] = logsumexp(z) - z[y]} (in double, max-shifted) and, when {@code dlogits} is not null,
     * {@code dlogits[r][j] = (softmax(z)_j - [j == y]) / batch}. Labels are {@code labels[labelOff + r]}.
     * {@code exps} (at least {@code cols} entries; may be null without {@code dlogits}) keeps each row's
     * {@code exp(z - max)} between the sum and the gradient, so every exponential is computed once.
     *
     * @return how many rows of the range have their largest logit at the label (first maximum wins)
     */
    static int softmaxCrossEntropy(float[] logits, byte[] labels, int labelOff, float[] dlogits, double[] rowLoss,
                                   int lossOff, int r0, int r1, int cols, int batch, double[] exps) {
        int correct = 0;
        double invBatch = 1.0 / batch;
        for (int r = r0; r < r1; r++) {
            int o = r * cols;
            int y = labels[labelOff + r];
            float max = logits[o];
            int arg = 0;
            for (int j = 1; j < cols; j++)
                if (logits[o + j] > max) {
                    max = logits[o + j];
                    arg = j;
                }
            if (arg == y) correct++;
            double sum = 0;
            if (dlogits == null) {
                for (int j = 0; j < cols; j++) sum += Math.exp(logits[o + j] - (double) max);
            } else {
                for (int j = 0; j < cols; j++) {
                    double e = Math.exp(logits[o + j] - (double) max);
                    exps[j] = e;
                    sum += e;
                }
            }
            rowLoss[lossOff + r] = Math.log(sum) + max - logits[o + y];
            if (dlogits != null) {
                double inv = 1.0 / sum;
                for (int j = 0; j < cols; j++) {
                    double p = exps[j] * inv;
                    dlogits[o + j] = (float) ((p - (j == y ? 1 : 0)) * invBatch);
                }
            }
        }
        return correct;
    }

    /**
     * {@code torch.optim.SGD}'s update of elements {@code [from, to)} of one tensor, in place, with the same
     * float operations in the same order as {@link ReferenceOps#sgdUpdate} (no fused multiply-add), so the
     * two agree bit for bit:
     * {@code g = grad + wd p; buf = first ? g : mu buf + (1 - dampening) g; d = nesterov ? g + mu buf : buf;
     * p -= lr d} (no buffer when {@code momentum == 0}).
     */
    static void sgdUpdate(float[] p, float[] grad, float[] buf, int from, int to, double lr, double momentum,
                          double dampening, boolean nesterov, double weightDecay, boolean firstStep) {
        float wd = (float) weightDecay, mu = (float) momentum, damp = (float) (1 - dampening), eta = (float) lr;
        boolean decay = weightDecay != 0, mom = momentum != 0;
        int i = from;
        for (int end = from + S.loopBound(to - from); i < end; i += L) {
            FloatVector g = FloatVector.fromArray(S, grad, i);
            FloatVector w = FloatVector.fromArray(S, p, i);
            if (decay) g = g.add(w.mul(wd));
            if (mom) {
                FloatVector b = firstStep ? g : FloatVector.fromArray(S, buf, i).mul(mu).add(g.mul(damp));
                b.intoArray(buf, i);
                g = nesterov ? g.add(b.mul(mu)) : b;
            }
            w.sub(g.mul(eta)).intoArray(p, i);
        }
        for (; i < to; i++) {
            float g = grad[i];
            if (decay) g = g + wd * p[i];
            if (mom) {
                float b = firstStep ? g : mu * buf[i] + damp * g;
                buf[i] = b;
                g = nesterov ? g + mu * b : b;
            }
            p[i] = p[i] - eta * g;
        }
    }
}
