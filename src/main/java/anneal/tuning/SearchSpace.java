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

    /** The dimension called {@code name}, if any. */
    public java.util.Optional<Dimension> dimension(String name) {
        return dimensions.stream().filter(d -> d.name().equals(name)).findFirst();
    }
}
