package anneal.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import anneal.bench.Journal;
import anneal.bench.JournalHeader;
import anneal.bench.RunRecord;
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

/** The bad-input list: one line on stderr, exit code 2, nothing recorded lost or overwritten. */
class SweepCommandBadInputTest {
    @TempDir
    Path tmp;

    private record Outcome(int code, String err) {
    }

    private static Outcome run(String... args) {
        PrintStream saved = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Outcome(code, buf.toString(StandardCharsets.UTF_8).strip());
        } finally {
            System.setErr(saved);
        }
    }

    private static void assertOneLineUsageError(Outcome o, String... fragments) {
        assertEquals(2, o.code(), o.err());
        assertEquals(1, o.err().lines().count(), o.err());
        for (String f : fragments) assertTrue(o.err().contains(f), o.err());
    }

    @Test
    void unknownScheduleListsTheKnownOnesAndWritesNothing() {
        Path out = tmp.resolve("sweep");
        Outcome o = run("sweep", "--schedules", "cosine,sgdr2", "--out", out.toString(), "--backend", "cpu");
        assertOneLineUsageError(o, "'sgdr2'", "onecycle", "warmup-linear");
        assertFalse(Files.exists(out));
    }

    @Test
    void listPrintsTheCatalogueWithoutRunning() {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Main.run("sweep", "--list", "--epochs", "3"));
        } finally {
            System.setOut(saved);
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        // the default sweep trains on 20,000 images: ceil(20000 / 128) = 157 steps per epoch
        assertTrue(text.contains("OneCycleLR(max_lr=0.1, total_steps=471)"), text);
        assertTrue(text.contains("search space: lr in [0.02, 0.5] log, pct_start in [0.1, 0.5], div in [5.0, 100.0] log"), text);
        assertTrue(text.contains("inverse-sqrt"), text);
    }

    @Test
    void targetOutsideZeroOne() {
        for (String t : List.of("0", "1.5", "-0.2", "NaN"))
            assertOneLineUsageError(run("sweep", "--target", t, "--out", tmp.resolve("t").toString(), "--backend", "cpu"),
                    "--target", t);
        assertFalse(Files.exists(tmp.resolve("t")));
    }

    @Test
    void badTuningPlansAndTargetsNameTheOptionAndWriteNothing() {
        Path out = tmp.resolve("tune");
        assertOneLineUsageError(run("sweep", "--tune", "0", "--out", out.toString(), "--backend", "cpu"), "--tune", "TRIALS", "got 0");
        assertOneLineUsageError(run("sweep", "--tune", "3x0", "--out", out.toString(), "--backend", "cpu"), "--tune", "STUDIES");
        assertOneLineUsageError(run("sweep", "--tune", "3xy", "--out", out.toString(), "--backend", "cpu"), "--tune", "'3xy'");
        assertOneLineUsageError(run("sweep", "--tune", "4x7", "--seeds", "6", "--out", out.toString(), "--backend", "cpu"),
                "--tune 4x7 needs at least 7 seeds");
        assertOneLineUsageError(run("sweep", "--target", "1", "--out", out.toString(), "--backend", "cpu"), "--target", "(0, 1)");
        assertOneLineUsageError(run("sweep", "--calibrate-target", "--target", "0.8", "--out", out.toString(), "--backend", "cpu"),
                "--calibrate-target");
        assertFalse(Files.exists(out));
    }

    @Test
    void zeroSeedsOrEpochs() {
        assertOneLineUsageError(run("sweep", "--seeds", "0", "--out", tmp.resolve("s").toString(), "--backend", "cpu"), "--seeds");
        assertOneLineUsageError(run("sweep", "--epochs", "0", "--out", tmp.resolve("s").toString(), "--backend", "cpu"), "--epochs");
        assertOneLineUsageError(run("sweep", "--full", "--seeds", "3", "--out", tmp.resolve("s").toString(), "--backend", "cpu"),
                "--full", "6 seeds");
        assertFalse(Files.exists(tmp.resolve("s")));
    }

    @Test
    void unwritableOutputFolder() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        assertOneLineUsageError(run("sweep", "--out", file.resolve("sub").toString(), "--backend", "cpu"), "--out");
        assertEquals("x", Files.readString(file));
    }

    @Test
    void corruptOrForeignJournalOnResumeIsLeftAlone() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("foreign"));
        Files.writeString(Journal.fileIn(dir), "{\"not\": \"ours\"}\n");
        byte[] before = Files.readAllBytes(Journal.fileIn(dir));
        assertOneLineUsageError(run("sweep", "--resume", "--out", dir.toString()), "not an anneal sweep journal");
        assertArrayEquals(before, Files.readAllBytes(Journal.fileIn(dir)));

        Path ours = tmp.resolve("ours");
        Journal j = Journal.create(ours, header());
        j.append(RunRecord.failed(new anneal.bench.SweepCell("cosine", 0, 1, "cpu"), "CosineAnnealingLR", 0.1, "x"));
        Files.writeString(j.file(), "garbage line\n", java.nio.file.StandardOpenOption.APPEND);
        byte[] corrupt = Files.readAllBytes(j.file());
        assertOneLineUsageError(run("sweep", "--resume", "--out", ours.toString()), "line 3", "corrupt");
        assertArrayEquals(corrupt, Files.readAllBytes(j.file()));
    }

    @Test
    void existingJournalIsNeverOverwrittenAndResumeKeepsTheProtocol() throws Exception {
        Path dir = tmp.resolve("kept");
        Journal j = Journal.create(dir, header());
        byte[] before = Files.readAllBytes(j.file());
        assertOneLineUsageError(run("sweep", "--out", dir.toString(), "--backend", "cpu"), "already exists", "--resume");
        assertOneLineUsageError(run("sweep", "--resume", "--target", "0.9", "--out", dir.toString()), "target");
        assertOneLineUsageError(run("sweep", "--resume", "--tune", "2x1", "--out", dir.toString()), "plan.tuning: (none) in the journal");
        assertOneLineUsageError(run("sweep", "--resume", "--eval-on-clock", "--out", dir.toString()), "settings.evalOnClock: false in the journal, true asked");
        assertOneLineUsageError(run("sweep", "--resume", "--calibrate-target", "--out", dir.toString()), "--calibrate-target");
        assertArrayEquals(before, Files.readAllBytes(j.file()));
    }

    @Test
    void reportLrFindAndBenchRejectBadInput() {
        assertOneLineUsageError(run("report", tmp.resolve("nothing").toString()), "no sweep journal");
        assertOneLineUsageError(run("lr-find", "--min-lr", "0", "--out", tmp.resolve("lr").toString()), "--min-lr");
        assertOneLineUsageError(run("lr-find", "--max-lr", "1e-6", "--out", tmp.resolve("lr").toString()), "--max-lr");
        assertOneLineUsageError(run("bench", "-f", "notanumber"), "JMH");
    }

    private static JournalHeader header() {
        return new JournalHeader(Journal.FORMAT, Journal.VERSION, "2026-01-01T00:00:00Z",
                SweepSettings.defaults(Path.of("/usr/share/datasets/fashion-mnist")),
                new SweepPlan(List.of("cosine"), List.of(0L), List.of(1), "cpu"), Map.of());
    }
}
