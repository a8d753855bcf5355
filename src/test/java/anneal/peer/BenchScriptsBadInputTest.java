package anneal.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The CPU benchmark scripts answer bad arguments as every command does: one line on stderr that names the argument,
 * the value and what is allowed, exit 2, before they build or measure anything. (What they measure needs an idle
 * machine and minutes, so CI does not run them.)
 */
class BenchScriptsBadInputTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "tools/bench_cpu.sh 0|REPS=0 is not allowed; allowed: an integer >= 1",
        "tools/bench_cpu.sh three|REPS=three is not allowed; allowed: an integer >= 1",
        "tools/build_ab.sh HEAD|expected 2 to 4 arguments, got 1",
        "tools/build_ab.sh HEAD HEAD~1 zero|THREADS=zero is not allowed; allowed: an integer from 1 to 64",
        "tools/build_ab.sh HEAD HEAD~1 65|THREADS=65 is not allowed; allowed: an integer from 1 to 64",
        "tools/build_ab.sh HEAD HEAD~1 2 2|ROUNDS=2 is not allowed; allowed: an integer >= 3",
    })
    void badArgumentsGetOneLineAndExitTwo(String commandLine, String expected) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash"));
        command.addAll(List.of(commandLine.split(" ")));
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), commandLine + " did not end");
        assertEquals(2, p.exitValue(), commandLine + ": " + err);
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.contains(expected), err);
    }
}
