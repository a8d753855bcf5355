package anneal.backend.cuda;

import anneal.ConfigurationException;
import java.util.Locale;

/**
 * How the step's learning rate (and momentum) reaches the fused SGD kernel. {@code gpu-check} reports
 * the cost per step of each.
 */
public enum LrDelivery {
    /** Passed by value as an argument of the SGD kernel; the step's kernels are launched one by one. */
    KERNEL_ARGUMENT,
    /** Written to a small device buffer before each step (one host-to-device copy), read by the kernel. */
    DEVICE_SCALAR,
    /**
     * The default: the whole step is one instantiated CUDA graph, and the lr is still a kernel argument of its
     * SGD node; before each graph launch the first node (batch offset) and the SGD node (lr, momentum, weight
     * decay) are updated with {@code cuGraphExecKernelNodeSetParams}. Three driver calls per step instead of
     * one launch per kernel (host cost per step: results/cuda-status.md).
     */
    CUDA_GRAPH;

    /** What {@code ANNEAL_CUDA_LR} unset means. */
    public static final LrDelivery DEFAULT = CUDA_GRAPH;

    /** The command-line spelling: {@code kernel-arg}, {@code device-scalar}, {@code graph}. */
    public String cliName() {
        return switch (this) {
            case KERNEL_ARGUMENT -> "kernel-arg";
            case DEVICE_SCALAR -> "device-scalar";
            case CUDA_GRAPH -> "graph";
        };
    }

    /** Parses {@link #cliName()} (case-insensitive). */
    public static LrDelivery parse(String s) {
        for (LrDelivery d : values()) if (d.cliName().equals(s.toLowerCase(Locale.ROOT))) return d;
        throw new ConfigurationException("lr delivery must be kernel-arg, device-scalar or graph, got '" + s + "'");
    }
}
