package anneal.jmh;

import anneal.backend.JvmOptions;
import anneal.backend.Backend;
import anneal.train.Backends;
import anneal.model.Initialization;
import anneal.data.EpochOrder;
import anneal.data.FashionMnist;
import anneal.data.Splits;
import anneal.model.MlpSpec;
import anneal.model.Parameters;
import anneal.optim.OptimizerSetup;
import anneal.optim.SgdConfig;
import anneal.schedule.Hyperparameter;
import anneal.schedule.HyperparameterTable;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one SGD training step (forward, loss, backward, fused update) of the sweep's model on a
 * backend: the yardstick that the schedules' per-step cost ({@code ScheduleStepBench}) is compared with
 * in the report's overhead table.
 *
 * <ul>
 *   <li>{@link Mode#AverageTime} in microseconds per step. The first steps run before the JIT has compiled the
 *       kernels and take seconds each, so warmup is 8 one-second iterations (the trainer's own warm-up, outside
 *       its timed region, does the same for a run); run with {@code -prof gc} to see bytes allocated per step.</li>
 *   <li>Each invocation is one step on the next batch of a fixed sample order, then {@link Backend#lastLoss()},
 *       which forces a device sync so that an asynchronous (CUDA) backend is timed for the work it queued.</li>
 *   <li>The data is Fashion-MNIST as in the sweep; the weights are {@link Initialization#pytorchDefault}, seeded
 *       (the cost of a step does not depend on them).</li>
 *   <li>{@code backend=cuda} fails on a machine without a GPU; run {@code -p backend=cpu} there.</li>
 *   <li>The regression guard of the CPU step (issue #14): CI compiles it but does not time it; on a quiet machine,
 *       {@code java -jar target/anneal.jar bench TrainStepBench -p backend=cpu -p threads=1,2 -prof gc} gives
 *       us/step and bytes/step (0 expected) to compare with results/train-cpu-vs-pytorch.md.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 8, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {JvmOptions.VECTOR_MODULE, JvmOptions.TRAP_LIMIT})
@State(Scope.Benchmark)
public class TrainStepBench {
    @Param({"cpu", "cuda"})
    public String backend;

    @Param("128")
    public int batch;

    @Param("256")
    public int hidden;

    /** CPU backend threads (ignored by CUDA). */
    @Param("2")
    public int threads;

    /**
     * Which rows each step trains on: {@code sequential}, the next 128 rows of the training set (the regression
     * guard's default); {@code shuffled}, the batches of epoch 0 of seed 1 in the trainer's own order
     * ({@link EpochOrder}), so the rows are scattered over the 172 MB training set and fetched from memory on first
     * touch; {@code same}, the first batch
     * every step, so its rows stay in cache. {@code same} against {@code shuffled} separates a step's compute
     * from its first-touch misses.
     */
    @Param("sequential")
    public String order;

    private Backend device;
    private int trainCount;
    private int offset;
    /** Whether each step takes the next batch (every order but {@code same}). */
    private boolean advance;
    private HyperparameterTable hyperparameters;

    @Setup(Level.Trial)
    public void setUp() {
        anneal.util.ParentWatch.startFromProperty(); // a fork of the sweep dies with the sweep JVM
        Splits splits = FashionMnist.load(FashionMnist.DEFAULT_DIR, 5000, 0);
        MlpSpec spec = new MlpSpec(splits.train().featureCount(), new int[] {hidden}, splits.train().classes());
        device = backend.equals("cpu") ? new anneal.backend.cpu.CpuBackend(threads) : Backends.create(backend, System.err);
        OptimizerSetup optimizer = OptimizerSetup.single(new SgdConfig(0.9, 0, true, 5e-4), 2 * spec.layers());
        device.init(spec, Initialization.pytorchDefault(spec, 0), optimizer);
        device.upload(splits);
        trainCount = splits.train().count();
        int[] rows = switch (order) {
            case "sequential", "same" -> java.util.stream.IntStream.range(0, trainCount).toArray();
            case "shuffled" -> EpochOrder.of(trainCount, 1, 0); // the trainer's order of epoch 0 for seed 1
            default -> throw new IllegalArgumentException("order: " + order + " is not allowed; allowed: sequential, shuffled, same");
        };
        advance = !order.equals("same");
        device.beginEpoch(rows);
        hyperparameters = optimizer.configured().with(Hyperparameter.LR, 0.01);
    }

    /** One training step; returns its loss so nothing is dead code. */
    @Benchmark
    public double step() {
        if (offset + batch > trainCount) offset = 0;
        device.trainStep(offset, batch, hyperparameters);
        if (advance) offset += batch;
        return device.lastLoss();
    }

    /** With {@code -jvmArgsAppend -Danneal.cpu.phaseTimes=true}: the CPU step's phases, per worker, of this iteration. */
    @TearDown(Level.Iteration)
    public void phases() {
        if (device instanceof anneal.backend.cpu.CpuBackend c) {
            anneal.backend.cpu.CpuBackend.PhaseTimes report = c.phaseTimes();
            if (report != null) System.out.print(report.table());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        device.close();
    }
}
