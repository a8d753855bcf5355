package anneal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import anneal.bench.Journal;
import anneal.bench.JournalHeader;
import anneal.bench.RunRecord;
import anneal.bench.SweepPlan;
import anneal.bench.SweepSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sweep} exits 1 when a cell in its journal diverged, so scripts can tell (issue #10). */
class SweepExitCodeTest {
    @TempDir
    Path tmp;

    private static JournalHeader header() {
        return new JournalHeader(Journal.FORMAT, Journal.VERSION, "2026-01-01T00:00:00Z",
                SweepSettings.defaults(Path.of("/usr/share/datasets/fashion-mnist")),
                new SweepPlan(List.of("cosine"), List.of(0L), List.of(1), "cpu"), Map.of());
    }

    private static RunRecord finished(String status) {
        return new RunRecord("cosine", 0, 1, "cpu", "CosineAnnealingLR(T_max=1)", 0.1, status, Double.NaN, Double.NaN,
                0.1, 0.1, 1.0, "cpu", null, List.of(), 1, new double[0], "2026-01-01T00:01:00Z", 1.0);
    }

    private record Outcome(int code, String err) {
    }

    private Outcome resume(Path dir) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            return new Outcome(Main.run("sweep", "--resume", "--out", dir.toString(), "--no-overhead", "--no-report"),
                    err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void aDivergedCellMakesTheSweepExitOne() {
        // before: exit 0, so a script could not tell a sweep with a diverged run from a clean one
        Path dir = tmp.resolve("diverged");
        Journal.create(dir, header()).append(finished("DIVERGED"));
        Outcome o = resume(dir);
        assertEquals(1, o.code(), o.err());
        assertTrue(o.err().contains("1 run(s) in the journal diverged"), o.err());
    }

    @Test
    void aCleanSweepExitsZero() {
        Path dir = tmp.resolve("clean");
        Journal.create(dir, header()).append(finished("NOT_REACHED"));
        Outcome o = resume(dir);
        assertEquals(0, o.code(), o.err());
        assertTrue(!o.err().contains("diverged"), o.err());
    }
}
