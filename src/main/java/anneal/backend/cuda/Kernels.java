package anneal.backend.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;

/**
 * The kernels of the module ({@code kernels/anneal_kernels.cu}) and, for each, a factory for a reusable
 * {@link KernelLaunch} with the grid the kernel expects. The constants mirror the kernel sources.
 * A {@code null} device pointer passes NULL (no bias, no ReLU mask, no gradient, no step counters).
 */
final class Kernels {
    static final int BLOCK = 256;          // ANNEAL_BLOCK, kernels/common.cuh
    static final int TILE = 32;            // TILE, kernels/matmul.cu
    static final int TILE_THREADS = 256;   // TILE_THREADS, kernels/matmul.cu
    static final int ROWS_PER_BLOCK = 8;   // ROWS_PER_BLOCK, kernels/softmax_xent.cu
    static final int BIAS_COLS = 32;       // BIAS_COLS, kernels/bias_grad.cu
    private static final CUdeviceptr NULL = new CUdeviceptr();

    private final CUfunction gather, forward, backwardInput, backwardWeight, softmaxXent, biasGrad, sgd, sgdScalars;

    Kernels(CudaDevice d) {
        gather = d.function("gather_batch");
        forward = d.function("matmul_forward");
        backwardInput = d.function("matmul_backward_input");
        backwardWeight = d.function("matmul_backward_weight");
        softmaxXent = d.function("softmax_xent");
        biasGrad = d.function("bias_grad");
        sgd = d.function("sgd_update");
        sgdScalars = d.function("sgd_update_scalars");
    }

    private static Pointer ptr(CUdeviceptr p) {
        return Pointer.to(p == null ? NULL : p);
    }

    private static Pointer val(int v) {
        return Pointer.to(new int[] {v});
    }

    private static int tiles(int n) {
        return KernelLaunch.blocks(n, TILE);
    }

    /** Rows perm[offsetSlot[0] ..] of X and labels into xb, yb; zeroes stepStats. The offset is read at each launch. */
    KernelLaunch gather(CUdeviceptr x, CUdeviceptr labels, CUdeviceptr perm, int[] offsetSlot, int rows, int features,
                        CUdeviceptr xb, CUdeviceptr yb, CUdeviceptr stepStats) {
        return new KernelLaunch("gather_batch", gather, KernelLaunch.blocks((long) rows * features, BLOCK), 1, BLOCK,
                ptr(x), ptr(labels), ptr(perm), Pointer.to(offsetSlot), val(rows), val(features), ptr(xb), ptr(yb), ptr(stepStats));
    }

    /** Y[m x n] = X[m x k] W[n x k]^T + bias, then ReLU when {@code relu}. */
    KernelLaunch forward(CUdeviceptr x, CUdeviceptr w, CUdeviceptr bias, CUdeviceptr y, int m, int n, int k, boolean relu) {
        return new KernelLaunch("matmul_forward", forward, tiles(n), tiles(m), TILE_THREADS,
                ptr(x), ptr(w), ptr(bias), ptr(y), val(m), val(n), val(k), val(relu ? 1 : 0));
    }

    /** dX[m x n] = dY[m x k] W[k x n], zeroed where h <= 0 when h is not null. */
    KernelLaunch backwardInput(CUdeviceptr dy, CUdeviceptr w, CUdeviceptr h, CUdeviceptr dx, int m, int n, int k) {
        return new KernelLaunch("matmul_backward_input", backwardInput, tiles(n), tiles(m), TILE_THREADS,
                ptr(dy), ptr(w), ptr(h), ptr(dx), val(m), val(n), val(k));
    }

    /** dW[m x n] = dY[k x m]^T X[k x n]. */
    KernelLaunch backwardWeight(CUdeviceptr dy, CUdeviceptr x, CUdeviceptr dw, int m, int n, int k) {
        return new KernelLaunch("matmul_backward_weight", backwardWeight, tiles(n), tiles(m), TILE_THREADS,
                ptr(dy), ptr(x), ptr(dw), val(m), val(n), val(k));
    }

    /** Softmax cross-entropy of rows x cols logits; gradient (divided by rows) when dlogits is not null. */
    KernelLaunch softmaxXent(CUdeviceptr logits, CUdeviceptr labels, CUdeviceptr dlogits, int rows, int cols,
                             double lossWeight, CUdeviceptr stats, CUdeviceptr stepStats) {
        return new KernelLaunch("softmax_xent", softmaxXent, KernelLaunch.blocks(rows, ROWS_PER_BLOCK), 1, BLOCK,
                ptr(logits), ptr(labels), ptr(dlogits), val(rows), val(cols), val(rows), Pointer.to(new double[] {lossWeight}),
                ptr(stats), ptr(stepStats));
    }

    /** db[j] = sum_i dY[i][j]. */
    KernelLaunch biasGrad(CUdeviceptr dy, CUdeviceptr db, int rows, int cols) {
        return new KernelLaunch("bias_grad", biasGrad, KernelLaunch.blocks(cols, BIAS_COLS), 1, BLOCK,
                ptr(dy), ptr(db), val(rows), val(cols));
    }

    /**
     * The fused SGD update of all {@code total} parameter floats; the step struct is the live
     * {@code stepWords} array (kernel argument), or, when {@code stepScalars} is not null, device memory
     * the host writes before each step.
     */
    KernelLaunch sgd(CUdeviceptr params, CUdeviceptr grads, CUdeviceptr bufs, int total, int[] layoutWords,
                     int[] stepWords, CUdeviceptr stepScalars) {
        boolean scalars = stepScalars != null;
        return new KernelLaunch(scalars ? "sgd_update_scalars" : "sgd_update", scalars ? sgdScalars : sgd,
                KernelLaunch.blocks(total, BLOCK), 1, BLOCK, ptr(params), ptr(grads), ptr(bufs), val(total),
                Pointer.to(layoutWords), scalars ? ptr(stepScalars) : Pointer.to(stepWords));
    }
}
