package anneal.schedule.spec;

import anneal.schedule.TorchVersion;
import anneal.schedule.TorchScheduler;
import anneal.schedule.SequentialLR;
import anneal.schedule.ParamGroups;
import anneal.schedule.OptimizerBound;
import anneal.schedule.OneCycleLR;
import anneal.schedule.LrScheduler;
import anneal.schedule.LinearLR;
import anneal.schedule.LambdaLR;
import anneal.schedule.CosineAnnealingLR;
import anneal.ConfigurationException;
import anneal.schedule.spec.ScheduleRegistry;
import anneal.schedule.spec.SpecParser;
import java.util.List;

/**
 * Entry point: build schedulers from spec strings with PyTorch's class and argument names, e.g.
 * {@code OneCycleLR(max_lr=0.1, total_steps=1290)} or
 * {@code SequentialLR(schedulers=[LinearLR(start_factor=0.01, total_iters=5), CosineAnnealingLR(T_max=30)], milestones=[5])}.
 * Lists give per-group values ({@code max_lr=[0.1, 0.01]}); Python's {@code True}, {@code False}, {@code None} are
 * literals; user functions are expression strings ({@code LambdaLR(lr_lambda='0.95 ** epoch')}).
 */
public final class Schedules {
    private Schedules() {
    }

    /**
     * Build a scheduler from a spec string with PyTorch's class and argument names, e.g.
     * {@code OneCycleLR(max_lr=0.1, total_steps=1290)}, for an optimizer whose groups start at {@code baseLrs}.
     *
     * @throws ConfigurationException naming the schedule, argument, value and what is allowed
     */
    public static LrScheduler fromSpec(String spec, double... baseLrs) {
        return build(spec, ParamGroups.of(baseLrs));
    }

    /**
     * As {@link #fromSpec(String, double...)} for an optimizer whose groups also have a weight decay each
     * ({@code weightDecays[g]}), where a co-scheduled weight decay without {@code base_weight_decay} starts.
     */
    public static LrScheduler fromSpec(String spec, double[] baseLrs, double[] weightDecays) {
        return build(spec, ParamGroups.of(baseLrs, weightDecays));
    }

    /** As {@link #fromSpec(String, double...)}, on groups the caller holds (to read momentum, initial_lr, ...). */
    public static OptimizerBound build(String spec, ParamGroups groups) {
        return ScheduleRegistry.build(SpecParser.parse(spec), groups);
    }

    /**
     * As {@link #build(String, ParamGroups)} reproducing PyTorch {@code torch} wherever the spec does not choose
     * (its {@code torch=} argument wins, and is inherited by the schedules nested in it).
     */
    public static OptimizerBound build(String spec, ParamGroups groups, TorchVersion torch) {
        return TorchScheduler.with(new TorchScheduler.Options(torch, -1), () -> build(spec, groups));
    }

    /** As {@link #fromSpec(String, double...)} reproducing PyTorch {@code torch} where the spec does not choose. */
    public static LrScheduler fromSpec(String spec, TorchVersion torch, double... baseLrs) {
        return build(spec, ParamGroups.of(baseLrs), torch);
    }

    /** Every spec name this library knows. */
    public static List<String> names() {
        return ScheduleRegistry.names();
    }
}
