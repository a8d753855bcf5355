package anneal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import anneal.data.FashionMnist;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrainCommandTest {
    @TempDir
    Path dir;

    record Outcome(int code, String out, String err) {
    }

    static Outcome run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true));
            System.setErr(new PrintStream(err, true));
            int code = Main.run(args);
            return new Outcome(code, out.toString(), err.toString());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--epochs 0|--epochs=0 is not allowed; allowed: an integer >= 1",
        "--target 1.5|--target=1.5 is not allowed; allowed: a number in (0, 1]",
        "--batch 0|--batch=0 is not allowed; allowed: an integer >= 1",
        "--lr -1|--lr=-1.0 is not allowed; allowed: a finite number > 0",
        "--threads 0|--threads=0 is not allowed; allowed: an integer >= 1",
        "--validation -1|--validation=-1 is not allowed; allowed: an integer >= 0",
        "--momentum 0 --nesterov|--nesterov=true is not allowed; allowed: only with momentum > 0",
        "--dampening 0.5 --nesterov|--nesterov=true is not allowed; allowed: only with momentum > 0 and dampening = 0",
        "--weight-decay -1|--weight-decay=-1.0 is not allowed; allowed: a finite number >= 0",
        "--hidden x|'x' is not an int"})
    void badValuesAreOneLineAndExitTwo(String args, String message) {
        String[] argv = ("train --schedule StepLR(step_size=1) " + args).split(" ");
        Outcome o = run(argv);
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains(message), o.err());
        assertEquals(1, o.err().strip().lines().count(), o.err());
    }

    @Test
    void unknownBackendMissingDataAndBadScheduleAreOneLineErrors() {
        Outcome o = run("train", "--schedule", "StepLR(step_size=1)", "--backend", "tpu");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("--backend='tpu' is not allowed; allowed: one of cpu, cuda, auto"), o.err());
        o = run("train", "--schedule", "StepLR(step_size=1)", "--backend", "cuda");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("CUDA backend unavailable: "), o.err());
        assertEquals(1, o.err().strip().lines().count(), o.err());
        o = run("train", "--schedule", "StepLR(step_size=1)", "--backend", "cpu", "--data", dir.resolve("none").toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("apt-get install dataset-fashion-mnist"), o.err());
        assertEquals(1, o.err().strip().lines().count(), o.err());
        o = run("train", "--schedule", "NoSuchLR(x=1)");
        assertEquals(2, o.code(), o.err());
    }

    @Test
    void aShortRunPrintsEpochLinesASummaryAndWritesJson() throws Exception {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "Fashion-MNIST is not installed");
        Path json = dir.resolve("run.json");
        Outcome o = run("train", "--schedule", "StepLR(step_size=1, gamma=0.5)", "--epochs", "2", "--lr", "0.05",
                "--target", "0.5", "--no-stop", "--backend", "cpu", "--quiet", "--out", json.toString());
        assertEquals(0, o.code(), o.err());
        assertEquals(2, o.out().lines().filter(l -> l.startsWith("epoch ")).count(), o.out());
        assertTrue(o.out().contains("reached validation accuracy 0.50 at epoch 1.00"), o.out());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertFalse(j.get("interrupted").asBoolean());
        assertEquals("REACHED", j.get("run").get("status").asText());
        assertEquals(2, j.get("run").get("records").size());
        assertEquals(2 * 430, j.get("run").get("lrs").size());
        assertEquals(0.05, j.get("run").get("lrs").get(429).asDouble(), 1e-12);
        assertEquals(0.025, j.get("run").get("lrs").get(430).asDouble(), 1e-12);
        assertEquals(0, j.get("run").get("momenta").size(), "StepLR sets no momentum");
        assertEquals(0, j.get("run").get("weightDecays").size(), "nor weight decay");
        assertTrue(j.get("trainSamplesPerSecond").asDouble() > 0);
        assertTrue(j.get("error").isNull());
    }

    @Test
    void withoutAScheduleItRunsTheProtocolsScheduleAndSaysWhich() throws Exception {
        // before: exit 2, "Missing required option: '--schedule=SPEC'"
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "Fashion-MNIST is not installed");
        Path json = dir.resolve("protocol.json");
        Outcome o = run("train", "--epochs", "1", "--target", "0.5", "--backend", "cpu", "--quiet", "--out", json.toString());
        assertEquals(0, o.code(), o.err());
        // the catalogue's linear warmup + cosine: warmup 10% of 1 epoch of ceil(55000 / 128) = 430 steps, from 1% of lr 0.1
        String spec = "WarmupCosineLR(warmup_steps=43, total_steps=430, warmup_start_factor=0.01)";
        assertTrue(o.out().contains("no --schedule given: the protocol's schedule 'warmup-linear' (linear warmup + cosine,"
                + " the sweep's reference recipe) at lr 0.1"), o.out());
        assertTrue(o.out().contains("anneal train: " + spec + " on MLP 784-256-10"), o.out());
        JsonNode run = new ObjectMapper().readTree(json.toFile()).get("run");
        assertEquals(spec, run.get("config").get("scheduleSpec").asText());
        assertEquals(0.1, run.get("config").get("lr").asDouble());
        assertEquals(430, run.get("lrs").size());
        assertEquals(0.001, run.get("lrs").get(0).asDouble(), 1e-15, "the warmup starts at 1% of the lr");
        assertEquals(0.1, run.get("lrs").get(43).asDouble(), 1e-15, "the peak after 43 warmup steps");
    }

    @Test
    void aRunThatFailsPartWayKeepsItsRecordsAndSaysWhy() throws Exception {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "Fashion-MNIST is not installed");
        Path json = dir.resolve("failed.json");
        Outcome o = run("train", "--schedule", "OneCycleLR(max_lr=0.1, total_steps=100)", "--epochs", "1",
                "--backend", "cpu", "--quiet", "--out", json.toString());
        assertEquals(1, o.code(), o.err());
        assertTrue(o.err().contains("anneal train: warning: horizon: step 101 of 430 steps raises"), "the lint warned first: "
                + o.err());
        assertTrue(o.err().contains("total steps is 100"), o.err());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertTrue(j.get("error").asText().contains("total steps is 100"));
        assertFalse(j.get("interrupted").asBoolean());
        assertEquals(101, j.get("run").get("lrs").size(), "every step taken before the schedule ran out");
    }

    @Test
    void aRunThatDivergesExitsThreeWithOneLineAndKeepsItsRecords() throws Exception {
        // before: exit 0 and nothing on stderr, so a script could not tell a diverged run from a finished one
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "Fashion-MNIST is not installed");
        Path json = dir.resolve("diverged.json");
        Outcome o = run("train", "--schedule", "ExponentialLR(gamma=1.0)", "--lr", "1e4", "--epochs", "1", "--backend",
                "cpu", "--quiet", "--out", json.toString());
        assertEquals(3, o.code(), o.err());
        assertEquals(1, o.err().lines().filter(l -> l.contains("diverged")).count(), o.err());
        assertTrue(o.err().contains("anneal train: the run diverged"), o.err());
        assertEquals("DIVERGED", new ObjectMapper().readTree(json.toFile()).get("run").get("status").asText());
    }

    @Test
    void theModelAndTheRunLengthAreCheckedAgainstTheHeapBeforeAllocating() throws Exception {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "Fashion-MNIST is not installed");
        // before: OutOfMemoryError traces
        Outcome o = run("train", "--schedule", "StepLR(step_size=1)", "--hidden", "100000000", "--backend", "cpu",
                "--quiet");
        assertEquals(2, o.code(), o.err());
        assertEquals(1, o.err().strip().lines().count(), o.err());
        assertTrue(o.err().contains("--hidden=100000000 is not allowed"), o.err());
        o = run("train", "--schedule", "StepLR(step_size=1)", "--epochs", "100000000", "--backend", "cpu", "--quiet");
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains("--epochs=100000000 is not allowed; allowed: at most 11627 epochs of 430 steps"),
                o.err());
        o = run("train", "--schedule", "StepLR(step_size=1)", "--threads", "100000", "--backend", "cpu", "--quiet");
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains("--threads=100000 is not allowed; allowed: an integer in 1..1024"), o.err());
    }

    @Test
    void strictRefusesAScheduleWhoseClockDoesNotFitTheRunBeforeTraining() throws Exception {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "Fashion-MNIST is not installed");
        Path json = dir.resolve("never.json");
        // T_max = 3 epochs x 430 steps, but CosineAnnealingLR is stepped per epoch: 430x too slow
        Outcome o = run("train", "--schedule", "CosineAnnealingLR(T_max=1290)", "--epochs", "3", "--backend", "cpu",
                "--quiet", "--strict", "--out", json.toString());
        assertEquals(1, o.code(), o.err());
        assertTrue(o.err().contains("anneal train: error: clock: CosineAnnealingLR: T_max=1290 looks like a step count"),
                o.err());
        assertTrue(o.err().contains("--strict: not training"), o.err());
        assertFalse(o.out().contains("epoch "), o.out());
        assertFalse(Files.exists(json), "nothing trained, nothing written");
    }
}
