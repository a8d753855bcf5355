package anneal.schedule;

import anneal.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@link SequentialLR} and {@link ChainedScheduler} share: children built on the same groups, which this
 * needs a metric, schedules a hyperparameter exactly when one of them does, runs per step if any child
 * does (else per epoch), saves as the list of the children's own states, and cannot be stepped to an epoch
 * (PyTorch 1.13 raises TypeError for both).
 */
abstract class CompositeScheduler extends TorchScheduler {
    /** The children, in order. */
    protected final TorchScheduler[] schedulers;

    CompositeScheduler(ParamGroups groups, String name, List<? extends TorchScheduler> schedulers) {
        super(groups, name);
        this.schedulers = schedulers.toArray(new TorchScheduler[0]);
        if (this.schedulers.length == 0) throw Check.bad(name, "schedulers", "[]", "a non-empty list of schedulers");
        for (TorchScheduler s : this.schedulers) {
            if (s.paramGroups() != groups) {
                throw Check.bad(name, "schedulers", s.name(), "schedulers built on the same param groups");
            }
        }
    }

    /** 1.13 rewinds this composite's own counter; 2.x's {@code recursive_undo} rewinds its children instead. */
    @Override
    void rewindOneEpoch(TorchVersion undoneBy) {
        if (undoneBy == TorchVersion.V2) for (TorchScheduler s : schedulers) s.rewindOneEpoch(undoneBy);
        else super.rewindOneEpoch(undoneBy);
    }

    @Override
    public boolean needsMetric() {
        for (LrScheduler s : schedulers) if (s.needsMetric()) return true;
        return false;
    }

    @Override
    public boolean schedules(Hyperparameter h) {
        for (LrScheduler s : schedulers) if (s.schedules(h)) return true;
        return false;
    }

    @Override
    public Clock clock() {
        for (LrScheduler s : schedulers) if (s.clock().perStep()) return Clock.STEP;
        return Clock.EPOCH;
    }

    @Override
    public void stepToEpoch(double epoch) {
        throw new ConfigurationException(name + " cannot step to an epoch (PyTorch 1.13 raises TypeError)");
    }

    @Override
    public boolean supportsStepToEpoch() {
        return false;
    }

    @Override
    protected void saveExtra(Map<String, Object> out) {
        List<Object> states = new ArrayList<>(schedulers.length);
        for (TorchScheduler s : schedulers) states.add(s.ownState());
        out.put("_schedulers", states);
    }

    @Override
    protected void loadExtra(Map<String, Object> state) {
        List<Map<String, Object>> saved = StateValues.maps(state, "_schedulers", schedulers.length);
        for (int i = 0; i < schedulers.length; i++) schedulers[i].loadOwnState(saved.get(i));
    }
}
