package anneal.schedule.spec;

import anneal.ConfigurationException;
import anneal.schedule.Check;
import anneal.schedule.OptimizerBound;
import anneal.schedule.ParamGroups;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed access to one call's arguments: missing required arguments, wrong types and unknown names become
 * errors that name the schedule, the argument, the value and what is allowed. Ranges are checked by the
 * schedules' constructors through {@link Check}, so the Java API and the spec strings share one set of rules.
 */
final class Args {
    private final Call call;
    private final int groups;
    private final Set<String> known = new LinkedHashSet<>();
    /** Every argument the schedule used, with defaults filled in (the resolved config; nested schedules as Calls). */
    private final Map<String, Object> resolved = new LinkedHashMap<>();

    /** Where {@link ScheduleRegistry#resolve} collects every built call's resolved arguments; null when not resolving. */
    private final Map<Call, Map<String, Object>> sink;

    Args(Call call, int groups) {
        this(call, groups, null);
    }

    Args(Call call, int groups, Map<Call, Map<String, Object>> sink) {
        this.call = call;
        this.groups = groups;
        this.sink = sink;
    }

    /** Builds a nested schedule of this call on {@code g}, its resolved arguments going where this call's go. */
    OptimizerBound build(Call nested, ParamGroups g) {
        return ScheduleRegistry.build(nested, g, sink);
    }

    /** The arguments of a nested call that is not a schedule of its own (an optax function), resolved alongside. */
    Args nested(Call nested) {
        return new Args(nested, groups, sink);
    }

    /**
     * Records this call's resolved arguments where they are being collected ({@link #resolved()}; with
     * {@code keepGiven}, also every argument given as given, for calls whose arguments are not all read through
     * this class, another library's).
     */
    void record(boolean keepGiven) {
        if (sink == null) return;
        Map<String, Object> out = resolved();
        if (keepGiven) {
            for (Map.Entry<String, Object> e : call.args().entrySet()) {
                if (e.getValue() != SpecParser.NONE) out.putIfAbsent(e.getKey(), e.getValue());
            }
        }
        sink.put(call, out);
    }

    String schedule() {
        return call.name();
    }

    int groups() {
        return groups;
    }

    /**
     * The arguments used so far, defaults included (PyTorch's {@code verbose}, a fresh {@code last_epoch=-1} and an
     * inherited {@code torch} left out: the config records the version once, at its top).
     */
    Map<String, Object> resolved() {
        Map<String, Object> out = new LinkedHashMap<>(resolved);
        if (Long.valueOf(-1).equals(out.get("last_epoch"))) out.remove("last_epoch");
        out.remove("verbose");
        if (!call.args().containsKey("torch")) out.remove("torch");
        return out;
    }

    /** The {@code torch} argument ('1.13' or '2', a string or a number), else {@code inherited}. */
    anneal.schedule.TorchVersion torch(anneal.schedule.TorchVersion inherited) {
        Object v = raw("torch");
        if (v == null) return inherited;
        if (!(v instanceof String) && !(v instanceof Number)) throw wrong("torch", v, "'1.13' or '2'");
        anneal.schedule.TorchVersion t = anneal.schedule.TorchVersion.parse(call.name(), String.valueOf(v));
        used("torch", t.spelling);
        return t;
    }

    private <T> T used(String arg, T value) {
        if (value != null) resolved.put(arg, value);
        return value;
    }

    private Object raw(String arg) {
        known.add(arg);
        Object v = call.args().get(arg);
        return v == SpecParser.NONE ? null : v;
    }

    /** A Python dict argument (its keys and values as parsed), or null when absent. */
    Map<?, ?> dict(String arg, String what) {
        Object v = raw(arg);
        if (v == null) return null;
        if (v instanceof Map) return used(arg, (Map<?, ?>) v);
        throw wrong(arg, v, what);
    }

    /** A number, or null when absent (Python's None default). */
    Double optionalNumber(String arg) {
        Object v = raw(arg);
        return v == null ? null : used(arg, toNumber(arg, v));
    }

