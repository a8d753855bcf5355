package anneal.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code anneal schedule --compare A B}: both curves, their difference, and the largest one with its step. */
class ScheduleCompareTest {
    private static final String HF = "transformers.get_cosine_with_hard_restarts_schedule_with_warmup("
            + "num_warmup_steps=0, num_training_steps=30, num_cycles=3)";
    private static final String SGDR = "CosineAnnealingWarmRestarts(T_0=10)";

    @Test
    void restartsAgreeUntilTransformersStopsAtNumTrainingSteps() {
        ScheduleCommandTest.Result r = ScheduleCommandTest.run("schedule", "--compare", HF, SGDR, "--base-lr", "0.1",
                "--steps", "32");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals("step,a,b,a-b", lines[0]);
        for (int t = 0; t < 30; t++) { // both: 0.1 * (1 + cos(pi * (t % 10) / 10)) / 2
            String[] cells = lines[t + 1].split(",");
            double expected = 0.1 * (1 + Math.cos(Math.PI * (t % 10) / 10.0)) / 2;
            assertTrue(Math.abs(Double.parseDouble(cells[1]) - expected) < 1e-15, lines[t + 1]);
            assertTrue(Math.abs(Double.parseDouble(cells[2]) - expected) < 1e-15, lines[t + 1]);
        }
        assertEquals("30,0.0,0.1,-0.1", lines[31]); // transformers: 0 from num_training_steps on; SGDR restarts
        assertEquals("largest |a - b| = 0.1 at step 30 (a 0.0, b 0.1, 1.00 of the larger)", lines[lines.length - 1]);
    }

    @Test
    void plotsBothCurves(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("cmp.png");
        ScheduleCommandTest.Result r = ScheduleCommandTest.run("schedule", "--compare", "CosineAnnealingLR(T_max=10)",
                "optax.cosine_decay_schedule(init_value=0.1, decay_steps=10)", "--base-lr", "0.1", "--steps", "16",
                "--plot", png.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.size(png) > 1000);
        assertTrue(r.out().contains("at step 15"), r.out()); // torch rises back after T_max, optax holds its floor
    }

    @Test
    void aMetricScheduleIsOneLineExit2() {
        ScheduleCommandTest.Result r = ScheduleCommandTest.run("schedule", "--compare", "ReduceLROnPlateau()", SGDR,
                "--base-lr", "0.1", "--steps", "4");
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().split("\n").length, r.err());
        assertTrue(r.err().contains("--compare"), r.err());
    }
}
