package anneal.slurm;

import anneal.ConfigurationException;
import anneal.bench.Journal;
import anneal.bench.JournalHeader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

/**
 * What {@code anneal sweep --slurm} does: plan a sweep into a folder and submit it as a job array,
 * resubmit what is missing ({@code --resume}), and say where it stands ({@code --status}). Every check runs
 * before anything is written; a submission that {@code sbatch} refuses leaves nothing behind.
 */
public final class SlurmSweep {
    private final Path dir;
    private final SlurmClient client;
    private final SbatchScript.Launcher launcher;
    private final PrintStream out;
    private final PrintStream err;

    /**
     * @param dir      the sweep folder
     * @param client   Slurm's commands
     * @param launcher the JVM the tasks run in
     */
    public SlurmSweep(Path dir, SlurmClient client, SbatchScript.Launcher launcher, PrintStream out, PrintStream err) {
        this.dir = dir.toAbsolutePath().normalize();
        this.client = client;
        this.launcher = launcher;
        this.out = out;
        this.err = err;
    }

    /**
     * How to submit.
     *
     * @param cellsPerTask cells per array task (null: one, or on {@code --resume} the plan's)
     * @param sbatch       resources per task (unset fields: on {@code --resume}, the last submission's)
     * @param forkJvmArgs  extra arguments for each cell's forked JVM
     * @param dryRun       write the files, submit nothing
     */
    public record Request(Integer cellsPerTask, SbatchOptions sbatch, List<String> forkJvmArgs, boolean dryRun) {
        public Request {
            if (cellsPerTask != null && cellsPerTask < 1)
                throw new ConfigurationException("--cells-per-task must be >= 1, got " + cellsPerTask);
            forkJvmArgs = forkJvmArgs == null ? List.of() : List.copyOf(forkJvmArgs);
        }
    }

    /**
     * Plans {@code header}'s sweep into the folder and submits all of its cells.
     *
     * @return the exit code (0)
     * @throws IllegalArgumentException for bad input (the folder holds another sweep, sbatch missing or refusing)
     */
    public int submit(JournalHeader header, Request req) throws IOException {
        if (SlurmPlan.existsIn(dir)) {
            String diff = SlurmPlan.read(dir).differenceFrom(header);
            throw new ConfigurationException("--slurm: " + dir + " holds " + (diff == null ? "this sweep already"
                    : "another plan (" + diff + ")") + "; pass --resume to submit its missing cells, or choose another folder");
        }
        if (Files.exists(Journal.fileIn(dir)))
            throw new ConfigurationException("--slurm: " + dir + " holds a local sweep (" + Journal.FILE_NAME
                    + "); choose another folder");
        for (String f : List.of(ShardSet.FOLDER, Submission.FOLDER))
            if (Files.exists(dir.resolve(f)))
                throw new ConfigurationException("--slurm: " + dir + " has " + f + "/ but no " + SlurmPlan.FILE_NAME
                        + " (an incomplete sweep folder); choose another folder");
        SlurmPlan plan = SlurmPlan.of(header, req.cellsPerTask() != null ? req.cellsPerTask() : 1);
        List<Integer> all = IntStream.range(0, plan.cells().size()).boxed().toList();
        return submitCells(plan, true, all, req, req.sbatch(), 1);
    }

