package anneal.cli;

import anneal.bench.JournalHeader;
import anneal.slurm.SbatchOptions;
import anneal.slurm.SbatchScript;
import anneal.slurm.SlurmClient;
import anneal.slurm.SlurmSweep;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Option;

/**
 * The {@code anneal sweep} options that hand the sweep to Slurm instead of running it here (issue #15): a
 * picocli mixin, so that {@link SweepCommand} only needs one field and one line to offer them.
 */
final class SlurmOptions {
    @Option(names = "--slurm", paramLabel = "DIR", description = "Run the sweep on Slurm: write the plan into DIR, "
            + "write a job-array script (one task per --cells-per-task cells) and submit it with sbatch. With --resume: "
            + "resubmit the cells of DIR that have no record. DIR must be on storage the nodes share.")
    Path slurm;

    @Option(names = "--slurm-dry-run", description = "With --slurm: write the plan and the sbatch script, submit nothing.")
    boolean dryRun;

    @Option(names = "--status", paramLabel = "DIR", description = "Print how many cells of the Slurm sweep in DIR are "
            + "done, failed, running, pending and missing (squeue/sacct when available, else the shards alone) and exit.")
    Path status;

    @Option(names = "--cells-per-task", paramLabel = "N", description = "With --slurm: cells per array task "
            + "(default: 1; on --resume: the plan's).")
    Integer cellsPerTask;

    @Option(names = "--partition", paramLabel = "NAME", description = "With --slurm: sbatch --partition.")
    String partition;

    @Option(names = "--time", paramLabel = "LIMIT", description = "With --slurm: sbatch --time per task "
            + "(e.g. 30, 1:30:00, 2-00:00:00).")
    String time;

    @Option(names = "--gres", paramLabel = "SPEC", description = "With --slurm: sbatch --gres per task, e.g. gpu:1.")
    String gres;

    @Option(names = "--cpus-per-task", paramLabel = "N", description = "With --slurm: sbatch --cpus-per-task.")
    Integer cpusPerTask;

    @Option(names = "--mem", paramLabel = "SIZE", description = "With --slurm: sbatch --mem per task, e.g. 4G.")
    String mem;

    @Option(names = "--account", paramLabel = "NAME", description = "With --slurm: sbatch --account.")
    String account;

    @Option(names = "--max-running", paramLabel = "N", description = "With --slurm: at most N array tasks at once "
            + "(--array=...%%N).")
    Integer maxRunning;

    @Option(names = "--sbatch", paramLabel = "OPTION", description = "With --slurm: one more #SBATCH line, e.g. "
            + "--sbatch=--qos=low (repeatable).")
    List<String> sbatchExtra = List.of();

    /** Whether a Slurm option was given, so that the sweep goes to Slurm rather than running here. */
    boolean active() {
        return slurm != null || status != null;
    }

    /**
     * For a local sweep: refuses the options that only mean something with {@code --slurm}, rather than ignoring them.
     *
     * @throws UsageException naming the first such option given
     */
    void requireNoneForLocalSweep() {
        String given = dryRun ? "--slurm-dry-run" : cellsPerTask != null ? "--cells-per-task" : partition != null ? "--partition"
                : time != null ? "--time" : gres != null ? "--gres" : cpusPerTask != null ? "--cpus-per-task"
                : mem != null ? "--mem" : account != null ? "--account" : maxRunning != null ? "--max-running"
                : !sbatchExtra.isEmpty() ? "--sbatch" : null;
        if (given != null)
            throw new UsageException(given + " only applies to a Slurm sweep: add --slurm DIR (without it the sweep runs here)");
    }

    /**
     * Submits, resubmits or reports on the Slurm sweep.
     *
     * @param resume      {@code --resume} was given
     * @param header      the header a new sweep would start with, given the recorded one (null for a new sweep)
     * @param forkJvmArgs {@code --fork-jvm-arg} values
     * @param maxRetries  the sweep's {@code --max-retries}: with {@code --resume}, a failed cell is resubmitted while it
     *                    has at most this many failed attempts (the same rule as a local {@code --resume})
     */
    int run(boolean resume, UnaryOperator<JournalHeader> header, List<String> forkJvmArgs, int maxRetries) throws IOException {
        SlurmClient client = SlurmClient.fromEnvironment();
        if (status != null) {
            if (slurm != null) throw new UsageException("--status: give either --status DIR or --slurm DIR, not both");
            return new SlurmSweep(status, client, SbatchScript.Launcher.current(), System.out, System.err).status();
        }
        if (cellsPerTask != null && cellsPerTask < 1)
            throw new UsageException("--cells-per-task must be >= 1, got " + cellsPerTask);
        SbatchOptions sbatch = new SbatchOptions(partition, time, gres, cpusPerTask, mem, account, maxRunning, sbatchExtra);
        SlurmSweep.Request req = new SlurmSweep.Request(cellsPerTask, sbatch, forkJvmArgs, dryRun);
        SlurmSweep sweep = new SlurmSweep(slurm, client, SbatchScript.Launcher.current(), System.out, System.err);
        if (resume) return sweep.resume(header, maxRetries, req);
        if (!dryRun) client.requireSbatch();
        return sweep.submit(header.apply(null), req);
    }
}