    /** A list of numbers. */
    double[] numbers(String arg) {
        Object v = required(arg, "a list of numbers");
        if (!(v instanceof List)) throw wrong(arg, v, "a list of numbers");
        List<?> list = (List<?>) v;
        double[] out = new double[list.size()];
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < out.length; i++) values.add(out[i] = toNumber(arg, list.get(i)));
        used(arg, values);
        return out;
    }

    /** The call these arguments belong to. */
    Call call() {
        return call;
    }

    boolean has(String arg) {
        return raw(arg) != null;
    }

    /**
     * Accepts {@code args} without reading them (PyTorch takes and ignores them in this call's form, or this call
     * passes them on to another schedule).
     */
    void accepted(Iterable<String> args) {
        for (String arg : args) known.add(arg);
    }

    private ConfigurationException wrong(String arg, Object value, String allowed) {
        return Check.bad(call.name(), arg, value, allowed);
    }

    private Object required(String arg, String allowed) {
        Object v = raw(arg);
        if (v == null) {
            throw ConfigurationException.missing(call.name(), arg, allowed);
        }
        return v;
    }

    private double toNumber(String arg, Object v) {
        if (v instanceof Number && !(v instanceof Boolean)) return ((Number) v).doubleValue();
        throw wrong(arg, v, "a number");
    }

    private long toInteger(String arg, Object v, String allowed) {
        if (v instanceof Long) return (Long) v;
        throw wrong(arg, v, allowed);
    }

    double number(String arg, double dflt) {
        Object v = raw(arg);
        return used(arg, v == null ? dflt : toNumber(arg, v));
    }

    double number(String arg) {
        return used(arg, toNumber(arg, required(arg, "a number")));
    }

    long integer(String arg, long dflt) {
        Object v = raw(arg);
        return used(arg, v == null ? dflt : toInteger(arg, v, "an integer"));
    }

    long integer(String arg) {
        return used(arg, toInteger(arg, required(arg, "an integer"), "an integer"));
    }

    boolean bool(String arg, boolean dflt) {
        Object v = raw(arg);
        if (v == null) return used(arg, dflt);
        if (v instanceof Boolean) return used(arg, (Boolean) v);
        throw wrong(arg, v, "True or False");
    }

    String choice(String arg, String dflt, String... allowed) {
        Object v = raw(arg);
        if (v == null) return used(arg, dflt);
        for (String a : allowed) if (a.equals(v)) return used(arg, a);
        throw wrong(arg, v, "one of '" + String.join("', '", allowed) + "'");
    }

    String string(String arg, String what) {
        Object v = raw(arg);
        if (v == null) return null;
        if (v instanceof String) return used(arg, (String) v);
        throw wrong(arg, v, what);
    }

    /** A number for every group, or a list with one per group (PyTorch's {@code _format_param}). */
    double[] perGroup(String arg, Double dflt) {
        Object v = raw(arg);
        if (v == null) {
            if (dflt == null) required(arg, "a number or a list of one number per parameter group");
            v = dflt;
        }
        double[] out = new double[groups];
        if (v instanceof List) {
            List<?> list = (List<?>) v;
            if (list.size() != groups) {
                throw wrong(arg, v, "a number or a list of " + groups + " numbers (one per parameter group)");
            }
            List<Double> values = new ArrayList<>();
            for (int g = 0; g < groups; g++) values.add(out[g] = toNumber(arg, list.get(g)));
            used(arg, values);
        } else {
            java.util.Arrays.fill(out, used(arg, toNumber(arg, v)));
        }
        return out;
    }

    long[] integers(String arg) {
        Object v = required(arg, "a list of integers");
        if (!(v instanceof List)) throw wrong(arg, v, "a list of integers");
        List<?> list = (List<?>) v;
        long[] out = new long[list.size()];
        List<Long> values = new ArrayList<>();
        for (int i = 0; i < out.length; i++) values.add(out[i] = toInteger(arg, list.get(i), "a list of integers"));
        used(arg, values);
        return out;
    }

    /** One string, or a list of strings (one per group). */
    List<String> strings(String arg, String what) {
        Object v = required(arg, what);
        List<String> out = new ArrayList<>();
        if (v instanceof String) out.add((String) v);
        else if (v instanceof List) {
            for (Object o : (List<?>) v) {
                if (!(o instanceof String)) throw wrong(arg, v, what);
                out.add((String) o);
            }
        } else {
            throw wrong(arg, v, what);
        }
        used(arg, out.size() == 1 && v instanceof String ? out.get(0) : out);
        return out;
    }

    Call call(String arg) {
        Object v = raw(arg);
        if (v == null) return null;
        if (v instanceof Call) return used(arg, (Call) v);
        throw wrong(arg, v, "a schedule such as CosineAnnealingLR(T_max=30)");
    }

    List<Call> calls(String arg) {
        Object v = required(arg, "a list of schedules");
        if (!(v instanceof List)) throw wrong(arg, v, "a list of schedules, e.g. [LinearLR(total_iters=5), ...]");
        List<Call> out = new ArrayList<>();
        for (Object o : (List<?>) v) {
            if (!(o instanceof Call)) throw wrong(arg, o, "a schedule such as CosineAnnealingLR(T_max=30)");
            out.add((Call) o);
        }
        used(arg, out);
        return out;
    }

    /**
     * PyTorch's {@code verbose} is accepted where {@code torch} has it (1.13: every class but ChainedScheduler; 2.x:
     * removed in 2.7); then any argument this schedule did not read is an error listing the ones it takes.
     */
    void finish(boolean hasVerbose, anneal.schedule.TorchVersion torch) {
        if (hasVerbose && raw("verbose") != null) {
            if (torch == anneal.schedule.TorchVersion.V2) {
                throw wrong("verbose", call.args().get("verbose"), "nothing with torch='2' (PyTorch 2.7 removed verbose; "
                        + "drop it, or choose torch='1.13')");
            }
            bool("verbose", false);
        }
        for (String arg : call.args().keySet()) {
            if (!known.contains(arg)) {
                List<String> allowed = new ArrayList<>(known);
                allowed.remove("last_epoch");
                allowed.remove("verbose");
                throw new ConfigurationException(call.name() + ": unknown argument " + arg + "="
                        + Check.show(call.args().get(arg)) + "; allowed arguments: " + String.join(", ", allowed));
            }
        }
    }
}
