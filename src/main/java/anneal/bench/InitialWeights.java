package anneal.bench;

import anneal.model.MlpSpec;
import anneal.model.Parameters;
import java.util.SplittableRandom;

/**
 * Initial weights for the benchmarks and the range test: PyTorch's default {@code nn.Linear} distribution,
 * weights and biases from U(-1/sqrt(fan_in), 1/sqrt(fan_in)), seeded. (The trainer of issue #3 initialises its
 * runs itself; this serves the code that drives a backend directly.)
 */
public final class InitialWeights {
    private InitialWeights() {
    }

    /** Parameters of {@code spec} drawn from PyTorch's default range with a {@link SplittableRandom} seeded by {@code seed}. */
    public static Parameters pytorchRange(MlpSpec spec, long seed) {
        Parameters p = Parameters.zeros(spec);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int l = 0; l < spec.layers(); l++) {
            double bound = 1 / Math.sqrt(spec.fanIn(l));
            for (float[] t : new float[][] {p.weight(l), p.bias(l)})
                for (int i = 0; i < t.length; i++) t[i] = (float) rnd.nextDouble(-bound, bound);
        }
        return p;
    }
}
