package anneal.jmh;

import anneal.schedule.LrScheduler;
import anneal.schedule.spec.Schedules;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Per-step cost of every schedule: one {@code step()} (or {@code step(metric)}) plus {@code lr(0)}, average time
 * per operation. Goal: <= 20 ns and 0 B/op ({@code -prof gc}) for every closed-form schedule. Parameters are
 * chosen so a long run never reaches subnormal learning rates (which would measure the FPU, not the code) and
 * never passes OneCycleLR's total_steps.
 *
 * <pre>
 * java --add-modules=jdk.incubator.vector -cp target/anneal.jar org.openjdk.jmh.Main ScheduleStepBench \
 *      -f 1 -wi 3 -w 1 -i 5 -r 1 -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ScheduleStepBench {
    @Param({
        "StepLR(step_size=10000000, gamma=0.9)",
        "MultiStepLR(milestones=[30, 80, 80])",
        "ExponentialLR(gamma=0.9999999)",
        "CosineAnnealingLR(T_max=1000, eta_min=0.001)",
        "ConstantLR(factor=0.5, total_iters=1000000000)",
        "LinearLR(start_factor=0.01, total_iters=1000000000)",
        "PolynomialLR(total_iters=1000000000, power=2.0)",
        "CyclicLR(base_lr=0.001, max_lr=0.1, step_size_up=2000, mode='triangular2')",
        "OneCycleLR(max_lr=0.1, total_steps=100000000000)",
        "CosineAnnealingWarmRestarts(T_0=10, T_mult=2, steps_per_epoch=100)",
        "ReduceLROnPlateau(patience=5, min_lr=1e-06)",
        "SequentialLR(schedulers=[LinearLR(start_factor=0.01, total_iters=5), CosineAnnealingLR(T_max=30)], milestones=[5])",
        "ChainedScheduler(schedulers=[ConstantLR(factor=0.1, total_iters=2), ExponentialLR(gamma=0.9999999)])",
        "WarmupLR(scheduler=CosineAnnealingLR(T_max=1000), warmup_steps=100, warmup='cosine')",
        "WarmupCosineLR(warmup_steps=1000, total_steps=100000000000, min_lr_ratio=0.01)",
        "InverseSqrtLR(warmup_steps=4000)",
        "WarmupStableDecayLR(warmup_steps=1000, stable_steps=100000000000, decay_steps=1000)",
        "CosineDecayRestartsLR(first_decay_steps=1000, t_mul=2.0, m_mul=0.9)",
        "LambdaLR(lr_lambda='1 / sqrt(epoch + 1)')",
    })
    public String spec;

    private LrScheduler scheduler;
    private boolean metric;
    private double[] metrics;
    private int next;

    @Setup(Level.Trial)
    public void build() {
        anneal.util.ParentWatch.startFromProperty(); // a fork of the sweep dies with the sweep JVM
        scheduler = Schedules.fromSpec(spec, 0.1, 0.01);
        metric = scheduler.needsMetric();
        metrics = new double[] {1.0, 0.99, 0.995, 0.98, 1.01, 0.97, 0.975, 0.999};
    }

    @Benchmark
    public double stepAndRead() {
        if (metric) {
            next = (next + 1) & 7;
            scheduler.step(metrics[next]);
        } else {
            scheduler.step();
        }
        return scheduler.lr(0);
    }

    /**
     * The floor under the trigonometric schedules: one {@code Math.cos} of a growing step, as
     * CosineAnnealingLR, OneCycleLR and the cosine schedules must evaluate once per step to match PyTorch's
     * {@code math.cos} bit for bit. Measured in the same run as the schedules.
     */
    @State(Scope.Thread)
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public static class MathFloor {
        private long t;

        @Benchmark
        public double oneCos() {
            return Math.cos(Math.PI * t++ / 1000.0);
        }
    }
}
