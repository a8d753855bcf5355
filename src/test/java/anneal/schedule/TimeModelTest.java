package anneal.schedule;

import anneal.schedule.spec.Schedules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Explicit horizon policies and warmup counted inside or outside the decay length, against closed forms. */
class TimeModelTest {
    private static final double BASE = 0.1;

    private static double cosine(long t) {
        return BASE * (1 + Math.cos(Math.PI * t / 10)) / 2;
    }

    private static void assertRel(double expected, double actual, String what) {
        assertTrue(Math.abs(expected - actual) <= 1e-12 * Math.abs(expected) + 1e-17,
                what + ": expected " + expected + ", got " + actual);
    }

    @Test
    void horizonPolicies() {
        double[] plain = AnnealSchedulesTest.run("CosineAnnealingLR(T_max=10)", 35, BASE);
        double[] cont = AnnealSchedulesTest.run("HorizonLR(scheduler=CosineAnnealingLR(T_max=10), horizon=10)", 35, BASE);
        double[] hold = AnnealSchedulesTest.run("HorizonLR(scheduler=CosineAnnealingLR(T_max=10), horizon=10, "
                + "policy='hold')", 35, BASE);
        double[] cycle = AnnealSchedulesTest.run("HorizonLR(scheduler=CosineAnnealingLR(T_max=10), horizon=10, "
                + "policy='cycle')", 35, BASE);
        for (int t = 0; t <= 35; t++) {
            assertEquals(plain[t], cont[t], "continue is PyTorch's behaviour (the lr climbs back) at " + t);
            assertRel(cosine(Math.min(t, 10)), hold[t], "hold at " + t);
            assertRel(cosine(t % 10), cycle[t], "cycle at " + t);
        }
        assertTrue(plain[15] > plain[10], "PyTorch's cosine rises past T_max");
        LrScheduler raise = Schedules.fromSpec("HorizonLR(scheduler=CosineAnnealingLR(T_max=10), horizon=10, "
                + "policy='raise')", BASE);
        for (int t = 1; t <= 10; t++) raise.step();
        IllegalStateException e = assertThrows(IllegalStateException.class, raise::step);
        assertTrue(e.getMessage().contains("past horizon=10"), e.getMessage());
    }

    @Test
    void warmupInsideOrOutsideTheDecayLength() {
        int w = 5;
        double[] inside = AnnealSchedulesTest.run("WarmupLR(scheduler=CosineAnnealingLR(T_max=10), warmup_steps=5, "
                + "inside=True)", 12, BASE);
        double[] outside = AnnealSchedulesTest.run("WarmupLR(scheduler=CosineAnnealingLR(T_max=10), warmup_steps=5)",
                17, BASE);
        for (int t = 0; t <= 12; t++) {
            double expected = t < w ? cosine(t) * t / w : cosine(t);
            assertRel(expected, inside[t], "inside: the decay counts the warmup, t=" + t);
        }
        for (int t = 0; t <= 17; t++) {
            double expected = t < w ? BASE * t / w : cosine(t - w);
            assertRel(expected, outside[t], "outside: the decay starts at the join, t=" + t);
        }
        // inside: the lr at the join is the decay's own value there, reached by the ramp without a jump
        assertEquals(cosine(w), inside[w], 1e-17);
        assertTrue(inside[w] - inside[w - 1] < inside[w - 1] - inside[w - 2], "the ramp flattens into the join");
    }

    @Test
    void everyScheduleDeclaresItsClock() {
        assertEquals(Clock.EPOCH, Schedules.fromSpec("CosineAnnealingLR(T_max=10)", BASE).clock());
        assertEquals(Clock.STEP, Schedules.fromSpec("OneCycleLR(max_lr=0.1, total_steps=10)", BASE).clock());
        LrScheduler sgdr = Schedules.fromSpec("CosineAnnealingWarmRestarts(T_0=2, steps_per_epoch=4)", BASE);
        assertEquals(Clock.FRACTIONAL_EPOCH, sgdr.clock());
        assertTrue(sgdr.clock().perStep());
        assertEquals(Clock.FRACTIONAL_EPOCH, Schedules.fromSpec("NoisyLR(scheduler=CosineAnnealingWarmRestarts(T_0=2, "
                + "steps_per_epoch=4))", BASE).clock());
        assertEquals(30, Clock.EPOCH.calls(30, 400));
        assertEquals(12000, Clock.FRACTIONAL_EPOCH.calls(30, 400));
        assertEquals(0.25, Clock.FRACTIONAL_EPOCH.unitsPerCall(4), 0.0);
        // T_0=2 epochs of 4 steps: after 8 step() calls the first cycle is over (restart to the base lr)
        for (int t = 0; t < 8; t++) sgdr.step();
        assertEquals(BASE, sgdr.lr(0), 0.0);
        for (Clock c : Clock.values()) assertEquals(c != Clock.EPOCH, c.perStep());
    }
}
