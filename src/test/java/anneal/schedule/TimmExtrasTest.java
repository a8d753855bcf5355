package anneal.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * timm's extras against timm's formulas, written out here independently (timm/scheduler/cosine_lr.py and
 * tanh_lr.py, {@code _get_lr}), and their properties: continuity of the warmup join, cycle limit, peak decay,
 * real-valued cycle multiplier, seeded noise that is reproducible, bounded and has the requested spread.
 */
class TimmExtrasTest {
    private static final double BASE = 0.1;

    private static double[] run(String spec, int steps) {
        return AnnealSchedulesTest.run(spec, steps, BASE);
    }

    /** timm's {@code _get_lr} after warmup, as timm writes it (log of the cycle index, t_curr ** k / t_i ** k). */
    private static double timm(boolean cosine, double t, double tInitial, double mul, double decay, int limit, double k,
            double lrMin) {
        int i;
        double ti;
        double tCurr;
        if (mul != 1) {
            i = (int) Math.floor(Math.log(1 - t / tInitial * (1 - mul)) / Math.log(mul));
            ti = Math.pow(mul, i) * tInitial;
            tCurr = t - (1 - Math.pow(mul, i)) / (1 - mul) * tInitial;
        } else {
            i = (int) Math.floor(t / tInitial);
            ti = tInitial;
            tCurr = t - tInitial * i;
        }
        double lrMax = BASE * Math.pow(decay, i);
        if (i >= limit) return lrMin;
        if (cosine) return lrMin + 0.5 * (lrMax - lrMin) * (1 + Math.cos(Math.PI * Math.pow(tCurr, k) / Math.pow(ti, k)));
        double tr = tCurr / ti;
        return lrMin + 0.5 * (lrMax - lrMin) * (1 - Math.tanh(-7 * (1 - tr) + 3 * tr));
    }

    private static void assertRel(double expected, double actual, String what) {
        assertTrue(Math.abs(expected - actual) <= 1e-12 * Math.max(Math.abs(expected), 1e-300) + 1e-18,
                what + ": expected " + expected + ", got " + actual);
    }

    @Test
    void cosineWithKDecayRealCycleMultiplierPeakDecayAndLimit() {
        double[] lr = run("CosineCycleLR(t_initial=10, cycle_mul=1.5, cycle_decay=0.5, cycle_limit=3, k_decay=2.0, "
                + "lr_min_ratio=0.01)", 60);
        for (int t = 0; t <= 60; t++) {
            assertRel(timm(true, t, 10, 1.5, 0.5, 3, 2.0, BASE * 0.01), lr[t], "t=" + t);
        }
        assertRel(BASE * 0.5, lr[10], "second cycle peaks at cycle_decay");
        assertRel(BASE * 0.25, lr[25], "third cycle (10 + 15) peaks at cycle_decay^2");
        for (int t = 48; t <= 60; t++) assertEquals(BASE * 0.01, lr[t], 0.0, "after cycle_limit=3 cycles (47.5): lr_min");
        // k = 2 decays slower early than plain cosine
        double[] plain = run("CosineCycleLR(t_initial=10, lr_min_ratio=0.01)", 10);
        for (int t = 1; t < 10; t++) assertTrue(lr[t] > plain[t], "k-decay holds the lr higher at " + t);
        for (int t = 10; t <= 10; t++) assertEquals(BASE * 0.01, plain[t], 0.0, "cycle_limit=1 (timm's default)");
    }

    @Test
    void tanhFollowsTimm() {
        double[] lr = run("TanhCycleLR(t_initial=20, cycle_limit=2, lr_min_ratio=0.05)", 45);
        for (int t = 0; t <= 45; t++) assertRel(timm(false, t, 20, 1, 1, 2, 1, BASE * 0.05), lr[t], "t=" + t);
        for (int t = 1; t < 20; t++) assertTrue(lr[t] < lr[t - 1], "decreasing within the cycle at " + t);
    }

