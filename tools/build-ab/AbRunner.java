import anneal.backend.cpu.CpuBackend;
import anneal.data.EpochOrder;
import anneal.data.FashionMnist;
import anneal.data.Splits;
import anneal.model.Initialization;
import anneal.model.MlpSpec;
import anneal.optim.OptimizerSetup;
import anneal.optim.SgdConfig;
import anneal.schedule.Hyperparameter;
import anneal.schedule.HyperparameterTable;

/**
 * One build's side of tools/build_ab.sh: loaded once per build, each in its own class loader, so the two builds'
 * {@code anneal.*} classes never meet. The trainer's setting: Fashion-MNIST as Anneal splits it, MLP 784-256-10 with
 * PyTorch's initialisation (seed 0), SGD momentum 0.9 Nesterov, weight decay 5e-4, lr 0.01, batch 128, the
 * trainer's shuffled order of epoch 0 for seed 1.
 */
public class AbRunner {
    static final int BATCH = 128;
    static CpuBackend backend;
    static HyperparameterTable hyperparameters;
    static int samples, offset;

    public static void setup(int threads) {
        Splits splits = FashionMnist.load(FashionMnist.DEFAULT_DIR, 5000, 0);
        MlpSpec spec = new MlpSpec(splits.train().featureCount(), new int[] {256}, splits.train().classes());
        OptimizerSetup optimizer = OptimizerSetup.single(new SgdConfig(0.9, 0, true, 5e-4), 2 * spec.layers());
        hyperparameters = optimizer.configured().with(Hyperparameter.LR, 0.01);
        samples = splits.train().count();
        backend = new CpuBackend(threads);
        backend.init(spec, Initialization.pytorchDefault(spec, 0), optimizer);
        backend.upload(splits);
        backend.beginEpoch(EpochOrder.of(samples, 1, 0));
    }

    /** {@code steps} training steps on the next batches (wrapping at the epoch's end); nanoseconds taken. */
    public static long run(int steps) {
        long t0 = System.nanoTime();
        for (int s = 0; s < steps; s++) {
            if (offset + BATCH > samples) offset = 0;
            backend.trainStep(offset, BATCH, hyperparameters);
            offset += BATCH;
        }
        return System.nanoTime() - t0;
    }

    public static float[] parameter(int tensor) {
        return backend.parameters().tensor(tensor);
    }
}
