package anneal.schedule;

import anneal.schedule.spec.Schedules;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The zero-allocation promise of {@code step()} (JMH's {@code -prof gc} measures it; this guards it in the
 * unit tests): after a warm-up, 200000 steps of each schedule allocate less than 4 KiB in total on this thread,
 * i.e. nothing per step (a boxed double or a fresh array per step would be >= 3 MB). Not a timing assertion.
 */
class StepAllocationTest {
    @ParameterizedTest
    @ValueSource(strings = {
        "StepLR(step_size=3, gamma=0.9)", "MultiStepLR(milestones=[3, 5, 5])", "ExponentialLR(gamma=0.9999)",
        "CosineAnnealingLR(T_max=50, eta_min=0.001)", "ConstantLR()", "LinearLR()", "PolynomialLR(total_iters=100)",
        "CyclicLR(base_lr=0.001, max_lr=0.1, step_size_up=7, mode='exp_range', gamma=0.99)",
        "OneCycleLR(max_lr=0.1, total_steps=10000000)", "CosineAnnealingWarmRestarts(T_0=3, T_mult=2, steps_per_epoch=10)",
        "SequentialLR(schedulers=[LinearLR(total_iters=5), CosineAnnealingLR(T_max=30)], milestones=[5])",
        "ChainedScheduler(schedulers=[ConstantLR(), ExponentialLR(gamma=0.9999)])",
        "WarmupLR(scheduler=StepLR(step_size=10), warmup_steps=5, warmup='cosine')",
        "WarmupCosineLR(warmup_steps=10, total_steps=100000)", "InverseSqrtLR(warmup_steps=100)",
        "WarmupStableDecayLR(warmup_steps=10, stable_steps=100, decay_steps=100000)",
        "CosineDecayRestartsLR(first_decay_steps=50, t_mul=1.5, m_mul=0.9)",
        "GradualWarmupLR(multiplier=4, warmup_steps=10, after_scheduler=CosineAnnealingLR(T_max=100))",
        "ReduceLROnPlateau(patience=2)",
        "NoisyLR(scheduler=CosineAnnealingLR(T_max=100), noise_std=0.5)",
        "CosineCycleLR(t_initial=50, cycle_mul=1.5, cycle_decay=0.9, cycle_limit=100000, k_decay=2.0)",
        "ChainedScheduler(schedulers=[ExponentialLR(gamma=0.9999), ReduceLROnPlateau(patience=2)])",
        "SequentialLR(schedulers=[LinearLR(total_iters=5), ReduceLROnPlateau(patience=2)], milestones=[5])",
    })
    void stepDoesNotAllocate(String spec) {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "needs HotSpot's allocation counter");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        LrScheduler s = Schedules.fromSpec(spec, 0.1, 0.01);
        double sink = drive(s, 20_000);
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        sink += drive(s, 200_000);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertTrue(allocated < 4096, spec + " allocated " + allocated + " bytes in 200000 steps (sink " + sink + ")");
    }

    private static double drive(LrScheduler s, int steps) {
        double sum = 0;
        boolean metric = s.needsMetric();
        for (int i = 0; i < steps; i++) {
            if (metric) s.step((i & 7) * 0.1);
            else s.step();
            sum += s.lr(0) + s.lr(1);
        }
        return sum;
    }
}
