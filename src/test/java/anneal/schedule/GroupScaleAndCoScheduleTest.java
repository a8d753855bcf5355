package anneal.schedule;

import anneal.schedule.spec.Schedules;
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
        assertTrue(s.schedules(Hyperparameter.MOMENTUM));
        for (int t = 0; t <= 20; t++) {
            assertRel(plain.lr(0) * 0.1, s.lr(0), "t=" + t);
            assertEquals(plain.lr(1), s.lr(1), "t=" + t);
            assertEquals(plain.value(Hyperparameter.MOMENTUM, 0), s.value(Hyperparameter.MOMENTUM, 0), "momentum untouched at t=" + t);
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
        assertTrue(s.schedules(Hyperparameter.MOMENTUM));
        assertTrue(s.schedules(Hyperparameter.WEIGHT_DECAY));
        assertFalse(Schedules.fromSpec("StepLR(step_size=2)", 0.1).schedules(Hyperparameter.WEIGHT_DECAY));
        for (int t = 0; t <= 10; t++) {
            double cos = (1 + Math.cos(Math.PI * t / 10)) / 2;
            assertRel(0.1 * cos, s.lr(0), "lr t=" + t);
            assertRel(0.85 + (0.95 - 0.85) * cos, s.value(Hyperparameter.MOMENTUM, 0), "momentum t=" + t);
            assertRel(0.0005 * (0.1 + 0.9 * Math.min(t, 4) / 4.0), s.value(Hyperparameter.WEIGHT_DECAY, 0), "weight decay t=" + t);
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

    @Test
    void weightDecayStartsAtTheOptimizersPerGroupUnlessBaseWeightDecayIsGiven() {
        // torch.optim.SGD([{'weight_decay': 5e-4}, {'weight_decay': 0}]): the decay schedule multiplies each group's own
        LrScheduler s = Schedules.fromSpec("CoScheduleLR(scheduler=ConstantLR(factor=1.0, total_iters=1), "
                + "weight_decay=ExponentialLR(gamma=0.5))", new double[] {0.1, 0.1}, new double[] {5e-4, 0});
        for (int t = 0; t < 4; t++) {
            assertEquals(5e-4 * Math.pow(0.5, t), s.value(Hyperparameter.WEIGHT_DECAY, 0), 1e-20, "t=" + t);
            assertEquals(0.0, s.value(Hyperparameter.WEIGHT_DECAY, 1), "t=" + t);
            s.step();
        }
        LrScheduler explicit = Schedules.fromSpec("CoScheduleLR(scheduler=ConstantLR(factor=1.0, total_iters=1), "
                + "weight_decay=ExponentialLR(gamma=0.5), base_weight_decay=0.01)", new double[] {0.1, 0.1},
                new double[] {5e-4, 0});
        assertEquals(0.01, explicit.value(Hyperparameter.WEIGHT_DECAY, 0));
        assertEquals(0.01, explicit.value(Hyperparameter.WEIGHT_DECAY, 1));
        assertTrue(Double.isNaN(Schedules.fromSpec("StepLR(step_size=1)", 0.1).value(Hyperparameter.WEIGHT_DECAY, 0)),
                "a schedule that does not co-schedule weight decay has none to report");
    }

    @Test
    void compositesAndWrappersAroundACoScheduleReportItsWeightDecay() {
        String co = "CoScheduleLR(scheduler=ConstantLR(factor=1.0, total_iters=1), weight_decay=ExponentialLR(gamma=0.5))";
        String[] around = {
            "SequentialLR(schedulers=[" + co + ", ConstantLR(factor=0.5, total_iters=1)], milestones=[2])",
            "ChainedScheduler(schedulers=[" + co + ", ExponentialLR(gamma=0.9)])",
            "WarmupLR(scheduler=" + co + ", warmup_steps=2, inside=True)",
            "NoisyLR(scheduler=" + co + ", noise_pct=0.1, noise_seed=3)",
            "CoScheduleLR(scheduler=" + co + ", momentum=ConstantLR(factor=1.0, total_iters=1))",
        };
        for (String spec : around) {
            LrScheduler s = Schedules.fromSpec(spec, new double[] {0.1}, new double[] {1e-3});
            assertTrue(s.schedules(Hyperparameter.WEIGHT_DECAY), spec);
            assertEquals(1e-3, s.value(Hyperparameter.WEIGHT_DECAY, 0), spec);
            s.step();
            assertEquals(5e-4, s.value(Hyperparameter.WEIGHT_DECAY, 0), spec);
        }
        // a warmup outside the decay holds the wrapped schedule, weight decay included, until the warmup ends
        LrScheduler outside = Schedules.fromSpec("WarmupLR(scheduler=" + co + ", warmup_steps=2)", new double[] {0.1},
                new double[] {1e-3});
        double[] held = {1e-3, 1e-3, 1e-3, 5e-4, 2.5e-4};
        for (int t = 0; t < held.length; t++, outside.step()) assertEquals(held[t], outside.value(Hyperparameter.WEIGHT_DECAY, 0), "t=" + t);
        // SequentialLR past the milestone: the decay keeps the last value its part wrote (PyTorch's param_groups)
        LrScheduler seq = Schedules.fromSpec(around[0], new double[] {0.1}, new double[] {1e-3});
        for (int t = 0; t < 5; t++) seq.step();
        assertEquals(5e-4, seq.value(Hyperparameter.WEIGHT_DECAY, 0));
    }

    @Test
    void cliTakesTheOptimizersWeightDecayPerGroupAndRejectsABadOne() {
        ScheduleCommandTest.Result r = ScheduleCommandTest.run("schedule", "CoScheduleLR(scheduler=StepLR(step_size=1, "
                + "gamma=0.5), weight_decay=ExponentialLR(gamma=0.5))", "--base-lr", "1,1", "--weight-decay", "0.004,0",
                "--steps", "3");
        assertEquals(0, r.code(), r.err());
        assertEquals("step,lr0,lr1,weight_decay0,weight_decay1\n0,1.0,1.0,0.004,0.0\n1,0.5,0.5,0.002,0.0\n"
                + "2,0.25,0.25,0.001,0.0\n", r.out());
        ScheduleCommandTest.Result bad = ScheduleCommandTest.run("schedule", "StepLR(step_size=1)", "--base-lr", "1,1",
                "--weight-decay", "1,2,3", "--steps", "3");
        assertEquals(2, bad.code());
        assertEquals("anneal schedule: --weight-decay=1.0,2.0,3.0 is not allowed; allowed: one number, or one per "
                + "parameter group (2, as --base-lr)", bad.err().strip());
    }

    @Test
    void aWrapperFirstInSequentialLRStartsWhereItsInnerScheduleWouldAlone() {
        // PyTorch 1.13: SequentialLR([ExponentialLR(0.5), ConstantLR(0.5, 1)], milestones=[3]) from lr 1 gives
        // 1, 0.5, 0.25, 0.5, 1 (its constructor rewinds every part and re-runs the first one's initial step);
        // wrapping the exponential part in a wrapper that changes nothing must give the same curve
        double[] torch = {1, 0.5, 0.25, 0.5, 1};
        String[] firstParts = {"ExponentialLR(gamma=0.5)", "GroupScaleLR(scheduler=ExponentialLR(gamma=0.5), scales=[1.0])",
            "CoScheduleLR(scheduler=ExponentialLR(gamma=0.5), weight_decay=ExponentialLR(gamma=0.5))"};
        for (String first : firstParts) {
            LrScheduler s = Schedules.fromSpec("SequentialLR(schedulers=[" + first + ", ConstantLR(factor=0.5, "
                    + "total_iters=1)], milestones=[3])", new double[] {1}, new double[] {1e-3});
            for (int t = 0; t < torch.length; t++) {
                assertEquals(torch[t], s.lr(0), 1e-15, first + " t=" + t);
                if (s.schedules(Hyperparameter.WEIGHT_DECAY)) assertEquals(1e-3 * Math.pow(0.5, Math.min(t, 2)), s.value(Hyperparameter.WEIGHT_DECAY, 0), 1e-18);
                s.step();
            }
        }
    }

    /**
     * CoScheduleLR's arguments are the hyperparameters' own keys ({@code KEY=schedule}, {@code base_KEY}), for every
     * constant but the lr: each follows ExponentialLR(gamma=0.5) from its base, 0.4 * 0.5^t (closed form), and only
     * it is reported as scheduled. A hyperparameter added to the enumeration is covered without editing this test.
     */
    @Test
    void everyHyperparameterButTheLrIsCoSchedulableByItsKey() {
        for (Hyperparameter h : Hyperparameter.values()) {
            if (h == Hyperparameter.LR) continue;
            LrScheduler s = Schedules.fromSpec("CoScheduleLR(scheduler=ConstantLR(factor=1.0, total_iters=1), "
                    + h.key() + "=ExponentialLR(gamma=0.5), base_" + h.key() + "=0.4)", 0.1);
            for (Hyperparameter other : Hyperparameter.values()) {
                assertEquals(other == h || other == Hyperparameter.LR, s.schedules(other), h + " co-scheduled: " + other);
            }
            for (int t = 0; t < 5; t++) {
                assertRel(0.4 * Math.pow(0.5, t), s.value(h, 0), h.key() + " t=" + t);
                s.step();
            }
        }
        String e = assertThrows(IllegalArgumentException.class,
                () -> Schedules.fromSpec("CoScheduleLR(scheduler=StepLR(step_size=2))", 0.1)).getMessage();
        assertTrue(e.contains("momentum or weight_decay"), e);
    }
}
