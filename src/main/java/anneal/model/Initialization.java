package anneal.model;

import java.util.SplittableRandom;

/**
 * PyTorch's default initialisation of {@code nn.Linear}: {@code kaiming_uniform_(weight, a=sqrt(5))}, which
 * works out to {@code U(-1/sqrt(fan_in), 1/sqrt(fan_in))}, and the bias drawn from the same
 * {@code U(-1/sqrt(fan_in), 1/sqrt(fan_in))}.
 *
 * <p>The distribution is PyTorch's; the random stream is not: values come from Java's
 * {@link SplittableRandom} seeded with {@code seed}, in tensor order {@code W0, b0, W1, b1, ...} and row-major
 * within a tensor, so the same seed gives the same weights on every backend but not the weights
 * {@code torch.manual_seed(seed)} would give. (Tests that compare with PyTorch copy PyTorch's weights in.)
 */
public final class Initialization {
    private Initialization() {
    }

    /** Freshly initialised parameters for {@code spec}. */
    public static Parameters pytorchDefault(MlpSpec spec, long seed) {
        Parameters p = Parameters.zeros(spec);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int l = 0; l < spec.layers(); l++) {
            double bound = 1.0 / Math.sqrt(spec.fanIn(l));
            fillUniform(p.weight(l), bound, rng);
            fillUniform(p.bias(l), bound, rng);
        }
        return p;
    }

    private static void fillUniform(float[] t, double bound, SplittableRandom rng) {
        for (int i = 0; i < t.length; i++) t[i] = (float) ((2 * rng.nextDouble() - 1) * bound);
    }
}
