package anneal.schedule;

import anneal.schedule.spec.Schedules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's API tour, compiled and checked (values from the formulas, written out by hand). */
class ApiTourTest {
    @Test
    void tour() {
        // 1. From a spec string: PyTorch names and arguments, one base lr per parameter group.
        String spec = "SequentialLR(schedulers=[LinearLR(start_factor=0.01, total_iters=5), "
                + "CosineAnnealingLR(T_max=30)], milestones=[5])";
        LrScheduler s = Schedules.fromSpec(spec, 0.1, 0.01);
        for (int epoch = 0; epoch < 20; epoch++) {
            double lr0 = s.lr(0);   // = optimizer.param_groups[0]['lr'] in PyTorch
            double lr1 = s.lr(1);
            assertEquals(lr0 / 10, lr1, 1e-15);
            s.step();               // s.clock() == Clock.EPOCH: once per epoch
        }
        assertEquals(Clock.EPOCH, s.clock());

        // 2. Save and restore: JSON-friendly maps (Jackson round-trips them).
        Map<String, Object> state = s.stateDict();
        LrScheduler resumed = Schedules.fromSpec(spec, 0.1, 0.01);
        resumed.loadStateDict(state);
        s.step();
        resumed.step();
        assertEquals(s.lr(0), resumed.lr(0), 0.0);

        // 3. Metric-driven and momentum-cycling schedules.
        LrScheduler plateau = Schedules.fromSpec("ReduceLROnPlateau(mode='max', patience=3)", 0.1);
        plateau.step(0.87);     // e.g. validation accuracy
        assertTrue(plateau.needsMetric());
        LrScheduler oneCycle = Schedules.fromSpec("OneCycleLR(max_lr=0.1, total_steps=1290)", 0.1);
        assertTrue(oneCycle.schedules(Hyperparameter.MOMENTUM));
        assertEquals(0.95, oneCycle.value(Hyperparameter.MOMENTUM, 0), 0.0);   // max_momentum at step 0
        assertEquals(0.1 / 25, oneCycle.lr(0), 1e-15);    // max_lr / div_factor

        // 4. Java constructors on shared param groups (PyTorch's optimizer), and closed forms.
        ParamGroups groups = ParamGroups.of(0.1);
        StepLR step = new StepLR(groups, 30, 0.1);
        assertEquals(1e-4, step.closedForm(0).value(95), 1e-18);   // 0.1 * 0.1^3, no state touched
        assertEquals(0, step.lastEpoch());

        // 5. Your own schedule: one small interface (Schedule: double value(long step)).
        LambdaLR custom = new LambdaLR(ParamGroups.of(0.1), epoch -> Math.pow(0.95, epoch));
        custom.step();
        assertEquals(0.095, custom.lr(0), 1e-17);

        // 6. Pure functions (optax style) for what PyTorch lacks, and joins.
        Schedule warmupCosine = Schedule.warmupCosine(500, 10_000, 0.0, 0.1);   // factor of the peak lr
        assertEquals(0.5, warmupCosine.value(250), 1e-15);
        Schedule joined = Schedule.join(new Schedule[] {Schedule.linear(0, 1, 100), Schedule.cosine(1, 0, 900)},
                new long[] {100});
        assertEquals(1.0, joined.value(100), 0.0);
    }
}
