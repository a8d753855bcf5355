package anneal.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import anneal.schedule.spec.Schedules;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The one channel from a scheduler to a backend: {@link LrScheduler#writeTo} overwrites exactly the hyperparameters
 * the schedule sets and keeps the optimizer's configured values for the others; it allocates nothing. Expected
 * values are PyTorch 1.13's (OneCycleLR(max_lr=0.1, total_steps=10) leaves {@code lr} 0.0040000000000000036, its
 * cosine at 0 from {@code max_lr / div_factor}, and {@code momentum} 0.95 in the groups; ExponentialLR multiplies
 * by gamma per step).
 */
class HyperparameterTableTest {

    /** What an SGD optimizer with momentum 0.9 and weight decay 5e-4 (bias group: none) would use every step. */
    private static HyperparameterTable configured() {
        return new HyperparameterTable(2).with(Hyperparameter.MOMENTUM, 0.9, 0.9).with(Hyperparameter.WEIGHT_DECAY, 5e-4, 0);
    }

    @Test
    void aPlainScheduleWritesOnlyTheLr() {
        HyperparameterTable t = configured();
        LrScheduler s = Schedules.fromSpec("StepLR(step_size=1, gamma=0.5)", 0.1, 0.2);
        s.writeTo(t);
        assertArrayEquals(new double[] {0.1, 0.2}, t.row(Hyperparameter.LR));
        assertArrayEquals(new double[] {0.9, 0.9}, t.row(Hyperparameter.MOMENTUM));
        assertArrayEquals(new double[] {5e-4, 0}, t.row(Hyperparameter.WEIGHT_DECAY));
        assertFalse(s.schedules(Hyperparameter.MOMENTUM));
        assertTrue(Double.isNaN(s.value(Hyperparameter.MOMENTUM, 0)), "an unscheduled value reads NaN");
    }

    @Test
    void aCycledMomentumReplacesTheConfiguredOneAndTheWeightDecayStays() {
        HyperparameterTable t = configured();
        LrScheduler s = Schedules.fromSpec("OneCycleLR(max_lr=0.1, total_steps=10)", 0.1, 0.1);
        s.writeTo(t);
        assertArrayEquals(new double[] {0.0040000000000000036, 0.0040000000000000036}, t.row(Hyperparameter.LR));
        assertArrayEquals(new double[] {0.95, 0.95}, t.row(Hyperparameter.MOMENTUM));
        assertArrayEquals(new double[] {5e-4, 0}, t.row(Hyperparameter.WEIGHT_DECAY));
    }

    @Test
    void aCoScheduledWeightDecayStartsAtEachGroupsOwnAndIsWritten() {
        HyperparameterTable t = configured();
        LrScheduler s = Schedules.fromSpec("CoScheduleLR(scheduler=ConstantLR(factor=1.0, total_iters=1),"
                + " weight_decay=ExponentialLR(gamma=0.5))", new double[] {0.1, 0.1}, new double[] {5e-4, 0});
        s.step();
        s.writeTo(t);
        assertArrayEquals(new double[] {2.5e-4, 0}, t.row(Hyperparameter.WEIGHT_DECAY));
        assertArrayEquals(new double[] {0.9, 0.9}, t.row(Hyperparameter.MOMENTUM), "momentum is not co-scheduled");
    }

    @Test
    void writingATableAllocatesNothing() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "needs HotSpot's allocation counter");
        com.sun.management.ThreadMXBean counter = (com.sun.management.ThreadMXBean) bean;
        LrScheduler s = Schedules.fromSpec("CoScheduleLR(scheduler=OneCycleLR(max_lr=0.1, total_steps=100),"
                + " momentum=LinearLR(start_factor=0.5, total_iters=10), base_momentum=[0.9, 0.9],"
                + " weight_decay=ExponentialLR(gamma=0.9))", new double[] {0.1, 0.1}, new double[] {5e-4, 0});
        HyperparameterTable t = configured();
        for (int i = 0; i < 20_000; i++) s.writeTo(t);  // compiled before measuring
        long id = Thread.currentThread().getId();
        long before = counter.getThreadAllocatedBytes(id);
        for (int i = 0; i < 10_000; i++) s.writeTo(t);
        long allocated = counter.getThreadAllocatedBytes(id) - before;
        assertTrue(allocated < 1024, "10000 writes allocated " + allocated + " bytes");
    }

    @Test
    void aTableOfTheWrongSizeIsABug() {
        LrScheduler s = Schedules.fromSpec("StepLR(step_size=1)", 0.1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.writeTo(configured()));
        assertEquals("the table has 2 groups, the schedule 1", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HyperparameterTable(1).with(Hyperparameter.LR, 0.1, 0.2));
    }

    @Test
    void theConstantsAreInTheirOrdinalOrder() {
        for (int i = 0; i < Hyperparameter.COUNT; i++) assertEquals(i, Hyperparameter.of(i).ordinal());
        assertEquals("weight_decay", Hyperparameter.WEIGHT_DECAY.key());
    }
}
