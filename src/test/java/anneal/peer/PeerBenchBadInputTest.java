package anneal.peer;

import anneal.backend.JvmOptions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link PeerBench} (Anneal's side of tools/bench_cpu.sh) answers bad input as the CLI does: one line on stderr
 * that names the argument, the value and what is allowed, exit 2, with no stack trace; a missing data set is bad
 * input too. Run in a child JVM, since the entry point ends its JVM.
 */
class PeerBenchBadInputTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "|expected 'export DIR', 'run --threads N' or 'cores'",
        "train|unknown command 'train'; allowed: export, run, cores",
        "cores --seconds 0|--seconds=0 is not allowed; allowed: a number of seconds in [0.05, 60]",
        "cores --seconds NaN|--seconds=NaN is not allowed; allowed: a number of seconds in [0.05, 60]",
        "cores --seconds 61|--seconds=61 is not allowed; allowed: a number of seconds in [0.05, 60]",
        "cores --threads 300|--threads=300 is not allowed; allowed: 1..256",
        "cores --data /tmp|unknown argument '--data'",
        "run --threads 0|--threads=0 is not allowed; allowed: 1..256",
        "run --threads two|--threads=two is not allowed; allowed: an integer",
        "run --seed 1.5|--seed=1.5 is not allowed; allowed: an integer",
        "run --epochs 3|unknown argument '--epochs'",
        "export|export needs a directory",
        "run --data /nonexistent/fashion-mnist|/nonexistent/fashion-mnist does not exist",
    })
    void badInputGetsOneLineAndExitTwo(String arguments, String expected) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                JvmOptions.VECTOR_MODULE, JvmOptions.TRAP_LIMIT, "-cp", System.getProperty("java.class.path"),
                PeerBench.class.getName()));
        if (arguments != null) command.addAll(List.of(arguments.split(" ")));
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().remove("ANNEAL_STACKTRACE");
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(l -> !l.startsWith("WARNING: Using incubator modules")).reduce((a, b) -> a + "\n" + b).orElse("");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), arguments + " did not end");
        assertEquals(2, p.exitValue(), arguments + ": " + err);
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("peer-bench: ") && err.contains(expected), err);
    }
}
