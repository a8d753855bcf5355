package anneal.util;

/**
 * The one way Anneal's entry points end the JVM. {@link #exit} exits with the given status, unless a SIGINT or
 * SIGTERM has already begun the JVM's shutdown: then the JVM's own status for that signal (130, 143) stands.
 * A plain {@link System#exit} there races the signal's exit, whichever halts first winning: a Ctrl-C to the
 * launcher once ended in 143, the status of the child it had stopped with SIGTERM.
 */
public final class ProcessExit {
    /** What every entry point adds to the one line of an exception that is a bug in Anneal (exit 70). */
    public static final String BUG_REPORT = "this is a bug in Anneal: please report it with the command line and the "
            + "output of the same command run with ANNEAL_STACKTRACE=1";

    private ProcessExit() {
    }

    /** Exits with {@code status}, or, when a shutdown is already under way, waits for it to end the JVM. */
    public static void exit(int status) {
        if (shutdownInProgress()) {
            while (true) { // the shutdown halts the JVM when its hooks are done; a main thread does not hold it up
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException ignored) {
                    // keep waiting
                }
            }
        }
        System.exit(status);
    }

    /** Whether the JVM's shutdown has begun: from then on no hook can be added or removed. */
    public static boolean shutdownInProgress() {
        Thread probe = new Thread(() -> { }, "anneal-shutdown-probe");
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException shuttingDown) {
            return true;
        }
    }
}
