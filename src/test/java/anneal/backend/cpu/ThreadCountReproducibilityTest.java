package anneal.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import anneal.backend.Backend;
import anneal.data.SyntheticData;
import anneal.data.Splits;
import anneal.model.Initialization;
import anneal.model.MlpSpec;
import anneal.model.Parameters;
import anneal.optim.OptimizerSetup;
import anneal.optim.SgdConfig;
import anneal.schedule.Hyperparameter;
import anneal.schedule.HyperparameterTable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The CPU backend gives the same bits whatever its thread count: every loss, parameter and evaluation after 40 steps
 * (a partial last batch included) with 2 and 3 threads equals the 1-thread run's. The first model's first layer
 * (256 outputs: 4 panels on AVX-512, 8 on AVX2) takes the panel step, split by panels across the workers, which steal
 * each other's tasks when they finish first (also run here without stealing, each worker on its own share); the
 * second (33 hidden, two hidden layers) the two-pass row-major step.
 */
class ThreadCountReproducibilityTest {
    @ParameterizedTest(name = "{0}-{1}-{2}-{3}, batch {4}")
    @CsvSource({"37,256,0,10,48", "37,33,17,5,29"})
    void everyBitIsIndependentOfTheThreadCount(int in, int h1, int h2, int classes, int batch) {
        MlpSpec spec = new MlpSpec(in, h2 == 0 ? new int[] {h1} : new int[] {h1, h2}, classes);
        Splits data = SyntheticData.blobs(in, classes, 1000, 100, 200, 1.0, 5);
        double[][] reference = null;
        for (int threads : new int[] {1, 2, 3})
            for (boolean stealing : new boolean[] {true, false}) {
                double[][] run = train(spec, data, threads, batch, stealing);
                if (reference == null) reference = run;
                else
                    for (int i = 0; i < reference.length; i++)
                        assertArrayEquals(reference[i], run[i], threads + " threads, stealing " + stealing + ", record " + i);
            }
    }

    /** Losses of 40 steps, then every parameter, then validation loss and accuracy, as doubles. */
    private static double[][] train(MlpSpec spec, Splits data, int threads, int batch, boolean stealing) {
        try (CpuBackend b = new CpuBackend(threads, stealing)) {
            b.init(spec, Initialization.pytorchDefault(spec, 3), OptimizerSetup.single(new SgdConfig(0.9, 0, true, 5e-4),
                    2 * spec.layers()));
            b.upload(data);
            int n = data.train().count();
            int[] order = new int[n];
            for (int i = 0; i < n; i++) order[i] = (int) ((i * 389L + 11) % n);
            b.beginEpoch(order);
            double[] losses = new double[40];
            for (int s = 0; s < 40; s++) {
                int offset = (s * batch) % n, rows = Math.min(batch, n - offset);
                b.trainStep(offset, rows, new HyperparameterTable(1).with(Hyperparameter.LR, 0.05 + 0.001 * s)
                        .with(Hyperparameter.MOMENTUM, 0.9).with(Hyperparameter.WEIGHT_DECAY, 5e-4));
                losses[s] = b.lastLoss();
            }
            Parameters p = b.parameters();
            double[][] out = new double[p.count() + 2][];
            out[0] = losses;
            for (int t = 0; t < p.count(); t++) {
                float[] f = p.tensor(t);
                out[t + 1] = new double[f.length];
                for (int i = 0; i < f.length; i++) out[t + 1][i] = f[i];
            }
            Backend.Evaluation e = b.evaluate(Backend.Split.VALIDATION);
            out[p.count() + 1] = new double[] {e.loss(), e.accuracy()};
            assertEquals(100, e.count());
            return out;
        }
    }
}
