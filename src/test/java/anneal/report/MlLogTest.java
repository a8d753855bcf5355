package anneal.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import anneal.bench.Journal;
import anneal.bench.JournalHeader;
import anneal.bench.RunRecord;
import anneal.bench.SweepPlan;
import anneal.bench.SweepSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MlLogTest {
    @TempDir
    Path dir;

    @Test
    void eachRunBecomesAnMlperfResultLog() throws Exception {
        Journal j = Journal.create(dir, new JournalHeader(Journal.FORMAT, Journal.VERSION, "2026-01-01T00:00:00Z",
                SweepSettings.defaults(Path.of("/data")), new SweepPlan(List.of("onecycle", "constant"), List.of(0L), List.of(3), "cpu"),
                Map.of("cpu", "Test CPU")));
        RunRecord hit = ReportWriterTest.run("onecycle", 0, 3, 12, 0.9);
        RunRecord hitAt = new RunRecord(hit.schedule(), hit.seed(), hit.epochs(), hit.backend(), hit.spec(), hit.lr(),
                hit.status(), hit.timeToTarget(), hit.epochsToTarget(), hit.bestTestAccuracy(), hit.finalTestAccuracy(),
                hit.setupSeconds(), hit.backendDescription(), null, hit.records(), hit.lrStride(), hit.lrs(),
                "2026-01-01T00:01:00Z", hit.loadSeconds());
        j.append(hitAt);
        j.append(ReportWriterTest.run("constant", 0, 3, Double.NaN, 0.85));
        assertEquals(2, MlLog.write(dir));
        List<String> lines = Files.readAllLines(dir.resolve("mllog/onecycle-seed0-e3-cpu.txt"));
        ObjectMapper json = new ObjectMapper();
        for (String l : lines) assertTrue(l.startsWith(":::MLLOG {"), l);
        List<JsonNode> ev = lines.stream().map(l -> {
            try {
                return json.readTree(l.substring(":::MLLOG ".length()));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).toList();
        List<String> keys = ev.stream().map(e -> e.get("key").asText()).toList();
        for (String k : List.of("submission_benchmark", "submission_division", "submission_org", "submission_platform",
                "submission_status", "init_start", "init_stop", "run_start", "eval_accuracy", "run_stop"))
            assertTrue(keys.contains(k), k + " in " + keys);
        // the run ends at 00:01:00 after 50 s of training + 3 s of evaluation: run_start 53 s before the end
        long end = java.time.Instant.parse("2026-01-01T00:01:00Z").toEpochMilli();
        JsonNode start = ev.get(keys.indexOf("run_start"));
        assertEquals("INTERVAL_START", start.get("event_type").asText());
        assertEquals(end - 53_000, start.get("time_ms").asLong());
        // validation 0.80 at epoch 1 (5 s + 1 s eval), 0.90 >= 0.88 at epoch 2 (12 s + 2 s): success there
        List<JsonNode> evals = ev.stream().filter(e -> e.get("key").asText().equals("eval_accuracy")).toList();
        assertEquals(2, evals.size());
        assertEquals(0.8, evals.get(0).get("value").asDouble());
        assertEquals(1.0, evals.get(0).get("metadata").get("epoch_num").asDouble());
        assertEquals(2.0, evals.get(1).get("metadata").get("epoch_num").asDouble());
        JsonNode stop = ev.get(ev.size() - 1);
        assertEquals("run_stop", stop.get("key").asText());
        assertEquals("success", stop.get("metadata").get("status").asText());
        assertEquals(end - 53_000 + 14_000, stop.get("time_ms").asLong());
        List<String> miss = Files.readAllLines(dir.resolve("mllog/constant-seed0-e3-cpu.txt"));
        assertTrue(miss.get(miss.size() - 1).contains("\"status\":\"aborted\""), miss.get(miss.size() - 1));
    }
}
