package anneal.cli;

import anneal.ConfigurationException;
import anneal.backend.BackendUnavailableException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Whose fault an exception is, and the one line and exit code that say so. Bad input
 * ({@link ConfigurationException}, picocli's parameter errors, an unavailable backend) is exit 2; an I/O failure
 * of the machine (disk full, file vanished) is exit 1; anything else is a bug in Anneal, exit 70 (sysexits'
 * {@code EX_SOFTWARE}), with the stack trace only under {@code ANNEAL_STACKTRACE=1}.
 */
final class Errors {
    /** Exit codes of every command (README "Exit codes"). */
    static final int OK = 0;
    /** Some runs failed or diverged (sweep), or the machine failed (I/O). */
    static final int FAILED = 1;
    /** Bad input: one line names the option or argument, the value and what is allowed. */
    static final int USAGE = 2;
    /** {@code train}: the run diverged (loss became NaN or infinite); the records are still written. */
    static final int DIVERGED = 3;
    /** A bug in Anneal (sysexits.h EX_SOFTWARE). */
    static final int BUG = 70;

    static final String REPORT = anneal.util.ProcessExit.BUG_REPORT;

    /**
     * The command-line option for an argument a lower layer names in a {@link ConfigurationException}: key
     * {@code subject + "." + argument}, or {@code command + " " + subject + "." + argument} where one command names
     * it differently. Schedule arguments are not here: they are named as in the spec.
     */
    private static final Map<String, String> OPTIONS = Map.ofEntries(
            Map.entry("catalogue.schedules", "--schedules"),
            Map.entry("bench catalogue.schedules", "-p schedule"),
            Map.entry("train.epochs", "--epochs"),
            Map.entry("train.batch", "--batch"),
            Map.entry("train.target", "--target"),
            Map.entry("train.lr", "--lr"),
            Map.entry("train.validation", "--validation"),
            Map.entry("train.eval-every", "--eval-every"),
            Map.entry("train.threads", "--threads"),
            Map.entry("train.hidden", "--hidden"),
            Map.entry("model.hidden", "--hidden"),
            Map.entry("SGD.momentum", "--momentum"),
            Map.entry("SGD.dampening", "--dampening"),
            Map.entry("SGD.weight_decay", "--weight-decay"),
            Map.entry("SGD.nesterov", "--nesterov"),
            Map.entry("backend.threads", "--threads"),
            Map.entry("backend.name", "--backend"),
            Map.entry("data.validation", "--validation"));

    private Errors() {
    }

    /** A run that started and then stopped for a reason the message gives (exit 1, the records so far are kept). */
    static final class RunFailedException extends RuntimeException {
        RunFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Whether {@code e} is a schedule refusing to go on (PyTorch raises there too: OneCycleLR past
     * {@code total_steps}, a phase of zero length, an expression undefined at a step) rather than a bug: a
     * {@link ConfigurationException}, or an {@link IllegalStateException} or {@link ArithmeticException} (Python's
     * OverflowError / ZeroDivisionError, where PyTorch's step raises them) thrown by a schedule class.
     */
    static boolean raisedBySchedule(Throwable e) {
        if (e instanceof ConfigurationException) return true;
        if (!(e instanceof IllegalStateException) && !(e instanceof ArithmeticException)) return false;
        StackTraceElement[] at = e.getStackTrace();
        return at.length > 0 && at[0].getClassName().startsWith("anneal.schedule.");
    }

    /** The option that names {@code argument} of {@code subject} on the command line, or null. */
    static String option(String subject, String argument) {
        return OPTIONS.get(subject + "." + argument);
    }

    /** As {@link #option(String, String)}, as command {@code cmd} names it. */
    static String option(String cmd, String subject, String argument) {
        return OPTIONS.getOrDefault(cmd + " " + subject + "." + argument, option(subject, argument));
    }

    /** Prints the one line for {@code ex} raised by command {@code cmd} and returns the exit code. */
    static int report(Throwable ex, String cmd, PrintWriter err) {
        if (System.getenv("ANNEAL_STACKTRACE") != null) ex.printStackTrace(err);
        String prefix = "anneal" + (cmd == null || cmd.equals("anneal") ? "" : " " + cmd) + ": ";
        int code;
        if (ex instanceof ConfigurationException c) {
            err.println(prefix + oneLine(c.message((subject, argument) -> option(cmd, subject, argument))));
            code = USAGE;
        } else if (raisedBySchedule(ex)) { // a schedule refusing its arguments at construction (lint, train)
            err.println(prefix + oneLine(ex.getMessage()));
            code = USAGE;
        } else if (ex instanceof BackendUnavailableException) {
            err.println(prefix + oneLine(ex.getMessage()));
            code = USAGE;
        } else if (ex instanceof RunFailedException) {
            err.println(prefix + oneLine(ex.getMessage()));
            code = FAILED;
        } else if (ex instanceof IOException || ex instanceof UncheckedIOException) {
            Throwable io = ex instanceof UncheckedIOException ? ex.getCause() : ex;
            err.println(prefix + "I/O error: " + oneLine(io.getClass().getSimpleName() + ": " + io.getMessage()));
            code = FAILED;
        } else if (ex instanceof OutOfMemoryError) {
            err.println(prefix + "out of memory (" + oneLine(ex.getMessage()) + "); the inputs passed the size checks, so "
                    + REPORT + " (a larger -Xmx may work around it)");
            code = BUG;
        } else {
            err.println(prefix + "internal error " + ex.getClass().getName() + ": " + oneLine(ex.getMessage()) + "; "
                    + REPORT);
            code = BUG;
        }
        err.flush();
        return code;
    }

    private static String oneLine(String s) {
        if (s == null) return "";
        return s.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
    }
}
