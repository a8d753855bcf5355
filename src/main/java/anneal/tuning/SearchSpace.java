package anneal.tuning;

import anneal.ConfigurationException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.random.SobolSequenceGenerator;

/**
 * A schedule's search space: its {@link Dimension}s. Trial {@code k} (1-based) is the {@code k}-th point of the
 * Sobol sequence in as many dimensions (Commons Math's {@link SobolSequenceGenerator}, Joe-Kuo direction numbers),
 * after the all-zero first point, mapped onto the dimensions. The points depend only on {@code k}, so every
 * seed and every study sees the same trial points, and a journal names a trial by its index.
 */
public record SearchSpace(List<Dimension> dimensions) {
    public SearchSpace {
        dimensions = List.copyOf(dimensions);
        if (dimensions.isEmpty()) throw new IllegalArgumentException("a search space needs at least one dimension");
        if (dimensions.size() > 1000) throw new IllegalArgumentException("Sobol points exist for up to 1000 dimensions");
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Dimension d : dimensions)
            if (!names.add(d.name())) throw new ConfigurationException("search space: dimension " + d.name() + " twice");
    }

    public static SearchSpace of(Dimension... dims) {
        return new SearchSpace(List.of(dims));
    }

    /** The unit-cube Sobol point of trial {@code k >= 1}. */
    public double[] unitPoint(int k) {
        if (k < 1) throw new IllegalArgumentException("trials are numbered from 1, got " + k);
        SobolSequenceGenerator g = new SobolSequenceGenerator(dimensions.size());
        return g.skipTo(k);  // the point with index k (index 0 is the origin)
    }

    /** Trial {@code k >= 1}: parameter name to value. */
    public Map<String, Double> point(int k) {
        double[] u = unitPoint(k);
        Map<String, Double> p = new LinkedHashMap<>();
        for (int i = 0; i < u.length; i++) p.put(dimensions.get(i).name(), dimensions.get(i).at(u[i]));
        return p;
    }

    /** Trials 1..n. */
    public List<Map<String, Double>> points(int n) {
        List<Map<String, Double>> out = new ArrayList<>();
        for (int k = 1; k <= n; k++) out.add(point(k));
        return out;
    }

    /**
     * This space with {@code param}'s bounds replaced (scale and domain kept).
     *
     * @throws ConfigurationException when the space has no such parameter (naming the ones it has) or the bounds are
     *                                outside the parameter's domain
     */
    public SearchSpace withBounds(String param, double low, double high) {
        List<Dimension> out = new ArrayList<>();
        boolean found = false;
        for (Dimension d : dimensions) {
            if (d.name().equals(param)) {
                out.add(d.withBounds(low, high));
                found = true;
            } else {
                out.add(d);
            }
        }
        if (!found)
            throw new ConfigurationException("no parameter '" + param + "'; its parameters: " + names());
        return new SearchSpace(out);
    }

    /** The parameter names, comma separated, in the space's order. */
    public String names() {
        return String.join(", ", dimensions.stream().map(Dimension::name).toList());
    }

    /** {@code lr in [0.02, 0.5] log, pct_start in [0.1, 0.5]}, as {@code sweep --list} prints it. */
    public String describe() {
        return String.join(", ", dimensions.stream().map(Dimension::describe).toList());
    }

    /**
     * The JSON form in a journal header: parameter name to {@code {low, high, scale, domain}}, so that a header
     * comparison names the one bound that differs ({@code settings.spaces.onecycle.lr.high}).
     */
    @com.fasterxml.jackson.annotation.JsonValue
    Map<String, Map<String, Object>> json() {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (Dimension d : dimensions) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("low", d.low());
            m.put("high", d.high());
            m.put("scale", d.log() ? "log" : "linear");
            m.put("domain", d.domain().jsonName());
            out.put(d.name(), m);
        }
        return out;
    }

    /** Reads {@link #json()}'s form back. */
    @com.fasterxml.jackson.annotation.JsonCreator(mode = com.fasterxml.jackson.annotation.JsonCreator.Mode.DELEGATING)
    static SearchSpace fromJson(Map<String, Map<String, Object>> json) {
        List<Dimension> dims = new ArrayList<>();
        json.forEach((name, m) -> {
            if (!(m.get("low") instanceof Number low) || !(m.get("high") instanceof Number high)
                    || !(m.get("scale") instanceof String scale) || !(m.get("domain") instanceof String domain))
                throw new IllegalArgumentException("search space parameter " + name + ": expected low, high, scale and "
                        + "domain, got " + m);
            dims.add(new Dimension(name, low.doubleValue(), high.doubleValue(), scale.equals("log"), Domain.fromJson(domain)));
        });
        return new SearchSpace(dims);
    }

    /** The dimension called {@code name}, if any. */
    public java.util.Optional<Dimension> dimension(String name) {
        return dimensions.stream().filter(d -> d.name().equals(name)).findFirst();
    }
}
