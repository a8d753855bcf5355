package anneal.backend.cpu;

import anneal.schedule.HyperparameterTable;
import static org.junit.jupiter.api.Assertions.assertEquals;

import anneal.data.Dataset;
import anneal.data.Splits;
import anneal.data.SyntheticData;
import anneal.model.Initialization;
import anneal.model.MlpSpec;
import anneal.model.Parameters;
import anneal.optim.OptimizerSetup;
import anneal.optim.SgdConfig;
import org.junit.jupiter.api.Test;

/**
 * Every gradient of a whole model (two hidden layers, odd widths) from the CPU backend against central finite
 * differences of an independent double-precision forward pass written here.
 */
class GradientCheckTest {
    private static double lossInDouble(MlpSpec spec, double[][] p, float[] x, byte[] y, int rows) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            double[] a = new double[spec.inputs()];
            for (int j = 0; j < a.length; j++) a[j] = x[r * spec.inputs() + j];
            for (int l = 0; l < spec.layers(); l++) {
                int in = spec.fanIn(l), out = spec.fanOut(l);
                double[] z = new double[out];
                for (int o = 0; o < out; o++) {
                    double s = p[2 * l + 1][o];
                    for (int i = 0; i < in; i++) s += p[2 * l][o * in + i] * a[i];
                    z[o] = l < spec.layers() - 1 ? Math.max(0, s) : s;
                }
                a = z;
            }
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (double v : a) max = Math.max(max, v);
            for (double v : a) sum += Math.exp(v - max);
            total += Math.log(sum) + max - a[y[r]];
        }
        return total / rows;
    }

    @Test
    void allGradientsMatchFiniteDifferences() {
        MlpSpec spec = new MlpSpec(11, new int[] {9, 7}, 4);
        int rows = 13;
        Splits data = SyntheticData.blobs(spec.inputs(), spec.classes(), rows, 0, 1, 1.0, 42);
        Dataset train = data.train();
        Parameters init = Initialization.pytorchDefault(spec, 7);
        float[][] grads;
        try (CpuBackend b = new CpuBackend(2)) {
            b.init(spec, init, OptimizerSetup.single(new SgdConfig(0, 0, false, 0), init.count()));
            b.upload(data);
            int[] order = new int[rows];
            for (int i = 0; i < rows; i++) order[i] = i;
            b.beginEpoch(order);
            b.trainStep(0, rows, new HyperparameterTable(1));  // lr, momentum and weight decay 0
            grads = new float[init.count()][];
            for (int t = 0; t < init.count(); t++) grads[t] = b.lastGradients().tensor(t);
            double[][] p = new double[init.count()][];
            for (int t = 0; t < p.length; t++) {
                p[t] = new double[init.tensor(t).length];
                for (int i = 0; i < p[t].length; i++) p[t][i] = init.tensor(t)[i];
            }
            assertEquals(lossInDouble(spec, p, train.features(), train.labels(), rows), b.lastLoss(), 1e-6, "loss");
            double eps = 1e-6;
            int checked = 0;
            for (int t = 0; t < p.length; t++)
                for (int i = 0; i < p[t].length; i++) {
                    double keep = p[t][i];
                    p[t][i] = keep + eps;
                    double up = lossInDouble(spec, p, train.features(), train.labels(), rows);
                    p[t][i] = keep - eps;
                    double down = lossInDouble(spec, p, train.features(), train.labels(), rows);
                    p[t][i] = keep;
                    double fd = (up - down) / (2 * eps);
                    assertEquals(fd, grads[t][i], 1e-5 + 1e-3 * Math.abs(fd), init.name(t) + "[" + i + "]");
                    checked++;
                }
            assertEquals(init.totalFloats(), checked);
        }
    }
}
