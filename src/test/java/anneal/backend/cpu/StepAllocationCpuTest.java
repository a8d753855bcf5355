package anneal.backend.cpu;

import anneal.schedule.HyperparameterTable;
import anneal.schedule.Hyperparameter;
import static org.junit.jupiter.api.Assertions.assertTrue;

import anneal.data.SyntheticData;
import anneal.data.Splits;
import anneal.model.Initialization;
import anneal.model.MlpSpec;
import anneal.optim.OptimizerSetup;
import anneal.optim.SgdConfig;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CPU backend's zero-allocation step: after the first steps at a batch size, 300 training steps allocate
 * less than 8 KiB in total on the calling thread and on every worker thread (HotSpot's per-thread counter).
 * The model's first layer (128 outputs) takes the panel kernels, the second the row-major ones.
 */
class StepAllocationCpuTest {
    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 2})
    void trainStepDoesNotAllocate(int threads) {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "needs HotSpot's allocation counter");
        com.sun.management.ThreadMXBean counter = (com.sun.management.ThreadMXBean) bean;
        Splits data = SyntheticData.blobs(64, 10, 2000, 0, 100, 1.0, 3);
        MlpSpec spec = new MlpSpec(64, new int[] {128}, 10);
        try (CpuBackend b = new CpuBackend(threads)) {
            OptimizerSetup optimizer = OptimizerSetup.single(new SgdConfig(0.9, 0, true, 5e-4), 4);
            b.init(spec, Initialization.pytorchDefault(spec, 1), optimizer);
            b.upload(data);
            int[] order = new int[data.train().count()];
            for (int i = 0; i < order.length; i++) order[i] = i;
            b.beginEpoch(order);
            HyperparameterTable step = optimizer.configured().with(Hyperparameter.LR, 0.01);
            double sink = 0;
            long[] ids = threadIds(b);
            // warm up until the JIT has compiled the Vector API kernels (uncompiled, they box every vector): at least
            // 2000 steps, then in chunks of 500 until one allocates under the limit, at most 20000 steps in all (on a
            // loaded machine C2 can lag 2000 steps; a backend that allocates per step never gets quiet and fails below)
            int s = 0;
            for (; s < 2000; s++) {
                b.trainStep((s * 32) % 1968, 32, step);
                sink += b.lastLoss();
            }
            while (s < 20_000) {
                long mark = total(counter, ids);
                for (int end = s + 500; s < end; s++) {
                    b.trainStep((s * 32) % 1968, 32, step);
                    sink += b.lastLoss();
                }
                if (total(counter, ids) - mark < 8192) break;
            }
            long before = total(counter, ids);
            for (int k = 0; k < 300; k++, s++) {
                b.trainStep((s * 32) % 1968, 32, step);
                sink += b.lastLoss();
            }
            long allocated = total(counter, ids) - before;
            assertTrue(allocated < 8192, "300 steps allocated " + allocated + " bytes (sink " + sink + ")");
        }
    }

    /** The calling thread and the pool's workers. */
    private static long[] threadIds(CpuBackend b) {
        long[] workers = b.workerThreadIds();
        long[] ids = new long[workers.length + 1];
        ids[0] = Thread.currentThread().getId();
        System.arraycopy(workers, 0, ids, 1, workers.length);
        return ids;
    }

    private static long total(com.sun.management.ThreadMXBean counter, long[] ids) {
        long sum = 0;
        for (long id : ids) sum += counter.getThreadAllocatedBytes(id);
        return sum;
    }
}
