package anneal.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import anneal.train.EpochRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
    @TempDir
    Path dir;

    static JournalHeader header() {
        return new JournalHeader(Journal.FORMAT, Journal.VERSION, "2026-01-01T00:00:00Z",
                SweepSettings.defaults(Path.of("/data")),
                new SweepPlan(java.util.List.of("step", "cosine"), java.util.List.of(0L, 1L), java.util.List.of(2), "cpu"),
                Map.of("jvm", "test"));
    }

    static RunRecord run(String schedule, long seed, String status, double ttt) {
        EpochRecord e1 = new EpochRecord(1, 430, 0.6, 0.5, 0.84, 0.52, 0.83, 0.1, 2.0, 0.25);
        EpochRecord e2 = new EpochRecord(2, 860, Double.NaN, 0.4, 0.88, 0.41, 0.885, 0.05, 4.0, 0.5);
        return new RunRecord(schedule, seed, 2, "cpu", "StepLR(step_size=1, gamma=0.5)", 0.1, status, ttt, 2.0, 0.885,
                0.885, 1.5, "test backend", null, List.of(e1, e2), 2, new double[] {0.1, 0.1, 0.05}, "now", 0.5);
    }

    @Test
    void roundTripsRecordsIncludingNaN() {
        Journal j = Journal.create(dir, header());
        j.append(run("step", 0, "REACHED", 4.5));
        j.append(run("cosine", 1, "NOT_REACHED", Double.NaN));
        Journal back = Journal.read(Journal.fileIn(dir));
        assertEquals(SweepSettings.defaults(Path.of("/data")), back.header().settings());
        assertEquals(2, back.runs().size());
        RunRecord r = back.runs().get(0);
        assertEquals(4.5, r.timeToTarget());
        assertEquals(0.885, r.records().get(1).testAccuracy());
        assertTrue(Double.isNaN(r.records().get(1).trainLoss()));
        assertArrayEquals(new double[] {0.1, 0.1, 0.05}, r.lrs());
        assertTrue(Double.isNaN(back.runs().get(1).timeToTarget()));
        assertEquals(Set.of(new SweepCell("step", 0, 2, "cpu"), new SweepCell("cosine", 1, 2, "cpu")), back.finishedCells());
        assertEquals(3, countLines());
    }

    @Test
    void refusesToOverwriteAnExistingJournal() throws Exception {
        Journal.create(dir, header()).append(run("step", 0, "REACHED", 1));
        byte[] before = Files.readAllBytes(Journal.fileIn(dir));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Journal.create(dir, header()));
        assertTrue(e.getMessage().contains("--resume"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(Journal.fileIn(dir)));
    }

    @Test
    void refusesForeignFiles() throws Exception {
        Files.writeString(Journal.fileIn(dir), "{\"format\":\"something-else\",\"type\":\"header\"}\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Journal.resume(dir)).getMessage()
                .contains("not an anneal sweep journal"));
        Files.writeString(Journal.fileIn(dir), "hello world\n");
        assertThrows(IllegalArgumentException.class, () -> Journal.resume(dir));
        Files.writeString(Journal.fileIn(dir), "");
        assertThrows(IllegalArgumentException.class, () -> Journal.resume(dir));
        Files.writeString(Journal.fileIn(dir), "{\"type\":\"header\",\"format\":\"anneal-sweep-journal\",\"version\":99}\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Journal.resume(dir)).getMessage().contains("99"));
    }

    @Test
    void refusesCorruptLinesNamingTheLine() throws Exception {
        Journal.create(dir, header()).append(run("step", 0, "REACHED", 1));
        Files.writeString(Journal.fileIn(dir), "{\"type\":\"run\", broken\n", java.nio.file.StandardOpenOption.APPEND);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Journal.resume(dir));
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
    }

    @Test
    void refusesAnIncompleteLastLine() throws Exception {
        Journal.create(dir, header()).append(run("step", 0, "REACHED", 1));
        Files.writeString(Journal.fileIn(dir), "{\"type\":\"run\",\"sched", java.nio.file.StandardOpenOption.APPEND);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Journal.resume(dir)).getMessage()
                .contains("incomplete"));
    }

    @Test
    void refusesAFolderThatCannotBeCreated() throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Journal.create(file.resolve("sub"), header()));
        assertTrue(e.getMessage().startsWith("--out"), e.getMessage());
    }

    @Test
    void resumeWithoutAJournalSaysSo() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Journal.resume(dir)).getMessage()
                .contains("no journal"));
    }

    /** A record like {@link #run} with one field changed through its JSON form. */
    private static String line(String field, Object value) throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var node = (com.fasterxml.jackson.databind.node.ObjectNode) json.valueToTree(run("step", 0, "REACHED", 1));
        node.put("type", "run");
        node.set(field, json.valueToTree(value));
        return json.writeValueAsString(node) + "\n";
    }

    @Test
    void refusesRecordsThatBreakTheJournalsRulesNamingTheLineAndChangesNothing() throws Exception {
        String[][] cases = {
                {"status", "\"WEIRD\"", "status 'WEIRD' is not one of DIVERGED, FAILED, NOT_REACHED, REACHED"},
                {"schedule", "\"no-such-schedule\"", "schedule 'no-such-schedule' is not in the catalogue"},
                {"seed", "7", "cell step seed=7 epochs=2 cpu is not in the header's plan"},
                {"epochs", "30", "cell step seed=0 epochs=30 cpu is not in the header's plan"},
                {"bestTestAccuracy", "1.5", "bestTestAccuracy 1.5 is outside [0, 1]"},
                {"finalTestAccuracy", "-0.25", "finalTestAccuracy -0.25 is outside [0, 1]"},
        };
        for (String[] c : cases) {
            Path d = Files.createDirectories(dir.resolve(c[0]));
            Journal.create(d, header()).append(run("cosine", 0, "REACHED", 1));
            Object value = new com.fasterxml.jackson.databind.ObjectMapper().readValue(c[1], Object.class);
            Files.writeString(Journal.fileIn(d), line(c[0], value), java.nio.file.StandardOpenOption.APPEND);
            byte[] before = Files.readAllBytes(Journal.fileIn(d));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Journal.resume(d));
            assertTrue(e.getMessage().contains("line 3: " + c[2]), e.getMessage());
            assertTrue(e.getMessage().contains("nothing was changed"), e.getMessage());
            assertEquals(1, e.getMessage().lines().count());
            assertArrayEquals(before, Files.readAllBytes(Journal.fileIn(d)));
        }
    }

    @Test
    void aCellRecordedTwiceIsRefusedButARetryAfterAFailureIsNot() throws Exception {
        Journal j = Journal.create(dir, header());
        SweepCell cell = new SweepCell("step", 0, 2, "cpu");
        j.append(RunRecord.failed(cell, "StepLR", 0.1, "OutOfMemoryError"));
        j.append(run("step", 0, "REACHED", 1));
        Journal back = Journal.read(j.file());
        assertEquals(2, back.allRecords().size());
        assertEquals(List.of("REACHED"), back.runs().stream().map(RunRecord::status).toList());
        assertEquals(1, back.failedAttempts(cell));

        j.append(run("step", 0, "NOT_REACHED", Double.NaN));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Journal.read(j.file()));
        assertTrue(e.getMessage().contains("line 4: cell step seed=0 epochs=2 cpu is recorded twice (it already finished on "
                + "line 3)"), e.getMessage());
    }

    @Test
    void aFailedAppendNamesTheCause() {
        Path full = Path.of("/dev/full");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isWritable(full), "/dev/full needed");
        var e = assertThrows(java.io.UncheckedIOException.class, () -> Journal.append(full, run("step", 0, "REACHED", 1)));
        assertTrue(e.getMessage().startsWith("cannot append to /dev/full: No space left on device"), e.getMessage());
    }

    @Test
    void extendingRewritesOnlyTheHeader() throws Exception {
        Journal j = Journal.create(dir, header());
        j.append(run("step", 0, "REACHED", 1));
        byte[] before = Files.readAllBytes(j.file());
        JournalHeader h = j.header();
        SweepPlan grown = HeaderContract.union(h.plan(), new SweepPlan(List.of("onecycle"), List.of(2L), List.of(2), "cpu"));
        assertEquals(List.of("step", "cosine", "onecycle"), grown.schedules());
        assertEquals(List.of(0L, 1L, 2L), grown.seeds());
        Journal back = j.withHeader(new JournalHeader(h.format(), h.version(), h.createdAt(), h.settings(), grown,
                h.environment()));
        assertEquals(grown, back.header().plan());
        byte[] after = Files.readAllBytes(j.file());
        String oldRecords = new String(before).substring(new String(before).indexOf('\n') + 1);
        assertTrue(new String(after).endsWith(oldRecords));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(Journal.FILE_NAME), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void theHeaderContractNamesEveryDifferingFieldAndIgnoresTheEnvironment() {
        JournalHeader h = header();
        SweepSettings s = h.settings();
        SweepSettings other = new SweepSettings(0.9, s.batch(), new int[] {128}, s.momentum(), s.nesterov(), s.weightDecay(),
                s.validationSize(), s.evalEvery(), s.dataDir(), s.evalsPerEpoch(), s.evalOnClock(), s.trainSize(),
                s.targetSource());
        SweepPlan plan = new SweepPlan(h.plan().schedules(), List.of(0L, 1L, 2L), h.plan().epochs(), "cpu");
        JournalHeader asked = new JournalHeader(h.format(), h.version(), "another time", other, plan, Map.of("jvm", "other"));
        assertEquals(List.of("settings.target: 0.88 in the journal, 0.9 asked",
                        "settings.hidden: [256] in the journal, [128] asked",
                        "plan.seeds: [0,1] in the journal, [0,1,2] asked"),
                HeaderContract.differences(h, asked, null));
        assertEquals(List.of("settings.target: 0.88 in the journal, 0.9 asked",
                "settings.hidden: [256] in the journal, [128] asked"), HeaderContract.differences(h, asked, Set.of("settings")));
        assertEquals(List.of(), HeaderContract.differences(h, new JournalHeader(h.format(), h.version(), "later", s, h.plan(),
                Map.of()), null));
    }

    @Test
    void aSecondLockOnTheSameFolderIsRefusedWithTheOwnersPid() throws Exception {
        try (SweepLock held = SweepLock.acquire(dir)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SweepLock.acquire(dir));
            assertEquals("--out: another sweep (pid " + ProcessHandle.current().pid() + ") is running in " + dir
                    + "; wait for it to end or choose another --out (nothing was changed)", e.getMessage());
        }
        SweepLock.acquire(dir).close(); // released: free again
    }

    private long countLines() {
        try {
            return Files.readAllLines(Journal.fileIn(dir)).size();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
