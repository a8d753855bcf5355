package anneal.backend.cuda;

import anneal.model.Parameters;
import anneal.optim.OptimizerSetup;
import anneal.optim.SgdConfig;
import anneal.schedule.Hyperparameter;
import anneal.schedule.HyperparameterTable;

/**
 * Host images of the two by-value arguments of the fused SGD kernel ({@code kernels/sgd.cu}), packed as
 * 4-byte words exactly as the C structs lay them out (all fields are 4 bytes, so there is no padding;
 * {@code SgdArgsTest.wordOffsetsMatchTheCompiledStructs} checks these offsets against the compiled structs):
 * <pre>
 * struct SgdLayout { int tensorEnd[32]; int tensorGroup[32]; int tensors;
 *                    float oneMinusDampening[8]; int nesterov[8]; };                               // 324 bytes
 * struct SgdStep   { float lr[8]; float momentum[8]; float weightDecay[8]; int firstStep[8]; };   // 128 bytes
 * </pre>
 * {@code SgdStep} is the step's {@link HyperparameterTable} in float: one row of {@code MAX_GROUPS} words per
 * {@link Hyperparameter}, in the enumeration's order ({@link #stepRow}), then {@code firstStep}; a new
 * hyperparameter is a new row before {@code firstStep} in {@code kernels/sgd.cu}, and nothing here changes.
 * The layout is written once per run; {@link #setStep} overwrites the step words in place before each
 * launch, so a training step allocates nothing. lr, momentum, weight decay and {@code 1 - dampening} are
 * rounded to float exactly as {@link anneal.backend.ReferenceOps#sgdUpdate} rounds them.
 */
public final class SgdArgs {
    /** Most optimizer groups the kernel takes. */
    public static final int MAX_GROUPS = KernelConstants.get("SGD_MAX_GROUPS");
    /** Most parameter tensors the kernel takes (an MLP with up to 15 hidden layers). */
    public static final int MAX_TENSORS = KernelConstants.get("SGD_MAX_TENSORS");

    static final int LAYOUT_TENSOR_END = 0;
    static final int LAYOUT_TENSOR_GROUP = LAYOUT_TENSOR_END + MAX_TENSORS;
    static final int LAYOUT_TENSORS = LAYOUT_TENSOR_GROUP + MAX_TENSORS;
    static final int LAYOUT_ONE_MINUS_DAMPENING = LAYOUT_TENSORS + 1;
    static final int LAYOUT_NESTEROV = LAYOUT_ONE_MINUS_DAMPENING + MAX_GROUPS;
    static final int LAYOUT_WORDS = LAYOUT_NESTEROV + MAX_GROUPS;

    static final int STEP_FIRST = Hyperparameter.COUNT * MAX_GROUPS;
    static final int STEP_WORDS = STEP_FIRST + MAX_GROUPS;

    /** The first word of {@code h}'s row in {@code SgdStep}. */
    static int stepRow(Hyperparameter h) {
        return h.ordinal() * MAX_GROUPS;
    }

    private final int[] layout = new int[LAYOUT_WORDS];
    private final int[] step = new int[STEP_WORDS];
    private final boolean[] bufferCreated;
    private final int groups;

    /**
     * @param tensorFloats floats in each parameter tensor, in {@link Parameters} order
     * @throws IllegalArgumentException when there are more tensors or groups than the kernel takes
     */
    public SgdArgs(int[] tensorFloats, OptimizerSetup optimizer) {
        if (tensorFloats.length > MAX_TENSORS)
            throw new IllegalArgumentException("the CUDA backend takes at most " + MAX_TENSORS + " parameter tensors ("
                    + MAX_TENSORS / 2 + " layers), got " + tensorFloats.length);
        SgdConfig[] cfg = optimizer.groups();
        if (cfg.length > MAX_GROUPS)
            throw new IllegalArgumentException("the CUDA backend takes at most " + MAX_GROUPS + " optimizer groups, got " + cfg.length);
        if (optimizer.groupOfTensor().length != tensorFloats.length)
            throw new IllegalArgumentException("optimizer maps " + optimizer.groupOfTensor().length + " tensors, model has " + tensorFloats.length);
        groups = cfg.length;
        bufferCreated = new boolean[groups];
        long end = 0;
        for (int t = 0; t < tensorFloats.length; t++) {
            end += tensorFloats[t];
            if (end > Integer.MAX_VALUE) throw new IllegalArgumentException("more than 2^31 parameters: " + end);
            layout[LAYOUT_TENSOR_END + t] = (int) end;
            layout[LAYOUT_TENSOR_GROUP + t] = optimizer.groupOfTensor()[t];
        }
        layout[LAYOUT_TENSORS] = tensorFloats.length;
        for (int g = 0; g < groups; g++) {
            layout[LAYOUT_ONE_MINUS_DAMPENING + g] = Float.floatToRawIntBits((float) (1 - cfg[g].dampening()));
            layout[LAYOUT_NESTEROV + g] = cfg[g].nesterov() ? 1 : 0;
        }
    }

    /**
     * Writes this step's hyperparameters per group (every row of {@code hyperparameters}, rounded to float); marks
     * the groups whose momentum buffers this step creates.
     */
    public void setStep(HyperparameterTable hyperparameters) {
        if (hyperparameters.groups() != groups)
            throw new IllegalArgumentException("expected hyperparameters for " + groups + " optimizer groups, got "
                    + hyperparameters.groups());
        for (int i = 0; i < Hyperparameter.COUNT; i++) {
            Hyperparameter h = Hyperparameter.of(i);
            int row = stepRow(h);
            for (int g = 0; g < groups; g++) step[row + g] = Float.floatToRawIntBits((float) hyperparameters.get(h, g));
        }
        for (int g = 0; g < groups; g++) {
            boolean moves = (float) hyperparameters.get(Hyperparameter.MOMENTUM, g) != 0;
            step[STEP_FIRST + g] = moves && !bufferCreated[g] ? 1 : 0;
            if (moves) bufferCreated[g] = true;
        }
    }

    /** The SgdLayout words (a live array: the kernel parameter points at it). */
    int[] layoutWords() {
        return layout;
    }

    /** The SgdStep words (a live array, rewritten by {@link #setStep}). */
    int[] stepWords() {
        return step;
    }

    /** Floats in all tensors together. */
    public int totalFloats() {
        return layout[LAYOUT_TENSOR_END + layout[LAYOUT_TENSORS] - 1];
    }
}
