package anneal.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepDriverTest {
    @TempDir
    Path dir;

    /** Test double for the JMH fork: appends a synthetic record, or misbehaves for chosen schedules. */
    static final class FakeExecutor implements CellExecutor {
        final List<SweepCell> executed = new ArrayList<>();
        String throwFor = "";
        String silentFor = "";
        String interruptFor = "";

        @Override
        public void execute(SweepCell cell, Path journalFile) throws Exception {
            executed.add(cell);
            if (cell.schedule().equals(interruptFor)) throw new InterruptedException("Ctrl-C");
            if (cell.schedule().equals(throwFor)) throw new IllegalStateException("backend crashed");
            if (cell.schedule().equals(silentFor)) return;
            Journal.append(journalFile, JournalTest.run(cell.schedule(), cell.seed(), "REACHED", 1 + cell.seed()));
        }
    }

    private static SweepPlan plan() {
        return new SweepPlan(List.of("step", "cosine", "onecycle"), List.of(0L, 1L), List.of(2), "cpu");
    }

    @Test
    void runsEveryCellSeedBySeedAndRecordsFailuresAndGoesOn() throws Exception {
        FakeExecutor fake = new FakeExecutor();
        fake.throwFor = "cosine";
        fake.silentFor = "onecycle";
        Journal j = Journal.create(dir, JournalTest.header());
        SweepDriver.Outcome o = new SweepDriver(j, fake, SweepListener.NONE).run(plan());
        assertEquals(6, o.ran());
        assertEquals(4, o.failed());
        assertEquals(List.of("step", "cosine", "onecycle", "step", "cosine", "onecycle"),
                fake.executed.stream().map(SweepCell::schedule).toList());
        List<RunRecord> runs = Journal.read(j.file()).runs();
        assertEquals(6, runs.size());
        RunRecord crashed = runs.stream().filter(r -> r.schedule().equals("cosine")).findFirst().orElseThrow();
        assertEquals(RunRecord.FAILED, crashed.status());
        assertTrue(crashed.error().contains("backend crashed"), crashed.error());
        RunRecord silent = runs.stream().filter(r -> r.schedule().equals("onecycle")).findFirst().orElseThrow();
        assertTrue(silent.error().contains("without writing a record"), silent.error());
    }

    @Test
    void resumeSkipsFinishedCellsAndKeepsThem() throws Exception {
        Journal j = Journal.create(dir, JournalTest.header());
        FakeExecutor first = new FakeExecutor();
        first.interruptFor = "onecycle";
        assertThrows(InterruptedException.class, () -> new SweepDriver(j, first, SweepListener.NONE).run(plan()));
        byte[] before = Files.readAllBytes(j.file());
        assertEquals(2, Journal.read(j.file()).runs().size());

        FakeExecutor second = new FakeExecutor();
        SweepDriver.Outcome o = new SweepDriver(Journal.resume(dir), second, SweepListener.NONE).run(plan());
        assertEquals(2, o.skipped());
        assertEquals(4, o.ran());
        assertEquals(new SweepCell("onecycle", 0, 2, "cpu"), second.executed.get(0));
        byte[] after = Files.readAllBytes(j.file());
        for (int i = 0; i < before.length; i++) assertEquals(before[i], after[i], "byte " + i + " of the old journal changed");
        assertEquals(6, Journal.read(j.file()).finishedCells().size());

        FakeExecutor third = new FakeExecutor();
        assertEquals(0, new SweepDriver(Journal.resume(dir), third, SweepListener.NONE).run(plan()).ran());
        assertTrue(third.executed.isEmpty());
    }

    @Test
    void aCellCutShortByCtrlCIsNotRecordedAsFailed() {
        FakeExecutor fake = new FakeExecutor();
        fake.silentFor = "cosine";
        Journal j = Journal.create(dir, JournalTest.header());
        boolean[] stopping = {false};
        SweepListener stopAtCosine = new SweepListener() {
            @Override
            public void cellStarted(SweepCell cell) {
                stopping[0] = cell.schedule().equals("cosine");
            }
        };
        assertThrows(InterruptedException.class, () -> new SweepDriver(j, fake, stopAtCosine, () -> stopping[0]).run(plan()));
        assertEquals(List.of(new SweepCell("step", 0, 2, "cpu")), List.copyOf(Journal.read(j.file()).finishedCells()));
    }

    @Test
    void planParsesSeedsAndEpochs() {
        assertEquals(List.of(0L, 1L, 2L), SweepPlan.parseSeeds("3"));
        assertEquals(List.of(7L, 3L), SweepPlan.parseSeeds("7, 3,7"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SweepPlan.parseSeeds("0")).getMessage().contains("--seeds"));
        assertThrows(IllegalArgumentException.class, () -> SweepPlan.parseSeeds("x"));
        assertEquals(List.of(3, 10), SweepPlan.parseEpochs("3,10"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SweepPlan.parseEpochs("0")).getMessage().contains("--epochs"));
        assertThrows(IllegalArgumentException.class, () -> new SweepPlan(List.of("nope"), List.of(0L), List.of(1), "cpu"));
    }

    @Test
    void summaryLineShowsTheOutcome() {
        String line = ConsoleSweepListener.summary(JournalTest.run("step", 0, "REACHED", 4.5));
        assertTrue(line.contains("REACHED") && line.contains("4.50 s") && line.contains("0.8850"), line);
    }
}
