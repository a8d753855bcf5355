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

    protected TorchScheduler(ParamGroups groups, String name) {
        if (groups == null) throw new IllegalArgumentException(name + ": param groups must not be null");
        this.groups = groups;
        this.name = name;
    }

    /** PyTorch's {@code _initial_step()}: reset the step count and step once. */
    protected void initialStep() {
        stepCount = 0;
        step();
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

    /** SequentialLR's {@code scheduler.last_epoch -= 1}. */
    void rewindOneEpoch() {
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
