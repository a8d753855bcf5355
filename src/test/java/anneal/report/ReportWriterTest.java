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

    /**
     * A synthetic run of three epochs evaluated at epoch ends: validation accuracy 0.80 after 5 s of training, then
     * 0.90 (reaching the 0.88 target) at {@code ttt} seconds in epoch 2, or 0.85 at 25 s when {@code ttt} is NaN; the
     * run's clock ends at 50 s. Evaluation takes 1 s per evaluation and is off the clock.
     */
    static RunRecord run(String schedule, long seed, int epochs, double ttt, double finalAcc) {
        boolean reached = Double.isFinite(ttt);
        double[] train = {5, reached ? ttt : 25, 50};
        double[] val = {0.80, reached ? 0.90 : 0.85, reached ? 0.90 : 0.85};
        List<EpochRecord> recs = new ArrayList<>();
        for (int e = 1; e <= epochs; e++)
            recs.add(new EpochRecord(e, 430L * e, 0.5 / e, 0.4, val[e - 1], 0.4, finalAcc - 0.01 * (epochs - e), 0.1 / e,
                    train[e - 1], e));
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
        // onecycle reaches the target at 10..15 s: KM median = midpoint of the flat S = 0.5 between 12 and 13 = 12.5;
        // every schedule's clock ends at 50 s, so tau = 50 and RMST = mean(10..15) = 12.5; it reaches at epoch 2
        assertTrue(md.contains("Horizon tau = 50.00 s. Reference: `onecycle`"), md);
        assertTrue(md.contains("| **onecycle** | 6/6 | 12.50 s ["), md);
        assertTrue(md.contains("| 12.50 s [11.17, 13.83] | reference | – | 2.00 [2.00, 2.00] |"), md);
        // cosine is 10 s slower on every seed: exact sign-flip p = 2 / 2^6 = 0.03125, Holm over 4 comparisons 0.125
        assertTrue(md.contains("| cosine | 6/6 | 22.50 s [20.50, 24.50] | 22.50 s [21.17, 23.83] | 10.00 s [10.00, 10.00] | 0.125 (0.0313) |"), md);
        // constant never reaches 0.88: censored at 50 s on every seed, never dropped
        assertTrue(md.contains("| constant | 0/6 | ∞ [∞, ∞] | 50.00 s [50.00, 50.00] | 37.50 s ["), md);
        // 4 Holm-adjusted comparisons, 6 seeds: the smallest attainable adjusted p is 4 x 2/2^6 = 0.125; 4 x 2/2^8 < 0.05
        assertTrue(md.contains("the smallest attainable adjusted p-value of the exact test is 0.125 (4 × 2/2^6"), md);
        assertTrue(md.contains("8 seeds would be needed"), md);
        // final validation accuracy of constant = 0.85 on every seed; its test accuracy 0.87 is reported beside it
        assertTrue(md.contains("| 0.8500 ± 0.0000 | 0.8500 ± 0.0000 | 0.8700 ± 0.0000 | 3.00 s (6%) |"), md);
        assertTrue(md.contains("exact paired sign-flip"), md);
        assertTrue(md.contains("IllegalStateException: boom"), md);
        assertTrue(md.contains("## Selection guide"), md);
        assertTrue(md.contains("**Agrees**: it is the fastest row."), md);
        assertTrue(md.contains("| commit | `abc123` |"), md);
        for (String png : List.of("kaplan-meier-3ep-cpu.png", "validation-3ep-cpu.png", "target-sensitivity-3ep-cpu.png",
                "performance-profile.png", "lr-curves.png")) {
            byte[] b = Files.readAllBytes(dir.resolve(png));
            assertTrue(b.length > 1000 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G', png);
        }
        // five lr curves make a 4 x 2 grid of 360 x 240 charts
        java.awt.image.BufferedImage grid = javax.imageio.ImageIO.read(dir.resolve("lr-curves.png").toFile());
        assertEquals(4 * 360, grid.getWidth());
        assertEquals(2 * 240, grid.getHeight());
        // Kaplan-Meier small multiples: one 300 x 220 panel for each of the 5 schedules with runs, 4 columns
        java.awt.image.BufferedImage km = javax.imageio.ImageIO.read(dir.resolve("kaplan-meier-3ep-cpu.png").toFile());
        assertEquals(4 * 300, km.getWidth());
        assertEquals(2 * 220, km.getHeight());
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
