package anneal.schedule;

import anneal.schedule.spec.Schedules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import anneal.schedule.spec.ScheduleCheckpoint;
import anneal.schedule.spec.ScheduleConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Versioned JSON config apart from state: round trip with the spec string, @FILE specs, checkpoint restore rules. */
class ScheduleConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Compares JSON by its text, so that int and long nodes of the same number are equal. */
    private static JsonNode tree(Object value) throws Exception {
        return JSON.readTree(value instanceof String ? (String) value : JSON.writeValueAsString(value));
    }

    private static List<String[]> specs() {
        List<String[]> out = new ArrayList<>();
        for (Fixtures.Case c : Fixtures.cases()) {
            StringBuilder lrs = new StringBuilder();
            for (double b : c.baseLrs()) lrs.append(lrs.length() > 0 ? "," : "").append(b);
            out.add(new String[] {c.spec(), lrs.toString()});
        }
        for (String s : StateRoundTripTest.ANNEAL_SPECS) out.add(new String[] {s, "0.1,0.02"});
        for (String library : new String[] {"optax", "keras", "transformers", "timm"}) { // dicts, nested optax calls
            for (Fixtures.Case c : Fixtures.cases("/fixtures/foreign-" + library + ".json")) {
                if (c.raisesAtRow() == 0) continue;
                StringBuilder lrs = new StringBuilder();
                for (double b : c.baseLrs()) lrs.append(lrs.length() > 0 ? "," : "").append(b);
                out.add(new String[] {c.spec(), lrs.toString()});
            }
        }
        return out;
    }

    private static double[] lrs(String csv) {
        String[] parts = csv.split(",");
        double[] out = new double[parts.length];
        for (int i = 0; i < out.length; i++) out[i] = Double.parseDouble(parts[i]);
        return out;
    }

    @Test
    void configRoundTripsWithTheSpecForEverySchedule() throws Exception {
        for (String[] c : specs()) {
            double[] lrs = lrs(c[1]);
            Map<String, Object> config = ScheduleConfig.of(c[0], lrs);
            @SuppressWarnings("unchecked")
            Map<String, Object> read = JSON.readValue(JSON.writeValueAsString(config), Map.class);
            String spec = ScheduleConfig.toSpec(read);
            JsonNode again = JSON.valueToTree(ScheduleConfig.of(spec, lrs));
            assertEquals(JSON.valueToTree(config), again, c[0] + " -> " + spec);
            LrScheduler original = Schedules.fromSpec(c[0], lrs);
            LrScheduler rebuilt = Schedules.fromSpec(spec, lrs);
            for (int t = 0; t < 25; t++) {
                for (int g = 0; g < lrs.length; g++) assertEquals(original.lr(g), rebuilt.lr(g), c[0] + " t=" + t);
                try {
                    if (original.needsMetric()) {
                        original.step(1.0 / (1 + t % 4));
                        rebuilt.step(1.0 / (1 + t % 4));
                    } else {
                        original.step();
                        rebuilt.step();
                    }
                } catch (IllegalStateException | ArithmeticException e) {
                    break; // a step PyTorch refuses too (OneCycleLR past total_steps, Python's ZeroDivisionError)
                }
            }
        }
    }

    @Test
    void configListsEveryArgumentWithDefaults() throws Exception {
        assertEquals(tree("{\"format\":\"anneal.schedule-config\",\"version\":2,\"schedule\":\"SequentialLR\","
                + "\"args\":{\"schedulers\":[{\"schedule\":\"LinearLR\",\"args\":{\"start_factor\":0.01,\"end_factor\":1.0,"
                + "\"total_iters\":5}},{\"schedule\":\"CosineAnnealingLR\",\"args\":{\"T_max\":30.0,\"eta_min\":0.0}}],"
                + "\"milestones\":[5],\"torch\":\"2\"}}"),
                tree(ScheduleConfig.of("SequentialLR(schedulers=[LinearLR(start_factor=0.01, total_iters=5), "
                        + "CosineAnnealingLR(T_max=30)], milestones=[5])", 0.1)));
    }

    @Test
    void aConfigFileIsAcceptedWhereverASpecIs(@TempDir Path dir) throws Exception {
        String spec = "OneCycleLR(max_lr=[0.3, 0.03], total_steps=40, three_phase=True)";
        Path config = dir.resolve("onecycle.json");
        Files.writeString(config, JSON.writeValueAsString(ScheduleConfig.of(spec, 0.1, 0.01)));
        Path text = dir.resolve("onecycle.spec");
        Files.writeString(text, spec + "\n");
        LrScheduler a = Schedules.fromSpec(spec, 0.1, 0.01);
        LrScheduler b = Schedules.fromSpec("@" + config, 0.1, 0.01);
        LrScheduler c = Schedules.fromSpec("@" + text, 0.1, 0.01);
        for (int t = 0; t < 40; t++) {
            assertEquals(a.lr(1), b.lr(1));
            assertEquals(a.value(Hyperparameter.MOMENTUM, 0), b.value(Hyperparameter.MOMENTUM, 0));
            assertEquals(a.lr(0), c.lr(0));
            a.step();
            b.step();
            c.step();
        }
        Files.writeString(config, "{\"format\":\"anneal.schedule-config\",\"version\":3,\"schedule\":\"StepLR\"}");
        String e = assertThrows(IllegalArgumentException.class, () -> Schedules.fromSpec("@" + config, 0.1)).getMessage();
        assertTrue(e.contains("version=3") && e.contains("allowed: 1 or 2"), e);
        String missing = assertThrows(IllegalArgumentException.class,
                () -> Schedules.fromSpec("@" + dir.resolve("nope.json"), 0.1)).getMessage();
        assertTrue(missing.contains("nope.json does not exist"), missing);
    }

    private static final String SEQ = "SequentialLR(schedulers=[LinearLR(start_factor=0.1, total_iters=3), "
            + "CosineAnnealingLR(T_max=%d)], milestones=[3])";

    @SuppressWarnings("unchecked")
    private static Map<String, Object> checkpointAt(String spec, int k) throws Exception {
        LrScheduler s = Schedules.fromSpec(spec, 0.1);
        for (int t = 0; t < k; t++) s.step();
        return JSON.readValue(JSON.writeValueAsString(ScheduleCheckpoint.save(spec, new double[] {0.1}, s)), Map.class);
    }

    @Test
    void checkpointRestoresAndNamesEveryDifferingArgument() throws Exception {
        String saved = String.format(SEQ, 30);
        Map<String, Object> checkpoint = checkpointAt(saved, 7);
        assertTrue(checkpoint.get("config") instanceof Map && checkpoint.get("state") instanceof Map);
        LrScheduler reference = Schedules.fromSpec(saved, 0.1);
        for (int t = 0; t < 7; t++) reference.step();
        LrScheduler same = ScheduleCheckpoint.restore(checkpoint, saved, new double[] {0.1},
                ScheduleCheckpoint.Prefer.NEITHER).scheduler();
        LrScheduler fromCheckpoint = ScheduleCheckpoint.restore(checkpoint, String.format(SEQ, 40), new double[] {0.2},
                ScheduleCheckpoint.Prefer.CHECKPOINT).scheduler();
        for (int t = 7; t < 40; t++) {
            assertEquals(reference.lr(0), same.lr(0), "t=" + t);
            assertEquals(reference.lr(0), fromCheckpoint.lr(0), "t=" + t);
            reference.step();
            same.step();
            fromCheckpoint.step();
        }
        String e = assertThrows(IllegalArgumentException.class, () -> ScheduleCheckpoint.restore(checkpoint,
                String.format(SEQ, 40), new double[] {0.2}, ScheduleCheckpoint.Prefer.NEITHER)).getMessage();
        assertTrue(e.contains("SequentialLR.schedulers[1].CosineAnnealingLR.T_max (checkpoint 30.0, given 40.0)"), e);
        assertTrue(e.contains("base_lrs (checkpoint [0.1], given [0.2])"), e);
        assertTrue(!e.contains("LinearLR"), "only differing arguments are named: " + e);
        // the given config wins: the saved state (cosine at its epoch 4 of T_max=30) continues under T_max=40 by
        // PyTorch's recursion lr_5 = lr_4 * (1 + cos(5 pi / 40)) / (1 + cos(4 pi / 40))
        LrScheduler given = ScheduleCheckpoint.restore(checkpoint, String.format(SEQ, 40), null,
                ScheduleCheckpoint.Prefer.GIVEN).scheduler();
        double savedLr = 0.1 * (1 + Math.cos(Math.PI * 4 / 30)) / 2;
        assertTrue(Fixtures.close(savedLr, given.lr(0)), savedLr + " vs " + given.lr(0));
        given.step();
        double expected = savedLr * (1 + Math.cos(Math.PI * 5 / 40)) / (1 + Math.cos(Math.PI * 4 / 40));
        assertTrue(Fixtures.close(expected, given.lr(0)), expected + " vs " + given.lr(0));
    }

    @Test
    void cliPrintsConfigAndResumesFromSavedState(@TempDir Path dir) throws Exception {
        String spec = "ChainedScheduler(schedulers=[CosineAnnealingLR(T_max=20), ReduceLROnPlateau(patience=0)])";
        ScheduleCommandTest.Result config = ScheduleCommandTest.run("schedule", spec, "--base-lr", "0.1", "--format",
                "config");
        assertEquals(0, config.code(), config.err());
        assertEquals(tree(ScheduleConfig.of(spec, 0.1)), tree(config.out()));
        String metrics = "1,2,0.5,3,3,0.2,4,4,4,0.1,5,5,5,5,5,5,5,5,5,5";
        ScheduleCommandTest.Result whole = ScheduleCommandTest.run("schedule", spec, "--base-lr", "0.1", "--steps", "21",
                "--metrics", metrics);
        Path state = dir.resolve("state.json");
        ScheduleCommandTest.Result first = ScheduleCommandTest.run("schedule", spec, "--base-lr", "0.1", "--steps", "10",
                "--metrics", metrics, "--save-state", state.toString());
        assertEquals(0, first.code(), first.err());
        ScheduleCommandTest.Result rest = ScheduleCommandTest.run("schedule", spec, "--base-lr", "0.1", "--steps", "12",
                "--metrics", String.join(",", java.util.Arrays.copyOfRange(metrics.split(","), 9, 20)), "--resume",
                state.toString());
        assertEquals(0, rest.code(), rest.err());
        String[] all = whole.out().strip().split("\n");
        String[] resumed = rest.out().strip().split("\n");
        for (int i = 1; i < resumed.length; i++) {
            assertEquals(all[i + 9].split(",", 2)[1], resumed[i].split(",", 2)[1], "row " + (i + 9));
        }
        ScheduleCommandTest.Result differs = ScheduleCommandTest.run("schedule", spec.replace("T_max=20", "T_max=25"),
                "--base-lr", "0.1", "--steps", "3", "--metrics", "1,1", "--resume", state.toString());
        assertEquals(2, differs.code());
        assertTrue(differs.err().contains("ChainedScheduler.schedulers[0].CosineAnnealingLR.T_max (checkpoint 20.0, "
                + "given 25.0)"), differs.err());
    }
}
