package anneal.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import anneal.backend.cpu.CpuBackend;
import anneal.bench.CatalogueEntry;
import anneal.bench.CellExecutor;
import anneal.bench.Journal;
import anneal.bench.JournalHeader;
import anneal.bench.RunRecord;
import anneal.bench.SweepCell;
import anneal.bench.SweepDriver;
import anneal.bench.SweepListener;
import anneal.bench.SweepPlan;
import anneal.bench.SweepSettings;
import anneal.data.Dataset;
import anneal.data.Splits;
import anneal.data.SyntheticData;
import anneal.train.RunResult;
import anneal.train.TrainConfig;
import anneal.train.TrainListener;
import anneal.train.Trainer;
import anneal.tuning.TuningPlan;
import anneal.tuning.TuningScore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --tune} end to end on a tiny synthetic workload: the sweep driver runs every (schedule, study, trial) cell of a
 * tuned plan, each cell really trains the catalogue entry's trial point (its spec and lr) on Gaussian blobs, and the
 * report's tuned scores are checked against the definition computed here from the journal by plain loops.
 */
class TuningIntegrationTest {
    @TempDir
    Path tmp;

    static final double TARGET = 0.85;
    /** The schedule whose validation split is mislabelled, so that every one of its trials misses. */
    static final String NEVER = "constant";

    static SweepSettings settings() {
        return new SweepSettings(TARGET, 32, new int[] {32}, 0.9, true, 5e-4, 200, 0, "/synthetic", 4, false, 0, "test");
    }

    static SweepPlan plan() {
        return new SweepPlan(List.of("onecycle", "cosine", NEVER), List.of(0L, 1L, 2L), List.of(2), "cpu", new TuningPlan(3, 3));
    }

    /** Trains a cell on blobs seeded by the cell's seed (in this JVM) and appends its record. */
    static final class SyntheticExecutor implements CellExecutor {
        final List<SweepCell> executed = new ArrayList<>();
        int interruptAfter = Integer.MAX_VALUE;

        @Override
        public void execute(SweepCell cell, Path journalFile) throws Exception {
            if (executed.size() == interruptAfter) throw new InterruptedException("Ctrl-C");
            executed.add(cell);
            Splits data = SyntheticData.blobs(20, 4, 640, 200, 200, 1.0, cell.seed());
            if (CatalogueEntry.baseName(cell.schedule()).equals(NEVER)) data = new Splits(data.train(), mislabelled(data.validation()), data.test());
            // as a cell's JVM does: the protocol (and a tuned sweep's search spaces) from the journal's header
            TrainConfig config = Journal.read(journalFile).header().settings().trainConfig(cell, 640 / 32);
            try (CpuBackend b = new CpuBackend(1)) {
                RunResult r = new Trainer(b, data).warmupSteps(0).testAtEpochEndsOnly(true).run(config, TrainListener.NONE);
                Journal.append(journalFile, RunRecord.of(cell, r, 0));
            }
        }
    }

    static Dataset mislabelled(Dataset d) {
        byte[] y = d.labels().clone();
        for (int i = 0; i < y.length; i++) y[i] = (byte) ((y[i] + 1) % d.classes());
        return new Dataset(d.name(), d.features(), y, d.count(), d.featureCount(), d.classes());
    }

    static Journal start(Path dir) {
        return start(dir, settings());
    }

    static Journal start(Path dir, SweepSettings settings) {
        return Journal.create(dir, new JournalHeader(Journal.FORMAT, Journal.VERSION, "2026-01-01T00:00:00Z", settings,
                plan(), Map.of()));
    }

    @Test
    void theRecordedSpacesDecideTheTrialsAndTheReportReadsTheTreeFromThem() throws Exception {
        Path dir = tmp.resolve("spaces");
        // --space onecycle.lr=0.05 --space all.floor=0.05: every onecycle trial at peak lr 0.05, every cosine floor 5%
        SweepSettings s = settings().withSpaces(anneal.bench.ScheduleCatalogue.spaces(List.of(
                anneal.tuning.SpaceOverride.parse("onecycle.lr=0.05"), anneal.tuning.SpaceOverride.parse("all.floor=0.05")),
                plan().schedules()));
        new SweepDriver(start(dir, s), new SyntheticExecutor(), SweepListener.NONE).run(plan());
        List<RunRecord> runs = Journal.read(Journal.fileIn(dir)).runs();
        for (RunRecord r : runs) {
            if (r.schedule().startsWith("onecycle@")) {
                assertEquals(0.05, r.lr(), r.schedule());
                assertTrue(r.spec().startsWith("OneCycleLR(max_lr=0.05, "), r.spec());
            }
            if (r.schedule().startsWith("cosine@"))  // eta_min = floor x lr
                assertTrue(r.spec().endsWith("eta_min=" + 0.05 * r.lr() + ")"), r.spec());
        }
        String md = Files.readString(new ReportWriter(dir).write());
        assertTrue(md.contains("## Search spaces as tuned\n\nAs recorded in the journal header"), md);
        assertTrue(md.contains("| onecycle | lr = 0.05, pct_start in [0.1, 0.5], div in [5.0, 100.0] log | 3 | "), md);
        assertTrue(md.contains("| cosine | lr in [0.02, 0.5] log, floor = 0.05 | 3 | "), md);
        // onecycle's best trial is reported at its recorded point (lr fixed at 0.05), not at the catalogue's
        assertTrue(md.matches("(?s).*\\| onecycle \\|[^\n]*\\| trial \\d: lr=0\\.0500 pct_start=.*"), md);
        assertTrue(md.contains("### Does the selection tree survive tuning?"), md);
        assertTrue(md.contains("**With 3 studies no test can separate two schedules**"), md);
        // constant misses in every trial: its score in epochs is infinite and the tree says where it ranks
        assertTrue(md.contains("Tuned, the constant baseline's score is ∞ epochs, rank 3 of 3"), md);
        assertTrue(md.contains("2 × 2/2^3"), md);
    }

