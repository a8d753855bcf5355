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

    private long countLines() {
        try {
            return Files.readAllLines(Journal.fileIn(dir)).size();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
