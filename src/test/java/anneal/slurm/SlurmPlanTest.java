package anneal.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import anneal.bench.Journal;
import anneal.bench.JournalHeader;
import anneal.bench.SweepSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** plan.json: what it holds, how it is compared, what it refuses; and the task's shard folders. */
class SlurmPlanTest {
    @TempDir
    Path dir;

    @Test
    void roundTripKeepsHeaderAndCells() throws Exception {
        SlurmPlan p = SlurmPlan.of(SlurmFixtures.header(), 3);
        p.write(dir);
        SlurmPlan back = SlurmPlan.read(dir);
        assertEquals(p.cells(), back.cells());
        assertEquals(3, back.cellsPerTask());
        assertEquals(p.header().settings(), back.header().settings());
        assertEquals(p.header().plan(), back.header().plan());
        assertNull(back.differenceFrom(SlurmFixtures.header()));
    }

    @Test
    void differencesNameTheFirstFieldThatDiffers() {
        SlurmPlan p = SlurmPlan.of(SlurmFixtures.header(), 1);
        assertEquals("plan.seeds: [0,1] here, [0,1,2] there", p.differenceFrom(SlurmFixtures.header(List.of(0L, 1L, 2L))));
        JournalHeader h = SlurmFixtures.header();
        SweepSettings s = h.settings();
        JournalHeader other = new JournalHeader(h.format(), h.version(), "later", new SweepSettings(0.9, s.batch(), s.hidden(),
                s.momentum(), s.nesterov(), s.weightDecay(), s.validationSize(), s.evalEvery(), s.dataDir()), h.plan(),
                Map.of("command", "elsewhere"));
        assertEquals("settings.target: 0.88 here, 0.9 there", p.differenceFrom(other));
    }

    @Test
    void refusesMissingForeignAndNewerFiles() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SlurmPlan.read(dir));
        assertTrue(e.getMessage().contains("holds no Slurm sweep plan"), e.getMessage());
        Files.writeString(SlurmPlan.fileIn(dir), "{\"format\":\"something-else\"}");
        e = assertThrows(IllegalArgumentException.class, () -> SlurmPlan.read(dir));
        assertTrue(e.getMessage().contains("is not an anneal Slurm plan"), e.getMessage());
        Files.writeString(SlurmPlan.fileIn(dir), "{\"format\":\"anneal-slurm-plan\",\"version\":2}");
        e = assertThrows(IllegalArgumentException.class, () -> SlurmPlan.read(dir));
        assertTrue(e.getMessage().contains("version 2"), e.getMessage());
    }

    @Test
    void aRerunOfTheSameTaskGetsAFreshShardFolder() throws Exception {
        assertEquals(dir.resolve("shards/002-0013"), SlurmTask.createShardDir(dir, 2, 13));
        assertEquals(dir.resolve("shards/002-0013-r1"), SlurmTask.createShardDir(dir, 2, 13));
        assertEquals(dir.resolve("shards/002-0013-r2"), SlurmTask.createShardDir(dir, 2, 13));
    }

    @Test
    void aTaskWithoutItsArrayIdRefusesToRun() {
        var err = new java.io.ByteArrayOutputStream();
        int code = SlurmTask.run(new String[] {dir.toString(), "1"}, Map.of(), System.out, new java.io.PrintStream(err));
        assertEquals(2, code);
        assertTrue(err.toString().contains("SLURM_ARRAY_TASK_ID is not set"), err.toString());
        assertTrue(Files.notExists(dir.resolve(Journal.FILE_NAME)));
    }
}
