package anneal.tuning;

import anneal.ConfigurationException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code --space} value: new bounds for one parameter of one schedule's search space,
 * {@code SCHEDULE.PARAM=LOW:HIGH} ({@code onecycle.pct_start=0.1:0.4}), or {@code SCHEDULE.PARAM=VALUE} to fix it;
 * {@code all.PARAM} sets the parameter of every tuned schedule that has it. {@code @FILE} reads such values from a
 * file, one per line ({@code #} starts a comment). Whether the bounds suit the parameter (scale, domain) is checked
 * where the override meets the space ({@link SearchSpace#withBounds}).
 *
 * @param text     the value as given, for messages
 * @param schedule the schedule's name, or {@code all}
 * @param param    the parameter's name
 * @param low      the new lower bound
 * @param high     the new upper bound ({@code == low}: fixed)
 */
public record SpaceOverride(String text, String schedule, String param, double low, double high) {
    /** The option's name, as every message starts. */
    public static final String OPTION = "--space";
    /** The schedule name that means every tuned schedule with the parameter. */
    public static final String ALL = "all";
    /** Largest {@code @FILE} read. */
    public static final int MAX_FILE_BYTES = 64 * 1024;

    private static final String FORM = "SCHEDULE.PARAM=LOW:HIGH or SCHEDULE.PARAM=VALUE (e.g. onecycle.lr=0.01:0.3)";

    /** Parses every value, expanding {@code @FILE}s, in order. */
    public static List<SpaceOverride> parseAll(List<String> values) {
        List<SpaceOverride> out = new ArrayList<>();
        for (String v : values) {
            if (v.startsWith("@")) {
                String name = v.substring(1).trim();
                if (name.isEmpty()) throw new ConfigurationException(OPTION + " '@': needs a file name (@FILE)");
                String text = anneal.InputFiles.smallText(OPTION + " file", Path.of(name), MAX_FILE_BYTES);
                for (String line : text.split("\r?\n")) {
                    int hash = line.indexOf('#');
                    String t = (hash >= 0 ? line.substring(0, hash) : line).trim();
                    if (!t.isEmpty()) out.add(parse(t));
                }
            } else {
                out.add(parse(v));
            }
        }
        for (int i = 0; i < out.size(); i++)
            for (int j = 0; j < i; j++)
                if (out.get(i).schedule().equals(out.get(j).schedule()) && out.get(i).param().equals(out.get(j).param()))
                    throw new ConfigurationException(OPTION + " " + out.get(i).text() + ": " + out.get(i).schedule() + "."
                            + out.get(i).param() + " is already set by " + OPTION + " " + out.get(j).text()
                            + "; allowed: one value per parameter");
        return out;
    }

    /**
     * Parses one value.
     *
     * @throws ConfigurationException naming {@code --space}, the value and the form allowed
     */
    public static SpaceOverride parse(String text) {
        String t = text.trim();
        int eq = t.indexOf('=');
        int dot = eq < 0 ? -1 : t.lastIndexOf('.', eq);
        if (eq < 0 || dot <= 0 || dot == eq - 1 || eq == t.length() - 1)
            throw new ConfigurationException(OPTION + " '" + text + "': allowed: " + FORM);
        String schedule = t.substring(0, dot).trim();
        String param = t.substring(dot + 1, eq).trim();
        String range = t.substring(eq + 1).trim();
        String[] parts = range.split(":", -1);
        if (parts.length > 2) throw new ConfigurationException(OPTION + " " + t + ": allowed: " + FORM);
        double low = number(t, parts[0]);
        double high = parts.length == 2 ? number(t, parts[1]) : low;
        if (low > high)
            throw new ConfigurationException(OPTION + " " + t + ": the low bound " + parts[0].trim() + " is above the high "
                    + "bound " + parts[1].trim() + "; allowed: LOW <= HIGH");
        return new SpaceOverride(t, schedule, param, low, high);
    }

    private static double number(String text, String s) {
        String v = s.trim();
        if (!v.matches("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?"))
            throw new ConfigurationException(OPTION + " " + text + ": '" + v + "' is not a number; allowed: " + FORM
                    + " with finite decimal numbers");
        double d = Double.parseDouble(v);
        if (!Double.isFinite(d))
            throw new ConfigurationException(OPTION + " " + text + ": '" + v + "' is not finite; allowed: finite numbers");
        return d;
    }

    /**
     * {@code space} with this override applied.
     *
     * @param scheduleName the schedule the space belongs to (for messages)
     * @throws ConfigurationException naming {@code --space}, the value and what the parameter allows
     */
    public SearchSpace applyTo(String scheduleName, SearchSpace space) {
        Dimension d = space.dimension(param).orElseThrow(() -> new ConfigurationException(OPTION + " " + text + ": "
                + scheduleName + " has no parameter '" + param + "'; its parameters: " + space.names()));
        if (d.log() && !(low > 0))
            throw new ConfigurationException(OPTION + " " + text + ": " + scheduleName + "'s " + param + " is sampled on a "
                    + "log scale; allowed: bounds > 0");
        if (!d.domain().contains(low) || !d.domain().contains(high))
            throw new ConfigurationException(OPTION + " " + text + ": " + scheduleName + "'s " + param + " is "
                    + d.domain().phrase() + "; allowed: bounds in that range");
        return space.withBounds(param, low, high);
    }
}
