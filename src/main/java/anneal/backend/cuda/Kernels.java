package anneal.backend.cuda;

import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;

/**
 * The kernels of the module ({@code kernels/anneal_kernels.cu}) and, for each, a factory for a reusable
 * {@link KernelLaunch} with the grid the kernel expects. The block sizes and tiles are read from the kernel
 * sources themselves ({@link KernelConstants}), so the host's grid arithmetic cannot drift from them.
 * A {@code null} device pointer passes NULL (no bias, no ReLU mask, no gradient, no step counters).
 * Argument lists follow the kernels' C signatures in order; {@link KernelLaunch} packs them once.
 */
final class Kernels {
    static final int BLOCK = KernelConstants.get("ANNEAL_BLOCK");            // kernels/common.cuh
    static final int TILE = KernelConstants.get("TILE");                     // kernels/matmul.cu
    static final int TILE_THREADS = KernelConstants.get("TILE_THREADS");     // kernels/matmul.cu
    static final int ROWS_PER_BLOCK = KernelConstants.get("ROWS_PER_BLOCK"); // kernels/softmax_xent.cu
    static final int BIAS_COLS = KernelConstants.get("BIAS_COLS");           // kernels/bias_grad.cu
    private final CudaDevice device;
    private final CUfunction gather, forward, backwardInput, backwardWeight, softmaxXent, biasGrad, sgd, sgdScalars;

    Kernels(CudaDevice d) {
        device = d;
        gather = d.function("gather_batch");
        forward = d.function("matmul_forward");
        backwardInput = d.function("matmul_backward_input");
        backwardWeight = d.function("matmul_backward_weight");
        softmaxXent = d.function("softmax_xent");
        biasGrad = d.function("bias_grad");
        sgd = d.function("sgd_update");
        sgdScalars = d.function("sgd_update_scalars");
    }

    /** Index of gather_batch's {@code offset} argument (rewritten every step). */
    static final int GATHER_OFFSET_ARG = 3;
    /** Index of the SgdStep argument of sgd_update (by value) and sgd_update_scalars (a device pointer). */
    static final int SGD_STEP_ARG = 5;

    private static int tiles(int n) {
        return KernelLaunch.blocks(n, TILE);
    }

    /** A launch's grid (x, y) and threads per block: the one place the host computes them. */
    record Grid(int x, int y, int block) {
    }

    static Grid gatherGrid(int rows, int features) {
        return new Grid(KernelLaunch.blocks((long) rows * features, BLOCK), 1, BLOCK);
    }

    /** The three SGEMMs: an output of m x n in TILE x TILE tiles. */
    static Grid matmulGrid(int m, int n) {
        return new Grid(tiles(n), tiles(m), TILE_THREADS);
    }

    static Grid softmaxGrid(int rows) {
        return new Grid(KernelLaunch.blocks(rows, ROWS_PER_BLOCK), 1, BLOCK);
    }

    static Grid biasGrid(int cols) {
        return new Grid(KernelLaunch.blocks(cols, BIAS_COLS), 1, BLOCK);
    }

    static Grid sgdGrid(int total) {
        return new Grid(KernelLaunch.blocks(total, BLOCK), 1, BLOCK);
    }

    /** The grid of a {@link KernelCase}'s launch, for the emulation harness (which takes it from the case file). */
    static Grid gridOf(KernelCase c) {
        return switch (c.op()) {
            case "gather_batch" -> gatherGrid(c.i("rows"), c.i("features"));
            case "matmul_forward", "matmul_backward_input", "matmul_backward_weight" -> matmulGrid(c.i("m"), c.i("n"));
            case "softmax_xent" -> softmaxGrid(c.i("rows"));
            case "bias_grad" -> biasGrid(c.i("cols"));
            case "sgd_update" -> sgdGrid(c.f("params").length);
            default -> throw new IllegalArgumentException("no grid for kernel case op " + c.op());
        };
    }

    private KernelLaunch.Builder launch(String kernel, CUfunction f, Grid g) {
        return new KernelLaunch.Builder(kernel, f, g.x(), g.y(), g.block());
    }

