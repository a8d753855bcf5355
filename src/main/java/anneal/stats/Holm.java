package anneal.stats;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Holm's (1979) step-down adjustment of {@code m} p-values for multiple comparisons, as R's
 * {@code p.adjust(p, "holm")}: sort ascending, multiply the {@code i}-th smallest (1-based) by {@code m - i + 1},
 * take the running maximum, cap at 1. NaN p-values are left NaN and do not count in {@code m}.
 */
public final class Holm {
    private Holm() {
    }

    /** Adjusted p-values, in the order of {@code p}. */
    public static double[] adjust(double[] p) {
        Integer[] idx = java.util.stream.IntStream.range(0, p.length).filter(i -> !Double.isNaN(p[i])).boxed()
                .toArray(Integer[]::new);
        Arrays.sort(idx, Comparator.comparingDouble(i -> p[i]));
        double[] out = new double[p.length];
        Arrays.fill(out, Double.NaN);
        int m = idx.length;
        double running = 0;
        for (int k = 0; k < m; k++) {
            running = Math.max(running, Math.min(1.0, (m - k) * p[idx[k]]));
            out[idx[k]] = running;
        }
        return out;
    }
}
