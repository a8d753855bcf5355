package anneal.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import anneal.bench.Journal;
import anneal.bench.JournalHeader;
import anneal.bench.SweepLock;
import anneal.bench.SweepPlan;
import anneal.bench.SweepSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal's header is the contract of --resume; the folder lock; train --out never overwrites a journal.
 * Each refusal: one line on stderr, exit 2, the journal byte for byte unchanged.
 */
class SweepResumeContractTest {
    @TempDir
    Path tmp;

    private static String run(int expectedCode, String... args) {
        PrintStream saved = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            String err = buf.toString(StandardCharsets.UTF_8).strip();
            assertEquals(expectedCode, code, err);
            assertEquals(1, err.lines().count(), err);
            return err;
        } finally {
            System.setErr(saved);
        }
    }

    private Journal journal(Path dir) {
        return Journal.create(dir, new JournalHeader(Journal.FORMAT, Journal.VERSION, "2026-01-01T00:00:00Z",
                SweepSettings.defaults(Path.of("/usr/share/datasets/fashion-mnist")),
                new SweepPlan(List.of("cosine", "step"), List.of(0L, 1L), List.of(1), "cpu"), Map.of("command", "test")));
    }

    @Test
    void everyExtendAddsItsCommandAndCommitToTheHeaderAndKeepsTheFirst() {
        Map<String, String> first = new java.util.LinkedHashMap<>();
        first.put("command", "anneal sweep --out s");
        first.put("commit", "aaa");
        Map<String, String> once = SweepCommand.extendedEnvironment(first,
                Map.of("command", "anneal sweep --resume --extend --seeds 12 --out s"));
        Map<String, String> twice = SweepCommand.extendedEnvironment(once,
                Map.of("command", "anneal sweep --resume --extend --epochs 3,10 --out s", "commit", "bbb"));
        assertEquals(java.util.Set.of("command", "commit", "command (--extend 1)", "command (--extend 2)",
                "commit (--extend 2)"), twice.keySet());
        assertEquals(List.of("command", "commit", "command (--extend 1)"), List.copyOf(twice.keySet()).subList(0, 3),
                "the first run's entries first, then each extension's in turn");
        assertEquals("anneal sweep --out s", twice.get("command"));
        assertEquals("aaa", twice.get("commit"));
        assertEquals("anneal sweep --resume --extend --seeds 12 --out s", twice.get("command (--extend 1)"));
        assertEquals("anneal sweep --resume --extend --epochs 3,10 --out s", twice.get("command (--extend 2)"));
        assertEquals("bbb", twice.get("commit (--extend 2)"));
        assertEquals(Map.of("command (--extend 1)", "x"), SweepCommand.extendedEnvironment(null, Map.of("command", "x")));
    }

    @Test
    void aResumeWhoseOptionsDifferFromTheHeaderIsRefusedNamingEachDifference() throws Exception {
        Path dir = tmp.resolve("s");
        Journal j = journal(dir);
        byte[] before = Files.readAllBytes(j.file());
        String[][] cases = {
                {"--seeds", "3"},
                {"--schedules", "cosine"},
                {"--epochs", "1,3"},
                {"--target", "0.9"},
                {"--batch", "64"},
                {"--data", "/elsewhere"},
                {"--full"},
        };
        String[] named = {
                "plan.seeds: [0,1] in the journal, [0,1,2] asked",
                "plan.schedules: [\"cosine\",\"step\"] in the journal, [\"cosine\"] asked",
                "plan.epochs: [1] in the journal, [1,3] asked",
                "settings.target: 0.88 in the journal, 0.9 asked",
                "settings.batch: 128 in the journal, 64 asked",
                "settings.dataDir: \"/usr/share/datasets/fashion-mnist\" in the journal, \"/elsewhere\" asked",
                "plan.seeds: [0,1] in the journal, [0,1,2,3,4,5,6,7,8,9] asked", // --full: 10 seeds (MLPerf's run count)
        };
        for (int i = 0; i < cases.length; i++) {
            String[] args = new String[cases[i].length + 4];
            args[0] = "sweep";
            args[1] = "--resume";
            args[2] = "--out";
            args[3] = dir.toString();
            System.arraycopy(cases[i], 0, args, 4, cases[i].length);
            String err = run(2, args);
            assertTrue(err.startsWith("anneal sweep: --resume: the options differ from " + j.file() + "'s header ("), err);
            assertTrue(err.contains(named[i]), err);
            assertTrue(err.contains("--extend"), err);
            assertArrayEquals(before, Files.readAllBytes(j.file()));
        }
        // --full differs in every part of the plan, and all of them are named.
        String full = run(2, "sweep", "--resume", "--out", dir.toString(), "--full");
        assertTrue(full.contains("plan.schedules:") && full.contains("plan.epochs: [1] in the journal, [3,10] asked"), full);
        // --extend grows the plan only: a different protocol is still refused.
        String ext = run(2, "sweep", "--resume", "--extend", "--target", "0.9", "--seeds", "3", "--out", dir.toString());
        assertTrue(ext.contains("settings.target: 0.88 in the journal, 0.9 asked") && !ext.contains("plan.seeds"), ext);
        assertArrayEquals(before, Files.readAllBytes(j.file()));
        assertTrue(run(2, "sweep", "--extend", "--out", tmp.resolve("new").toString()).contains("needs --resume"));
        assertFalse(Files.exists(tmp.resolve("new")));
        assertTrue(run(2, "sweep", "--resume", "--max-retries", "-1", "--out", dir.toString()).contains("--max-retries"));
    }

    @Test
    void aResumeWithAnotherSearchSpaceOrTuningPlanIsRefusedByTheHeader() throws Exception {
        Path dir = tmp.resolve("tuned");
        List<String> schedules = List.of("cosine", "onecycle");
        SweepSettings settings = SweepSettings.defaults(Path.of("/usr/share/datasets/fashion-mnist"))
                .withSpaces(anneal.bench.ScheduleCatalogue.spaces(
                        List.of(anneal.tuning.SpaceOverride.parse("onecycle.pct_start=0.2:0.4")), schedules));
        Journal j = Journal.create(dir, new JournalHeader(Journal.FORMAT, Journal.VERSION, "2026-01-01T00:00:00Z", settings,
                new SweepPlan(schedules, List.of(0L, 1L), List.of(1), "cpu", new anneal.tuning.TuningPlan(2, 2)),
                Map.of("command", "test")));
        byte[] before = Files.readAllBytes(j.file());
        String d = dir.toString();
        // the catalogue's lr bounds of onecycle are [0.02, 0.5]: the header names the one bound that differs
        String lr = run(2, "sweep", "--resume", "--out", d, "--space", "onecycle.lr=0.01:0.5");
        assertTrue(lr.contains("settings.spaces.onecycle.lr.low: 0.02 in the journal, 0.01 asked"), lr);
        // the recorded override has to be given again (or left out: then the journal's spaces are used)
        String dropped = run(2, "sweep", "--resume", "--out", d, "--space", "cosine.floor=0:0.1");
        assertTrue(dropped.contains("settings.spaces.onecycle.pct_start.low: 0.2 in the journal, 0.1 asked"), dropped);
        String tune = run(2, "sweep", "--resume", "--out", d, "--tune", "3x2");
        assertTrue(tune.contains("plan.tuning.trials: 2 in the journal, 3 asked"), tune);
        String ext = run(2, "sweep", "--resume", "--extend", "--out", d, "--tune", "3x2", "--seeds", "3");
        assertTrue(ext.startsWith("anneal sweep: --resume --extend:") && ext.contains("tuning plan"), ext);
        String extSpace = run(2, "sweep", "--resume", "--extend", "--out", d, "--space", "onecycle.lr=0.01:0.5");
        assertTrue(extSpace.contains("settings.spaces.onecycle.lr.low"), extSpace);
        assertArrayEquals(before, Files.readAllBytes(j.file()));
        // the header holds the spaces in a form that reads back equal
        assertEquals(settings.spaces(), Journal.read(j.file()).header().settings().spaces());
        assertEquals(0.2, Journal.read(j.file()).header().settings().spaces().get("onecycle").dimension("pct_start")
                .orElseThrow().low());
    }

    @Test
    void aSecondSweepOnALockedFolderIsRefusedWithOneLine() throws Exception {
        Path dir = tmp.resolve("locked");
        Journal j = journal(dir);
        byte[] before = Files.readAllBytes(j.file());
        try (SweepLock held = SweepLock.acquire(dir)) {
            String err = run(2, "sweep", "--resume", "--out", dir.toString());
            assertEquals("anneal sweep: --out: another sweep (pid " + ProcessHandle.current().pid() + ") is running in "
                    + dir + "; wait for it to end or choose another --out (nothing was changed)", err);
        }
        assertArrayEquals(before, Files.readAllBytes(j.file()));
    }

    @Test
    void trainOutNeverOverwritesASweepJournalOrAnotherFile() throws Exception {
        Path dir = tmp.resolve("j");
        Journal j = journal(dir);
        byte[] before = Files.readAllBytes(j.file());
        String err = run(2, "train", "--schedule", "StepLR(step_size=1)", "--backend", "cpu", "--out", j.file().toString());
        assertTrue(err.contains("is not the output of 'anneal train'"), err);
        assertArrayEquals(before, Files.readAllBytes(j.file()));
        Path notes = Files.writeString(tmp.resolve("notes.json"), "{\"mine\": true}\n");
        run(2, "train", "--schedule", "StepLR(step_size=1)", "--backend", "cpu", "--out", notes.toString());
        assertEquals("{\"mine\": true}\n", Files.readString(notes));
        assertTrue(TrainCommand.isTrainOutput(Files.writeString(tmp.resolve("t.json"), "{\n  \"interrupted\" : false,\n")));
    }
}
