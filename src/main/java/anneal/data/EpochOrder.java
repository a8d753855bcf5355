package anneal.data;

import java.util.SplittableRandom;

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
        int n = p.length;
        for (int i = 0; i < n; i++) p[i] = i;
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 0xD1B54A32D192ED03L * (epoch + 1));
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
    }
}
