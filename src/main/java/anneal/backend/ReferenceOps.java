package anneal.backend;

/**
 * Plain, obviously-correct loops for every operation of an MLP training step (llm.c style: each fast
 * kernel, on the CPU or the GPU, is checked against one of these). Row-major everywhere; sums in
 * double so the reference is more accurate than any fp32 kernel it judges.
 */
public final class ReferenceOps {
    private ReferenceOps() {
    }

    /** {@code C[m x n] = A[m x k] . B[n x k]^T} (Linear forward: {@code X W^T}). */
    public static void matmulNT(float[] a, float[] b, float[] c, int m, int n, int k) {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double) a[i * k + p] * b[j * k + p];
                c[i * n + j] = (float) s;
            }
    }

    /** {@code C[m x n] = A[m x k] . B[k x n]} (input gradient: {@code dY W}). */
    public static void matmulNN(float[] a, float[] b, float[] c, int m, int n, int k) {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double) a[i * k + p] * b[p * n + j];
                c[i * n + j] = (float) s;
            }
    }

    /** {@code C[m x n] = A[k x m]^T . B[k x n]} (weight gradient: {@code dY^T X}). */
    public static void matmulTN(float[] a, float[] b, float[] c, int m, int n, int k) {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double) a[p * m + i] * b[p * n + j];
                c[i * n + j] = (float) s;
            }
    }

    /** {@code y[i][j] += bias[j]}, then ReLU when {@code relu}. */
    public static void biasActivation(float[] y, float[] bias, int rows, int cols, boolean relu) {
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) {
                float v = y[i * cols + j] + bias[j];
                y[i * cols + j] = relu && v < 0 ? 0f : v;
            }
    }

    /** {@code dh[i] = h[i] > 0 ? dh[i] : 0} where {@code h} is the ReLU output. */
    public static void reluBackward(float[] dh, float[] h, int n) {
        for (int i = 0; i < n; i++) if (!(h[i] > 0)) dh[i] = 0f;
    }

    /** {@code db[j] = sum_i dy[i][j]}. */
    public static void biasGrad(float[] dy, float[] db, int rows, int cols) {
        for (int j = 0; j < cols; j++) {
            double s = 0;
            for (int i = 0; i < rows; i++) s += dy[i * cols + j];
            db[j] = (float) s;
        }
    }

    /**
     * Softmax cross-entropy, mean over the batch (PyTorch's {@code F.cross_entropy}), and its gradient
     * with respect to the logits: {@code dlogits = (softmax - onehot) / rows}.
     *
     * @return the mean loss
     */
    public static double softmaxCrossEntropy(float[] logits, byte[] labels, int[] rowsIndex, float[] dlogits,
                                             int rows, int cols) {
        double total = 0;
        for (int i = 0; i < rows; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) max = Math.max(max, logits[i * cols + j]);
            double sum = 0;
            for (int j = 0; j < cols; j++) sum += Math.exp(logits[i * cols + j] - max);
            int y = labels[rowsIndex == null ? i : rowsIndex[i]];
            total += Math.log(sum) + max - logits[i * cols + y];
            if (dlogits != null)
                for (int j = 0; j < cols; j++) {
                    double p = Math.exp(logits[i * cols + j] - max) / sum;
                    dlogits[i * cols + j] = (float) ((p - (j == y ? 1 : 0)) / rows);
                }
        }
        return total / rows;
    }

    /**
     * One {@code torch.optim.SGD} update of one tensor, in place (see {@link anneal.optim.SgdConfig}).
     *
     * @param firstStep whether the momentum buffer is being created ({@code buf = g})
     */
    public static void sgdUpdate(float[] p, float[] grad, float[] buf, int n, double lr, double momentum,
                                 double dampening, boolean nesterov, double weightDecay, boolean firstStep) {
        for (int i = 0; i < n; i++) {
            float g = grad[i];
            if (weightDecay != 0) g = g + (float) weightDecay * p[i];
            if (momentum != 0) {
                float b = firstStep ? g : (float) momentum * buf[i] + (float) (1 - dampening) * g;
                buf[i] = b;
                g = nesterov ? g + (float) momentum * b : b;
            }
            p[i] = p[i] - (float) lr * g;
        }
    }
}
