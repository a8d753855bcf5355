package anneal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import anneal.slurm.SlurmClient;
import anneal.slurm.SlurmPlan;
import anneal.slurm.Submission;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code anneal sweep --slurm} without a cluster: the dry run writes the plan and the script; bad input is one
 * line, exit 2, nothing written. (Submitting is tested against a real cluster by tools/slurm_sweep_test.sh.)
 */
class SweepSlurmOptionsTest {
    @TempDir
    Path tmp;

    private static final String[] PLAN = {"--schedules", "constant,cosine", "--seeds", "2", "--epochs", "1",
            "--backend", "cpu"};

    private record Outcome(int code, String out, String err) {
    }

    private static Outcome run(String... args) {
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8).strip());
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
    }

    private static String[] args(String[] head, String... tail) {
        String[] a = new String[head.length + tail.length + 1];
        a[0] = "sweep";
        System.arraycopy(head, 0, a, 1, head.length);
        System.arraycopy(tail, 0, a, 1 + head.length, tail.length);
        return a;
    }

    private static void assertUsage(Outcome o, String fragment) {
        assertEquals(2, o.code(), o.err());
        assertEquals(1, o.err().lines().count(), o.err());
        assertTrue(o.err().contains(fragment), o.err());
    }

    @Test
    void dryRunWritesThePlanAndAnArrayScriptWithOneTaskPerGroup() throws Exception {
        Path dir = tmp.resolve("s");
        Outcome o = run(args(PLAN, "--slurm", dir.toString(), "--slurm-dry-run", "--cells-per-task", "3",
                "--partition", "gpu", "--time", "20", "--gres", "gpu:1", "--mem", "4G", "--sbatch", "--qos=low"));
        assertEquals(0, o.code(), o.err());
        SlurmPlan plan = SlurmPlan.read(dir);
        assertEquals(4, plan.cells().size());
        assertEquals(List.of(List.of(0, 1, 2), List.of(3)), Submission.read(dir, 1).tasks());
        String script = Files.readString(dir.resolve("sweep-001.sbatch"));
        for (String line : List.of("#SBATCH --array=0-1", "#SBATCH --partition=gpu", "#SBATCH --time=20",
                "#SBATCH --gres=gpu:1", "#SBATCH --mem=4G", "#SBATCH --qos=low"))
            assertTrue(script.lines().anyMatch(line::equals), line + " missing in\n" + script);
        assertTrue(script.contains("anneal.slurm.SlurmTask " + dir.toAbsolutePath() + " 1"), script);
        assertFalse(Files.exists(dir.resolve("shards")));
    }

    @Test
    void cellsPerTaskZeroWritesNothing() {
        Path dir = tmp.resolve("s");
        assertUsage(run(args(PLAN, "--slurm", dir.toString(), "--slurm-dry-run", "--cells-per-task", "0")),
                "--cells-per-task must be >= 1, got 0");
        assertFalse(Files.exists(dir));
    }

    @Test
    void aFolderWithAnotherPlanIsRefusedAndKept() throws Exception {
        Path dir = tmp.resolve("s");
        assertEquals(0, run(args(PLAN, "--slurm", dir.toString(), "--slurm-dry-run")).code());
        String before = Files.readString(SlurmPlan.fileIn(dir));
        assertUsage(run("sweep", "--schedules", "constant,cosine", "--seeds", "3", "--epochs", "1", "--backend", "cpu",
                "--slurm", dir.toString(), "--slurm-dry-run"), "holds another plan (plan.seeds: [0,1] here, [0,1,2] there)");
        assertUsage(run(args(PLAN, "--slurm", dir.toString(), "--slurm-dry-run")), "holds this sweep already");
        assertEquals(before, Files.readString(SlurmPlan.fileIn(dir)));
        assertUsage(run("sweep", "--resume", "--seeds", "3", "--slurm", dir.toString(), "--slurm-dry-run"),
                "was planned as another sweep (plan.seeds");
    }

    @Test
    void resumeOrStatusWithoutAPlanWritesNothing() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("empty"));
        assertUsage(run("sweep", "--resume", "--slurm", dir.toString()), "holds no Slurm sweep");
        assertUsage(run("sweep", "--status", dir.toString()), "holds no Slurm sweep plan");
        try (var s = Files.list(dir)) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void slurmResourcesWithoutSlurmAreRefusedNotIgnored() {
        Path out = tmp.resolve("local");
        assertUsage(run(args(PLAN, "--out", out.toString(), "--partition", "gpu")),
                "--partition only applies to a Slurm sweep: add --slurm DIR");
        assertFalse(Files.exists(out));
    }

    @Test
    void negativeMaxRetriesIsRefusedBeforeAnythingIsWritten() {
        Path dir = tmp.resolve("s");
        assertUsage(run(args(PLAN, "--slurm", dir.toString(), "--slurm-dry-run", "--max-retries", "-1")),
                "--max-retries must be >= 0, got -1");
        assertFalse(Files.exists(dir));
    }

    @Test
    void withoutSbatchOnThePathOneLineNamesIt() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new SlurmClient(tmp.toString()).requireSbatch());
        assertTrue(e.getMessage().startsWith("--slurm: sbatch is not on the PATH (" + tmp + ")"), e.getMessage());
    }
}
