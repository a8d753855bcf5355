package anneal.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The PyTorch golden cases: src/test/resources/fixtures/schedules.json (PyTorch 1.13, tools/gen_schedule_fixtures.py)
 * and schedules-torch2.json (PyTorch 2.x's lr_scheduler.py, tools/gen_schedule_fixtures_torch2.py).
 */
final class Fixtures {
    /** One PyTorch run: the spec, base lrs, inputs per step, and param_groups values per row. */
    record Case(String name, String spec, double[] baseLrs, int steps, double[] metrics, double[] epochs,
            double[][] lr, double[][] momentum, int raisesAtRow, String error) {
        @Override
        public String toString() {
            return name + ": " + spec;
        }

        /** Advances {@code s} to row {@code row} (row >= 1) the way the generator did. */
        void step(LrScheduler s, int row) {
            if (metrics != null) s.step(metrics[row - 1]);
            else if (epochs != null) ((CosineAnnealingWarmRestarts) s).stepToEpoch(epochs[row - 1]);
            else s.step();
        }
    }

    private Fixtures() {
    }

    static List<Case> cases() {
        return cases("/fixtures/schedules.json");
    }

    /** The PyTorch 2.x cases (same specs as {@link #cases()} plus 2.x-specific ones). */
    static List<Case> torch2Cases() {
        return cases("/fixtures/schedules-torch2.json");
    }

    static List<Case> cases(String resource) {
        try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
            JsonNode root = new ObjectMapper().readTree(in);
            List<Case> out = new ArrayList<>();
            for (JsonNode c : root.get("cases")) {
                out.add(new Case(c.get("name").asText(), c.get("spec").asText(), doubles(c.get("base_lrs")),
                        c.get("steps").asInt(), c.has("metrics") ? doubles(c.get("metrics")) : null,
                        c.has("epochs") ? doubles(c.get("epochs")) : null, matrix(c.get("lr")),
                        c.has("momentum") ? matrix(c.get("momentum")) : null,
                        c.has("raises_at_row") ? c.get("raises_at_row").asInt() : -1,
                        c.has("error") ? c.get("error").asText() : null));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double[] doubles(JsonNode a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asDouble();
        return out;
    }

    private static double[][] matrix(JsonNode a) {
        double[][] out = new double[a.size()][];
        for (int i = 0; i < out.length; i++) out[i] = doubles(a.get(i));
        return out;
    }

    /** 1e-12 relative agreement (values within 1e-300 of each other count as equal zeros). */
    static boolean close(double expected, double actual) {
        if (expected == actual) return true;
        double diff = Math.abs(expected - actual);
        return diff <= 1e-12 * Math.max(Math.abs(expected), Math.abs(actual)) || diff < 1e-300;
    }
}
