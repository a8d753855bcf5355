package anneal.schedule;

import anneal.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Conversions between scheduler fields and JSON-friendly state values. Non-finite doubles are stored as
 * the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"} (JSON has no such numbers).
 */
final class StateValues {
    private StateValues() {
    }

    static Object dbl(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "Infinity" : "-Infinity";
        return v;
    }

    static List<Object> doubles(double[] values) {
        List<Object> out = new ArrayList<>(values.length);
        for (double v : values) out.add(dbl(v));
        return out;
    }

    static double toDouble(Object o, String key) {
        if (o instanceof Number) return ((Number) o).doubleValue();
        if (o instanceof String) {
            switch ((String) o) {
                case "NaN": return Double.NaN;
                case "Infinity": return Double.POSITIVE_INFINITY;
                case "-Infinity": return Double.NEGATIVE_INFINITY;
                default: break;
            }
        }
        throw new ConfigurationException("state: " + key + "=" + o + " is not a number");
    }

    static Object require(Map<String, Object> state, String key) {
        if (state == null || !state.containsKey(key)) {
            throw new ConfigurationException("state: missing key '" + key + "' (was it saved by the same schedule?)");
        }
        return state.get(key);
    }

    static double readDouble(Map<String, Object> state, String key) {
        return toDouble(require(state, key), key);
    }

    static long readLong(Map<String, Object> state, String key) {
        Object o = require(state, key);
        if (o instanceof Number) return ((Number) o).longValue();
        throw new ConfigurationException("state: " + key + "=" + o + " is not an integer");
    }

    static void readDoubles(Map<String, Object> state, String key, double[] into) {
        Object o = require(state, key);
        if (!(o instanceof List) || ((List<?>) o).size() != into.length) {
            throw new ConfigurationException("state: " + key + " must be a list of " + into.length + " numbers, got " + o);
        }
        List<?> list = (List<?>) o;
        for (int i = 0; i < into.length; i++) into[i] = toDouble(list.get(i), key);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> state, String key) {
        Object o = require(state, key);
        if (!(o instanceof Map)) throw new ConfigurationException("state: " + key + " must be an object, got " + o);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> maps(Map<String, Object> state, String key, int expected) {
        Object o = require(state, key);
        if (!(o instanceof List) || ((List<?>) o).size() != expected) {
            throw new ConfigurationException("state: " + key + " must be a list of " + expected + " states");
        }
        return (List<Map<String, Object>>) o;
    }
}
