package anneal.cli;

import anneal.report.ReportWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code anneal report DIR}: (re)writes DIR/REPORT.md and its plots from a sweep's journal and JMH results. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write DIR/REPORT.md and PNG plots from a sweep folder (journal.jsonl and jmh-overhead.json).",
                "The journal is only read; the sweep writes the same report when it ends.",
                "A Slurm sweep's folder (plan.json): its journal shards are first merged into DIR/journal.jsonl."})
final class ReportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "The sweep's --out folder.")
    Path dir;

    @Option(names = "--mllog", description = "Also write every run as MLPerf :::MLLOG lines (run_start, eval_accuracy "
            + "with epoch_num, run_stop with status, submission metadata) to DIR/mllog/, one file per run.")
    boolean mllog;

    @Override
    public Integer call() throws Exception {
        // A Slurm sweep (issue #15): merge its journal shards into DIR/journal.jsonl first.
        if (anneal.slurm.SlurmPlan.existsIn(dir)) anneal.slurm.SlurmSweep.mergeForReport(dir, System.err);
        System.out.println(new ReportWriter(dir).write());
        if (mllog) System.out.println(anneal.report.MlLog.write(dir) + " MLLOG files in " + dir.resolve("mllog"));
        return 0;
    }
}
