package anneal.backend.cuda;

import anneal.backend.JvmOptions;
import anneal.data.SyntheticData;
import anneal.data.Splits;
import anneal.model.Initialization;
import anneal.model.MlpSpec;
import anneal.model.Parameters;
import anneal.data.EpochOrder;
import anneal.optim.OptimizerSetup;
import anneal.optim.SgdConfig;
import anneal.schedule.Hyperparameter;
import anneal.schedule.HyperparameterTable;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jcuda.Pointer;
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
 * Host cost of one {@link CudaBackend#trainStep} of the 784-256-10 MLP (batch 128): the Java and JNI work
 * of enqueuing a step, for each lr delivery, with the driver's launches made no-ops. It needs the CPU
 * stand-in driver in no-execute mode, which drops every launch after checking it and copying its
 * parameters (so a launch costs roughly what the JNI crossing and argument copy cost, not a GPU's ~2 us):
 * <pre>
 * make -C kernels standin
 * LD_LIBRARY_PATH=kernels/build/standin ANNEAL_STANDIN_NO_EXECUTE=1 \
 *   java -cp target/anneal.jar org.openjdk.jmh.Main CudaHostCostBench
 * </pre>
 * {@code legacyPacking} is the peer in the same run: the same launches with the argument array built as the
 * backend built it before issue #13 ({@code Pointer.to(Pointer.to(value), ...)}, which JCuda walks with JNI
 * calls per argument at each launch).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {JvmOptions.VECTOR_MODULE, JvmOptions.TRAP_LIMIT})
@State(Scope.Thread)
public class CudaHostCostBench {
    @Param({"kernel-arg", "device-scalar", "graph"})
    String delivery;

    /** The step's kernels: 2 (default, 5 launches) or 1 (the 10 launches of issue #4). */
    @Param({"2", "1"})
    String kernels;

    private CudaBackend backend;
    private HyperparameterTable hyperparameters;
    private int step;
    private List<KernelLaunch> launches;
    private Pointer[] legacyParams;
    private static final int BATCH = 128, BATCHES = 8;

    @Setup(Level.Trial)
    public void setUp() {
        if (!"1".equals(System.getenv("ANNEAL_STANDIN_NO_EXECUTE")))
            throw new IllegalStateException("ANNEAL_STANDIN_NO_EXECUTE=1 and the stand-in on LD_LIBRARY_PATH are needed (see the Javadoc)");
        Splits data = SyntheticData.blobs(784, 10, BATCH * BATCHES, 128, 128, 2.0, 1);
        backend = CudaBackend.open(0, LrDelivery.parse(delivery), "1".equals(kernels) ? StepKernels.V1_SEPARATE : StepKernels.V2_FUSED);
        if (!backend.onStandInDriver()) throw new IllegalStateException("not the CPU stand-in driver: " + backend.description());
        MlpSpec spec = new MlpSpec(784, new int[] {256}, 10);
        Parameters init = Initialization.pytorchDefault(spec, 1);
        OptimizerSetup opt = OptimizerSetup.noDecayOnBias(new SgdConfig(0.9, 0, true, 5e-4), init.count());
        backend.init(spec, init, opt);
        backend.upload(data);
        backend.beginEpoch(EpochOrder.of(data.train().count(), 1, 0));
        hyperparameters = opt.configured().with(Hyperparameter.LR, 0.05, 0.05);
        backend.trainStep(0, BATCH, hyperparameters);  // builds the plan (and the graph)
        launches = backend.stepLaunches(BATCH);
        legacyParams = new Pointer[launches.size()];
        for (int i = 0; i < legacyParams.length; i++) legacyParams[i] = launches.get(i).legacyParams();
    }

    @Benchmark
    public void trainStep() {
        backend.trainStep((step++ % BATCHES) * BATCH, BATCH, hyperparameters);
    }

    /** The same launches as kernel-arg, each with a nested Pointer array as the pre-#13 backend passed (kernels=1: the pre-#13 step). */
    @Benchmark
    public void legacyPacking() {
        for (int i = 0; i < legacyParams.length; i++) launches.get(i).launchWith(legacyParams[i]);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        backend.close();
    }
}
