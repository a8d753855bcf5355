package anneal.slurm;

import anneal.bench.JmhCellExecutor;
import anneal.bench.Journal;
import anneal.bench.JournalHeader;
import anneal.bench.SweepCell;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One array task of a Slurm sweep, started by the sbatch script: {@code SlurmTask DIR SUBMISSION} with
 * {@code SLURM_ARRAY_TASK_ID} set. It looks up its cells (submission record, then {@code plan.json}), skips
 * those an earlier run of the same task already finished (a requeued task), creates its own shard
 * {@code DIR/shards/SSS-TTTT/journal.jsonl} (a fresh {@code -rN} one if a previous run of the same task left
 * one), and runs the cells through JMH exactly like a local sweep ({@link JmhCellExecutor}, one JVM per cell),
 * each appending its record to the shard. SIGTERM (scancel, time limit, pre-emption) runs the JVM's shutdown
 * hook, which stops the task through {@link ShardRunner#stop()}: the shard stays consistent and the cell in
 * flight is left for {@code --resume}.
 *
 * <p>Exit code: 0 all cells finished, 1 some cell failed (its error is in the shard), 2 bad arguments,
 * 143 killed by SIGTERM (the JVM's own).
 */
public final class SlurmTask {
    private SlurmTask() {
    }

    public static void main(String[] args) {
        anneal.util.ProcessExit.exit(run(args, System.getenv(), System.out, System.err));
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (args.length != 2 || !args[1].matches("\\d+")) {
            err.println("usage: SlurmTask DIR SUBMISSION (started by the sbatch script of anneal sweep --slurm)");
            return 2;
        }
        String taskText = env.get("SLURM_ARRAY_TASK_ID");
        if (taskText == null || !taskText.matches("\\d+")) {
            err.println("SlurmTask: SLURM_ARRAY_TASK_ID is " + (taskText == null ? "not set" : "'" + taskText + "'")
                    + "; this runs as an array task of the script anneal sweep --slurm wrote");
            return 2;
        }
        Path dir = Path.of(args[0]).toAbsolutePath().normalize();
        int number = Integer.parseInt(args[1]);
        int task = Integer.parseInt(taskText);
        try {
            SlurmPlan plan = SlurmPlan.read(dir);
            Submission sub = Submission.read(dir, number);
            if (task >= sub.tasks().size()) {
                err.println("SlurmTask: submission " + number + " has " + sub.tasks().size() + " tasks, not task " + task);
                return 2;
            }
            List<SweepCell> todo = new ArrayList<>();
            List<SweepCell> mine = sub.tasks().get(task).stream().map(plan.cells()::get).toList();
            ShardSet existing = null;
            try {
                existing = ShardSet.read(dir, plan, shardName(number, task));
            } catch (IllegalArgumentException e) {
                err.println("SlurmTask: cannot read this task's earlier shards (" + e.getMessage() + "); running all its cells");
            }
            for (SweepCell c : mine) {
                if (existing != null && existing.finished(c) != null)
                    out.println("already finished by an earlier run of this task: " + c.label());
                else todo.add(c);
            }
            Path shardDir = createShardDir(dir, number, task);
            Journal shard = Journal.create(shardDir, shardHeader(plan.header(), env, task));
            out.println("task " + task + " of submission " + number + ": " + todo.size() + " cells -> " + shard.file());
            ShardRunner runner = new ShardRunner(shard.file(),
                    new JmhCellExecutor(shardDir.resolve("logs"), sub.forkJvmArgs().toArray(String[]::new)), out);
            Thread onTerm = new Thread(() -> {
                SweepCell dropped = runner.stop();
                err.println("task " + task + ": stopped by a signal (scancel, time limit or pre-emption); "
                        + (dropped == null ? "no cell was in flight" : dropped.label() + " was in flight and is dropped")
                        + "; the shard " + shard.file() + " is consistent; anneal sweep --resume --slurm " + dir
                        + " reruns the missing cells");
                err.flush();
            }, "anneal-slurm-task-stop");
            Runtime.getRuntime().addShutdownHook(onTerm);
            ShardRunner.Outcome o = runner.run(todo);
            try {
                Runtime.getRuntime().removeShutdownHook(onTerm);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running
            }
            out.println("task " + task + ": " + o.ran() + " cells run, " + o.failed() + " failed"
                    + (o.dropped() != null ? ", " + o.dropped().label() + " dropped" : ""));
            return o.failed() > 0 || o.dropped() != null ? 1 : 0;
        } catch (IllegalArgumentException e) {
            err.println("SlurmTask: " + e.getMessage());
            return 2;
        } catch (IOException | RuntimeException e) {
            err.println("SlurmTask: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return 1;
        }
    }

    /** A new shard folder for this run of the task; a later run of the same task (requeue) gets {@code -r1}, ... */
    static Path createShardDir(Path dir, int number, int task) throws IOException {
        Path folder = dir.resolve(ShardSet.FOLDER);
        Files.createDirectories(folder);
        String base = shardName(number, task);
        for (int r = 0; ; r++) {
            Path d = folder.resolve(r == 0 ? base : base + "-r" + r);
            try {
                return Files.createDirectory(d);
            } catch (FileAlreadyExistsException e) {
                // an earlier run of this task: its shard stays as it is
            }
        }
    }

    /** The shard folder name of task {@code task} of submission {@code number} (a rerun adds {@code -rN}). */
    static String shardName(int number, int task) {
        return String.format(Locale.ROOT, "%03d-%04d", number, task);
    }

    private static JournalHeader shardHeader(JournalHeader h, Map<String, String> env, int task) {
        Map<String, String> e = new LinkedHashMap<>(h.environment() == null ? Map.of() : h.environment());
        e.put("slurm_task", env.getOrDefault("SLURM_ARRAY_JOB_ID", "?") + "_" + task);
        e.put("slurm_node", env.getOrDefault("SLURMD_NODENAME", "?"));
        e.put("task_started", Instant.now().toString());
        return new JournalHeader(h.format(), h.version(), h.createdAt(), h.settings(), h.plan(), e);
    }
}
