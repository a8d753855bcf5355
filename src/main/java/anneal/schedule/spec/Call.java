package anneal.schedule.spec;

import java.util.Collections;
import java.util.Map;

/**
 * One parsed call of a spec string, {@code Name(arg=value, ...)}. Argument values are {@link Long},
 * {@link Double}, {@link String}, {@link Boolean}, {@link SpecParser#NONE}, {@link java.util.List} of values,
 * or a nested {@link Call}.
 */
public record Call(String name, Map<String, Object> args, String text) {
    public Call {
        args = Collections.unmodifiableMap(args);
    }

    @Override
    public String toString() {
        return text;
    }
}
