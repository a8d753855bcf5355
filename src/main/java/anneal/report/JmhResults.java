package anneal.report;

import anneal.ConfigurationException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Rows of a JMH JSON result file ({@code -rf json}), as the report needs them. */
public final class JmhResults {
    private JmhResults() {
    }

    /**
     * One benchmark result.
     *
     * @param benchmark   simple benchmark name, {@code Class.method}
     * @param params      its parameters
     * @param nanosPerOp  primary score converted to ns/op (NaN if the unit is not time per op)
     * @param bytesPerOp  {@code gc.alloc.rate.norm} in B/op (NaN without {@code -prof gc})
     */
    public record Row(String benchmark, Map<String, String> params, double nanosPerOp, double bytesPerOp) {
        /** Parameter values joined, e.g. {@code cpu} or {@code OneCycleLR}. */
        public String label() {
            return params.isEmpty() ? benchmark : String.join(" ", params.values());
        }
    }

    /** Reads {@code file}; throws ConfigurationException if it is not JMH JSON. */
    public static List<Row> read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigurationException(file + " is not a JMH JSON result file (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (root == null || !root.isArray()) throw new ConfigurationException(file + " is not a JMH JSON result file (no top-level array)");
        List<Row> rows = new ArrayList<>();
        for (JsonNode b : root) {
            String full = b.path("benchmark").asText();
            String[] parts = full.split("\\.");
            String name = parts.length >= 2 ? parts[parts.length - 2] + "." + parts[parts.length - 1] : full;
            Map<String, String> params = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = b.path("params").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                params.put(e.getKey(), e.getValue().asText());
            }
            JsonNode primary = b.path("primaryMetric");
            double ns = toNanosPerOp(primary.path("score").asDouble(Double.NaN), primary.path("scoreUnit").asText());
            JsonNode secondary = b.path("secondaryMetrics");
            // JMH 1.37 names it gc.alloc.rate.norm; older versions prefix a middle dot
            JsonNode alloc = secondary.has("gc.alloc.rate.norm") ? secondary.path("gc.alloc.rate.norm")
                    : secondary.path("·gc.alloc.rate.norm");
            double bytes = alloc.isMissingNode() ? Double.NaN : alloc.path("score").asDouble(Double.NaN);
            rows.add(new Row(name, params, ns, bytes));
        }
        return rows;
    }

    /** Converts a JMH time-per-op score to ns/op ({@code ns/op}, {@code us/op}, {@code ms/op}, {@code s/op}). */
    static double toNanosPerOp(double score, String unit) {
        return switch (unit) {
            case "ns/op" -> score;
            case "us/op" -> score * 1e3;
            case "ms/op" -> score * 1e6;
            case "s/op" -> score * 1e9;
            case "ops/ns" -> 1 / score;
            case "ops/us" -> 1e3 / score;
            case "ops/ms" -> 1e6 / score;
            case "ops/s" -> 1e9 / score;
            default -> Double.NaN;
        };
    }
}
