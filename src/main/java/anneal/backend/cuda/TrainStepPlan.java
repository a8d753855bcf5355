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
 * The launches of one training step at one batch size, run either one by one on the stream or as one
 * instantiated CUDA graph (a chain of kernel nodes). In graph mode only the first launch (the gather,
 * whose batch offset changes) and the last (the SGD update, whose lr, momentum and weight decay change) are refreshed
 * before each graph launch, with {@code cuGraphExecKernelNodeSetParams}.
 */
final class TrainStepPlan implements AutoCloseable {
    private final List<KernelLaunch> launches;
    private final KernelLaunch first;
    private final KernelLaunch last;
    private CUgraph graph;
    private CUgraphExec exec;

    TrainStepPlan(List<KernelLaunch> launches, boolean asGraph) {
        this.launches = List.copyOf(launches);
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

    int size() {
        return launches.size();
    }

    void run(CUstream stream) {
        if (exec == null) {
            for (KernelLaunch k : launches) k.launch(stream);
        } else {
            first.updateNode(exec);
            last.updateNode(exec);
            cuGraphLaunch(exec, stream);
        }
    }

    @Override
    public void close() {
        if (exec != null) cuGraphExecDestroy(exec);
        if (graph != null) cuGraphDestroy(graph);
        exec = null;
        graph = null;
    }
}
