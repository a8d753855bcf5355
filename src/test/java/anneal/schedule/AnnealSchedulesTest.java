package anneal.schedule;

import anneal.schedule.spec.Schedules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The schedules PyTorch lacks, against their published formulas (written out here independently of the
 * implementation) and their promised properties: bounds, monotonicity, continuity at joins. Restore-equals-
 * uninterrupted for them is in {@link StateRoundTripTest}. Also: every closed form of a PyTorch schedule equals
 * PyTorch's values in the fixtures.
 */
class AnnealSchedulesTest {
    private static final double BASE = 0.1;

    static double[] run(String spec, int steps, double... baseLrs) {
        LrScheduler s = Schedules.fromSpec(spec, baseLrs.length == 0 ? new double[] {BASE} : baseLrs);
        double[] out = new double[steps + 1];
        out[0] = s.lr(0);
        for (int t = 1; t <= steps; t++) {
            s.step();
            out[t] = s.lr(0);
        }
        return out;
    }

    private static void assertRel(double expected, double actual, String what) {
        assertTrue(Fixtures.close(expected, actual), what + ": expected " + expected + ", got " + actual);
    }

    @Test
    void warmupCosineFollowsOptaxFormula() {
        int w = 5;
        int total = 30;
        double floor = 0.1;
        double[] lr = run("WarmupCosineLR(warmup_steps=5, total_steps=30, min_lr_ratio=0.1)", 40);
        for (int t = 0; t <= 40; t++) {
            double expected = t < w ? BASE * t / w
                    : t <= total ? BASE * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * (t - w) / (total - w))))
                    : BASE * floor;
            assertRel(expected, lr[t], "t=" + t);
            assertTrue(lr[t] >= 0 && lr[t] <= BASE * (1 + 1e-15), "bounds at " + t);
            if (t > 0 && t <= w) assertTrue(lr[t] > lr[t - 1], "warmup rises at " + t);
            if (t > w) assertTrue(lr[t] <= lr[t - 1], "decay never rises at " + t);
        }
        assertEquals(BASE, lr[w], 0.0);
        assertTrue(lr[w] - lr[w - 1] <= BASE / w + 1e-15, "continuous at the join");
    }

    @Test
    void inverseSqrtIsTheTransformerSchedule() {
        int d = 512;
        int w = 4000;
        double peak = Math.pow((double) d * w, -0.5);
        LrScheduler s = Schedules.fromSpec("InverseSqrtLR(warmup_steps=4000)", peak);
        double previous = 0;
        for (int t = 1; t <= 20000; t++) {
            s.step();
            double transformer = Math.pow(d, -0.5) * Math.min(Math.pow(t, -0.5), t * Math.pow(w, -1.5));
            if (t % 97 == 0 || t == w || t == w - 1 || t == w + 1) assertRel(transformer, s.lr(0), "t=" + t);
            if (t <= w) assertTrue(s.lr(0) > previous, "rises during warmup at " + t);
            else assertTrue(s.lr(0) < previous, "falls after warmup at " + t);
            previous = s.lr(0);
        }
        assertEquals(Clock.STEP, s.clock());
    }

    @Test
    void warmupStableDecayPhases() {
        double[] lin = run("WarmupStableDecayLR(warmup_steps=4, stable_steps=6, decay_steps=10, decay_type='linear', "
                + "min_lr_ratio=0.1)", 25);
        double[] sqrt = run("WarmupStableDecayLR(warmup_steps=4, stable_steps=6, decay_steps=10, decay_type='1-sqrt')", 25);
        double[] cos = run("WarmupStableDecayLR(warmup_steps=4, stable_steps=6, decay_steps=10)", 25);
        for (int t = 0; t <= 25; t++) {
            double p = Math.min(1.0, Math.max(0.0, (t - 10) / 10.0));
            double warm = t < 4 ? t / 4.0 : 1.0;
            double linear = t < 10 ? warm : 0.1 + 0.9 * (1 - p);
            assertRel(BASE * linear, lin[t], "linear t=" + t);
            assertRel(BASE * (t < 10 ? warm : 1 - Math.sqrt(p)), sqrt[t], "1-sqrt t=" + t);
            assertRel(BASE * (t < 10 ? warm : 0.5 * (1 + Math.cos(Math.PI * p))), cos[t], "cosine t=" + t);
        }
        for (int t = 4; t <= 10; t++) assertEquals(BASE, lin[t], 0.0, "stable at " + t);
    }

    @Test
    void cosineDecayRestartsMatchesKerasFormula() {
        // Keras CosineDecayRestarts(initial, first_decay_steps=10, t_mul=2, m_mul=0.5, alpha=0.1)
        double[] lr = run("CosineDecayRestartsLR(first_decay_steps=10, t_mul=2.0, m_mul=0.5, alpha=0.1)", 80);
        int[] starts = {0, 10, 30, 70};
        for (int t = 0; t <= 80; t++) {
            int i = t >= 70 ? 3 : t >= 30 ? 2 : t >= 10 ? 1 : 0;
            double length = 10 * Math.pow(2, i);
            double fraction = (t - starts[i]) / length;
            double expected = BASE * ((1 - 0.1) * Math.pow(0.5, i) * 0.5 * (1 + Math.cos(Math.PI * fraction)) + 0.1);
            assertRel(expected, lr[t], "t=" + t);
        }
        // fractional t_mul: cycles of 10, 15, 22.5 steps; each restart peaks lower than the last
        double[] frac = run("CosineDecayRestartsLR(first_decay_steps=10, t_mul=1.5, m_mul=0.8)", 60);
        assertRel(BASE * 0.8, frac[10], "second cycle peak");
        assertRel(BASE * 0.64, frac[25], "third cycle peak");
        for (int t = 1; t <= 60; t++) {
            boolean restart = t == 10 || t == 25;
            if (!restart && t != 48) assertTrue(frac[t] <= frac[t - 1], "decays within a cycle at " + t);
        }
    }

    @Test
    void warmupJoinsAnyScheduleContinuously() {
        String[] inners = {"CosineAnnealingLR(T_max=20)", "StepLR(step_size=3, gamma=0.5)",
            "CyclicLR(base_lr=0.001, max_lr=0.05, step_size_up=4)", "OneCycleLR(max_lr=0.3, total_steps=30)",
            "ExponentialLR(gamma=0.9)", "SequentialLR(schedulers=[ConstantLR(factor=0.5, total_iters=2), "
                + "CosineAnnealingLR(T_max=10)], milestones=[4])"};
        String[] ramps = {"linear", "cosine", "exponential"};
        int w = 6;
        for (String inner : inners) {
            double[] alone = run(inner, 24);
            for (String ramp : ramps) {
                double s0 = ramp.equals("exponential") ? 0.01 : 0.0;
                double[] lr = run("WarmupLR(scheduler=" + inner + ", warmup_steps=6, warmup='" + ramp + "')", 30);
                for (int t = 0; t < w; t++) {
                    double p = (double) t / w;
                    double f = ramp.equals("linear") ? s0 + (1 - s0) * p
                            : ramp.equals("cosine") ? s0 + (1 - s0) * (1 - Math.cos(Math.PI * p)) / 2
                            : Math.pow(s0, 1 - p);
                    assertRel(alone[0] * f, lr[t], inner + " " + ramp + " t=" + t);
                    if (t > 0) assertTrue(lr[t] > lr[t - 1], "ramp rises at " + t);
                }
                for (int k = 0; k <= 24; k++) {
                    assertEquals(alone[k], lr[w + k], inner + " " + ramp + ": after warmup = the schedule alone at " + k);
                }
            }
        }
    }

    @Test
    void warmupInFrontOfPlateauPassesMetricsAfterWarmup() {
        LrScheduler s = Schedules.fromSpec("WarmupLR(scheduler=ReduceLROnPlateau(patience=0), warmup_steps=2)", BASE);
        assertTrue(s.needsMetric());
        s.step(1.0);
        assertEquals(BASE * 0.5, s.lr(0), 1e-15);
        s.step(1.0);
        assertEquals(BASE, s.lr(0), 0.0);
        s.step(1.0); // plateau: first metric is an improvement
        assertEquals(BASE, s.lr(0), 0.0);
        s.step(1.0); // no improvement, patience 0
        assertRel(BASE * 0.1, s.lr(0), "reduced");
    }

    @Test
    void goyalGradualWarmup() {
        // ildoonet GradualWarmupScheduler(multiplier=8, total_epoch=5, after_scheduler=MultiStepLR([10, 20]))
        double[] lr = run("GradualWarmupLR(multiplier=8, warmup_steps=5, after_scheduler=MultiStepLR(milestones=[3, 6]))",
                15);
        for (int t = 0; t <= 15; t++) {
            double expected = t < 5 ? BASE * ((8 - 1) * t / 5.0 + 1)
                    : BASE * 8 * Math.pow(0.1, (t - 5 >= 3 ? 1 : 0) + (t - 5 >= 6 ? 1 : 0));
            assertRel(expected, lr[t], "t=" + t);
        }
    }

    @Test
    void joinIsOptaxJoinSchedules() {
        Schedule s = Schedule.join(new Schedule[] {Schedule.linear(0, 1, 4), Schedule.cosine(1, 0, 10)}, new long[] {4});
        assertEquals(0.5, s.value(2), 0.0);
        assertEquals(1.0, s.value(4), 0.0);
        assertRel(0.5 * (1 + Math.cos(Math.PI * 3 / 10)), s.value(7), "cosine part");
        assertEquals(0.0, s.value(100), 1e-16);
        assertRel(0.01 * Math.pow(100, 0.25), Schedule.exponential(0.01, 1.0, 4).value(1), "exponential ramp");
    }

    static List<Fixtures.Case> closedFormCases() {
        List<Fixtures.Case> out = new ArrayList<>();
        for (Fixtures.Case c : Fixtures.cases()) {
            LrScheduler s = Schedules.fromSpec(c.spec(), TorchVersion.V1_13, c.baseLrs());
            // closed forms are of a fresh schedule: not of one resumed with last_epoch
            if (s instanceof ClosedForm && c.epochs() == null && c.metrics() == null && !c.spec().contains("last_epoch")) {
                out.add(c);
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("closedFormCases")
    void closedFormsEqualPyTorch(Fixtures.Case c) {
        ClosedForm s = (ClosedForm) Schedules.fromSpec(c.spec(), TorchVersion.V1_13, c.baseLrs());
        int rows = c.raisesAtRow() > 0 ? c.raisesAtRow() : c.steps();
        for (int g = 0; g < c.baseLrs().length; g++) {
            Schedule f = s.closedForm(g);
            for (int t = 0; t < rows; t++) assertRel(c.lr()[t][g], f.value(t), c.name() + " group " + g + " t=" + t);
        }
    }
}
