package anneal.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import anneal.backend.cpu.ReferenceOps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks every CUDA kernel without a GPU: writes inputs and the expected outputs of
 * {@link ReferenceOps} (the CPU backend's reference) into {@code target/cuda-emu/cases}, then builds and
 * runs {@code make -C kernels emu-check}, which compiles the kernels as C++ against the emulator
 * ({@code kernels/emu/cuda_emu.h}) under ASan + UBSan and compares. Tolerances per case: matrix
 * products atol 1e-4 + rtol 1e-4 (fp32 accumulation over up to 784 terms against a double reference),
 * softmax/cross-entropy and bias sums 1e-5, gather and the SGD update bit-exact.
 * Sizes include the default model (784-256-10, batch 128) and odd ones: batch not a multiple of the
 * 32-wide tile, 1-element tensors, batch 1, more classes than a warp has lanes.
 */
class KernelEmulationTest {
    private static final Path CASES = Path.of("target", "cuda-emu", "cases");
    private static final double MATMUL_TOL = 1e-4;
    private static final double REDUCTION_TOL = 1e-5;
    private static int written;

    @BeforeAll
    static void clean() throws IOException {
        if (Files.exists(CASES))
            try (var walk = Files.walk(CASES)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        Files.createDirectories(CASES);
    }

    private static float[] gaussian(Random r, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextGaussian() * scale);
        return v;
    }

    private static EmulationCase newCase(String name, String op, double atol, double rtol) {
        written++;
        return new EmulationCase(CASES, name, op, atol, rtol);
    }

    private static void gatherCases(Random r) {
        int[][] shapes = {{37, 5, 10, 13}, {300, 784, 128, 128}, {9, 1, 8, 1}, {200, 33, 0, 200}};
        for (int[] s : shapes) {
            int n = s[0], features = s[1], offset = s[2], rows = s[3];
            float[] x = gaussian(r, n * features, 1);
            byte[] labels = new byte[n];
            for (int i = 0; i < n; i++) labels[i] = (byte) r.nextInt(10);
            int[] perm = permutation(r, n);
            float[] xb = new float[rows * features];
            byte[] yb = new byte[rows];
            for (int i = 0; i < rows; i++) {
                System.arraycopy(x, perm[offset + i] * features, xb, i * features, features);
                yb[i] = labels[perm[offset + i]];
            }
            newCase("gather_" + n + "x" + features + "_at" + offset + "_rows" + rows, "gather_batch", 0, 0)
                    .f32("X", x).u8("labels", labels).i32("perm", perm)
                    .set("offset", offset).set("rows", rows).set("features", features)
                    .f32("expect_xb", xb).u8("expect_yb", yb).finish();
        }
    }

    private static int[] permutation(Random r, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1), t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static void matmulCases(Random r) {
        // {m, n, k}: the default model's products, then sizes that do not fill a 32 x 32 tile
        int[][] forward = {{128, 256, 784}, {128, 10, 256}, {1, 1, 1}, {33, 17, 65}, {1, 10, 784}, {5, 3, 1}};
        for (int[] s : forward)
            for (int relu = 0; relu < 2; relu++) {
                int m = s[0], n = s[1], k = s[2];
                float[] x = gaussian(r, m * k, 1), w = gaussian(r, n * k, 1 / Math.sqrt(k)), bias = gaussian(r, n, 0.5);
                float[] y = new float[m * n];
                ReferenceOps.matmulNT(x, w, y, m, n, k);
                ReferenceOps.biasActivation(y, bias, m, n, relu == 1);
                newCase("forward_" + m + "x" + n + "x" + k + (relu == 1 ? "_relu" : ""), "matmul_forward", MATMUL_TOL, MATMUL_TOL)
                        .set("m", m).set("n", n).set("k", k).set("relu", relu)
                        .f32("X", x).f32("W", w).f32("bias", bias).f32("expect_Y", y).finish();
            }
        {   // no bias pointer
            int m = 7, n = 40, k = 9;
            float[] x = gaussian(r, m * k, 1), w = gaussian(r, n * k, 1), y = new float[m * n];
            ReferenceOps.matmulNT(x, w, y, m, n, k);
            newCase("forward_nobias_7x40x9", "matmul_forward", MATMUL_TOL, MATMUL_TOL)
                    .set("m", m).set("n", n).set("k", k).set("relu", 0).f32("X", x).f32("W", w).f32("expect_Y", y).finish();
        }
        // input gradient dX[m x n] = dY[m x k] W[k x n], masked by the ReLU output H of the layer below
        int[][] input = {{128, 256, 10}, {33, 65, 17}, {1, 1, 1}, {1, 256, 10}, {70, 3, 40}};
        for (int[] s : input)
            for (int masked = 0; masked < 2; masked++) {
                int m = s[0], n = s[1], k = s[2];
                float[] dy = gaussian(r, m * k, 0.1), w = gaussian(r, k * n, 0.2), dx = new float[m * n];
                float[] h = gaussian(r, m * n, 1);
                for (int i = 0; i < h.length; i++) if (h[i] < 0) h[i] = 0f;  // a ReLU output: zeros and positives
                ReferenceOps.matmulNN(dy, w, dx, m, n, k);
                if (masked == 1) ReferenceOps.reluBackward(dx, h, m * n);
                EmulationCase c = newCase("backward_input_" + m + "x" + n + "x" + k + (masked == 1 ? "_relu" : ""),
                        "matmul_backward_input", MATMUL_TOL, MATMUL_TOL)
                        .set("m", m).set("n", n).set("k", k).f32("dY", dy).f32("W", w).f32("expect_dX", dx);
                if (masked == 1) c.f32("H", h);
                c.finish();
            }
        // weight gradient dW[m x n] = dY[k x m]^T X[k x n] (m = fanOut, n = fanIn, k = batch)
        int[][] weight = {{256, 784, 128}, {10, 256, 128}, {17, 33, 65}, {1, 1, 1}, {10, 256, 1}, {3, 40, 70}};
        for (int[] s : weight) {
            int m = s[0], n = s[1], k = s[2];
            float[] dy = gaussian(r, k * m, 0.1), x = gaussian(r, k * n, 1), dw = new float[m * n];
            ReferenceOps.matmulTN(dy, x, dw, m, n, k);
            newCase("backward_weight_" + m + "x" + n + "x" + k, "matmul_backward_weight", MATMUL_TOL, MATMUL_TOL)
                    .set("m", m).set("n", n).set("k", k).f32("dY", dy).f32("X", x).f32("expect_dW", dw).finish();
        }
    }

    private static void softmaxCases(Random r) {
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
                EmulationCase c = newCase("softmax_xent_" + rows + "x" + cols + (grad == 1 ? "_grad" : "_eval"), "softmax_xent",
                        REDUCTION_TOL, REDUCTION_TOL)
                        .set("rows", rows).set("cols", cols).set("grad", grad).f32("logits", logits).u8("labels", labels)
                        .set("expect_loss", loss).set("expect_correct", correct);
                if (grad == 1) c.f32("expect_dlogits", d);
                c.finish();
            }
    }

    private static void biasGradCases(Random r) {
        int[][] shapes = {{128, 256}, {128, 10}, {33, 10}, {1, 1}, {200, 65}, {1, 256}};
        for (int[] s : shapes) {
            int rows = s[0], cols = s[1];
            float[] dy = gaussian(r, rows * cols, 0.1), db = new float[cols];
            ReferenceOps.biasGrad(dy, db, rows, cols);
            newCase("bias_grad_" + rows + "x" + cols, "bias_grad", REDUCTION_TOL, REDUCTION_TOL)
                    .set("rows", rows).set("cols", cols).f32("dY", dy).f32("expect_db", db).finish();
        }
    }

    /** {momentum, dampening, nesterov, weightDecay, firstStep, twoGroups} */
    private static void sgdCases(Random r) {
        double[][] configs = {
            {0.9, 0, 1, 5e-4, 1, 1}, {0.9, 0, 1, 5e-4, 0, 1}, {0.9, 0.1, 0, 1e-2, 0, 0}, {0.85, 0, 0, 0, 1, 0},
            {0, 0, 0, 5e-4, 0, 1}, {0.95, 0.5, 0, 0, 0, 1}};
        int[][] models = {{784, 256, 10}, {5, 3, 2}, {1, 1, 2}};
        int index = 0;
        for (int[] model : models)
            for (double[] cfg : configs) {
                int layers = model.length - 1;
                int tensors = 2 * layers;
                int[] sizes = new int[tensors];
                for (int l = 0; l < layers; l++) {
                    sizes[2 * l] = model[l] * model[l + 1];
                    sizes[2 * l + 1] = model[l + 1];
                }
                int total = 0;
                int[] ends = new int[tensors], groupOf = new int[tensors];
                boolean twoGroups = cfg[5] == 1;
                for (int t = 0; t < tensors; t++) {
                    total += sizes[t];
                    ends[t] = total;
                    groupOf[t] = twoGroups ? t & 1 : 0;
                }
                int groups = twoGroups ? 2 : 1;
                float[] wd = new float[groups], omd = new float[groups], lr = new float[groups], mom = new float[groups];
                int[] nesterov = new int[groups];
                for (int g = 0; g < groups; g++) {
                    wd[g] = (float) (g == 1 ? 0 : cfg[3]);
                    omd[g] = (float) (1 - cfg[1]);
                    nesterov[g] = (int) cfg[2];
                    lr[g] = (float) (0.1 * (g + 1) * (0.5 + r.nextDouble()));
                    mom[g] = (float) cfg[0];
                }
                float[] p = gaussian(r, total, 0.1), gr = gaussian(r, total, 0.01), buf = gaussian(r, total, 0.01);
                float[] expP = p.clone(), expBuf = buf.clone();
                for (int t = 0, start = 0; t < tensors; start = ends[t], t++) {
                    int n = sizes[t], g = groupOf[t];
                    float[] pt = java.util.Arrays.copyOfRange(expP, start, start + n);
                    float[] gt = java.util.Arrays.copyOfRange(gr, start, start + n);
                    float[] bt = java.util.Arrays.copyOfRange(expBuf, start, start + n);
                    ReferenceOps.sgdUpdate(pt, gt, bt, n, lr[g], mom[g], cfg[1], cfg[2] == 1, wd[g], cfg[4] == 1);
                    System.arraycopy(pt, 0, expP, start, n);
                    System.arraycopy(bt, 0, expBuf, start, n);
                }
                newCase(String.format("sgd_%02d_%s_m%s_d%s_n%d_wd%s_first%d_groups%d", index++,
                                String.join("-", java.util.Arrays.stream(model).mapToObj(Integer::toString).toList()),
                                cfg[0], cfg[1], (int) cfg[2], cfg[3], (int) cfg[4], groups), "sgd_update", 0, 0)
                        .i32("tensor_end", ends).i32("tensor_group", groupOf).f32("weight_decay", wd)
                        .f32("one_minus_dampening", omd).i32("nesterov", nesterov).f32("lr", lr).f32("momentum", mom)
                        .i32("first_step", firstSteps(groups, (int) cfg[4])).f32("params", p).f32("grads", gr).f32("bufs", buf)
                        .f32("expect_params", expP).f32("expect_bufs", expBuf).finish();
            }
    }

    private static int[] firstSteps(int groups, int value) {
        int[] f = new int[groups];
        java.util.Arrays.fill(f, value);
        return f;
    }

    @Test
    void everyKernelMatchesTheReferenceUnderEmulation() throws Exception {
        Random r = new Random(20261129);
        gatherCases(r);
        matmulCases(r);
        softmaxCases(r);
        biasGradCases(r);
        sgdCases(r);
        HarnessRun run = HarnessRun.make("emu-check", "CASES=" + CASES.toAbsolutePath());
        long passed = run.output.lines().filter(l -> l.startsWith("PASS ")).count();
        if (run.exitCode != 0 || passed != written)
            fail("kernel emulation check failed (exit " + run.exitCode + ", " + passed + "/" + written + " passed):\n" + run.output);
        assertEquals(written, passed);
        assertTrue(run.output.contains(written + " cases, 0 failed"), run.output);
    }

    /** Output and exit code of {@code make -C kernels ...}. */
    record HarnessRun(int exitCode, String output) {
        static HarnessRun make(String... args) throws IOException, InterruptedException {
            var cmd = new java.util.ArrayList<>(java.util.List.of("make", "--no-print-directory", "-C", "kernels"));
            cmd.addAll(java.util.List.of(args));
            Process p;
            try {
                p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new IOException("the kernel emulation check needs make and g++ (apt-get install make g++): " + e.getMessage(), e);
            }
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(20, TimeUnit.MINUTES)) p.destroyForcibly();
            return new HarnessRun(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        }
    }
}
