package anneal.cli;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
        if (needsRelaunch(args)) System.exit(relaunchWithVectorModule(args));
        System.exit(run(args));
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
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty();
    }

    /**
     * The CPU backend's kernels use {@code jdk.incubator.vector}, which a plain {@code java -jar} does not
     * resolve. Rather than make every user remember {@code --add-modules}, re-run this same jar in a child
     * JVM with the module added, the same JVM options, and the same stdin/stdout/stderr.
     */
    private static int relaunchWithVectorModule(String[] args) {
        try {
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> cmd = new ArrayList<>();
            cmd.add(java);
            cmd.add("--add-modules=jdk.incubator.vector");
            cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(Main.class.getName());
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
            pb.environment().put("ANNEAL_NO_RELAUNCH", "1");
            Process child = pb.start();
            Thread stopChild = new Thread(child::destroy);
            Runtime.getRuntime().addShutdownHook(stopChild);
            int code = child.waitFor();
            try {
                Runtime.getRuntime().removeShutdownHook(stopChild);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already exiting
            }
            return code;
        } catch (Exception e) {
            System.err.println("anneal: could not start a JVM with --add-modules=jdk.incubator.vector ("
                    + e.getMessage() + "); run java --add-modules=jdk.incubator.vector -jar "
                    + Path.of(System.getProperty("java.class.path")).getFileName() + " instead");
            return 1;
        }
    }
}
