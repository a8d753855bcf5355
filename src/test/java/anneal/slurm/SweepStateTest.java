package anneal.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import anneal.bench.SweepCell;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which cells are done, failed, running, pending or missing, and which a resume resubmits. */
class SweepStateTest {
    @TempDir
    Path dir;

    @Test
    void statesFromShardsAndQueueAndWhatAResumeResubmits() throws Exception {
        SlurmPlan plan = SlurmPlan.of(SlurmFixtures.header(List.of(0L, 1L, 2L)), 1);
        plan.write(dir);
        List<SweepCell> c = plan.cells(); // 6 cells
        SlurmFixtures.shard(dir, "001-0000", plan.header(), SlurmFixtures.reached(c.get(0), 0.8));
        SlurmFixtures.shard(dir, "001-0001", plan.header(), SlurmFixtures.failed(c.get(1), "boom"));
        SlurmFixtures.shard(dir, "001-0002", plan.header(), SlurmFixtures.failed(c.get(2), "boom"));
        SlurmFixtures.shard(dir, "002-0000", plan.header(), SlurmFixtures.failed(c.get(2), "boom again"));
        Submission first = new Submission(1, "41", "t", "sweep-001.sbatch",
                List.of(List.of(0), List.of(1), List.of(2), List.of(3), List.of(4), List.of(5)), List.of(), null);
        // Task 3 runs, task 4 waits, task 5 ended (no longer in the queue) without a record.
        SlurmClient.Queue queue = new SlurmClient.Queue(Map.of("41_3", "RUNNING", "41_4", "PENDING", "99_5", "RUNNING"),
                true, "squeue");
        SweepState s = new SweepState(plan, ShardSet.read(dir, plan), List.of(first), queue);
        assertEquals(List.of(SweepState.State.DONE, SweepState.State.FAILED, SweepState.State.FAILED,
                SweepState.State.RUNNING, SweepState.State.PENDING, SweepState.State.MISSING),
                List.of(s.state(0), s.state(1), s.state(2), s.state(3), s.state(4), s.state(5)));
        assertEquals(List.of(5), s.toResubmit(0));
        assertEquals(List.of(1, 5), s.toResubmit(1));    // cell 2 failed twice: a second retry needs --max-retries 2
        assertEquals(List.of(1, 2, 5), s.toResubmit(2));
        assertEquals(1, s.failedBeyondRetries(1));
        assertEquals(Map.of(SweepState.State.DONE, 1, SweepState.State.FAILED, 2, SweepState.State.RUNNING, 1,
                SweepState.State.PENDING, 1, SweepState.State.MISSING, 1), s.counts());
    }

    @Test
    void aRunningTaskTrainsOneCellAtATimeTheRestWait() throws Exception {
        SlurmPlan plan = SlurmPlan.of(SlurmFixtures.header(), 2);
        plan.write(dir);
        List<SweepCell> c = plan.cells();
        SlurmFixtures.shard(dir, "001-0001", plan.header(), SlurmFixtures.reached(c.get(2), 0.8));
        Submission first = new Submission(1, "41", "t", "sweep-001.sbatch", List.of(List.of(0, 1), List.of(2, 3)),
                List.of(), null);
        SlurmClient.Queue queue = new SlurmClient.Queue(Map.of("41_0", "RUNNING", "41_1", "RUNNING"), true, "squeue");
        SweepState s = new SweepState(plan, ShardSet.read(dir, plan), List.of(first), queue);
        assertEquals(List.of(SweepState.State.RUNNING, SweepState.State.PENDING, SweepState.State.DONE,
                SweepState.State.RUNNING), List.of(s.state(0), s.state(1), s.state(2), s.state(3)));
        assertEquals(List.of(), s.toResubmit(5));
    }

    @Test
    void withoutAQueueNothingCountsAsRunning() throws Exception {
        SlurmPlan plan = SlurmPlan.of(SlurmFixtures.header(), 2);
        plan.write(dir);
        Submission first = new Submission(1, "41", "t", "sweep-001.sbatch", List.of(List.of(0, 1), List.of(2, 3)),
                List.of(), null);
        SweepState s = new SweepState(plan, ShardSet.read(dir, plan), List.of(first), SlurmClient.Queue.none("no squeue"));
        assertEquals(List.of(0, 1, 2, 3), s.toResubmit(0));
    }
}
