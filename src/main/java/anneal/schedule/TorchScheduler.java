package anneal.schedule;

import anneal.ConfigurationException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Common shell of PyTorch's {@code _LRScheduler} family: the {@code last_epoch} and {@code _step_count}
 * counters, {@code _initial_step()}, and {@code step(epoch)}. Subclasses are the schedules that
 * {@link SequentialLR} and {@link ChainedScheduler} may hold.
 */
public abstract class TorchScheduler implements OptimizerBound {
    /** The optimizer's groups, shared with any other scheduler built on them. */
    protected final ParamGroups groups;
    /** Name used in messages and state (the spec name). */
    protected final String name;
    /** PyTorch's {@code last_epoch}. */
    protected long lastEpoch = -1;
    /** PyTorch's {@code _step_count}. */
    protected long stepCount;

    /** Which PyTorch this schedule reproduces ({@link Options#torch}). */
    protected final TorchVersion torch;
    /** PyTorch's {@code last_epoch} constructor argument: -1 for a fresh schedule, else the epoch resumed from. */
    protected final long resumeEpoch;
    /** PyTorch 2.x's {@code _is_initial}: true while {@link #initialStep()} runs. */
    protected boolean initial;

    /** The constructor options PyTorch passes besides the schedule's own arguments. */
    public record Options(TorchVersion torch, long lastEpoch) {
        /** A fresh schedule ({@code last_epoch=-1}) of the default PyTorch. */
        public static final Options DEFAULT = new Options(TorchVersion.DEFAULT, -1);
    }

    private static final ThreadLocal<Options> OPTIONS = new ThreadLocal<>();

    /**
     * Builds with {@code options} in effect: every PyTorch-named scheduler constructed by {@code build} on this
     * thread (before it returns) reads them, e.g.
     * {@code TorchScheduler.with(new Options(TorchVersion.V1_13, -1), () -> new ExponentialLR(groups, 0.9))}.
     */
    public static <T> T with(Options options, java.util.function.Supplier<T> build) {
        Options previous = OPTIONS.get();
        OPTIONS.set(options);
        try {
            return build.get();
        } finally {
            if (previous == null) OPTIONS.remove();
            else OPTIONS.set(previous);
        }
    }

    /** Sets {@code options} for the rest of this thread (a command line's {@code --torch}); null restores the default. */
    public static void useOnThisThread(Options options) {
        if (options == null) OPTIONS.remove();
        else OPTIONS.set(options);
    }

    /** As {@link #with} for work that throws checked exceptions (a command's body). */
    public static <T> T calling(Options options, java.util.concurrent.Callable<T> work) throws Exception {
        Options previous = OPTIONS.get();
        OPTIONS.set(options);
        try {
            return work.call();
        } finally {
            if (previous == null) OPTIONS.remove();
            else OPTIONS.set(previous);
        }
    }

    /** The options in effect on this thread ({@link Options#DEFAULT} outside {@link #with}). */
    public static Options options() {
        Options o = OPTIONS.get();
        return o == null ? Options.DEFAULT : o;
    }

    protected TorchScheduler(ParamGroups groups, String name) {
        if (groups == null) throw new IllegalArgumentException(name + ": param groups must not be null");
        this.groups = groups;
        this.name = name;
        Options o = options();
        this.torch = o.torch();
        this.resumeEpoch = Check.atLeast(name, "last_epoch", o.lastEpoch(), -1);
    }

    /** PyTorch's {@code _initial_step()}: reset the step count and step once (2.x: with {@code _is_initial}). */
    protected void initialStep() {
        stepCount = 0;
        markInitial(true);
        try {
            step();
        } finally {
            markInitial(false);
        }
    }

    /**
     * Sets PyTorch 2.x's {@code _is_initial} for the initial step. Anneal's wrappers pass it to the schedules they
     * step, so that a wrapper first in a SequentialLR starts where its inner schedule would alone.
     */
    protected void markInitial(boolean on) {
        initial = on;
    }

    /** {@link #markInitial} on {@code part} where it is a PyTorch-style scheduler. */
    static void markInitial(OptimizerBound part, boolean on) {
        if (part instanceof TorchScheduler) ((TorchScheduler) part).markInitial(on);
    }

    /** Whether PyTorch 2.x's {@code _is_initial} branch applies (keep the optimizer's current lr). */
    protected final boolean keepsLrOnInitialStep() {
        return initial && torch == TorchVersion.V2;
    }

    /** Which PyTorch this schedule reproduces. */
    public TorchVersion torch() {
        return torch;
    }

    /**
     * PyTorch's {@code step(epoch)} (deprecated there, used by {@link SequentialLR} at its milestones with
     * {@code epoch = 0}): set {@code last_epoch} and use the closed form where the schedule has one.
     *
     * @throws IllegalArgumentException for schedules PyTorch cannot step to an epoch
     */
    public abstract void stepToEpoch(double epoch);

    /** Whether {@link #stepToEpoch} is supported (composites and warmup wrappers: no). */
    public boolean supportsStepToEpoch() {
        return true;
    }

    /** SequentialLR's {@code scheduler.last_epoch -= 1} (2.x: {@code recursive_undo}, composites recurse). */
    void rewindOneEpoch(TorchVersion undoneBy) {
        lastEpoch -= 1;
    }

    @Override
    public ParamGroups paramGroups() {
        return groups;
    }

    @Override
    public long lastEpoch() {
        return lastEpoch;
    }

    /** The spec name of this schedule. */
    public String name() {
        return name;
    }

    /** Nothing beyond the name, unless the schedule says more (its lengths, joins, peak, parts). */
    @Override
    public Shape shape() {
        return Shape.of(name);
    }

    @Override
    public Map<String, Object> ownState() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("schedule", name);
        out.put("last_epoch", lastEpoch);
        out.put("_step_count", stepCount);
        saveExtra(out);
        return out;
    }

    @Override
    public void loadOwnState(Map<String, Object> state) {
        Object saved = StateValues.require(state, "schedule");
        if (!name.equals(saved)) {
            throw new ConfigurationException("state: saved by schedule " + saved + ", cannot load into " + name);
        }
        lastEpoch = StateValues.readLong(state, "last_epoch");
        stepCount = StateValues.readLong(state, "_step_count");
        loadExtra(state);
    }

    /** Subclass state beyond the counters. */
    protected void saveExtra(Map<String, Object> out) {
    }

    /** Restore what {@link #saveExtra} wrote. */
    protected void loadExtra(Map<String, Object> state) {
    }
}