    /**
     * Resubmits the cells without a finished record (and failed ones, at most {@code maxRetries} times each).
     *
     * @param requested the sweep asked for on the command line, given the recorded header (options left out
     *                  fall back to it); must be the recorded sweep
     * @return the exit code (0)
     */
    public int resume(UnaryOperator<JournalHeader> requested, int maxRetries, Request req) throws IOException {
        if (maxRetries < 0) throw new ConfigurationException("--max-retries must be >= 0, got " + maxRetries);
        if (!SlurmPlan.existsIn(dir))
            throw new ConfigurationException("--resume: " + dir + " holds no Slurm sweep (no " + SlurmPlan.FILE_NAME
                    + "); start one with: anneal sweep --slurm " + dir);
        SlurmPlan plan = SlurmPlan.read(dir);
        String diff = plan.differenceFrom(requested.apply(plan.header()));
        if (diff != null)
            throw new ConfigurationException("--resume: " + dir + " was planned as another sweep (" + diff
                    + "); drop that option or choose another folder");
        if (!req.dryRun()) client.requireSbatch();
        ShardSet shards = ShardSet.read(dir, plan);
        for (String n : shards.notices()) err.println("note: " + n);
        List<Submission> subs = Submission.all(dir);
        SlurmClient.Queue queue = client.queue();
        if (!queue.available() && subs.stream().anyMatch(s -> s.jobId() != null) && !req.dryRun())
            throw new ConfigurationException("--resume: cannot tell running tasks from ended ones (" + queue.source()
                    + "), so a resubmission could run cells twice; nothing was submitted");
        SweepState state = new SweepState(plan, shards, subs, queue);
        List<Integer> todo = state.toResubmit(maxRetries);
        Map<SweepState.State, Integer> c = state.counts();
        if (todo.isEmpty()) {
            out.println("resume: nothing to resubmit in " + dir + ": " + c.get(SweepState.State.DONE) + " done, "
                    + c.get(SweepState.State.FAILED) + " failed" + (c.get(SweepState.State.FAILED) > 0
                    ? " (each already failed more than --max-retries " + maxRetries + " times)" : "") + ", "
                    + (c.get(SweepState.State.RUNNING) + c.get(SweepState.State.PENDING)) + " running or pending");
            return 0;
        }
        int number = subs.isEmpty() ? 1 : subs.get(subs.size() - 1).number() + 1;
        SbatchOptions earlier = subs.isEmpty() ? SbatchOptions.none() : subs.get(subs.size() - 1).sbatch();
        out.println("resume: " + todo.size() + " of " + plan.cells().size() + " cells to resubmit ("
                + c.get(SweepState.State.MISSING) + " missing, " + (todo.size() - c.get(SweepState.State.MISSING))
                + " failed; " + c.get(SweepState.State.DONE) + " done, "
                + (c.get(SweepState.State.RUNNING) + c.get(SweepState.State.PENDING)) + " running or pending)");
        Request r = new Request(req.cellsPerTask() != null ? req.cellsPerTask() : plan.cellsPerTask(), req.sbatch(),
                req.forkJvmArgs(), req.dryRun());
        return submitCells(plan, false, todo, r, req.sbatch().over(earlier), number);
    }

    private int submitCells(SlurmPlan plan, boolean newPlan, List<Integer> cells, Request req, SbatchOptions sbatch,
                            int number) throws IOException {
        if (!req.dryRun()) client.requireSbatch();
        int perTask = req.cellsPerTask() != null ? req.cellsPerTask() : plan.cellsPerTask();
        Submission sub = new Submission(number, null, Instant.now().toString(), Submission.scriptName(number),
                Submission.group(cells, perTask), req.forkJvmArgs(), sbatch);
        Map<String, String> env = plan.header().environment() == null ? Map.of() : plan.header().environment();
        String planned = "Planned by: " + env.getOrDefault("command", "anneal sweep --slurm")
                + " (commit " + env.getOrDefault("commit", "unknown") + ")";
        String script = SbatchScript.render(dir, sub, sbatch, jobName(), launcher, planned);
        if (!req.dryRun()) client.testSubmit(script);

        List<Path> written = new ArrayList<>();
        boolean createdDir = !Files.exists(dir);
        try {
            Files.createDirectories(dir.resolve("logs"));
            if (newPlan) {
                plan.write(dir);
                written.add(SlurmPlan.fileIn(dir));
            }
            sub.write(dir);
            written.add(Submission.file(dir, number));
            Path scriptFile = dir.resolve(sub.script());
            Files.writeString(scriptFile, script);
            Files.setPosixFilePermissions(scriptFile, PosixFilePermissions.fromString("rwxr-xr-x"));
            written.add(scriptFile);
        } catch (IOException e) {
            rollBack(written, createdDir);
            throw new IOException("cannot write the sweep folder " + dir + " (" + e.getMessage() + "); nothing was submitted", e);
        }
        int tasks = sub.tasks().size();
        if (req.dryRun()) {
            out.println("slurm: wrote " + dir.resolve(sub.script()) + " (" + plural(cells.size(), "cell") + " in "
                    + plural(tasks, "array task") + ") and " + SlurmPlan.fileIn(dir) + "; nothing submitted (--slurm-dry-run)");
            out.println("slurm: submit it with: anneal sweep --resume --slurm " + dir);
            return 0;
        }
        String jobId;
        try {
            jobId = client.submit(dir.resolve(sub.script()));
        } catch (IllegalArgumentException | IOException e) {
            rollBack(written, createdDir);
            throw e;
        }
        sub.withJobId(jobId).write(dir);
        out.println("slurm: submitted job " + jobId + ": " + plural(cells.size(), "cell") + " in " + plural(tasks, "array task") + " ("
                + dir.resolve(sub.script()) + ")");
        out.println("slurm: progress: anneal sweep --status " + dir + "; merged report: anneal report " + dir);
        return 0;
    }