    /** Rows perm[offset ..] of X and labels into xb, yb; zeroes stepStats. {@link #GATHER_OFFSET_ARG} is rewritten per step. */
    KernelLaunch gather(CUdeviceptr x, CUdeviceptr labels, CUdeviceptr perm, int offset, int rows, int features,
                        CUdeviceptr xb, CUdeviceptr yb, CUdeviceptr stepStats) {
        return launch("gather_batch", gather, gatherGrid(rows, features))
                .ptr(x).ptr(labels).ptr(perm).i32(offset).i32(rows).i32(features).ptr(xb).ptr(yb).ptr(stepStats).build(device);
    }

    /** Y[m x n] = X[m x k] W[n x k]^T + bias, then ReLU when {@code relu}. */
    KernelLaunch forward(CUdeviceptr x, CUdeviceptr w, CUdeviceptr bias, CUdeviceptr y, int m, int n, int k, boolean relu) {
        return launch("matmul_forward", forward, matmulGrid(m, n))
                .ptr(x).ptr(w).ptr(bias).ptr(y).i32(m).i32(n).i32(k).i32(relu ? 1 : 0).build(device);
    }

    /** dX[m x n] = dY[m x k] W[k x n], zeroed where h <= 0 when h is not null. */
    KernelLaunch backwardInput(CUdeviceptr dy, CUdeviceptr w, CUdeviceptr h, CUdeviceptr dx, int m, int n, int k) {
        return launch("matmul_backward_input", backwardInput, matmulGrid(m, n))
                .ptr(dy).ptr(w).ptr(h).ptr(dx).i32(m).i32(n).i32(k).build(device);
    }

    /** dW[m x n] = dY[k x m]^T X[k x n]. */
    KernelLaunch backwardWeight(CUdeviceptr dy, CUdeviceptr x, CUdeviceptr dw, int m, int n, int k) {
        return launch("matmul_backward_weight", backwardWeight, matmulGrid(m, n))
                .ptr(dy).ptr(x).ptr(dw).i32(m).i32(n).i32(k).build(device);
    }

    /** Softmax cross-entropy of rows x cols logits; gradient (divided by rows) when dlogits is not null. */
    KernelLaunch softmaxXent(CUdeviceptr logits, CUdeviceptr labels, CUdeviceptr dlogits, int rows, int cols,
                             double lossWeight, CUdeviceptr stats, CUdeviceptr stepStats) {
        return launch("softmax_xent", softmaxXent, softmaxGrid(rows))
                .ptr(logits).ptr(labels).ptr(dlogits).i32(rows).i32(cols).i32(rows).f64(lossWeight).ptr(stats).ptr(stepStats)
                .build(device);
    }

    /** db[j] = sum_i dY[i][j]. */
    KernelLaunch biasGrad(CUdeviceptr dy, CUdeviceptr db, int rows, int cols) {
        return launch("bias_grad", biasGrad, biasGrid(cols)).ptr(dy).ptr(db).i32(rows).i32(cols)
                .build(device);
    }

    /**
     * The fused SGD update of all {@code total} parameter floats; the step struct is passed by value
     * ({@code stepWords}, rewritten per step with {@link KernelLaunch#setWords}), or, when {@code stepScalars}
     * is not null, read from that device memory (a slot the host fills before each step; the slot's address
     * may be rewritten with {@link KernelLaunch#setPointer}).
     */
    KernelLaunch sgd(CUdeviceptr params, CUdeviceptr grads, CUdeviceptr bufs, int total, int[] layoutWords,
                     int[] stepWords, CUdeviceptr stepScalars) {
        boolean scalars = stepScalars != null;
        KernelLaunch.Builder b = launch(scalars ? "sgd_update_scalars" : "sgd_update", scalars ? sgdScalars : sgd,
                sgdGrid(total)).ptr(params).ptr(grads).ptr(bufs).i32(total).words(layoutWords);
        return (scalars ? b.ptr(stepScalars) : b.words(stepWords)).build(device);
    }
}
