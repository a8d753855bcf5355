package anneal.backend.cuda;

import static jcuda.driver.JCudaDriver.cuGraphExecKernelNodeSetParams;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;

import jcuda.Pointer;
import jcuda.driver.CUDA_KERNEL_NODE_PARAMS;
import jcuda.driver.CUfunction;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUgraphNode;
import jcuda.driver.CUstream;

/**
 * One kernel launch of a training step or evaluation, built once and launched many times: the grid, the
 * block and the kernel parameter array are fixed at construction. Parameters that change between
 * launches (the batch offset, the SGD step struct) are Java arrays that the parameter array points at;
 * the owner overwrites their contents, and the driver reads them at each launch, so launching allocates
 * nothing.
 */
final class KernelLaunch {
    final String name;
    private final CUfunction function;
    private final int gridX;
    private final int gridY;
    private final int block;
    private final Pointer params;
    private final CUDA_KERNEL_NODE_PARAMS nodeParams = new CUDA_KERNEL_NODE_PARAMS();
    /** The node of this launch in an instantiated step graph (null outside graph mode). */
    CUgraphNode node;

    /**
     * @param args one {@link Pointer} per kernel parameter, each pointing at the parameter's value
     *             (a device pointer, or a one-element / struct-sized Java array)
     */
    KernelLaunch(String name, CUfunction function, int gridX, int gridY, int block, Pointer... args) {
        if (gridX < 1 || gridY < 1) throw new IllegalArgumentException(name + ": empty grid " + gridX + " x " + gridY);
        this.name = name;
        this.function = function;
        this.gridX = gridX;
        this.gridY = gridY;
        this.block = block;
        this.params = Pointer.to(args);
        nodeParams.func = function;
        nodeParams.gridDimX = gridX;
        nodeParams.gridDimY = gridY;
        nodeParams.gridDimZ = 1;
        nodeParams.blockDimX = block;
        nodeParams.blockDimY = 1;
        nodeParams.blockDimZ = 1;
        nodeParams.sharedMemBytes = 0;
        nodeParams.kernelParams = params;
    }

    /** Blocks needed to cover {@code n} items with {@code perBlock} items per block. */
    static int blocks(long n, int perBlock) {
        long b = (n + perBlock - 1) / perBlock;
        if (b > Integer.MAX_VALUE) throw new IllegalArgumentException("grid too large: " + b + " blocks");
        return (int) Math.max(1, b);
    }

    void launch(CUstream stream) {
        cuLaunchKernel(function, gridX, gridY, 1, block, 1, 1, 0, stream, params, null);
    }

    /** The node description for building a graph (its parameters are copied at node creation). */
    CUDA_KERNEL_NODE_PARAMS nodeParams() {
        return nodeParams;
    }

    /** Copies the current values of the parameters into this launch's node of an instantiated graph. */
    void updateNode(CUgraphExec exec) {
        cuGraphExecKernelNodeSetParams(exec, node, nodeParams);
    }
}
