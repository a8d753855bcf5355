package anneal.cli;

import anneal.backend.JvmOptions;
import anneal.util.ParentWatch;
import anneal.util.ProcessExit;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar target/anneal.jar COMMAND ...}: the command-line entry point.
 *
 * <p>Exit codes ({@link Errors}): 0 success, 1 some runs failed or an I/O failure, 2 bad input or an unavailable
 * backend, 3 a {@code train} run diverged, 70 a bug in Anneal. Errors are one line on stderr;
 * {@code ANNEAL_STACKTRACE=1} adds the stack trace.
 */
@Command(name = "anneal", mixinStandardHelpOptions = true, version = "anneal 0.1.0",
        description = "PyTorch-exact learning-rate schedules and a time-to-accuracy benchmark harness.",
        footer = {"", "Exit codes: 0 done, 1 some runs failed or diverged (sweep) or an I/O failure, 2 bad input (one line"
                + " naming the option, the value and what is allowed), 3 a train run diverged, 70 a bug in Anneal"
                + " (ANNEAL_STACKTRACE=1 adds the stack trace)."},
        subcommands = {ScheduleCommand.class, TrainCommand.class, SweepCommand.class, ReportCommand.class,
                LrFindCommand.class, GpuCheckCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    /** Commands that run the CPU backend and so want the Vector API module. */
    private static final Set<String> VECTOR_COMMANDS = Set.of("train", "sweep", "lr-find", "gpu-check", "bench");

    public static void main(String[] args) {
        if (needsRelaunch(args)) ProcessExit.exit(relaunchWithJvmOptions(args));
        ParentWatch.startFromProperty(); // a relaunched JVM dies with its launcher
        ProcessExit.exit(run(args));
    }

    /** Runs the CLI and returns the exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        Inputs.configure(cli);
        cli.setParameterExceptionHandler((ex, a) -> {
            String cmd = ex.getCommandLine().getCommandName();
            ex.getCommandLine().getErr().println("anneal " + cmd + ": " + ex.getMessage()
                    + " (see 'anneal " + cmd + " --help')");
            return 2;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) ->
                Errors.report(ex, commandLine.getCommandName(), commandLine.getErr()));
        try {
            return cli.execute(args);
        } catch (Throwable bug) { // an Error (StackOverflowError, OutOfMemoryError) escapes picocli's handler
            return Errors.report(bug, args.length == 0 ? null : args[0], cli.getErr());
        }
    }

    private static boolean needsRelaunch(String[] args) {
        if (args.length == 0 || !VECTOR_COMMANDS.contains(args[0])) return false;
        if (System.getenv("ANNEAL_NO_RELAUNCH") != null) return false;
        return !JvmOptions.vectorModuleResolved() || !JvmOptions.trapLimitSet();
    }

    /**
     * The CPU backend's kernels need {@link JvmOptions#ALL} ({@code jdk.incubator.vector}, which a plain
     * {@code java -jar} does not resolve, as a jar manifest cannot add a module, and C2's trap limit). Rather than make
     * every user remember them, re-run this same jar in a child JVM with them added before this JVM's own options (so
     * a trap limit of the user's choosing wins), the same stdin and stdout. The
     * child is tied to this launcher: it watches this PID ({@link ParentWatch}) and halts, killing its own
     * forks, when the launcher is gone ({@code kill -9}); SIGINT/SIGTERM to the launcher are passed on as
     * SIGTERM and the launcher waits for the child to finish its shutdown. The child's stderr goes through the
     * launcher, which drops the JVM's "WARNING: Using incubator modules" line so that a one-line error stays
     * one line.
     */
    private static int relaunchWithJvmOptions(String[] args) {
        Process child;
        try {
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> cmd = new ArrayList<>();
            cmd.add(java);
            cmd.addAll(JvmOptions.ALL);
            cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
            cmd.add(ParentWatch.optionForChildren());
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(Main.class.getName());
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.PIPE);
            pb.environment().put("ANNEAL_NO_RELAUNCH", "1");
            child = pb.start();
        } catch (Exception e) {
            String options = String.join(" ", JvmOptions.ALL);
            System.err.println("anneal: could not start a JVM with " + options + " ("
                    + e.getMessage() + "); run java " + options + " -jar "
                    + Path.of(System.getProperty("java.class.path")).getFileName() + " instead");
            return 1;
        }
        Thread pump = new Thread(() -> copyWithoutIncubatorWarning(child.getErrorStream(), System.err), "anneal-stderr");
        pump.setDaemon(true);
        pump.start();
        Thread stopChild = new Thread(() -> {
            if (child.isAlive()) {
                // SIGTERM: the child runs its own shutdown (the sweep stops its fork, train saves). Through the
                // ProcessHandle: Process.destroy() would also close the pipe the child's last words come through.
                child.toHandle().destroy();
                try {
                    if (!child.waitFor(CHILD_SHUTDOWN_SECONDS, TimeUnit.SECONDS)) child.destroyForcibly().waitFor();
                } catch (InterruptedException e) {
                    child.destroyForcibly();
                }
            }
            joinQuietly(pump);
        }, "anneal-stop-child");
        Runtime.getRuntime().addShutdownHook(stopChild);
        int code;
        try {
            code = child.waitFor();
        } catch (InterruptedException e) {
            child.destroyForcibly();
            return 1;
        }
        joinQuietly(pump);
        try {
            Runtime.getRuntime().removeShutdownHook(stopChild);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already exiting
        }
        return code;
    }

    /** How long the launcher waits for the child's own shutdown after passing on SIGINT/SIGTERM. */
    private static final int CHILD_SHUTDOWN_SECONDS = 60;
    /** What a JVM prints on stderr before main when an incubator module is resolved. */
    static final String INCUBATOR_WARNING = "WARNING: Using incubator modules: jdk.incubator.vector";

    private static void joinQuietly(Thread t) {
        try {
            t.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Copies {@code in} to {@code out} as it arrives (the progress bar redraws without newlines), except a first
     * line that is the incubator warning (the JVM prints it before {@code main}, so it can only come first).
     */
    static void copyWithoutIncubatorWarning(java.io.InputStream in, java.io.OutputStream out) {
        byte[] warning = (INCUBATOR_WARNING + System.lineSeparator()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] buf = new byte[8192];
        int matched = 0;
        boolean checking = true;
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                int from = 0;
                if (checking) {
                    while (from < n && matched < warning.length && buf[from] == warning[matched]) {
                        from++;
                        matched++;
                    }
                    if (matched == warning.length) {
                        checking = false; // the whole warning line: dropped
                    } else if (from < n) {
                        checking = false; // something else: give back what looked like the warning
                        out.write(warning, 0, matched);
                    } else {
                        continue; // still a prefix of the warning
                    }
                }
                out.write(buf, from, n - from);
                out.flush();
            }
            if (checking && matched > 0) out.write(warning, 0, matched);
            out.flush();
        } catch (java.io.IOException e) {
            // the child's stderr closed or ours did: nothing left to copy
        }
    }
}
