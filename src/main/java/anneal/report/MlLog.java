package anneal.report;

import anneal.ConfigurationException;
import anneal.bench.Journal;
import anneal.bench.JournalHeader;
import anneal.bench.RunRecord;
import anneal.train.EpochRecord;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes each run of a sweep journal as an MLPerf Training result log ({@code :::MLLOG {json}} lines, the format of
 * {@code mlperf_logging.mllog}), one file per run in {@code DIR/mllog/}, so that MLPerf's log tools can read them:
 * the submission metadata keys ({@code submission_benchmark}, {@code _division}, {@code _org}, {@code _platform},
 * {@code _status}), {@code seed}, {@code global_batch_size}, {@code opt_base_learning_rate}, {@code init_start} /
 * {@code init_stop}, {@code run_start}, one {@code eval_accuracy} per evaluation (validation accuracy, with
 * {@code epoch_num}) up to the first one at the target, and {@code run_stop} with {@code status} {@code success} there
 * or {@code aborted} at the end of a run that missed.
 *
 * <p>Times: the journal keeps each run's end ({@code finishedAt}) and the clock at every evaluation, so
 * {@code run_start} is the end minus the run's training and evaluation time (MLPerf's clock counts evaluation) and each
 * evaluation is placed at {@code run_start} plus its elapsed time; initialisation precedes {@code run_start} by the
 * run's set-up and load time. A {@code FAILED} cell has no log.
 */
public final class MlLog {
    /** The benchmark name written as {@code submission_benchmark}. */
    public static final String BENCHMARK = "anneal_fashion_mnist_mlp";
    private static final ObjectMapper JSON = new ObjectMapper();

    private MlLog() {
    }

    /** Writes the logs of every run in {@code dir}'s journal and returns how many files were written. */
    public static int write(Path dir) throws IOException {
        Path file = Journal.fileIn(dir);
        if (!Files.exists(file))
            throw new ConfigurationException("no sweep journal at " + file + " (run 'anneal sweep --out " + dir + "' first)");
        Journal journal = Journal.read(file);
        Path out = dir.resolve("mllog");
        Files.createDirectories(out);
        int n = 0;
        for (RunRecord r : journal.runs()) {
            List<String> lines = lines(r, journal.header());
            if (lines.isEmpty()) continue;
            String name = r.schedule().replace('@', '_') + "-seed" + r.seed() + "-e" + r.epochs() + "-" + r.backend() + ".txt";
            anneal.util.AtomicFiles.write(out.resolve(name), (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
            n++;
        }
        return n;
    }

    /** The {@code :::MLLOG} lines of one run (empty for a failed cell). */
    static List<String> lines(RunRecord r, JournalHeader h) {
        List<String> out = new ArrayList<>();
        if (RunRecord.FAILED.equals(r.status()) || r.records().isEmpty()) return out;
        double target = h.settings().target();
        long end = endMillis(r);
        long runStart = end - Math.round(1000 * r.records().get(r.records().size() - 1).elapsedSeconds());
        long initStart = runStart - Math.round(1000 * (nanToZero(r.setupSeconds()) + nanToZero(r.loadSeconds())));
        Map<String, String> env = h.environment() == null ? Map.of() : h.environment();
        int[] line = {0};
        point(out, line, initStart, "submission_benchmark", BENCHMARK, null);
        point(out, line, initStart, "submission_division", "open", null);
        point(out, line, initStart, "submission_org", "anneal", null);
        point(out, line, initStart, "submission_platform", env.getOrDefault("cpu", r.backend()) + " (" + r.backend() + ")", null);
        point(out, line, initStart, "submission_status", "research", null);
        point(out, line, initStart, "seed", r.seed(), null);
        point(out, line, initStart, "global_batch_size", h.settings().batch(), null);
        point(out, line, initStart, "opt_base_learning_rate", r.lr(), null);
        point(out, line, initStart, "opt_learning_rate_schedule", r.spec(), null);
        event(out, line, "INTERVAL_START", initStart, "init_start", null, null);
        event(out, line, "INTERVAL_END", runStart, "init_stop", null, null);
        event(out, line, "INTERVAL_START", runStart, "run_start", null, null);
        String status = "aborted";
        long stop = end;
        for (EpochRecord e : r.records()) {
            long t = runStart + Math.round(1000 * e.elapsedSeconds());
            ObjectNode meta = JSON.createObjectNode().put("epoch_num", e.epoch());
            event(out, line, "POINT_IN_TIME", t, "eval_accuracy", e.valAccuracy(), meta);
            if (e.valAccuracy() >= target && !"DIVERGED".equals(r.status())) {
                status = "success";
                stop = t;
                break;
            }
        }
        event(out, line, "INTERVAL_END", stop, "run_stop", null, JSON.createObjectNode().put("status", status));
        return out;
    }

    /** The run's end from {@code finishedAt}; a record without a readable time ends at its own clock after epoch 0. */
    static long endMillis(RunRecord r) {
        try {
            return Instant.parse(r.finishedAt()).toEpochMilli();
        } catch (RuntimeException e) {
            return Math.round(1000 * r.records().get(r.records().size() - 1).elapsedSeconds());
        }
    }

    private static double nanToZero(double v) {
        return Double.isFinite(v) ? v : 0;
    }

    private static void point(List<String> out, int[] line, long t, String key, Object value, ObjectNode meta) {
        event(out, line, "POINT_IN_TIME", t, key, value, meta);
    }

    private static void event(List<String> out, int[] line, String type, long t, String key, Object value, ObjectNode meta) {
        ObjectNode o = JSON.createObjectNode();
        o.put("namespace", "");
        o.put("time_ms", t);
        o.put("event_type", type);
        o.put("key", key);
        o.set("value", JSON.valueToTree(value));
        ObjectNode m = JSON.createObjectNode().put("file", "journal.jsonl").put("lineno", ++line[0]);
        if (meta != null) m.setAll(meta);
        o.set("metadata", m);
        try {
            out.add(":::MLLOG " + JSON.writeValueAsString(o));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("bug: cannot serialise an MLLOG line", e);
        }
    }
}
