package anneal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI in a JVM of its own, so that what reaches the terminal is all there is: exactly one stderr line for bad
 * input (no JVM warning, no trace), the trace only with {@code ANNEAL_STACKTRACE=1}, and {@code schedule} rows
 * streamed in a heap far smaller than the rows would take.
 */
class BadInputForkedTest {
    @TempDir
    Path tmp;

    private record Outcome(int code, String out, String err) {
    }

    private Outcome fork(List<String> jvmOptions, boolean stackTrace, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        Path out = tmp.resolve("stdout"), err = tmp.resolve("stderr");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("ANNEAL_STACKTRACE");
        pb.environment().put("ANNEAL_NO_RELAUNCH", "1"); // this test is about the error paths, not the relaunch
        if (stackTrace) pb.environment().put("ANNEAL_STACKTRACE", "1");
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("hung: " + String.join(" ", args));
        }
        return new Outcome(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private void assertOneLine(Outcome o, String fragment) {
        assertEquals(2, o.code(), o.err());
        assertEquals(1, o.err().lines().count(), o.err());
        assertTrue(o.err().startsWith("anneal ") && o.err().contains(fragment), o.err());
        assertEquals("", o.out());
    }

    @Test
    void theReproducersAreOneLineInARealJvm() throws Exception {
        assertOneLine(fork(List.of(), false, "schedule", "MultiStepLR(milestones=" + "[".repeat(3000)
                + "]".repeat(3000) + ")", "--base-lr", "0.1", "--steps", "3"), "deeper than 100");
        assertOneLine(fork(List.of(), false, "schedule", "LambdaLR(lr_lambda='lambda e: 1/0')", "--base-lr", "0.1",
                "--steps", "3"), "division by zero");
        assertOneLine(fork(List.of(), false, "schedule", "@/dev/zero", "--base-lr", "0.1", "--steps", "3"),
                "not a regular file");
        assertOneLine(fork(List.of(), false, "train", "--schedule", "StepLR(step_size=1)", "--epochs", "0"),
                "--epochs=0");
    }

    @Test
    void theTraceComesOnlyWhenAskedFor() throws Exception {
        Outcome o = fork(List.of(), true, "schedule", "StepLR(step_size=0)", "--base-lr", "0.1", "--steps", "3");
        assertEquals(2, o.code());
        assertTrue(o.err().lines().count() > 3 && o.err().contains("\tat anneal."), o.err());
        assertTrue(o.err().strip().endsWith("step_size=0 is not allowed; allowed: an integer >= 1"), o.err());
    }

    @Test
    void aConfigWrittenByFormatConfigIsReadBackAsAtFile() throws Exception {
        // before: picocli expanded @FILE itself and failed with "Unmatched arguments from index 2"
        Outcome config = fork(List.of(), false, "schedule", "OneCycleLR(max_lr=0.1, total_steps=10)", "--base-lr", "0.1",
                "--format", "config");
        assertEquals(0, config.code(), config.err());
        Path file = Files.writeString(tmp.resolve("cfg.json"), config.out());
        Outcome fromFile = fork(List.of(), false, "schedule", "@" + file, "--base-lr", "0.1", "--steps", "11");
        Outcome fromSpec = fork(List.of(), false, "schedule", "OneCycleLR(max_lr=0.1, total_steps=10)", "--base-lr",
                "0.1", "--steps", "11");
        assertEquals(0, fromFile.code(), fromFile.err());
        assertEquals(fromSpec.out(), fromFile.out());
    }

    @Test
    void rowsStreamInAHeapFarSmallerThanTheRows() throws Exception {
        // 300,001 rows of lr and momentum: before, every row was buffered and -Xmx16m died with OutOfMemoryError
        // (CSV and JSON, checked against ada86e0); now memory does not grow with --steps
        for (String format : List.of("csv", "json")) {
            Path out = tmp.resolve("rows." + format);
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx16m", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "schedule",
                    "OneCycleLR(max_lr=0.1, total_steps=300000)", "--base-lr", "0.1", "--steps", "300001",
                    "--format", format));
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(tmp.resolve("err").toFile())
                    .start();
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), "finished");
            String err = Files.readString(tmp.resolve("err"));
            assertEquals(0, p.exitValue(), format + ": " + err);
            assertEquals("", err);
            long lines;
            String last;
            try (var stream = Files.lines(out)) {
                lines = stream.count();
            }
            try (var stream = Files.lines(out)) {
                last = stream.filter(l -> l.contains("300000")).reduce((a, c) -> c).orElse("");
            }
            if (format.equals("csv")) {
                assertEquals(300_002, lines);
                assertTrue(last.startsWith("300000,"), last);
            } else {
                assertTrue(last.contains("\"step\" : 300000"), last);
                assertEquals(300_001, new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toFile())
                        .get("rows").size());
            }
        }
    }
}
