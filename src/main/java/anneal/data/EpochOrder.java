package anneal.data;

import java.util.SplittableRandom;
import java.util.function.IntUnaryOperator;

/**
 * The order in which an epoch visits the training samples: a Fisher-Yates permutation drawn from
 * {@code SplittableRandom} seeded with a mix of the run seed and the epoch index. It depends on nothing else,
 * so every backend and every schedule sees the same batches for the same seed (paired comparisons), and
 * epoch {@code e} of a run does not depend on how many epochs came before.
 */
public final class EpochOrder {
    private EpochOrder() {
    }

    /** The sample order of epoch {@code epoch} (0-based) of a run with {@code seed} over {@code n} samples. */
    public static int[] of(int n, long seed, int epoch) {
        int[] p = new int[n];
        fill(p, seed, epoch);
        return p;
    }

    /** Fills {@code p} with the order of epoch {@code epoch} (no allocation). */
    public static void fill(int[] p, long seed, int epoch) {
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 0xD1B54A32D192ED03L * (epoch + 1));
        permutation(p, rng::nextInt);
    }

    /**
     * The project's one shuffle (epoch orders, the validation split, test cases): fills {@code p} with a Fisher-Yates
     * permutation of {@code 0..p.length - 1}, from the identity, swapping {@code p[i]} with {@code p[nextBelow(i + 1)]}
     * for {@code i} from {@code p.length - 1} down to 1 ({@code nextBelow(b)}: uniform in {@code [0, b)}).
     */
    public static void permutation(int[] p, IntUnaryOperator nextBelow) {
        for (int i = 0; i < p.length; i++) p[i] = i;
        for (int i = p.length - 1; i > 0; i--) {
            int j = nextBelow.applyAsInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
    }

    /** A new {@link #permutation(int[], IntUnaryOperator) permutation} of {@code 0..n - 1}. */
    public static int[] permutation(int n, IntUnaryOperator nextBelow) {
        int[] p = new int[n];
        permutation(p, nextBelow);
        return p;
    }
}
