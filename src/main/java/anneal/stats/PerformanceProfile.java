package anneal.stats;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AlgoPerf's performance profile (Dahl et al. 2023, after Dolan and More 2002): for every setting (an epoch budget,
 * a backend, a workload) each candidate's time to target is divided by the best candidate's time on that setting;
 * {@code rho_s(tau)} is the share of settings where candidate {@code s} is within a factor {@code tau} of the best,
 * and the benchmark score is {@code (1 / (tau_max - 1)) * integral_1^tau_max rho_s(tau) dtau} with
 * {@code tau_max =} {@value #TAU_MAX}, in [0, 1] (1: the fastest everywhere). A miss is an infinite time (never
 * within any tau). A setting no candidate reached is left out (it ranks nobody).
 */
public final class PerformanceProfile {
    /** AlgoPerf's upper limit of the ratio integrated over. */
    public static final double TAU_MAX = 4.0;

    private final Map<String, double[]> ratios;
    private final int settings;

    private PerformanceProfile(Map<String, double[]> ratios, int settings) {
        this.ratios = ratios;
        this.settings = settings;
    }

    /**
     * Builds the profile.
     *
     * @param times candidate to its time per setting (same length for every candidate; {@code +Infinity} or NaN = miss)
     */
    public static PerformanceProfile of(Map<String, double[]> times) {
        int k = times.values().stream().mapToInt(a -> a.length).max().orElse(0);
        for (double[] t : times.values())
            if (t.length != k) throw new IllegalArgumentException("every candidate needs a time for each of the " + k + " settings");
        double[] best = new double[k];
        java.util.Arrays.fill(best, Double.POSITIVE_INFINITY);
        for (double[] t : times.values())
            for (int j = 0; j < k; j++) if (t[j] > 0 && t[j] < best[j]) best[j] = t[j];
        int used = 0;
        for (double b : best) if (Double.isFinite(b)) used++;
        Map<String, double[]> r = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : times.entrySet()) {
            double[] out = new double[used];
            int i = 0;
            for (int j = 0; j < k; j++) {
                if (!Double.isFinite(best[j])) continue;
                double t = e.getValue()[j];
                out[i++] = Double.isFinite(t) && t > 0 ? t / best[j] : Double.POSITIVE_INFINITY;
            }
            r.put(e.getKey(), out);
        }
        return new PerformanceProfile(r, used);
    }

    /** Settings that entered the profile (at least one candidate reached the target). */
    public int settings() {
        return settings;
    }

    /** The candidates in input order. */
    public java.util.Set<String> candidates() {
        return ratios.keySet();
    }

    /** {@code rho_s(tau)}: share of the settings where {@code candidate} is within {@code tau} times the best. */
    public double rho(String candidate, double tau) {
        double[] r = ratios.get(candidate);
        if (settings == 0) return 0;
        int within = 0;
        for (double v : r) if (v <= tau) within++;
        return within / (double) settings;
    }

    /** The integrated score: {@code (1 / (TAU_MAX - 1)) * integral_1^TAU_MAX rho(tau) dtau}. */
    public double score(String candidate) {
        if (settings == 0) return 0;
        double sum = 0;
        for (double v : ratios.get(candidate))
            if (v <= TAU_MAX) sum += (TAU_MAX - v) / (TAU_MAX - 1);
        return sum / settings;
    }
}
