package anneal.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import anneal.bench.Journal;
import anneal.bench.RunRecord;
import anneal.bench.SweepCell;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A task's cell loop: failures are recorded and do not stop the task; a stop drops the cell in flight. */
class ShardRunnerTest {
    @TempDir
    Path dir;

    private final PrintStream log = new PrintStream(new ByteArrayOutputStream());

    @Test
    void aFailingCellRecordsItsErrorAndTheTaskGoesOn() throws Exception {
        SlurmPlan plan = SlurmPlan.of(SlurmFixtures.header(), 4);
        List<SweepCell> c = plan.cells();
        Path shard = Journal.create(dir.resolve("s"), plan.header()).file();
        ShardRunner runner = new ShardRunner(shard, (cell, journal) -> {
            if (cell.equals(c.get(1))) throw new IllegalStateException("CUDA error 700\nsecond line");
            if (cell.equals(c.get(2))) return;  // the JVM ended without a record
            Journal.append(journal, SlurmFixtures.reached(cell, 0.8));
        }, log, 10);
        ShardRunner.Outcome o = runner.run(c);
        assertEquals(new ShardRunner.Outcome(4, 2, null, 0), o);
        List<RunRecord> runs = Journal.read(shard).runs();
        assertEquals(List.of("REACHED", "FAILED", "FAILED", "REACHED"), runs.stream().map(RunRecord::status).toList());
        assertEquals("IllegalStateException: CUDA error 700", runs.get(1).error());
        assertEquals("the cell's JVM ended without writing a record", runs.get(2).error());
    }

    @Test
    void aCellJvmKilledInsideItsWriteLeavesAShardThatStillTakesRecords() throws Exception {
        SlurmPlan plan = SlurmPlan.of(SlurmFixtures.header(), 4);
        List<SweepCell> c = plan.cells().subList(0, 2);
        Path shard = Journal.create(dir.resolve("s"), plan.header()).file();
        ShardRunner runner = new ShardRunner(shard, (cell, journal) -> {
            if (cell.equals(c.get(0)))
                java.nio.file.Files.writeString(journal, "{\"type\":\"run\",\"schedule\":\"con",
                        java.nio.file.StandardOpenOption.APPEND);
            else Journal.append(journal, SlurmFixtures.reached(cell, 0.8));
        }, log, 10);
        assertEquals(new ShardRunner.Outcome(2, 1, null, 0), runner.run(c));
        List<RunRecord> runs = Journal.read(shard).runs(); // a clean journal again: no incomplete line
        assertEquals(List.of("FAILED", "REACHED"), runs.stream().map(RunRecord::status).toList());
        assertEquals(c, runs.stream().map(RunRecord::cell).toList());
    }

    @Test
    void aStopDuringACellDropsItWithoutARecordAndRunsNoMoreCells() throws Exception {
        SlurmPlan plan = SlurmPlan.of(SlurmFixtures.header(), 4);
        List<SweepCell> c = plan.cells();
        Path shard = Journal.create(dir.resolve("s"), plan.header()).file();
        AtomicReference<ShardRunner> ref = new AtomicReference<>();
        AtomicReference<SweepCell> dropped = new AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(1);
        ShardRunner runner = new ShardRunner(shard, (cell, journal) -> {
            if (cell.equals(c.get(1))) {
                // SIGTERM reaches the task while the cell trains; the cell's JVM then dies without a record.
                Thread hook = new Thread(() -> {
                    dropped.set(ref.get().stop());
                    stopped.countDown();
                });
                hook.start();
                stopped.await();
                return;
            }
            Journal.append(journal, SlurmFixtures.reached(cell, 0.8));
        }, log, 5000);
        ref.set(runner);
        ShardRunner.Outcome o = runner.run(c);
        assertEquals(c.get(1), o.dropped());
        assertEquals(c.get(1), dropped.get());
        assertEquals(1, o.ran());
        assertEquals(2, o.notStarted());
        assertEquals(List.of(c.get(0)), Journal.read(shard).runs().stream().map(RunRecord::cell).toList());
    }

    @Test
    void aStopBeforeTheNextCellStartsLeavesItUnstarted() throws Exception {
        SlurmPlan plan = SlurmPlan.of(SlurmFixtures.header(), 4);
        List<SweepCell> c = plan.cells();
        Path shard = Journal.create(dir.resolve("s"), plan.header()).file();
        AtomicReference<ShardRunner> ref = new AtomicReference<>();
        ShardRunner runner = new ShardRunner(shard, (cell, journal) -> {
            Journal.append(journal, SlurmFixtures.reached(cell, 0.8));
            ref.get().stop(); // SIGTERM right after the cell's JVM appended its record
        }, log, 10);
        ref.set(runner);
        ShardRunner.Outcome o = runner.run(c);
        assertEquals(1, o.ran());
        assertNull(o.dropped());
        assertEquals(3, o.notStarted());
        assertEquals(1, Journal.read(shard).runs().size());
        assertTrue(Journal.read(shard).runs().get(0).reached());
    }
}
