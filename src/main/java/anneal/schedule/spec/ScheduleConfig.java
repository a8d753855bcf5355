package anneal.schedule.spec;

import anneal.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A schedule's configuration as versioned JSON, apart from its runtime state:
 * <pre>
 * {"format": "anneal.schedule-config", "version": 1, "schedule": "SequentialLR",
 *  "args": {"schedulers": [{"schedule": "LinearLR", "args": {"start_factor": 0.01, ...}}, ...], "milestones": [5]}}
 * </pre>
 * Every argument the schedule uses is written, defaults included, so a config means the same schedule even if
 * a default changes in a later version. Nested schedules are {@code {"schedule", "args"}} objects. It round-trips
 * with the spec string: {@link #toSpec} prints the spec that {@link #of} turns back into the same config.
 *
 * <p>A config file is accepted wherever a spec string is: a spec of the form {@code @PATH} names a file holding
 * either such a JSON object or a spec string ({@link SpecParser#parse}).
 */
public final class ScheduleConfig {
    /** The {@code format} field of a config. */
    public static final String FORMAT = "anneal.schedule-config";
    /**
     * The version this library writes (2: the top call's args hold {@code torch}, the PyTorch reproduced). It also
     * reads version 1, written before that choice existed, as {@code torch='1.13'}.
     */
    public static final int VERSION = 2;

    private ScheduleConfig() {
    }

    /** The resolved config of {@code spec} for an optimizer whose groups start at {@code baseLrs}. */
    public static Map<String, Object> of(String spec, double... baseLrs) {
        Call call = SpecParser.parse(spec);
        Map<Call, Map<String, Object>> resolved = ScheduleRegistry.resolve(call, baseLrs);
        if (ScheduleRegistry.takesTorch(call.name())) {
            resolved.get(call).putIfAbsent("torch", anneal.schedule.TorchScheduler.options().torch().spelling);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("format", FORMAT);
        out.put("version", VERSION);
        out.putAll(node(call, resolved));
        return out;
    }

    private static Map<String, Object> node(Call call, Map<Call, Map<String, Object>> resolved) {
        Map<String, Object> args = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : resolved.get(call).entrySet()) args.put(e.getKey(), value(e.getValue(), resolved));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("schedule", call.name());
        out.put("args", args);
        return out;
    }

    private static Object value(Object v, Map<Call, Map<String, Object>> resolved) {
        if (v instanceof Call) return node((Call) v, resolved);
        if (v instanceof Map) { // a Python dict (optax's boundaries_and_scales): {"dict": [[key, value], ...]}
            List<Object> items = new ArrayList<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                items.add(List.of(e.getKey(), value(e.getValue(), resolved)));
            }
            return Map.of("dict", items);
        }
        if (v instanceof List) {
            List<Object> out = new ArrayList<>();
            for (Object o : (List<?>) v) out.add(value(o, resolved));
            return out;
        }
        return v;
    }

    /**
     * The spec string of a config (as read from JSON: numbers may be any {@link Number}).
     *
     * @throws ConfigurationException when the format or version is not this library's, or a field is malformed
     */
    public static String toSpec(Map<String, ?> config) {
        Object format = config.get("format");
        if (!FORMAT.equals(format)) {
            throw new ConfigurationException("schedule config: format=" + anneal.schedule.Check.show(format)
                    + " is not allowed; allowed: '" + FORMAT + "'");
        }
        Object version = config.get("version");
        if (!(version instanceof Number) || ((Number) version).intValue() < 1 || ((Number) version).intValue() > VERSION
                || ((Number) version).doubleValue() != ((Number) version).intValue()) {
            throw new ConfigurationException("schedule config: version=" + version + " is not allowed; allowed: 1 or "
                    + VERSION + " (this Anneal reads versions 1 to " + VERSION + ")");
        }
        Map<String, Object> top = new LinkedHashMap<>(config);
        if (((Number) version).intValue() == 1 && config.get("args") instanceof Map
                && config.get("schedule") instanceof String && ScheduleRegistry.takesTorch((String) config.get("schedule"))) {
            Map<Object, Object> args = new LinkedHashMap<>((Map<?, ?>) config.get("args"));
            args.putIfAbsent("torch", anneal.schedule.TorchVersion.V1_13.spelling); // version 1 meant PyTorch 1.13
            top.put("args", args);
        }
        StringBuilder out = new StringBuilder();
        call(top, out, "config");
        return out.toString();
    }

    private static void call(Map<?, ?> node, StringBuilder out, String where) {
        Object name = node.get("schedule");
        Object args = node.get("args");
        if (!(name instanceof String) || !((String) name).matches("[A-Za-z_][A-Za-z_0-9]*(\\.[A-Za-z_][A-Za-z_0-9]*)*")) {
            throw new ConfigurationException("schedule config: " + where + ".schedule=" + name
                    + " is not allowed; allowed: a schedule name such as \"OneCycleLR\"");
        }
        if (args != null && !(args instanceof Map)) {
            throw new ConfigurationException("schedule config: " + where + ".args must be an object, got " + args);
        }
        out.append(name).append('(');
        boolean first = true;
        if (args != null) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) args).entrySet()) {
                if (!first) out.append(", ");
                first = false;
                out.append(e.getKey()).append('=');
                literal(e.getValue(), out, where + "." + name + "." + e.getKey());
            }
        }
        out.append(')');
    }

    private static void literal(Object v, StringBuilder out, String where) {
        if (v == null) {
            out.append("None");
        } else if (v instanceof Boolean) {
            out.append((Boolean) v ? "True" : "False");
        } else if (v instanceof String) {
            String s = (String) v;
            char quote = s.indexOf('\'') >= 0 ? '"' : '\'';
            if (s.indexOf(quote) >= 0) {
                throw new ConfigurationException("schedule config: " + where + " holds both quote characters");
            }
            out.append(quote).append(s).append(quote);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d)) throw new ConfigurationException("schedule config: " + where + "=NaN is not allowed");
            out.append(Double.isInfinite(d) ? (d > 0 ? "inf" : "-inf") : Double.toString(d));
        } else if (v instanceof Number) {
            out.append(((Number) v).longValue());
        } else if (v instanceof List) {
            out.append('[');
            List<?> list = (List<?>) v;
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) out.append(", ");
                literal(list.get(i), out, where + "[" + i + "]");
            }
            out.append(']');
        } else if (v instanceof Map && ((Map<?, ?>) v).size() == 1 && ((Map<?, ?>) v).get("dict") instanceof List) {
            out.append('{');
            List<?> items = (List<?>) ((Map<?, ?>) v).get("dict");
            for (int i = 0; i < items.size(); i++) {
                if (!(items.get(i) instanceof List) || ((List<?>) items.get(i)).size() != 2) {
                    throw new ConfigurationException("schedule config: " + where + ".dict[" + i + "] must be [key, value]");
                }
                if (i > 0) out.append(", ");
                literal(((List<?>) items.get(i)).get(0), out, where + ".dict[" + i + "]");
                out.append(": ");
                literal(((List<?>) items.get(i)).get(1), out, where + ".dict[" + i + "]");
            }
            out.append('}');
        } else if (v instanceof Map) {
            call((Map<?, ?>) v, out, where);
        } else {
            throw new ConfigurationException("schedule config: " + where + "=" + v + " is not a JSON value");
        }
    }

    /**
     * Resolves {@code @PATH} to the spec the file holds (a config JSON object or a spec string); any other text is
     * returned as it is.
     */
    static String resolveFile(String spec) {
        if (spec == null || !spec.strip().startsWith("@")) return spec;
        String name = spec.strip().substring(1);
        if (name.isEmpty()) throw new ConfigurationException("schedule spec: '@' needs a file name (@FILE)");
        Path path = Path.of(name);
        String text = anneal.InputFiles.smallText("schedule spec file", path, MAX_FILE_BYTES).strip();
        if (text.isEmpty()) {
            throw new ConfigurationException("schedule spec file " + path + " is empty; allowed: a spec string or a "
                    + "schedule config JSON object (schedule SPEC --format config)");
        }
        if (text.startsWith("@")) {
            throw new ConfigurationException("schedule spec file " + path + " names another file (" + text.lines()
                    .findFirst().orElse("") + "); allowed: a spec string or a schedule config JSON object");
        }
        if (!text.startsWith("{")) return text;
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> config = new com.fasterxml.jackson.databind.ObjectMapper().readValue(text, Map.class);
            return toSpec(config);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ConfigurationException("schedule config " + path + ": not valid JSON (" + e.getOriginalMessage()
                    .lines().findFirst().orElse("") + ")");
        }
    }

    /** Largest {@code @FILE} spec, in bytes (a config of every schedule nested is a few kilobytes). */
    static final int MAX_FILE_BYTES = 1 << 20;
}
