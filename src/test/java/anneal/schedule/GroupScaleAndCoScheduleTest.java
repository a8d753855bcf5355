package anneal.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Per-group scale factors (layer-wise lr decay) and momentum / weight decay co-scheduled by any schedule. */
class GroupScaleAndCoScheduleTest {

    private static void assertRel(double expected, double actual, String what) {
        assertTrue(Fixtures.close(expected, actual), what + ": expected " + expected + ", got " + actual);
    }

    @Test
    void layerDecayScalesEveryGroupWithoutCompounding() {
        LrScheduler s = Schedules.fromSpec("GroupScaleLR(scheduler=ExponentialLR(gamma=0.9), layer_decay=0.5)",
                0.1, 0.1, 0.1);
        double[] scales = {0.25, 0.5, 1.0};
        for (int t = 0; t <= 20; t++) {
            for (int g = 0; g < 3; g++) assertRel(0.1 * Math.pow(0.9, t) * scales[g], s.lr(g), "group " + g + " t=" + t);
            s.step();
        }
    }

    @Test
    void scalesApplyToSchedulesThatSetAbsoluteLrs() {
        LrScheduler s = Schedules.fromSpec("GroupScaleLR(scheduler=OneCycleLR(max_lr=0.4, total_steps=20), "
                + "scales=[0.1, 1.0])", 0.1, 0.1);
        LrScheduler plain = Schedules.fromSpec("OneCycleLR(max_lr=0.4, total_steps=20)", 0.1, 0.1);
        assertTrue(s.schedulesMomentum());
        for (int t = 0; t <= 20; t++) {
            assertRel(plain.lr(0) * 0.1, s.lr(0), "t=" + t);
            assertEquals(plain.lr(1), s.lr(1), "t=" + t);
            assertEquals(plain.momentum(0), s.momentum(0), "momentum untouched at t=" + t);
            if (t == 20) break;
            s.step();
            plain.step();
        }
        String e = assertThrows(IllegalArgumentException.class, () -> Schedules.fromSpec(
                "GroupScaleLR(scheduler=StepLR(step_size=2), scales=[1.0, 0.5], layer_decay=0.5)", 0.1, 0.1)).getMessage();
        assertTrue(e.contains("exactly one of scales"), e);
    }

    @Test
    void momentumAndWeightDecayFollowAnySchedule() {
        LrScheduler s = Schedules.fromSpec("CoScheduleLR(scheduler=CosineAnnealingLR(T_max=10), "
                + "momentum=CosineAnnealingLR(T_max=10, eta_min=0.85), base_momentum=0.95, "
                + "weight_decay=LinearLR(start_factor=0.1, total_iters=4), base_weight_decay=0.0005)", 0.1);
        assertTrue(s.schedulesMomentum());
        assertTrue(s.schedulesWeightDecay());
        assertFalse(Schedules.fromSpec("StepLR(step_size=2)", 0.1).schedulesWeightDecay());
        for (int t = 0; t <= 10; t++) {
            double cos = (1 + Math.cos(Math.PI * t / 10)) / 2;
            assertRel(0.1 * cos, s.lr(0), "lr t=" + t);
            assertRel(0.85 + (0.95 - 0.85) * cos, s.momentum(0), "momentum t=" + t);
            assertRel(0.0005 * (0.1 + 0.9 * Math.min(t, 4) / 4.0), s.weightDecay(0), "weight decay t=" + t);
            s.step();
        }
    }

    @Test
    void cliShowsCoScheduledColumns() {
        ScheduleCommandTest.Result r = ScheduleCommandTest.run("schedule", "CoScheduleLR(scheduler=StepLR(step_size=1, "
                + "gamma=0.5), momentum=StepLR(step_size=1, gamma=0.5), base_momentum=0.8, weight_decay=ConstantLR("
                + "factor=0.5, total_iters=1), base_weight_decay=0.1)", "--base-lr", "1", "--steps", "3");
        assertEquals(0, r.code(), r.err());
        assertEquals("step,lr,momentum,weight_decay\n0,1.0,0.8,0.05\n1,0.5,0.4,0.1\n2,0.25,0.2,0.1\n", r.out());
    }
}
