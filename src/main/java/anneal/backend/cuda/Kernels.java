package anneal.backend.cuda;

import jcuda.Sizeof;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.JCudaDriver;

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
    static final int RT_BM = KernelConstants.get("RT_BM");                   // kernels/linear.cu
    static final int RT_BN = KernelConstants.get("RT_BN");
    static final int RT_BK = KernelConstants.get("RT_BK");
    static final int RT_THREADS = KernelConstants.get("RT_THREADS");
    static final int RT_SPLIT_TARGET = KernelConstants.get("RT_SPLIT_TARGET");
    static final int RT_SPLIT_MIN_K = KernelConstants.get("RT_SPLIT_MIN_K");
    static final int RT_PARTIAL = KernelConstants.get("RT_PARTIAL");
    static final int XENT_MAX_CLASSES = KernelConstants.get("XENT_MAX_CLASSES");       // kernels/linear_xent.cu
    static final int XENT_ROWS_PER_BLOCK = KernelConstants.get("XENT_ROWS_PER_BLOCK");
    /**
     * Floats of the split-K workspace: a split launch has fewer than RT_SPLIT_TARGET tiles and
     * ceil(RT_SPLIT_TARGET / tiles) chunks at most, so tiles x chunks < 2 RT_SPLIT_TARGET partials.
     */
    static final long WORKSPACE_FLOATS = 2L * RT_SPLIT_TARGET * RT_PARTIAL;
    private final CudaDevice device;
    private final CUfunction gather, forward, backwardInput, backwardWeight, softmaxXent, biasGrad, sgd, sgdScalars;
    private final CUfunction linearForward, linearBackwardInput, linearBackwardWeight, linearSoftmaxXent;
    private final Workspace workspace;

    /**
     * The split-K scratch of the register-tiled SGEMM (kernels/linear.cu): partial tiles and one counter per tile
     * (zeroed here; each split launch leaves them zero). Launches on one stream share it: they never overlap.
     */
    static final class Workspace implements AutoCloseable {
        private final CudaDevice device;
        final CUdeviceptr partials, counters;

        /** Given buffers (symbolic ones, for a launch description); {@link #close} frees nothing. */
        Workspace(CUdeviceptr partials, CUdeviceptr counters) {
            this.device = null;
            this.partials = partials;
            this.counters = counters;
        }

        Workspace(CudaDevice device) {
            this.device = device;
            partials = device.alloc("split-K workspace", WORKSPACE_FLOATS * Sizeof.FLOAT);
            CUdeviceptr c;
            try {
                c = device.alloc("split-K tile counters", (long) RT_SPLIT_TARGET * Sizeof.INT);
                JCudaDriver.cuMemsetD32(c, 0, RT_SPLIT_TARGET);
            } catch (RuntimeException e) {
                device.free(partials);
                throw e;
            }
            counters = c;
        }

        @Override
        public void close() {
            if (device == null) return;
            try {
                device.free(partials);
            } finally {
                device.free(counters);
            }
        }
    }

    /**
     * The kernels of {@code d}'s module; the variant-2 SGEMMs split k through {@code workspace}. With {@code d} null,
     * the factories build launch descriptions only ({@link KernelLaunch.Builder#build}), for the emulation harness.
     */
    Kernels(CudaDevice d, Workspace workspace) {
        device = d;
        this.workspace = workspace;
        linearForward = function(d, "linear_forward");
        linearBackwardInput = function(d, "linear_backward_input");
        linearBackwardWeight = function(d, "linear_backward_weight");
        linearSoftmaxXent = function(d, "linear_softmax_xent");
        gather = function(d, "gather_batch");
        forward = function(d, "matmul_forward");
        backwardInput = function(d, "matmul_backward_input");
        backwardWeight = function(d, "matmul_backward_weight");
        softmaxXent = function(d, "softmax_xent");
        biasGrad = function(d, "bias_grad");
        sgd = function(d, "sgd_update");
        sgdScalars = function(d, "sgd_update_scalars");
    }

    private static CUfunction function(CudaDevice d, String name) {
        return d == null ? null : d.function(name);
    }

    /** Index of gather_batch's {@code offset} argument (rewritten every step). */
    static final int GATHER_OFFSET_ARG = 3;
    /** Index of the SgdStep argument of sgd_update (by value) and sgd_update_scalars (a device pointer). */
    static final int SGD_STEP_ARG = 5;

    private static int tiles(int n) {
        return KernelLaunch.blocks(n, TILE);
    }

    /** A launch's grid (x, y, z) and threads per block: the one place the host computes them. */
    record Grid(int x, int y, int z, int block) {
        Grid(int x, int y, int block) {
            this(x, y, 1, block);
        }
    }

    /** A register-tiled SGEMM's grid and its k chunk ({@code kChunk}; z = the number of chunks). */
    record SplitGrid(Grid grid, int kChunk) {
    }

    /**
     * The register-tiled SGEMM of an m x n output over k: RT_BM x RT_BN tiles; when they are fewer than
     * RT_SPLIT_TARGET (the SMs of an H200) and k allows chunks of RT_SPLIT_MIN_K or more, k is split into
     * ceil(RT_SPLIT_TARGET / tiles) chunks at most, each a multiple of RT_BK (linear.cu's split-K).
     * 784-256-10, batch 128: layer-1 forward 8 tiles x 17 chunks of 48, weight gradient 52 tiles x 3 chunks of 48.
     */
    static SplitGrid linearGrid(int m, int n, int k) {
        int gx = KernelLaunch.blocks(n, RT_BN), gy = KernelLaunch.blocks(m, RT_BM);
        long tiles = (long) gx * gy;
        int chunks = 1;
        if (tiles < RT_SPLIT_TARGET) chunks = (int) Math.max(1, Math.min((RT_SPLIT_TARGET + tiles - 1) / tiles, k / RT_SPLIT_MIN_K));
        int chunk = KernelLaunch.blocks(KernelLaunch.blocks(k, chunks), RT_BK) * RT_BK;
        int z = KernelLaunch.blocks(k, chunk);
        if (z > 1 && tiles * z * RT_PARTIAL > WORKSPACE_FLOATS)
            throw new IllegalStateException("split-K of " + m + "x" + n + "x" + k + " needs more workspace than "
                    + WORKSPACE_FLOATS + " floats (a bug in Anneal)");
        return new SplitGrid(new Grid(gx, gy, z, RT_THREADS), chunk);
    }

    static Grid linearXentGrid(int rows) {
        return new Grid(KernelLaunch.blocks(rows, XENT_ROWS_PER_BLOCK), 1, BLOCK);
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

    private KernelLaunch.Builder launch(String kernel, CUfunction f, Grid g) {
        return new KernelLaunch.Builder(kernel, f, g.x(), g.y(), g.z(), g.block());
    }

    /** Index of linear_forward's {@code offset} argument (rewritten every step, when it is a step's first launch). */
    static final int LINEAR_FORWARD_OFFSET_ARG = 2;

    /**
     * Y[m x n] = A W[n x k]^T + bias, then ReLU when {@code relu}; row i of A is X[perm[offset + i]] when perm is not
     * null, else X[i]. When not null, stepStats (2 doubles) is zeroed and the offset written to stepOffset (an int)
     * for the step's later kernels. Register-tiled, split-K where the tiles are few (variant 2).
     */
    KernelLaunch linearForward(CUdeviceptr x, CUdeviceptr perm, int offset, CUdeviceptr w, CUdeviceptr bias, CUdeviceptr y,
                               int m, int n, int k, boolean relu, CUdeviceptr stepStats, CUdeviceptr stepOffset) {
        SplitGrid g = linearGrid(m, n, k);
        return launch("linear_forward", linearForward, g.grid()).ptr(x).ptr(perm).i32(offset).ptr(w).ptr(bias).ptr(y)
                .i32(m).i32(n).i32(k).i32(relu ? 1 : 0).i32(g.kChunk()).ptr(workspace.partials).ptr(workspace.counters)
                .ptr(stepStats).ptr(stepOffset).build(device);
    }

    /** dX[m x n] = dY[m x k] W[k x n], zeroed where h <= 0 when h is not null (variant 2). */
    KernelLaunch linearBackwardInput(CUdeviceptr dy, CUdeviceptr w, CUdeviceptr h, CUdeviceptr dx, int m, int n, int k) {
        SplitGrid g = linearGrid(m, n, k);
        return launch("linear_backward_input", linearBackwardInput, g.grid()).ptr(dy).ptr(w).ptr(h).ptr(dx).i32(m).i32(n).i32(k)
                .i32(g.kChunk()).ptr(workspace.partials).ptr(workspace.counters).build(device);
    }

    /**
     * dW[m x n] = dY[k x m]^T X'[k x n] and db = column sums of dY (when db is not null); row p of X' is
     * X[perm[*permOffset + p]] when perm is not null, else X[p] (variant 2: the bias gradient and the gather folded in).
     */
    KernelLaunch linearBackwardWeight(CUdeviceptr dy, CUdeviceptr x, CUdeviceptr perm, CUdeviceptr permOffset, CUdeviceptr dw,
                                      CUdeviceptr db, int m, int n, int k) {
        SplitGrid g = linearGrid(m, n, k);
        return launch("linear_backward_weight", linearBackwardWeight, g.grid()).ptr(dy).ptr(x).ptr(perm).ptr(permOffset).ptr(dw)
                .ptr(db).i32(m).i32(n).i32(k).i32(g.kChunk()).ptr(workspace.partials).ptr(workspace.counters).build(device);
    }

    /**
     * The last layer fused with softmax + cross-entropy (variant 2): logits of rows x k inputs and classes
     * (<= XENT_MAX_CLASSES) outputs, the loss and correct counts into stats (and stepStats), the gradient of the
     * mean loss into dlogits and the layer's ReLU-masked input gradient into dx (each when not null); labels
     * through labelRows[*labelOffset + r] when labelRows is not null.
     */
    KernelLaunch linearSoftmaxXent(CUdeviceptr x, CUdeviceptr w, CUdeviceptr bias, CUdeviceptr labels, CUdeviceptr labelRows,
                                   CUdeviceptr labelOffset, CUdeviceptr dlogits, CUdeviceptr dx, int rows, int classes, int k,
                                   double lossWeight, CUdeviceptr stats, CUdeviceptr stepStats) {
        if (classes > XENT_MAX_CLASSES)
            throw new IllegalArgumentException("linear_softmax_xent takes at most " + XENT_MAX_CLASSES + " classes, got " + classes);
        return launch("linear_softmax_xent", linearSoftmaxXent, linearXentGrid(rows)).ptr(x).ptr(w).ptr(bias).ptr(labels)
                .ptr(labelRows).ptr(labelOffset).ptr(dlogits).ptr(dx).i32(rows).i32(classes).i32(k).i32(rows).f64(lossWeight)
                .ptr(stats).ptr(stepStats).build(device);
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
