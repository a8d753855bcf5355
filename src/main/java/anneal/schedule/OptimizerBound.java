package anneal.schedule;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A scheduler attached to one {@link ParamGroups} (PyTorch: to one optimizer). Its {@link #stateDict()} holds
 * the scheduler's own state (as PyTorch's {@code scheduler.state_dict()}) plus, under {@code param_groups},
 * the group values the schedule reads back (PyTorch keeps those in {@code optimizer.state_dict()}), so that
 * restoring into a freshly built scheduler continues exactly as if never interrupted.
 */
public interface OptimizerBound extends LrScheduler {

    /** The groups this scheduler reads and writes. */
    ParamGroups paramGroups();

    /** The scheduler's own state, without the groups (what composites nest). */
    Map<String, Object> ownState();

    /** Restore {@link #ownState()}. */
    void loadOwnState(Map<String, Object> state);

    /** What this schedule says about its own time: lengths, joins, peak, the parts it drives (for lint). */
    Shape shape();

    @Override
    default int groups() {
        return paramGroups().size();
    }

    @Override
    default double lr(int group) {
        return paramGroups().lr[group];
    }

    @Override
    default double value(Hyperparameter h, int group) {
        return schedules(h) ? paramGroups().values.get(h, group) : Double.NaN;
    }

    @Override
    default Map<String, Object> stateDict() {
        Map<String, Object> out = new LinkedHashMap<>(ownState());
        out.put("param_groups", paramGroups().stateDict());
        return out;
    }

    @Override
    default void loadStateDict(Map<String, Object> state) {
        loadOwnState(state);
        paramGroups().loadStateDict(StateValues.map(state, "param_groups"));
    }
}
