package anneal.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import anneal.bench.Journal;
import anneal.bench.RunRecord;
import anneal.bench.SweepCell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Merging shards: the checks of one journal, torn last lines, retries, and the merged journal file. */
class ShardSetTest {
    @TempDir
    Path dir;
    SlurmPlan plan;
    List<SweepCell> cells;

    @BeforeEach
    void plan() throws Exception {
        plan = SlurmPlan.of(SlurmFixtures.header(), 1);
        plan.write(dir);
        cells = plan.cells();
    }

    @Test
    void theCellsComeInThePlansOrderEpochsThenSeedThenSchedule() {
        assertEquals(List.of(new SweepCell("constant", 0, 1, "cpu"), new SweepCell("cosine", 0, 1, "cpu"),
                new SweepCell("constant", 1, 1, "cpu"), new SweepCell("cosine", 1, 1, "cpu")), cells);
    }

    @Test
    void mergesShardsInPlanOrderAndWritesOneJournal() throws Exception {
        SlurmFixtures.shard(dir, "001-0001", plan.header(), SlurmFixtures.reached(cells.get(3), 0.84),
                SlurmFixtures.reached(cells.get(1), 0.82));
        SlurmFixtures.shard(dir, "001-0000", plan.header(), SlurmFixtures.reached(cells.get(0), 0.81));
        ShardSet s = ShardSet.read(dir, plan);
        assertEquals(List.of(cells.get(0), cells.get(1), cells.get(3)), s.merged().stream().map(RunRecord::cell).toList());
        assertNull(s.finished(cells.get(2)));
        Path merged = s.writeMergedJournal(dir);
        Journal j = Journal.read(merged);
        assertEquals(List.of(0.81, 0.82, 0.84), j.runs().stream().map(RunRecord::bestTestAccuracy).toList());
        assertEquals(plan.header().plan(), j.header().plan());
        assertTrue(s.notices().isEmpty());
    }

    @Test
    void aTornLastLineIsIgnoredAndReported() throws Exception {
        Path f = SlurmFixtures.shard(dir, "001-0000", plan.header(), SlurmFixtures.reached(cells.get(0), 0.81));
        Files.writeString(f, "{\"type\":\"run\",\"schedule\":\"cos", StandardOpenOption.APPEND);
        ShardSet s = ShardSet.read(dir, plan);
        assertEquals(1, s.merged().size());
        assertEquals(1, s.notices().size());
        assertTrue(s.notices().get(0).contains(f.toString()) && s.notices().get(0).contains("incomplete last line"),
                s.notices().get(0));
    }

    @Test
    void aShardTornInsideItsHeaderCountsAsEmpty() throws Exception {
        Path f = dir.resolve(ShardSet.FOLDER).resolve("001-0002").resolve(Journal.FILE_NAME);
        Files.createDirectories(f.getParent());
        Files.writeString(f, "{\"format\":\"anneal-sweep-jou");
        ShardSet s = ShardSet.read(dir, plan);
        assertTrue(s.merged().isEmpty());
        assertEquals(1, s.notices().size());
    }

    @Test
    void aCorruptLineInsideAShardIsRefusedNamingTheShardAndLine() throws Exception {
        Path f = SlurmFixtures.shard(dir, "001-0000", plan.header(), SlurmFixtures.reached(cells.get(0), 0.81));
        Files.writeString(f, "not json\n", StandardOpenOption.APPEND);
        Files.writeString(f, "{\"type\":\"run\",\"sched", StandardOpenOption.APPEND);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShardSet.read(dir, plan));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("line 3"), e.getMessage());
    }

    @Test
    void aCellFinishedTwiceIsRefusedNamingBothShards() {
        Path a = SlurmFixtures.shard(dir, "001-0000", plan.header(), SlurmFixtures.reached(cells.get(0), 0.81));
        Path b = SlurmFixtures.shard(dir, "002-0000", plan.header(), SlurmFixtures.reached(cells.get(0), 0.81));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShardSet.read(dir, plan));
        assertTrue(e.getMessage().contains("recorded twice") && e.getMessage().contains(a.toString())
                && e.getMessage().contains(b.toString()), e.getMessage());
    }

    @Test
    void aRetryThatSucceededReplacesTheFailureInTheMerge() {
        SlurmFixtures.shard(dir, "001-0000", plan.header(), SlurmFixtures.failed(cells.get(0), "OutOfMemoryError"));
        SlurmFixtures.shard(dir, "002-0000", plan.header(), SlurmFixtures.reached(cells.get(0), 0.81));
        SlurmFixtures.shard(dir, "002-0001", plan.header(), SlurmFixtures.failed(cells.get(1), "first"),
                SlurmFixtures.failed(cells.get(1), "second"));
        ShardSet s = ShardSet.read(dir, plan);
        assertEquals(List.of("REACHED", "FAILED"), s.merged().stream().map(RunRecord::status).toList());
        assertEquals("second", s.merged().get(1).error());
        assertEquals(1, s.failures(cells.get(0)).size());
        assertEquals(2, s.failures(cells.get(1)).size());
    }

    @Test
    void aShardOfAnotherPlanIsRefused() {
        Path f = SlurmFixtures.shard(dir, "001-0000", SlurmFixtures.header(List.of(0L, 1L, 2L)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShardSet.read(dir, plan));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("plan.seeds"), e.getMessage());
    }

    @Test
    void aRecordOfACellOutsideThePlanIsRefused() {
        SlurmFixtures.shard(dir, "001-0000", plan.header(), SlurmFixtures.reached(new SweepCell("constant", 7, 1, "cpu"), 0.8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShardSet.read(dir, plan));
        assertTrue(e.getMessage().contains("constant seed=7 epochs=1 cpu"), e.getMessage());
    }
}