    @Test
    void warmupJoinsWithoutAJump() {
        int w = 5;
        double[] inside = run("CosineCycleLR(t_initial=30, warmup_t=5, warmup_lr_init_ratio=0.1)", 30);
        double atJoin = timm(true, w, 30, 1, 1, 1, 1, 0);
        for (int t = 0; t < w; t++) assertRel(BASE * 0.1 + (atJoin - BASE * 0.1) * t / w, inside[t], "ramp t=" + t);
        for (int t = w; t <= 30; t++) assertRel(timm(true, t, 30, 1, 1, 1, 1, 0), inside[t], "cycles count the warmup, t=" + t);
        double rampStep = (atJoin - BASE * 0.1) / w;
        assertRel(rampStep, inside[w] - inside[w - 1], "the join continues the ramp: no jump");
        double[] prefix = run("CosineCycleLR(t_initial=30, warmup_t=5, warmup_prefix=True)", 40);
        for (int t = 0; t < w; t++) assertRel(BASE * t / w, prefix[t], "prefix ramp t=" + t);
        for (int t = w; t <= 35; t++) assertRel(timm(true, t - w, 30, 1, 1, 1, 1, 0), prefix[t], "prefix t=" + t);
    }

    private static final String NOISY = "NoisyLR(scheduler=CosineAnnealingLR(T_max=2000), noise_type='%s', "
            + "noise_pct=%s, noise_std=%s, noise_seed=%d, noise_range=[10, 1900])";

    @Test
    void noiseIsSeededBoundedAndHasTheRequestedSpread() {
        double[] clean = run("CosineAnnealingLR(T_max=2000)", 2000);
        double[] a = run(String.format(NOISY, "normal", "0.9", "0.1", 7), 2000);
        double[] b = run(String.format(NOISY, "normal", "0.9", "0.1", 7), 2000);
        double[] c = run(String.format(NOISY, "normal", "0.9", "0.1", 8), 2000);
        double sum = 0;
        double sumSq = 0;
        int n = 0;
        for (int t = 0; t <= 2000; t++) {
            assertEquals(a[t], b[t], 0.0, "same seed, same noise at " + t);
            double noise = a[t] / clean[t] - 1;
            if (t < 10 || t >= 1900) {
                assertEquals(clean[t], a[t], 0.0, "no noise outside noise_range at " + t);
                continue;
            }
            assertNotEquals(a[t], c[t], "another seed, other noise at " + t);
            assertTrue(Math.abs(noise) < 0.9, "normal noise within noise_pct at " + t);
            sum += noise;
            sumSq += noise * noise;
            n++;
        }
        double mean = sum / n;
        double sd = Math.sqrt(sumSq / n - mean * mean);
        // 1890 draws of N(0, 0.1^2) (truncation at 9 sd is negligible): sd within 10%, mean within 4 standard errors
        assertTrue(Math.abs(sd - 0.1) < 0.01, "noise_std applied: sample sd " + sd);
        assertTrue(Math.abs(mean) < 4 * 0.1 / Math.sqrt(n), "centred: mean " + mean);

        double[] u = run(String.format(NOISY, "uniform", "0.3", "1.0", 7), 2000);
        double max = 0;
        for (int t = 10; t < 1900; t++) {
            double noise = u[t] / clean[t] - 1;
            assertTrue(Math.abs(noise) <= 0.3 * (1 + 1e-12), "uniform within noise_pct at " + t);
            max = Math.max(max, Math.abs(noise));
        }
        assertTrue(max > 0.29, "uniform noise reaches its range (max " + max + ")");
        // truncation at noise_pct really happens: with std 1 and pct 0.2 every draw is within 0.2
        double[] tight = run(String.format(NOISY, "normal", "0.2", "1.0", 3), 500);
        for (int t = 10; t <= 500; t++) assertTrue(Math.abs(tight[t] / clean[t] - 1) < 0.2, "truncated at " + t);
    }

    @Test
    void noiseDoesNotCompoundOnAChainableSchedule() {
        double[] noisy = run("NoisyLR(scheduler=ExponentialLR(gamma=0.9), noise_type='uniform', noise_pct=0.5)", 50);
        for (int t = 0; t <= 50; t++) {
            double noise = noisy[t] / (BASE * Math.pow(0.9, t)) - 1;
            assertTrue(Math.abs(noise) <= 0.5 + 1e-9, "the noise applies to the schedule's own value at " + t);
        }
    }
}
