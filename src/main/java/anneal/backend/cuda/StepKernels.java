package anneal.backend.cuda;

/**
 * Which kernels make a training step (the llm.c habit: each new kernel beside the old one, both checked against
 * the CPU reference and both timed by {@code gpu-check}).
 */
public enum StepKernels {
    /**
     * Variant 1 (issue #4): gather_batch, a 32x32-tile SGEMM with 2x2 outputs per thread (matmul.cu) per product,
     * softmax_xent and bias_grad as kernels of their own: 10 launches per 784-256-10 step.
     */
    V1_SEPARATE,
    /**
     * Variant 2 (issue #13, the default): the register-tiled, split-K SGEMM of linear.cu with the gather folded into
     * the first layer's loads, the bias gradient into the weight-gradient kernel, and the last layer with its input
     * gradient into softmax + cross-entropy (linear_xent.cu): 5 launches per 784-256-10 step. Needs a hidden layer
     * and at most XENT_MAX_CLASSES classes; other models run variant 1.
     */
    V2_FUSED;

    public static final StepKernels DEFAULT = V2_FUSED;

    /** The number gpu-check prints: 1 or 2. */
    public int number() {
        return ordinal() + 1;
    }
}
