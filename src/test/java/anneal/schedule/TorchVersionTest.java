package anneal.schedule;

import anneal.schedule.spec.Schedules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import anneal.schedule.spec.ScheduleConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The torch='1.13' | '2' choice at the spec, the command line and the config. Values are the issue's published
 * PyTorch numbers (SequentialLR handing over to MultiplicativeLR) and the fixtures of PyTorch 1.13 and 2.x.
 */
class TorchVersionTest {
    private static final String HAND_OVER = "SequentialLR(schedulers=[ConstantLR(factor=0.5, total_iters=2), "
            + "MultiplicativeLR(lr_lambda='0.9')], milestones=[2])";

    private static double[] lrs(LrScheduler s, int rows) {
        double[] out = new double[rows];
        for (int i = 0; i < rows; i++) {
            if (i > 0) s.step();
            out[i] = s.lr(0);
        }
        return out;
    }

    private static void assertClose(double[] expected, double[] actual) {
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Fixtures.close(expected[i], actual[i]), "row " + i + ": " + expected[i] + " vs " + actual[i]);
        }
    }

    @Test
    void handOverToMultiplicativeFollowsTheChosenPyTorch() {
        assertClose(new double[] {0.5, 0.5, 0.45, 0.405, 0.3645}, lrs(Schedules.fromSpec(HAND_OVER, 1.0), 5));
        assertClose(new double[] {0.5, 0.5, 0.5, 0.45, 0.405},
                lrs(Schedules.fromSpec(HAND_OVER, TorchVersion.V1_13, 1.0), 5));
        String in113 = HAND_OVER.replace("milestones=[2])", "milestones=[2], torch='1.13')");
        assertClose(new double[] {0.5, 0.5, 0.5, 0.45, 0.405}, lrs(Schedules.fromSpec(in113, 1.0), 5));
    }

    @Test
    void theCommandLineChooses() {
        ScheduleCommandTest.Result two = ScheduleCommandTest.run("schedule", HAND_OVER, "--base-lr", "1", "--steps", "5");
        assertEquals("step,lr\n0,0.5\n1,0.5\n2,0.45\n3,0.405\n4,0.36450000000000005\n", two.out(), two.err());
        ScheduleCommandTest.Result old = ScheduleCommandTest.run("schedule", HAND_OVER, "--base-lr", "1", "--steps", "5",
                "--torch", "1.13");
        assertEquals("step,lr\n0,0.5\n1,0.5\n2,0.5\n3,0.45\n4,0.405\n", old.out(), old.err());
        ScheduleCommandTest.Result bad = ScheduleCommandTest.run("schedule", HAND_OVER, "--base-lr", "1", "--steps", "5",
                "--torch", "3");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("torch='3'") && bad.err().contains("'1.13' or '2'"), bad.err());
        assertEquals(1, bad.err().strip().split("\n").length, bad.err());
    }

    @Test
    void spellingsOf2() {
        assertEquals(TorchVersion.V2, TorchVersion.parse("x", "2.9"));
        assertEquals(TorchVersion.V2, TorchVersion.parse("x", "2.x"));
        assertEquals(TorchVersion.V1_13, TorchVersion.parse("x", "1.13"));
        String e = assertThrows(IllegalArgumentException.class, () -> TorchVersion.parse("StepLR", "2.3")).getMessage();
        assertTrue(e.contains("torch='2.3'") && e.contains("2.8+"), e);
        assertThrows(IllegalArgumentException.class, () -> Schedules.fromSpec("StepLR(step_size=2, torch=2.1)", 0.1));
    }

    @Test
    void verboseIsGoneIn2() {
        String e = assertThrows(IllegalArgumentException.class,
                () -> Schedules.fromSpec("StepLR(step_size=2, verbose=False)", 0.1)).getMessage();
        assertTrue(e.contains("verbose") && e.contains("2.7"), e);
        Schedules.fromSpec("StepLR(step_size=2, verbose=False, torch='1.13')", 0.1);
    }

    @Test
    void lastEpochIsAcceptedWherePyTorchHasIt() {
        String e = assertThrows(IllegalArgumentException.class,
                () -> Schedules.fromSpec("ReduceLROnPlateau(last_epoch=3)", 0.1)).getMessage();
        assertTrue(e.contains("unknown argument last_epoch"), e);
        e = assertThrows(IllegalArgumentException.class,
                () -> Schedules.fromSpec("OneCycleLR(max_lr=0.1, total_steps=10, last_epoch=3)", 0.1)).getMessage();
        assertTrue(e.contains("last_epoch=3") && e.contains("resume"), e);
        e = assertThrows(IllegalArgumentException.class,
                () -> Schedules.fromSpec("StepLR(step_size=2, last_epoch=-2)", 0.1)).getMessage();
        assertTrue(e.contains("last_epoch=-2"), e);
    }

    @Test
    void theConfigRecordsTheChoiceAndVersion1MeansPyTorch113(@TempDir Path dir) throws Exception {
        Map<String, Object> config = ScheduleConfig.of(HAND_OVER, 1.0);
        assertEquals(2, config.get("version"));
        assertEquals("2", ((Map<?, ?>) config.get("args")).get("torch"));
        Map<String, Object> chosen = TorchScheduler.with(new TorchScheduler.Options(TorchVersion.V1_13, -1),
                () -> ScheduleConfig.of(HAND_OVER, 1.0));
        assertEquals("1.13", ((Map<?, ?>) chosen.get("args")).get("torch"));
        String json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(config);
        Path v2 = dir.resolve("v2.json");
        Files.writeString(v2, json);
        assertClose(new double[] {0.5, 0.5, 0.45, 0.405, 0.3645}, lrs(Schedules.fromSpec("@" + v2, 1.0), 5));
        Path v1 = dir.resolve("v1.json");
        Files.writeString(v1, json.replace("\"version\":2", "\"version\":1").replace(",\"torch\":\"2\"", ""));
        assertClose(new double[] {0.5, 0.5, 0.5, 0.45, 0.405}, lrs(Schedules.fromSpec("@" + v1, 1.0), 5));
    }
}
