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
        /** Appends a FAILED record, as the fork does when training throws. */
        String failFor = "";

        @Override
        public void execute(SweepCell cell, Path journalFile) throws Exception {
            executed.add(cell);
            if (cell.schedule().equals(interruptFor)) throw new InterruptedException("Ctrl-C");
            if (cell.schedule().equals(throwFor)) throw new IllegalStateException("backend crashed");
            if (cell.schedule().equals(silentFor)) return;
            if (cell.schedule().equals(failFor)) {
                Journal.append(journalFile, RunRecord.failed(cell, "StepLR", 0.1, "OutOfMemoryError: Java heap space"));
                return;
            }
            Journal.append(journalFile, JournalTest.run(cell.schedule(), cell.seed(), "REACHED", 1 + cell.seed()));
        }
    }

    private static SweepPlan plan() {
        return new SweepPlan(List.of("step", "cosine", "onecycle"), List.of(0L, 1L), List.of(2), "cpu");
    }

    private static JournalHeader header() {
        JournalHeader h = JournalTest.header();
        return new JournalHeader(h.format(), h.version(), h.createdAt(), h.settings(), plan(), h.environment());
    }

    @Test
    void runsEveryCellSeedBySeedAndGoesOnAfterACellThatFailed() throws Exception {
        FakeExecutor fake = new FakeExecutor();
        fake.failFor = "cosine";
        Journal j = Journal.create(dir, header());
        SweepDriver.Outcome o = new SweepDriver(j, fake, SweepListener.NONE).run(plan());
        assertEquals(6, o.ran());
        assertEquals(2, o.failed());
        assertEquals(List.of("step", "cosine", "onecycle", "step", "cosine", "onecycle"),
                fake.executed.stream().map(SweepCell::schedule).toList());
        List<RunRecord> runs = Journal.read(j.file()).runs();
        assertEquals(6, runs.size());
        RunRecord crashed = runs.stream().filter(r -> r.schedule().equals("cosine")).findFirst().orElseThrow();
        assertEquals(RunRecord.FAILED, crashed.status());
        assertTrue(crashed.error().contains("OutOfMemoryError"), crashed.error());
    }

    @Test
    void aCellWhoseJvmLeftNoRecordStopsTheSweepAndIsNotRecorded() throws Exception {
        for (String how : List.of("silent", "throw")) {
            Path d = dir.resolve(how);
            Journal j = Journal.create(d, header());
            FakeExecutor fake = new FakeExecutor();
            if (how.equals("silent")) fake.silentFor = "cosine";
            else fake.throwFor = "cosine";
            SweepStoppedException e = assertThrows(SweepStoppedException.class,
                    () -> new SweepDriver(j, fake, SweepListener.NONE).run(plan()));
            assertTrue(e.getMessage().startsWith("sweep stopped at cosine seed=0 epochs=2 cpu: "), e.getMessage());
            assertTrue(e.getMessage().contains(how.equals("silent") ? "without writing a record" : "backend crashed"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("--resume"), e.getMessage());
            assertEquals(List.of("step", "cosine"), fake.executed.stream().map(SweepCell::schedule).toList());
            Journal after = Journal.read(j.file());
            assertEquals(1, after.allRecords().size(), "only the finished cell is recorded");
            assertTrue(after.allRecords().stream().noneMatch(r -> RunRecord.FAILED.equals(r.status())));

            // Once the cause is gone, --resume runs the stopped cell and the rest.
            FakeExecutor healthy = new FakeExecutor();
            SweepDriver.Outcome o = new SweepDriver(Journal.resume(d), healthy, SweepListener.NONE).run(plan());
            assertEquals(new SweepCell("cosine", 0, 2, "cpu"), healthy.executed.get(0));
            assertEquals(5, o.ran());
            assertEquals(6, Journal.read(j.file()).allRecords().size());
        }
    }

    @Test
    void resumeRetriesFailedCellsUpToMaxRetriesAndTheRetryIsTheRecordThatCounts() throws Exception {
        Journal j = Journal.create(dir, header());
        FakeExecutor failing = new FakeExecutor();
        failing.failFor = "cosine";
        int maxRetries = 1;
        SweepDriver.Outcome first = new SweepDriver(j, failing, SweepListener.NONE, () -> false, maxRetries).run(plan());
        assertEquals(2, first.failed());
        assertEquals(0, first.exhausted());

        // Attempt 2 of 2: fails again; now the two cosine cells are exhausted.
        FakeExecutor again = new FakeExecutor();
        again.failFor = "cosine";
        SweepDriver.Outcome second = new SweepDriver(Journal.resume(dir), again, SweepListener.NONE, () -> false, maxRetries)
                .run(plan());
        assertEquals(List.of(new SweepCell("cosine", 0, 2, "cpu"), new SweepCell("cosine", 1, 2, "cpu")), again.executed);
        assertEquals(2, second.retried());
        assertEquals(2, second.exhausted());

        FakeExecutor third = new FakeExecutor();
        SweepDriver.Outcome o3 = new SweepDriver(Journal.resume(dir), third, SweepListener.NONE, () -> false, maxRetries)
                .run(plan());
        assertTrue(third.executed.isEmpty(), "exhausted cells are not retried");
        assertEquals(2, o3.failed());

        // A higher bound retries them; the success is each cell's record that counts.
        SweepDriver.Outcome o4 = new SweepDriver(Journal.resume(dir), third, SweepListener.NONE, () -> false, 2).run(plan());
        assertEquals(2, o4.retried());
        assertEquals(0, o4.failed());
        Journal done = Journal.read(j.file());
        assertEquals(10, done.allRecords().size());
        assertEquals(6, done.runs().size());
        assertTrue(done.runs().stream().noneMatch(r -> RunRecord.FAILED.equals(r.status())));
        assertEquals(2, done.failedAttempts(new SweepCell("cosine", 1, 2, "cpu")));
    }

    @Test
    void resumeSkipsFinishedCellsAndKeepsThem() throws Exception {
        Journal j = Journal.create(dir, header());
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
        Journal j = Journal.create(dir, header());
        boolean[] stopping = {false};
        SweepListener stopAtCosine = new SweepListener() {
            @Override
            public void cellStarted(SweepCell cell) {
                stopping[0] = cell.schedule().equals("cosine");
            }
        };
        assertThrows(InterruptedException.class,
                () -> new SweepDriver(j, fake, stopAtCosine, () -> stopping[0], SweepDriver.DEFAULT_MAX_RETRIES).run(plan()));
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

    /** In a log (stderr not a terminal, as under {@code 2>&1 > log}) the bar is whole lines, never a carriage return. */
    @Test
    void withoutATerminalTheBarIsWrittenAsLinesAndNeverGluedToASummary() {
        java.io.ByteArrayOutputStream outBytes = new java.io.ByteArrayOutputStream(), errBytes = new java.io.ByteArrayOutputStream();
        java.io.PrintStream out = new java.io.PrintStream(outBytes, true), err = new java.io.PrintStream(errBytes, true);
        ConsoleSweepListener l = new ConsoleSweepListener(out, err);
        l.started(2, 0);
        l.cellFinished(null, JournalTest.run("step", 0, "REACHED", 4.5));
        l.cellFinished(null, JournalTest.run("cosine", 0, "REACHED", 3.5));
        l.finished();
        String e = errBytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(e.contains("sweep") && e.contains("2/2") && !e.contains("\r"), e);
        String[] lines = outBytes.toString(java.nio.charset.StandardCharsets.UTF_8).split("\n");
        assertEquals(2, lines.length);
        assertTrue(lines[0].startsWith("step") && lines[1].startsWith("cosine"), String.join("|", lines));
    }
}
