package anneal.backend.cuda;

import anneal.backend.ReferenceOps;
import anneal.data.EpochOrder;
import anneal.optim.OptimizerSetup;
import anneal.optim.SgdConfig;
import anneal.schedule.Hyperparameter;
import anneal.schedule.HyperparameterTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The kernel checks, shared by the CPU emulation test and {@code gpu-check} on a GPU: inputs from a
 * seeded generator, expected outputs from {@link ReferenceOps} (sums in double). Tolerances: matrix
 * products atol = rtol = 1e-4 (fp32 accumulation over up to 784 terms against a double reference),
 * softmax/cross-entropy and bias sums 1e-5, the gather and the SGD update bit-exact (the kernel rounds
 * every float operation as Java does). Sizes: the default model (784-256-10, batch 128) and odd ones:
 * batch not a multiple of the 32-wide tile, 1-element tensors, batch 1, more classes than a warp has lanes.
 * Kernel variant 2 (linear.cu, linear_xent.cu) has cases of its own: gathered rows, split-K grids (the
 * default model's layer-1 forward and weight gradient split k), k not a multiple of 4 (scalar loads),
 * 64-wide tiles exactly full, and the fused classifier head with more classes than a warp has lanes.
 * Whole training steps are not cases: they run as CudaBackend launches them, through the CPU stand-in driver
 * ({@code StandInDriverTest}, against the CPU backend) and on a GPU in gpu-check part 2.
 */
public final class KernelCases {
    static final double MATMUL_TOL = 1e-4;
    static final double REDUCTION_TOL = 1e-5;

    private KernelCases() {
    }

    /** Every case, generated from {@code seed}. */
    public static List<KernelCase> all(long seed) {
        Random r = new Random(seed);
        List<KernelCase> cases = new ArrayList<>();
        gather(r, cases);
        matmul(r, cases);
        softmax(r, cases);
        biasGrad(r, cases);
        sgd(r, cases);
        linear(r, cases);
        linearXent(r, cases);
        return cases;
    }

    private static float[] gaussian(Random r, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextGaussian() * scale);
        return v;
    }

    private static void gather(Random r, List<KernelCase> cases) {
        int[][] shapes = {{37, 5, 10, 13}, {300, 784, 128, 128}, {9, 1, 8, 1}, {200, 33, 0, 200}};
        for (int[] s : shapes) {
            int n = s[0], features = s[1], offset = s[2], rows = s[3];
            float[] x = gaussian(r, n * features, 1);
            byte[] labels = new byte[n];
            for (int i = 0; i < n; i++) labels[i] = (byte) r.nextInt(10);
            int[] perm = EpochOrder.permutation(n, r::nextInt);
            float[] xb = new float[rows * features];
            byte[] yb = new byte[rows];
            for (int i = 0; i < rows; i++) {
                System.arraycopy(x, perm[offset + i] * features, xb, i * features, features);
                yb[i] = labels[perm[offset + i]];
            }
            cases.add(new KernelCase("gather_" + n + "x" + features + "_at" + offset + "_rows" + rows, "gather_batch", 0, 0)
                    .in("X", x).in("labels", labels).in("perm", perm).in("offset", offset).in("rows", rows)
                    .in("features", features).out("xb", xb).out("yb", yb).out("stepStats", new double[] {0, 0}));
        }
    }

    private static void matmul(Random r, List<KernelCase> cases) {
        int[][] forward = {{128, 256, 784}, {128, 10, 256}, {1, 1, 1}, {33, 17, 65}, {1, 10, 784}, {5, 3, 1}};
        for (int[] s : forward)
            for (int relu = 0; relu < 2; relu++) {
                int m = s[0], n = s[1], k = s[2];
                float[] x = gaussian(r, m * k, 1), w = gaussian(r, n * k, 1 / Math.sqrt(k)), bias = gaussian(r, n, 0.5);
                float[] y = new float[m * n];
                ReferenceOps.matmulNT(x, w, y, m, n, k);
                ReferenceOps.biasActivation(y, bias, m, n, relu == 1);
                cases.add(new KernelCase("forward_" + m + "x" + n + "x" + k + (relu == 1 ? "_relu" : ""), "matmul_forward",
                        MATMUL_TOL, MATMUL_TOL).in("m", m).in("n", n).in("k", k).in("relu", relu)
                        .in("X", x).in("W", w).in("bias", bias).out("Y", y));
            }
        {   // no bias
            int m = 7, n = 40, k = 9;
            float[] x = gaussian(r, m * k, 1), w = gaussian(r, n * k, 1), y = new float[m * n];
            ReferenceOps.matmulNT(x, w, y, m, n, k);
            cases.add(new KernelCase("forward_nobias_7x40x9", "matmul_forward", MATMUL_TOL, MATMUL_TOL)
                    .in("m", m).in("n", n).in("k", k).in("relu", 0).in("X", x).in("W", w).out("Y", y));
        }
        inputGradient(r, cases, "matmul_backward_input", "backward_input_", new int[][] {{128, 256, 10}, {33, 65, 17}, {1, 1, 1},
            {1, 256, 10}, {70, 3, 40}});
        // dW[m x n] = dY[k x m]^T X[k x n] (m = fanOut, n = fanIn, k = batch)
        int[][] weight = {{256, 784, 128}, {10, 256, 128}, {17, 33, 65}, {1, 1, 1}, {10, 256, 1}, {3, 40, 70}};
        for (int[] s : weight) {
            int m = s[0], n = s[1], k = s[2];
            float[] dy = gaussian(r, k * m, 0.1), x = gaussian(r, k * n, 1), dw = new float[m * n];
            ReferenceOps.matmulTN(dy, x, dw, m, n, k);
            cases.add(new KernelCase("backward_weight_" + m + "x" + n + "x" + k, "matmul_backward_weight", MATMUL_TOL, MATMUL_TOL)
                    .in("m", m).in("n", n).in("k", k).in("dY", dy).in("X", x).out("dW", dw));
        }
    }

    /** dX[m x n] = dY[m x k] W[k x n], with and without the mask of the ReLU output H of the layer below. */
    private static void inputGradient(Random r, List<KernelCase> cases, String op, String prefix, int[][] shapes) {
        for (int[] s : shapes)
            for (int masked = 0; masked < 2; masked++) {
                int m = s[0], n = s[1], k = s[2];
                float[] dy = gaussian(r, m * k, 0.1), w = gaussian(r, k * n, 0.2), dx = new float[m * n];
                float[] h = gaussian(r, m * n, 1);
                for (int i = 0; i < h.length; i++) if (h[i] < 0) h[i] = 0f;  // a ReLU output
                ReferenceOps.matmulNN(dy, w, dx, m, n, k);
                if (masked == 1) ReferenceOps.reluBackward(dx, h, m * n);
                KernelCase c = new KernelCase(prefix + m + "x" + n + "x" + k + (masked == 1 ? "_relu" : ""), op, MATMUL_TOL, MATMUL_TOL)
                        .in("m", m).in("n", n).in("k", k).in("dY", dy).in("W", w).out("dX", dx);
                if (masked == 1) c.in("H", h);
                if (op.startsWith("linear_")) c.out("counters", new int[Kernels.RT_SPLIT_TARGET]);
                cases.add(c);
            }
    }

    private static void softmax(Random r, List<KernelCase> cases) {
        int[][] shapes = {{128, 10}, {1, 10}, {33, 37}, {5, 2}, {17, 1}};
        for (int[] s : shapes)
            for (int grad = 0; grad < 2; grad++) {
                int rows = s[0], cols = s[1];
                float[] logits = gaussian(r, rows * cols, 3);
                if (cols > 1 && rows > 1) logits[cols + 1] = logits[cols];  // a tie: argmax takes the first
                byte[] labels = new byte[rows];
                for (int i = 0; i < rows; i++) labels[i] = (byte) r.nextInt(cols);
                float[] d = new float[rows * cols];
                double loss = ReferenceOps.softmaxCrossEntropy(logits, labels, null, grad == 1 ? d : null, rows, cols);
                int correct = 0;
                for (int i = 0; i < rows; i++) {
                    int best = 0;
                    for (int j = 1; j < cols; j++) if (logits[i * cols + j] > logits[i * cols + best]) best = j;
                    if (best == labels[i]) correct++;
                }
                KernelCase c = new KernelCase("softmax_xent_" + rows + "x" + cols + (grad == 1 ? "_grad" : "_eval"), "softmax_xent",
                        REDUCTION_TOL, REDUCTION_TOL).in("rows", rows).in("cols", cols).in("grad", grad)
                        .in("logits", logits).in("labels", labels)
                        .out("stats", new double[] {grad == 1 ? loss : loss * rows, correct});  // training weighs each row 1/rows
                if (grad == 1) c.out("dlogits", d);
                cases.add(c);
            }
    }

    private static void biasGrad(Random r, List<KernelCase> cases) {
        int[][] shapes = {{128, 256}, {128, 10}, {33, 10}, {1, 1}, {200, 65}, {1, 256}};
        for (int[] s : shapes) {
            int rows = s[0], cols = s[1];
            float[] dy = gaussian(r, rows * cols, 0.1), db = new float[cols];
            ReferenceOps.biasGrad(dy, db, rows, cols);
            cases.add(new KernelCase("bias_grad_" + rows + "x" + cols, "bias_grad", REDUCTION_TOL, REDUCTION_TOL)
                    .in("rows", rows).in("cols", cols).in("dY", dy).out("db", db));
        }
    }

    /** The rows of {@code x} (n x k) at perm[offset ..], rows of them: the batch a gathered kernel reads. */
    private static float[] gatherRows(float[] x, int[] perm, int offset, int rows, int k) {
        float[] out = new float[rows * k];
        for (int i = 0; i < rows; i++) System.arraycopy(x, perm[offset + i] * k, out, i * k, k);
        return out;
    }

    /** Variant 2 SGEMMs: Y = A W^T + bias (ReLU), dX = dY W (masked), dW = dY^T X with db; gathered and plain. */
    private static void linear(Random r, List<KernelCase> cases) {
        // {m, n, k, gathered}: the default layers (split-K), odd sizes, k % 4 != 0 (scalar loads), exact 64-tiles
        int[][] forward = {{128, 256, 784, 1}, {128, 10, 256, 0}, {1, 1, 1, 0}, {33, 17, 65, 1}, {5, 3, 1, 0}, {64, 64, 64, 0},
            {130, 70, 1000, 1}};
        for (int[] s : forward)
            for (int relu = 0; relu < 2; relu++) {
                int m = s[0], n = s[1], k = s[2];
                boolean gathered = s[3] == 1;
                int source = gathered ? m + 7 : m, offset = gathered ? 5 : 0;
                float[] x = gaussian(r, source * k, 1), w = gaussian(r, n * k, 1 / Math.sqrt(k)), bias = gaussian(r, n, 0.5);
                int[] perm = EpochOrder.permutation(source, r::nextInt);
                float[] a = gathered ? gatherRows(x, perm, offset, m, k) : x;
                float[] y = new float[m * n];
                ReferenceOps.matmulNT(a, w, y, m, n, k);
                ReferenceOps.biasActivation(y, bias, m, n, relu == 1);
                KernelCase c = new KernelCase("linear_forward_" + m + "x" + n + "x" + k + (gathered ? "_gathered" : "") + (relu == 1 ? "_relu" : ""),
                        "linear_forward", MATMUL_TOL, MATMUL_TOL).in("m", m).in("n", n).in("k", k).in("relu", relu)
                        .in("X", x).in("W", w).in("bias", bias).out("Y", y).out("counters", new int[Kernels.RT_SPLIT_TARGET]);
                if (gathered) c.in("perm", perm).in("offset", offset).out("stepStats", new double[] {0, 0}).out("stepOffset", new int[] {offset});
                cases.add(c);
            }
        // {128, 784, 256}: 26 tiles, k split into 6 chunks
        inputGradient(r, cases, "linear_backward_input", "linear_backward_input_", new int[][] {{128, 256, 10}, {33, 65, 17},
            {1, 1, 1}, {70, 3, 40}, {128, 784, 256}});
        // {m = fanOut, n = fanIn, k = batch, gathered, with bias gradient}
        int[][] weight = {{256, 784, 128, 1, 1}, {10, 256, 128, 0, 1}, {17, 33, 65, 1, 1}, {1, 1, 1, 0, 1}, {3, 40, 70, 0, 0},
            {10, 256, 1, 1, 1}, {70, 130, 300, 0, 1}};
        for (int[] s : weight) {
            int m = s[0], n = s[1], k = s[2];
            boolean gathered = s[3] == 1, withBias = s[4] == 1;
            int source = gathered ? k + 3 : k, offset = gathered ? 2 : 0;
            float[] dy = gaussian(r, k * m, 0.1), x = gaussian(r, source * n, 1), dw = new float[m * n], db = new float[m];
            int[] perm = EpochOrder.permutation(source, r::nextInt);
            ReferenceOps.matmulTN(dy, gathered ? gatherRows(x, perm, offset, k, n) : x, dw, m, n, k);
            ReferenceOps.biasGrad(dy, db, k, m);
            KernelCase c = new KernelCase("linear_backward_weight_" + m + "x" + n + "x" + k + (gathered ? "_gathered" : "")
                    + (withBias ? "_bias" : ""), "linear_backward_weight", MATMUL_TOL, MATMUL_TOL)
                    .in("m", m).in("n", n).in("k", k).in("dY", dy).in("X", x).out("dW", dw).out("counters", new int[Kernels.RT_SPLIT_TARGET]);
            if (gathered) c.in("perm", perm).in("offset", offset);
            if (withBias) c.out("db", db);
            cases.add(c);
        }
    }

    /**
     * The fused classifier head (linear_xent.cu): logits = x W^T + bias by the reference product, then the
     * reference softmax cross-entropy, and dX = dlogits W masked where x <= 0 (x: a ReLU output).
     */
    private static void linearXent(Random r, List<KernelCase> cases) {
        // {rows, classes, k}: the default head, more classes than lanes, the most classes, tiny and odd sizes
        int[][] shapes = {{128, 10, 256}, {33, 37, 20}, {9, 64, 33}, {1, 10, 1}, {5, 2, 7}, {17, 1, 3}};
        for (int[] s : shapes)
            for (int train = 0; train < 2; train++) {
                int rows = s[0], classes = s[1], k = s[2];
                float[] x = gaussian(r, rows * k, 1);
                for (int i = 0; i < x.length; i++) if (x[i] < 0) x[i] = 0f;  // the ReLU output of the layer below
                float[] w = gaussian(r, classes * k, 2 / Math.sqrt(k)), bias = gaussian(r, classes, 0.5);
                float[] logits = new float[rows * classes];
                ReferenceOps.matmulNT(x, w, logits, rows, classes, k);
                ReferenceOps.biasActivation(logits, bias, rows, classes, false);
                int source = train == 1 ? rows + 4 : rows, offset = train == 1 ? 3 : 0;
                byte[] labels = new byte[source];
                for (int i = 0; i < source; i++) labels[i] = (byte) r.nextInt(classes);
                int[] perm = EpochOrder.permutation(source, r::nextInt);
                int[] rowLabel = new int[rows];
                for (int i = 0; i < rows; i++) rowLabel[i] = train == 1 ? perm[offset + i] : i;
                float[] d = new float[rows * classes];
                double loss = ReferenceOps.softmaxCrossEntropy(logits, labels, rowLabel, train == 1 ? d : null, rows, classes);
                int correct = 0;
                for (int i = 0; i < rows; i++) {
                    int best = 0;
                    for (int j = 1; j < classes; j++) if (logits[i * classes + j] > logits[i * classes + best]) best = j;
                    if (best == labels[rowLabel[i]]) correct++;
                }
                KernelCase c = new KernelCase("linear_softmax_xent_" + rows + "x" + classes + "x" + k + (train == 1 ? "_train" : "_eval"),
                        "linear_softmax_xent", MATMUL_TOL, MATMUL_TOL).in("rows", rows).in("classes", classes).in("k", k)
                        .in("X", x).in("W", w).in("bias", bias).in("labels", labels)
                        .out("stats", new double[] {train == 1 ? loss : loss * rows, correct});  // training weighs each row 1/rows
                if (train == 1) {
                    float[] dx = new float[rows * k];
                    ReferenceOps.matmulNN(d, w, dx, rows, k, classes);
                    ReferenceOps.reluBackward(dx, x, rows * k);
                    c.in("perm", perm).in("offset", offset).out("dlogits", d).out("dX", dx);
                }
                cases.add(c);
            }
    }

    /**
     * SGD cases: the kernel's argument structs come from {@link SgdArgs} (the packing CudaBackend uses),
     * the expected update from {@link ReferenceOps#sgdUpdate} per tensor.
     */
    private static void sgd(Random r, List<KernelCase> cases) {
        SgdConfig[] configs = {new SgdConfig(0.9, 0, true, 5e-4), new SgdConfig(0.9, 0.1, false, 1e-2),
            new SgdConfig(0.85, 0, false, 0), new SgdConfig(0, 0, false, 5e-4), new SgdConfig(0.95, 0.5, false, 0)};
        int[][] models = {{784, 256, 10}, {5, 3, 2}, {1, 1, 2}};
        int index = 0;
        for (int[] model : models)
            for (SgdConfig cfg : configs)
                for (int later = 0; later < 2; later++) {
                    int layers = model.length - 1, tensors = 2 * layers;
                    int[] sizes = new int[tensors];
                    for (int l = 0; l < layers; l++) {
                        sizes[2 * l] = model[l] * model[l + 1];
                        sizes[2 * l + 1] = model[l + 1];
                    }
                    boolean twoGroups = index % 2 == 0;
                    OptimizerSetup setup = twoGroups ? OptimizerSetup.noDecayOnBias(cfg, tensors) : OptimizerSetup.single(cfg, tensors);
                    int groups = setup.groups().length;
                    SgdArgs args = new SgdArgs(sizes, setup);
                    HyperparameterTable step = setup.configured();
                    double[] lr = step.row(Hyperparameter.LR), mom = step.row(Hyperparameter.MOMENTUM);
                    double[] wd = step.row(Hyperparameter.WEIGHT_DECAY);
                    for (int g = 0; g < groups; g++) {
                        step.set(Hyperparameter.LR, g, 0.1 * (g + 1) * (0.5 + r.nextDouble()));
                        if (later == 1) step.set(Hyperparameter.MOMENTUM, g, mom[g] * 0.97);  // a cycled momentum
                        if (later == 1) step.set(Hyperparameter.WEIGHT_DECAY, g, wd[g] * 0.4);  // a co-scheduled weight decay
                    }
                    if (later == 1) args.setStep(step);  // buffers exist: this is a later step
                    args.setStep(step);
                    int total = args.totalFloats();
                    float[] p = gaussian(r, total, 0.1), gr = gaussian(r, total, 0.01), buf = gaussian(r, total, 0.01);
                    float[] expP = p.clone(), expBuf = buf.clone();
                    for (int t = 0, start = 0; t < tensors; start += sizes[t], t++) {
                        int n = sizes[t], g = setup.groupOfTensor()[t];
                        SgdConfig c = setup.groups()[g];
                        float[] pt = Arrays.copyOfRange(expP, start, start + n);
                        float[] bt = Arrays.copyOfRange(expBuf, start, start + n);
                        ReferenceOps.sgdUpdate(pt, Arrays.copyOfRange(gr, start, start + n), bt, n, (float) lr[g], (float) mom[g],
                                c.dampening(), c.nesterov(), (float) wd[g], later == 0);
                        System.arraycopy(pt, 0, expP, start, n);
                        System.arraycopy(bt, 0, expBuf, start, n);
                    }
                    String modelName = String.join("-", Arrays.stream(model).mapToObj(Integer::toString).toList());
                    cases.add(new KernelCase(String.format("sgd_%02d_%s_%s_%s", index++, modelName, later == 1 ? "later" : "first",
                            cfg.toString().replaceAll("[^A-Za-z0-9.=]+", "_")), "sgd_update", 0, 0)
                            .in("sgd_layout", args.layoutWords().clone()).in("sgd_step", args.stepWords().clone())
                            .in("params", p).in("grads", gr).in("bufs", buf).out("params", expP).out("bufs", expBuf)
                            .out("params_scalars", expP).out("bufs_scalars", expBuf));  // sgd_update_scalars, bit-exact too
                }
    }
}
