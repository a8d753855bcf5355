package anneal.backend.cuda;

import static jcuda.driver.JCudaDriver.cuGraphAddKernelNode;
import static jcuda.driver.JCudaDriver.cuGraphCreate;
import static jcuda.driver.JCudaDriver.cuGraphDestroy;
import static jcuda.driver.JCudaDriver.cuGraphExecDestroy;
import static jcuda.driver.JCudaDriver.cuGraphInstantiate;
import static jcuda.driver.JCudaDriver.cuGraphLaunch;

import java.util.List;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUgraphNode;
import jcuda.driver.CUstream;

/**
 * The launches of one training step at one batch size, run either one by one on the stream (each a single
 * {@code cuLaunchKernel} with pre-packed arguments) or as one instantiated CUDA graph (a chain of kernel
 * nodes). The first launch takes the batch offset (argument {@link #offsetArg()}: the gather of kernel variant 1,
 * the first layer's forward of variant 2, which hands it on through device memory) and the last is the SGD update
 * (whose step struct changes); the owner rewrites their arguments before {@link #run}. In graph mode
 * only those two nodes are refreshed before each graph launch, with {@code cuGraphExecKernelNodeSetParams}.
 */
final class TrainStepPlan implements AutoCloseable {
    private final List<KernelLaunch> launches;
    private final KernelLaunch[] array;
    private final KernelLaunch first;
    private final KernelLaunch last;
    private final int offsetArg;
    private CUgraph graph;
    private CUgraphExec exec;

    TrainStepPlan(List<KernelLaunch> launches, int offsetArg, boolean asGraph) {
        this.offsetArg = offsetArg;
        this.launches = List.copyOf(launches);
        this.array = launches.toArray(new KernelLaunch[0]);
        this.first = launches.get(0);
        this.last = launches.get(launches.size() - 1);
        if (asGraph) buildGraph();
    }

    private void buildGraph() {
        graph = new CUgraph();
        cuGraphCreate(graph, 0);
        CUgraphNode previous = null;
        for (KernelLaunch k : launches) {
            k.node = new CUgraphNode();
            CUgraphNode[] deps = previous == null ? new CUgraphNode[0] : new CUgraphNode[] {previous};
            cuGraphAddKernelNode(k.node, graph, deps, deps.length, k.nodeParams());
            previous = k.node;
        }
        exec = new CUgraphExec();
        cuGraphInstantiate(exec, graph, 0);
    }

    /** The step's launches, in order (the step's single description; gpu-check and the tests read it). */
    List<KernelLaunch> launches() {
        return launches;
    }

    /** The launch that takes the batch offset. */
    KernelLaunch first() {
        return first;
    }

    /** Index of the first launch's batch-offset argument. */
    int offsetArg() {
        return offsetArg;
    }

    KernelLaunch sgd() {
        return last;
    }

    int size() {
        return array.length;
    }

    void run(CUstream stream) {
        if (exec == null) {
            for (KernelLaunch k : array) k.launch(stream);
        } else {
            first.updateNode(exec);
            last.updateNode(exec);
            cuGraphLaunch(exec, stream);
        }
    }

    @Override
    public void close() {
        try {
            if (exec != null) cuGraphExecDestroy(exec);
        } finally {
            exec = null;
            try {
                if (graph != null) cuGraphDestroy(graph);
            } finally {
                graph = null;
            }
        }
    }
}
