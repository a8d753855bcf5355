package anneal.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import anneal.bench.Journal;
import anneal.bench.JournalHeader;
import anneal.bench.OverheadBenchmarks;
import anneal.bench.RunRecord;
import anneal.bench.SweepPlan;
import anneal.bench.SweepSettings;
import anneal.train.EpochRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {
    @TempDir
    Path dir;

    /** A synthetic run: reaches the target at {@code ttt} seconds in epoch 2 (or never when NaN). */
    static RunRecord run(String schedule, long seed, int epochs, double ttt, double finalAcc) {
        List<EpochRecord> recs = new ArrayList<>();
        for (int e = 1; e <= epochs; e++)
            recs.add(new EpochRecord(e, 430L * e, 0.5 / e, 0.4, 0.85, 0.4, finalAcc - 0.01 * (epochs - e), 0.1 / e,
                    3.0 * e, 0.2 * e));
        boolean reached = Double.isFinite(ttt);
        double[] lrs = new double[epochs * 43];
        for (int i = 0; i < lrs.length; i++) lrs[i] = 0.1 * (1 - (double) i / lrs.length);
        return new RunRecord(schedule, seed, epochs, "cpu", "Spec()", 0.1, reached ? "REACHED" : "NOT_REACHED", ttt,
                reached ? 2.0 : Double.NaN, finalAcc, finalAcc, 1.0, "synthetic", null, recs, 10, lrs, "now", 0.5);
    }

    private Journal synthetic() {
        SweepSettings s = SweepSettings.defaults(Path.of("/data"));
        Journal j = Journal.create(dir, new JournalHeader(Journal.FORMAT, Journal.VERSION, "2026-01-01T00:00:00Z", s,
                new SweepPlan(List.of("onecycle", "cosine", "constant", "cyclic", "sgdr", "step"), List.of(0L, 1L, 2L, 3L, 4L, 5L),
                        List.of(3), "cpu"),
                Map.of("machine", "test box", "commit", "abc123")));
        for (long seed = 0; seed < 6; seed++) {
            j.append(run("onecycle", seed, 3, 10 + seed, 0.89 + 0.001 * seed));
            j.append(run("cosine", seed, 3, 20 + seed, 0.885));
            j.append(run("constant", seed, 3, Double.NaN, 0.87));
            j.append(run("cyclic", seed, 3, 30 + seed, 0.881));
            j.append(run("sgdr", seed, 3, 40 + seed, 0.882));
        }
        j.append(RunRecord.failed(new anneal.bench.SweepCell("step", 0, 3, "cpu"), "StepLR", 0.1, "IllegalStateException: boom"));
        return j;
    }

    @Test
    void writesTablesWithHandComputedStatisticsAndPlots() throws Exception {
        Journal j = synthetic();
        byte[] journalBefore = Files.readAllBytes(j.file());
        Path report = new ReportWriter(dir).write();
        String md = Files.readString(report);
        // onecycle: ttt 10..15 -> median 12.5, type-7 IQR 13.75 - 11.25 = 2.5, MLPerf mean of 11..14 = 12.5
        assertTrue(md.contains("| **onecycle** | 6 | 100% | 12.50 s | 2.50 s | 12.50 s | 2.00 |"), md);
        assertTrue(md.contains("| reference | reference | 1.0 + 0.5 s |"), md);
        // cosine is slower on every seed: exact two-sided Wilcoxon p = 2 / 2^6 = 0.03125
        assertTrue(md.contains("| cosine | 6 | 100% | 22.50 s | 2.50 s | 22.50 s |"), md);
        assertTrue(md.contains("p = 0.0313 (n = 6)"), md);
        // constant never reaches the target
        assertTrue(md.contains("| constant | 6 | 0% | – |"), md);
        // final accuracy of constant = 0.87 on every seed: mean 0.87, zero-width CI
        assertTrue(md.contains("0.8700 ± 0.0000"), md);
        assertTrue(md.contains("Wilcoxon signed-rank"), md);
        assertTrue(md.contains("IllegalStateException: boom"), md);
        assertTrue(md.contains("## Selection guide"), md);
        assertTrue(md.contains("**Agrees**: it is the fastest row."), md);
        assertTrue(md.contains("| commit | `abc123` |"), md);
        for (String png : List.of("accuracy-3ep-cpu.png", "time-to-target-3ep-cpu.png", "lr-curves.png")) {
            byte[] b = Files.readAllBytes(dir.resolve(png));
            assertTrue(b.length > 1000 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G', png);
        }
        // five lr curves make a 4 x 2 grid of 360 x 240 charts
        java.awt.image.BufferedImage grid = javax.imageio.ImageIO.read(dir.resolve("lr-curves.png").toFile());
        assertEquals(4 * 360, grid.getWidth());
        assertEquals(2 * 240, grid.getHeight());
        assertArrayEquals(journalBefore, Files.readAllBytes(j.file()));
    }

    @Test
    void overheadTableSharesScheduleStepOfTrainingStep() throws Exception {
        synthetic();
        Files.writeString(dir.resolve(OverheadBenchmarks.RESULT_FILE), """
                [{"benchmark":"anneal.jmh.ScheduleStepBench.step","params":{"schedule":"OneCycleLR"},
                  "primaryMetric":{"score":12.5,"scoreUnit":"ns/op"},
                  "secondaryMetrics":{"gc.alloc.rate.norm":{"score":0.0,"scoreUnit":"B/op"}}},
                 {"benchmark":"anneal.jmh.TrainStepBench.step","params":{"backend":"cpu","batch":"128","hidden":"256"},
                  "primaryMetric":{"score":250.0,"scoreUnit":"us/op"},"secondaryMetrics":{"·gc.alloc.rate.norm":{"score":16.0}}}]
                """);
        String md = Files.readString(new ReportWriter(dir).write());
        // 12.5 ns of 250 us = 0.005%
        assertTrue(md.contains("| `OneCycleLR` | 12.5 | 0.0 | 0.00500% |"), md);
        assertTrue(md.contains("| cpu 128 256 | cpu | 250.0 µs | 16.0 |"), md);
    }

    @Test
    void missingOrForeignJournalIsAOneLineError() throws Exception {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ReportWriter(dir).write()).getMessage()
                .contains("no sweep journal"));
        Files.writeString(Journal.fileIn(dir), "{\"something\":1}\n");
        assertThrows(IllegalArgumentException.class, () -> new ReportWriter(dir).write());
    }

    @Test
    void jmhUnitsConvertToNanoseconds() {
        assertEquals(1500, JmhResults.toNanosPerOp(1.5, "us/op"), 1e-9);
        assertEquals(0.5, JmhResults.toNanosPerOp(2, "ops/ns"), 1e-12);
        assertTrue(Double.isNaN(JmhResults.toNanosPerOp(1, "furlongs")));
    }
}
