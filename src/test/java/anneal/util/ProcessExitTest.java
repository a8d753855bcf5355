package anneal.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link ProcessExit} in JVMs of their own: a status asked for while a signal's shutdown runs does not replace
 * the signal's status (128 + signal, as a shell reports it), and without a signal the status asked for is the
 * exit code. The child's main thread asks for 3 only once the shutdown hook has started, which is what the
 * launcher's main thread does when the child it stopped has exited.
 */
class ProcessExitTest {
    /** The child JVM: a hook that takes a while, a main thread that exits with 3 once the hook has begun. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            CountDownLatch hookStarted = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                hookStarted.countDown();
                try {
                    Thread.sleep(300);
                } catch (InterruptedException ignored) {
                    // exit sooner
                }
            }));
            System.out.println("ready " + ProcessExit.shutdownInProgress());
            if (args.length > 0 && args[0].equals("wait")) {
                hookStarted.await();
                System.out.println("shutting down " + ProcessExit.shutdownInProgress());
            }
            ProcessExit.exit(3);
        }
    }

    private record Outcome(int code, List<String> lines) {
    }

    private static Outcome run(String signal) throws Exception {
        // env --default-signal: a JVM keeps SIGINT ignored when it starts with it ignored (a background job)
        ProcessBuilder pb = new ProcessBuilder("env", "--default-signal=INT",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Child.class.getName(), signal == null ? "exit" : "wait")
                .redirectErrorStream(true);
        Process p = pb.start();
        BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = in.readLine();
        if (signal != null) {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
            assertEquals(0, kill.waitFor());
        }
        List<String> rest = in.lines().toList();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the child did not exit");
        }
        List<String> lines = new java.util.ArrayList<>();
        lines.add(first);
        lines.addAll(rest);
        return new Outcome(p.exitValue(), lines);
    }

    @Test
    void withoutASignalTheStatusAskedForIsTheExitCode() throws Exception {
        Outcome o = run(null);
        assertEquals(List.of("ready false"), o.lines());
        assertEquals(3, o.code());
    }

    @Test
    void sigintDuringTheExitKeeps130() throws Exception {
        Outcome o = run("INT");
        assertEquals(List.of("ready false", "shutting down true"), o.lines());
        assertEquals(130, o.code());
    }

    @Test
    void sigtermDuringTheExitKeeps143() throws Exception {
        Outcome o = run("TERM");
        assertEquals(List.of("ready false", "shutting down true"), o.lines());
        assertEquals(143, o.code());
    }
}