    private void rollBack(List<Path> written, boolean createdDir) {
        try {
            for (Path p : written) Files.deleteIfExists(p);
            Files.deleteIfExists(dir.resolve(Submission.FOLDER));
            Files.deleteIfExists(dir.resolve("logs"));
            if (createdDir) Files.deleteIfExists(dir);
        } catch (IOException e) {
            err.println("slurm: could not remove what was written in " + dir + " (" + e.getMessage() + ")");
        }
    }

    private static String plural(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }

    private String jobName() {
        String n = dir.getFileName() == null ? "sweep" : dir.getFileName().toString().replaceAll("[^A-Za-z0-9_.-]", "_");
        return "anneal-" + n;
    }

    /**
     * Prints where the sweep stands: cells done, failed, running, pending, missing; the live tasks; incomplete
     * shard lines; and what to do next.
     */
    public int status() {
        SlurmPlan plan = SlurmPlan.read(dir);
        ShardSet shards = ShardSet.read(dir, plan);
        List<Submission> subs = Submission.all(dir);
        SlurmClient.Queue queue = client.queue();
        SweepState state = new SweepState(plan, shards, subs, queue);
        Map<SweepState.State, Integer> c = state.counts();
        List<String> jobs = subs.stream().filter(s -> s.jobId() != null).map(Submission::jobId).toList();
        int tasks = subs.stream().mapToInt(s -> s.tasks().size()).sum();
        out.println("sweep " + dir + ": " + plan.cells().size() + " cells; " + plural(subs.size(), "submission") + ", "
                + plural(tasks, "array task") + (jobs.isEmpty() ? "" : " (jobs " + String.join(", ", jobs) + ")"));
        out.printf("  done     %d%n", c.get(SweepState.State.DONE));
        out.printf("  failed   %d%n", c.get(SweepState.State.FAILED));
        out.printf("  running  %d%n", c.get(SweepState.State.RUNNING));
        out.printf("  pending  %d%n", c.get(SweepState.State.PENDING));
        out.printf("  missing  %d%n", c.get(SweepState.State.MISSING));
        if (!state.liveTasks().isEmpty()) out.println("  tasks    " + String.join(", ", state.liveTasks()));
        long torn = shards.shards().stream().filter(ShardSet.Shard::tornLine).count();
        out.println("  shards   " + shards.shards().size() + " in " + dir.resolve(ShardSet.FOLDER)
                + (torn > 0 ? " (" + torn + " with an incomplete last line, ignored)" : ""));
        SlurmClient.Queue acct = client.accounting(jobs);
        out.println("  queue    " + queue.source() + "; ended tasks: " + (acct.available() ? endedSummary(acct) : acct.source()));
        int missing = c.get(SweepState.State.MISSING);
        if (missing > 0)
            out.println("  next     anneal sweep --resume --slurm " + dir + " (resubmits the " + missing + " missing cell"
                    + (missing == 1 ? "" : "s") + ")");
        if (c.get(SweepState.State.FAILED) > 0)
            out.println("  next     anneal sweep --resume --slurm " + dir + " --max-retries N (also reruns failed cells "
                    + "that failed at most N times; errors: anneal report " + dir + ")");
        if (missing == 0 && c.get(SweepState.State.RUNNING) + c.get(SweepState.State.PENDING) == 0)
            out.println("  next     anneal report " + dir);
        return 0;
    }

    private static String endedSummary(SlurmClient.Queue acct) {
        Map<String, Integer> n = new TreeMap<>();
        for (String s : acct.states().values()) n.merge(s, 1, Integer::sum);
        List<String> parts = new ArrayList<>();
        n.forEach((k, v) -> parts.add(v + " " + k));
        return parts.isEmpty() ? "none" : String.join(", ", parts) + " (sacct)";
    }

    /**
     * {@code anneal report DIR} on a Slurm sweep: merges the shards into {@code DIR/journal.jsonl}, printing
     * what the merge left out, so that the report reads it like a local sweep's journal.
     */
    public static Path mergeForReport(Path dir, PrintStream err) throws IOException {
        SlurmPlan plan = SlurmPlan.read(dir);
        ShardSet shards = ShardSet.read(dir, plan);
        for (String n : shards.notices()) err.println("note: " + n);
        Path file = shards.writeMergedJournal(dir);
        int recorded = shards.merged().size();
        if (recorded < plan.cells().size())
            err.println("note: " + (plan.cells().size() - recorded) + " of " + plan.cells().size()
                    + " cells have no record yet (anneal sweep --status " + dir + ")");
        return file;
    }
}
