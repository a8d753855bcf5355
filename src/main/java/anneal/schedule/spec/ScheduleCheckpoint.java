package anneal.schedule.spec;

import anneal.ConfigurationException;
import anneal.schedule.LrScheduler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A scheduler checkpoint that keeps config and runtime state apart:
 * {@code {"format": "anneal.schedule-checkpoint", "version": 1, "config": {...}, "base_lrs": [...], "state": {...}}},
 * where {@code config} is the {@link ScheduleConfig} (what the schedule is) and {@code state} the
 * {@link LrScheduler#stateDict()} (where it is: step counters, best metric, bad epochs, cooldown, multipliers,
 * the groups' values). Restoring with a schedule given again (e.g. on the command line) compares the two configs
 * argument by argument: a difference is an error naming each differing argument, unless the caller says which
 * side wins ({@link Prefer}).
 */
public final class ScheduleCheckpoint {
    /** The {@code format} field of a checkpoint. */
    public static final String FORMAT = "anneal.schedule-checkpoint";

    /** Which config wins when the checkpoint's and the given one differ. */
    public enum Prefer {
        /** Differences are an error. */
        NEITHER,
        /** Rebuild the schedule the checkpoint describes and ignore the given one. */
        CHECKPOINT,
        /** Build the given schedule and load the checkpoint's state into it. */
        GIVEN
    }

    /** A restored scheduler and the spec and base lrs it was built from. */
    public record Restored(LrScheduler scheduler, String spec, double[] baseLrs) { }

    private ScheduleCheckpoint() {
    }

    /** The checkpoint of {@code scheduler}, built from {@code spec} on groups starting at {@code baseLrs}. */
    public static Map<String, Object> save(String spec, double[] baseLrs, LrScheduler scheduler) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("format", FORMAT);
        out.put("version", ScheduleConfig.VERSION);
        out.put("config", ScheduleConfig.of(spec, baseLrs));
        List<Double> lrs = new ArrayList<>();
        for (double b : baseLrs) lrs.add(b);
        out.put("base_lrs", lrs);
        out.put("state", scheduler.stateDict());
        return out;
    }

    /**
     * Restores a checkpoint (as read from JSON). {@code givenSpec} and {@code givenBaseLrs} may be null (then the
     * checkpoint's are used).
     *
     * @throws ConfigurationException when the configs differ and {@code prefer} is {@link Prefer#NEITHER}, naming
     *         every differing argument; or when the checkpoint is malformed
     */
    @SuppressWarnings("unchecked")
    public static Restored restore(Map<String, ?> checkpoint, String givenSpec, double[] givenBaseLrs, Prefer prefer) {
        if (!FORMAT.equals(checkpoint.get("format"))) {
            throw new ConfigurationException("checkpoint: format=" + anneal.schedule.Check.show(checkpoint.get("format"))
                    + " is not allowed; allowed: '" + FORMAT + "'");
        }
        if (!(checkpoint.get("config") instanceof Map) || !(checkpoint.get("state") instanceof Map)
                || !(checkpoint.get("base_lrs") instanceof List)) {
            throw new ConfigurationException("checkpoint: needs the objects config and state and the list base_lrs");
        }
        Map<String, Object> config = (Map<String, Object>) checkpoint.get("config");
        String savedSpec = ScheduleConfig.toSpec(config);
        List<?> saved = (List<?>) checkpoint.get("base_lrs");
        double[] savedLrs = new double[saved.size()];
        for (int i = 0; i < savedLrs.length; i++) savedLrs[i] = ((Number) saved.get(i)).doubleValue();
        String spec = savedSpec;
        double[] lrs = savedLrs;
        if (givenSpec != null || givenBaseLrs != null) {
            String otherSpec = givenSpec != null ? givenSpec : savedSpec;
            double[] otherLrs = givenBaseLrs != null ? givenBaseLrs : savedLrs;
            List<String> differences = new ArrayList<>();
            diff(config, ScheduleConfig.of(otherSpec, otherLrs), "", differences);
            diff(saved, toList(otherLrs), "base_lrs", differences);
            if (!differences.isEmpty() && prefer == Prefer.NEITHER) {
                throw new ConfigurationException("checkpoint: the saved schedule differs from the one given: "
                        + String.join("; ", differences) + "; say which wins (prefer checkpoint or given)");
            }
            if (prefer == Prefer.GIVEN) {
                spec = otherSpec;
                lrs = otherLrs;
            }
        }
        LrScheduler s = Schedules.fromSpec(spec, lrs);
        s.loadStateDict((Map<String, Object>) checkpoint.get("state"));
        return new Restored(s, spec, lrs);
    }

    private static List<Double> toList(double[] values) {
        List<Double> out = new ArrayList<>();
        for (double v : values) out.add(v);
        return out;
    }

    /** Appends {@code path (checkpoint A, given B)} for every leaf where the two JSON values differ. */
    private static void diff(Object saved, Object given, String path, List<String> out) {
        if (saved instanceof Map && given instanceof Map) {
            Map<?, ?> a = (Map<?, ?>) saved;
            Map<?, ?> b = (Map<?, ?>) given;
            if (a.containsKey("schedule") && !String.valueOf(a.get("schedule")).equals(String.valueOf(b.get("schedule")))) {
                out.add(join(path, "schedule") + " (checkpoint " + a.get("schedule") + ", given " + b.get("schedule") + ")");
                return;
            }
            String prefix = a.containsKey("schedule") ? join(path, String.valueOf(a.get("schedule"))) : path;
            Map<?, ?> argsA = a.containsKey("args") ? (Map<?, ?>) a.get("args") : a;
            Map<?, ?> argsB = b.containsKey("args") ? (Map<?, ?>) b.get("args") : b;
            Set<Object> keys = new LinkedHashSet<>(argsA.keySet());
            keys.addAll(argsB.keySet());
            keys.remove("format");
            keys.remove("version");
            for (Object k : keys) diff(argsA.get(k), argsB.get(k), join(prefix, String.valueOf(k)), out);
        } else if (saved instanceof List && given instanceof List && ((List<?>) saved).size() == ((List<?>) given).size()
                && ((List<?>) saved).stream().anyMatch(o -> o instanceof Map)) {
            for (int i = 0; i < ((List<?>) saved).size(); i++) {
                diff(((List<?>) saved).get(i), ((List<?>) given).get(i), path + "[" + i + "]", out);
            }
        } else if (!same(saved, given)) {
            out.add(path + " (checkpoint " + show(saved) + ", given " + show(given) + ")");
        }
    }

    private static boolean same(Object a, Object b) {
        if (a instanceof Number && b instanceof Number) return ((Number) a).doubleValue() == ((Number) b).doubleValue();
        if (a instanceof List && b instanceof List) {
            List<?> x = (List<?>) a;
            List<?> y = (List<?>) b;
            if (x.size() != y.size()) return false;
            for (int i = 0; i < x.size(); i++) if (!same(x.get(i), y.get(i))) return false;
            return true;
        }
        return a == null ? b == null : a.equals(b);
    }

    private static String show(Object v) {
        return v == null ? "not set" : v instanceof String ? "'" + v + "'" : String.valueOf(v);
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