    /** Per schedule: the median over studies of each study's fastest trial, by plain loops over the journal. */
    static double byDefinition(List<RunRecord> runs, String schedule, boolean inEpochs) {
        double[] best = new double[3];
        Arrays.fill(best, Double.POSITIVE_INFINITY);
        for (RunRecord r : runs) {
            if (!CatalogueEntry.baseName(r.schedule()).equals(schedule)) continue;
            double t = inEpochs ? ScheduleSummary.epochsTo(r, TARGET) : ScheduleSummary.timeTo(r, TARGET, false);
            if (Double.isFinite(t) && t < best[(int) r.seed()]) best[(int) r.seed()] = t;
        }
        Arrays.sort(best);
        return best[1];
    }

    @Test
    void tunedScoresFollowTheDefinitionAMissingScheduleRanksLastAndResumeChangesNothing() throws Exception {
        // uninterrupted
        Path a = tmp.resolve("a");
        SyntheticExecutor all = new SyntheticExecutor();
        new SweepDriver(start(a), all, SweepListener.NONE).run(plan());
        assertEquals(3 * 3 * 3, all.executed.size(), "3 schedules x 3 studies x 3 trials");
        assertEquals(new SweepCell("onecycle@1", 0, 2, "cpu"), all.executed.get(0));
        assertEquals(new SweepCell("constant@3", 2, 2, "cpu"), all.executed.get(26));
        List<RunRecord> runs = Journal.read(Journal.fileIn(a)).runs();
        // the cells trained the Sobol points of each search space: trial 1 is the centre of the unit cube
        RunRecord first = runs.get(0);
        assertEquals(Math.sqrt(0.02 * 0.5), first.lr(), 1e-12, "onecycle@1: peak lr at the log-midpoint of [0.02, 0.5]");

        List<TunedSection.Row> rows = TunedSection.rows(runs, TARGET, false);
        assertEquals(List.of("onecycle", "cosine", NEVER).stream().sorted().toList(),
                rows.stream().map(TunedSection.Row::schedule).sorted().toList());
        for (TunedSection.Row r : rows)
            assertEquals(byDefinition(runs, r.schedule(), false), r.score().score(), r.schedule());
        TunedSection.Row last = rows.get(rows.size() - 1);
        assertEquals(NEVER, last.schedule(), "every trial missed: ranks last");
        assertEquals(Double.POSITIVE_INFINITY, last.score().score());
        assertEquals(0, last.score().robustness());
        assertTrue(Double.isFinite(rows.get(0).score().score()), "the synthetic task is learnable: " + rows.get(0));
        assertTrue(rows.get(0).score().robustness() > 0);

        // interrupted after 10 cells, then resumed: the first 10 records stay byte for byte, the rest is run once
        Path b = tmp.resolve("b");
        SyntheticExecutor cut = new SyntheticExecutor();
        cut.interruptAfter = 10;
        Journal jb = start(b);
        assertThrows(InterruptedException.class, () -> new SweepDriver(jb, cut, SweepListener.NONE).run(plan()));
        byte[] before = Files.readAllBytes(jb.file());
        SyntheticExecutor rest = new SyntheticExecutor();
        SweepDriver.Outcome o = new SweepDriver(Journal.resume(b), rest, SweepListener.NONE).run(plan());
        assertEquals(10, o.skipped());
        assertEquals(17, rest.executed.size());
        byte[] after = Files.readAllBytes(jb.file());
        assertArrayEquals(before, Arrays.copyOf(after, before.length));
        List<RunRecord> resumed = Journal.read(jb.file()).runs();
        // seconds vary from run to run; epochs to target do not: the resumed sweep scores exactly as the uninterrupted one
        for (String s : List.of("onecycle", "cosine", NEVER)) {
            double[][] ea = epochs(runs, s), eb = epochs(resumed, s);
            for (int j = 0; j < 3; j++) assertArrayEquals(ea[j], eb[j], s + " study " + j);
            assertEquals(TuningScore.of(ea), TuningScore.of(eb), s);
            assertEquals(byDefinition(runs, s, true), TuningScore.of(ea).score(), s);
        }
        for (TunedSection.Row r : TunedSection.rows(resumed, TARGET, false))
            assertEquals(byDefinition(resumed, r.schedule(), false), r.score().score(), r.schedule());
    }

    /** Epochs to target per study and trial (infinity for a miss). */
    static double[][] epochs(List<RunRecord> runs, String schedule) {
        double[][] t = new double[3][3];
        for (double[] row : t) Arrays.fill(row, Double.POSITIVE_INFINITY);
        for (RunRecord r : runs) {
            if (!CatalogueEntry.baseName(r.schedule()).equals(schedule)) continue;
            double e = ScheduleSummary.epochsTo(r, TARGET);
            t[(int) r.seed()][anneal.bench.ScheduleCatalogue.get(r.schedule()).trialNumber() - 1] =
                    Double.isFinite(e) ? e : Double.POSITIVE_INFINITY;
        }
        return t;
    }
}
