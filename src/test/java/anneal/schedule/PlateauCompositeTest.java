package anneal.schedule;

import anneal.schedule.spec.Schedules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ReduceLROnPlateau inside SequentialLR, ChainedScheduler and behind a warmup (compositions PyTorch refuses),
 * against values worked out by hand from the rules in {@link ReduceLROnPlateau}'s Javadoc, and restored exactly
 * from saved state at every step.
 */
class PlateauCompositeTest {

    private static double[] run(LrScheduler s, int group, double... metrics) {
        double[] out = new double[metrics.length + 1];
        out[0] = s.lr(group);
        for (int i = 0; i < metrics.length; i++) {
            s.step(metrics[i]);
            out[i + 1] = s.lr(group);
        }
        return out;
    }

    private static void assertRows(double[] expected, double[] actual) {
        for (int t = 0; t < expected.length; t++) {
            assertTrue(Fixtures.close(expected[t], actual[t]), "row " + t + ": expected " + expected[t] + ", got "
                    + actual[t]);
        }
    }

    @Test
    void plateauSegmentAfterLinearWarmupInSequentialLR() {
        LrScheduler s = Schedules.fromSpec("SequentialLR(schedulers=[LinearLR(start_factor=0.5, total_iters=2), "
                + "ReduceLROnPlateau(patience=1, factor=0.5)], milestones=[3])", 0.1);
        assertTrue(s.needsMetric());
        // rows 0-2: LinearLR 0.05, 0.075, 0.1; row 3 = milestone: the plateau starts, holds 0.1, reads no metric
        // (0.1 there would have become its best and made 1.0 at rows 4-5 bad, reducing at row 5);
        // rows 4-6: best 1.0, then 1 and 2 bad steps > patience 1 -> 0.05; row 7 better; rows 8-9 -> 0.025
        double[] lr = run(s, 0, 9, 9, 0.1, 1.0, 1.0, 1.0, 0.5, 1.0, 1.0);
        assertRows(new double[] {0.05, 0.075, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025}, lr);
    }

    @Test
    void plateauMultiplierSurvivesAScheduleThatRecomputesFromBase() {
        LrScheduler s = Schedules.fromSpec("ChainedScheduler(schedulers=[LambdaLR(lr_lambda='0.9 ** epoch'), "
                + "ReduceLROnPlateau(patience=0, factor=0.5, min_lr=[0.03, 0.0])])", 0.1, 0.2);
        double[] metrics = {1.0, 2.0, 2.0, 0.5, 3.0};
        // scheduled r_t = base * 0.9^t; multiplier 1, 1, 0.5, 0.25, 0.25, then 0.125 where the floor allows
        double[] g0 = run(s, 0, metrics);
        assertRows(new double[] {0.1, 0.09, 0.1 * 0.81 * 0.5, 0.03, 0.03, 0.03}, g0);
        LrScheduler again = Schedules.fromSpec("ChainedScheduler(schedulers=[LambdaLR(lr_lambda='0.9 ** epoch'), "
                + "ReduceLROnPlateau(patience=0, factor=0.5, min_lr=[0.03, 0.0])])", 0.1, 0.2);
        double[] g1 = run(again, 1, metrics);
        assertRows(new double[] {0.2, 0.18, 0.2 * 0.81 * 0.5, 0.2 * 0.729 * 0.25, 0.2 * 0.6561 * 0.25,
            0.2 * 0.59049 * 0.125}, g1);
    }

    @Test
    void floorNeverRaisesAScheduledLrBelowIt() {
        LrScheduler s = Schedules.fromSpec("ChainedScheduler(schedulers=[LinearLR(start_factor=0.1, total_iters=4), "
                + "ReduceLROnPlateau(patience=0, min_lr=0.05)])", 0.1);
        // LinearLR alone: 0.01, 0.0325, 0.055, 0.0775, 0.1; the plateau reduces from row 2 on, floored at 0.05
        double[] lr = run(s, 0, 1.0, 1.0, 1.0, 1.0);
        assertRows(new double[] {0.01, 0.0325, 0.05, 0.05, 0.05}, lr);
    }

    @Test
    void plateauBehindWarmupInsideAChain() {
        LrScheduler s = Schedules.fromSpec("WarmupLR(scheduler=ChainedScheduler(schedulers=[ExponentialLR(gamma=0.5), "
                + "ReduceLROnPlateau(patience=0, factor=0.1)]), warmup_steps=2)", 1.0);
        // warmup 0, 0.5, 1; then 0.5 (best), 0.25 * 0.1 (bad: reduce), 0.125 * 0.1 (cooldown 0, bad: reduce again)
        double[] lr = run(s, 0, 7, 7, 1.0, 2.0, 2.0);
        assertRows(new double[] {0.0, 0.5, 1.0, 0.5, 0.025, 0.00125}, lr);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SequentialLR(schedulers=[LinearLR(total_iters=2), ReduceLROnPlateau()], milestones=[2])",
        "ChainedScheduler(schedulers=[ExponentialLR(gamma=0.9), ReduceLROnPlateau()])",
    })
    void compositesHoldingAPlateauNeedAMetric(String spec) {
        LrScheduler s = Schedules.fromSpec(spec, 0.1);
        assertTrue(s.needsMetric());
        s.step(1.0);
        s.step(1.0);
        IllegalStateException e = assertThrows(IllegalStateException.class, s::step);
        assertTrue(e.getMessage().contains("metric"), e.getMessage());
        assertFalse(Schedules.fromSpec("ChainedScheduler(schedulers=[ExponentialLR(gamma=0.9)])", 0.1).needsMetric());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SequentialLR(schedulers=[LinearLR(start_factor=0.1, total_iters=4), ReduceLROnPlateau(patience=1, "
            + "cooldown=2)], milestones=[4])",
        "ChainedScheduler(schedulers=[CosineAnnealingLR(T_max=9), ReduceLROnPlateau(patience=1, factor=0.5)])",
        "ChainedScheduler(schedulers=[OneCycleLR(max_lr=0.3, total_steps=30), ReduceLROnPlateau(patience=0, "
            + "min_lr=0.01)])",
        "WarmupLR(scheduler=ChainedScheduler(schedulers=[StepLR(step_size=3), ReduceLROnPlateau(patience=1)]), "
            + "warmup_steps=3)",
    })
    void restoreAtEveryStepEqualsUninterrupted(String spec) throws Exception {
        double[] metrics = new double[30];
        for (int i = 0; i < metrics.length; i++) metrics[i] = 1.0 / (1 + i % 5);
        double[] base = {0.1, 0.02};
        int last = 29;
        List<double[]> reference = StateRoundTripTest.run(spec, base, last, metrics, null, -1);
        boolean reduced = false;
        for (int k = 0; k < last; k++) {
            List<double[]> resumed = StateRoundTripTest.run(spec, base, last, metrics, null, k);
            for (int row = 0; row <= last; row++) {
                for (int c = 0; c < reference.get(row).length; c++) {
                    assertEquals(reference.get(row)[c], resumed.get(row)[c], "saved at " + k + ", row " + row);
                }
            }
        }
        LrScheduler plain = Schedules.fromSpec(spec.replaceAll(", ReduceLROnPlateau\\([^)]*\\)", "")
                .replace("milestones=[4]", "milestones=[]"), base);
        for (int row = 1; row <= last && !reduced; row++) {
            try {
                plain.step();
            } catch (RuntimeException e) {
                break;
            }
            reduced = reference.get(row)[0] < plain.lr(0);
        }
        assertTrue(reduced, "the metrics trigger at least one reduction, so the state round trip covers one");
    }
}
