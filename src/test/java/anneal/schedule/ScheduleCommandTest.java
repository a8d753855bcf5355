package anneal.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import anneal.cli.Main;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code anneal schedule} through {@link Main#run}: PyTorch values on stdout, one-line errors with exit 2. */
class ScheduleCommandTest {
    record Result(int code, String out, String err) { }

    static Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private static Fixtures.Case fixture(String name) {
        return Fixtures.cases().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void csvRowsAreThePyTorchValues() {
        Fixtures.Case c = fixture("sequential issue example");
        Result r = run("schedule", c.spec(), "--base-lr", "0.1", "--base-lr", "0.01", "--steps", "45");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals("step,lr0,lr1", lines[0]);
        assertEquals(46, lines.length);
        for (int row = 0; row < 45; row++) {
            String[] cells = lines[row + 1].split(",");
            assertEquals(Integer.toString(row), cells[0]);
            for (int g = 0; g < 2; g++) {
                assertTrue(Fixtures.close(c.lr()[row][g], Double.parseDouble(cells[g + 1])), lines[row + 1]);
            }
        }
    }

    @Test
    void pythonReprFormatting() {
        Result r = run("schedule", "ExponentialLR(gamma=0.1)", "--base-lr", "0.1", "--steps", "7");
        assertEquals("step,lr\n0,0.1\n1,0.010000000000000002\n2,0.0010000000000000002\n3,0.00010000000000000003\n"
                + "4,1.0000000000000004e-05\n5,1.0000000000000004e-06\n6,1.0000000000000005e-07\n", r.out());
    }

    @Test
    void momentumColumnsAndJson() throws Exception {
        Fixtures.Case c = fixture("onecycle default");
        Result r = run("schedule", c.spec(), "--base-lr", "0.1,0.01", "--steps", "51", "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonNode rows = new ObjectMapper().readTree(r.out()).get("rows");
        assertEquals(51, rows.size());
        for (int row = 0; row < 51; row++) {
            JsonNode n = rows.get(row);
            assertEquals(row, n.get("step").asInt());
            assertTrue(Fixtures.close(c.lr()[row][1], n.get("lr1").asDouble()));
            assertTrue(Fixtures.close(c.momentum()[row][0], n.get("momentum0").asDouble()));
        }
    }

    @Test
    void metricsDriveThePlateau() {
        Fixtures.Case c = fixture("plateau min rel");
        StringBuilder metrics = new StringBuilder();
        for (double m : c.metrics()) metrics.append(metrics.length() > 0 ? "," : "").append(m);
        Result r = run("schedule", c.spec(), "--base-lr", "0.1,0.01", "--steps", Integer.toString(c.steps()),
                "--metrics", metrics.toString());
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        for (int row = 0; row < c.steps(); row++) {
            assertTrue(Fixtures.close(c.lr()[row][0], Double.parseDouble(lines[row + 1].split(",")[1])));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "schedule|StepLr(step_size=2)|--base-lr|0.1|--steps|5",
        "schedule|StepLR(step_size=0)|--base-lr|0.1|--steps|5",
        "schedule|StepLR(step_size=2)|--base-lr|abc|--steps|5",
        "schedule|StepLR(step_size=2)|--base-lr|0.1|--steps|0",
        "schedule|StepLR(step_size=2)|--base-lr|0.1|--steps|5|--format|xml",
        "schedule|StepLR(step_size=2)|--base-lr|0.1|--steps|5|--metrics|1,2",
        "schedule|ReduceLROnPlateau()|--base-lr|0.1|--steps|5|--metrics|1,2",
        "schedule|OneCycleLR(max_lr=0.1, total_steps=10)|--base-lr|0.1|--steps|20",
        "schedule|OneCycleLR(max_lr=[0.1, 0.2], total_steps=10)|--base-lr|0.1|--steps|5",
        "schedule|StepLR(step_size=2)|--steps|5",
        "schedule|StepLR(step_size=2|--base-lr|0.1|--steps|5",
    })
    void badInputIsOneLineAndExitTwo(String joined) {
        Result r = run(joined.split("\\|"));
        assertEquals(2, r.code(), r.out() + r.err());
        String err = r.err().strip();
        assertFalse(err.isEmpty());
        assertFalse(err.contains("\n"), err);
        assertFalse(err.contains("Exception"), err);
        assertTrue(err.startsWith("anneal schedule: "), err);
    }
}
