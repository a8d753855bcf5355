package anneal.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.runner.BenchmarkException;
import org.openjdk.jmh.runner.RunnerException;

class JmhCellExecutorTest {
    @TempDir
    Path dir;

    @Test
    void theForksOwnExceptionIsFoundInsideJmhsWrappers() {
        UncheckedIOException thrown = new UncheckedIOException("cannot append to j: No space left on device",
                new IOException("No space left on device"));
        RunnerException e = new RunnerException("Benchmark caught the exception",
                new BenchmarkException("Benchmark error during the run", List.of(thrown)));
        assertSame(thrown, JmhCellExecutor.forkCause(e));
        assertEquals("UncheckedIOException: cannot append to j: No space left on device", CellRunner.describe(thrown));
        assertNull(JmhCellExecutor.forkCause(new RunnerException("forked VM failed")));
    }

    @Test
    void aLogNamesTheFirstErrorLine() throws Exception {
        Path log = Files.writeString(dir.resolve("c.log"), "# JMH version: 1.37\n# WARNING: JMH lock is ignored\n"
                + "<forked VM failed with exit code 1>\n<stderr last='20 lines'>\nUnrecognized option: -Xbogus\n");
        assertEquals(" (<forked VM failed with exit code 1>; log: " + log + ")", JmhCellExecutor.causeIn(log));
        assertEquals(" (log: " + dir.resolve("none.log") + ")", JmhCellExecutor.causeIn(dir.resolve("none.log")));
    }
}
