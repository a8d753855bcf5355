package anneal.schedule;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What SequentialLR and ChainedScheduler share: interval, metric, momentum and weight-decay needs of the parts, nested state. */
final class Composites {
    private Composites() {
    }

    /** Per step if any part is per step, else per epoch. */
    static Interval interval(LrScheduler[] parts) {
        for (LrScheduler s : parts) if (s.interval() == Interval.STEP) return Interval.STEP;
        return Interval.EPOCH;
    }

    /** Whether any part must be stepped with a metric. */
    static boolean anyNeedsMetric(LrScheduler[] parts) {
        for (LrScheduler s : parts) if (s.needsMetric()) return true;
        return false;
    }

    /** Whether any part sets the optimizer's momentum. */
    static boolean anySchedulesMomentum(LrScheduler[] parts) {
        for (LrScheduler s : parts) if (s.schedulesMomentum()) return true;
        return false;
    }

    /** Whether any part sets the optimizer's weight decay. */
    static boolean anySchedulesWeightDecay(LrScheduler[] parts) {
        for (LrScheduler s : parts) if (s.schedulesWeightDecay()) return true;
        return false;
    }

    static List<Object> states(OptimizerBound[] parts) {
        List<Object> out = new ArrayList<>(parts.length);
        for (OptimizerBound s : parts) out.add(s.ownState());
        return out;
    }

    static void load(OptimizerBound[] parts, Map<String, Object> state) {
        List<Map<String, Object>> saved = StateValues.maps(state, "_schedulers", parts.length);
        for (int i = 0; i < parts.length; i++) parts[i].loadOwnState(saved.get(i));
    }
}
