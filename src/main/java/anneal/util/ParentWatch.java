package anneal.util;

import java.util.Optional;

/**
 * Ties a JVM's life to another process: a daemon thread polls the watched process (by PID and start time, so a
 * reused PID does not count) and, once it is gone, kills this JVM's own child processes and halts. Used by the
 * JVM {@code anneal.cli.Main} relaunches with the Vector API module (watching the launcher) and by the sweep's
 * JMH forks (watching the sweep), so that {@code kill -9} of the one PID a user, a CI runner or the OOM killer
 * sees stops everything behind it. The PID comes from the system property {@value #PROPERTY}.
 */
public final class ParentWatch {
    /** System property: the PID this JVM must not outlive. */
    public static final String PROPERTY = "anneal.watch.pid";
    /** Exit status of a JVM whose watched process vanished (128 + SIGHUP, as a shell reports a lost terminal). */
    public static final int ORPHANED_STATUS = 129;
    private static final long POLL_MILLIS = 200;

    private ParentWatch() {
    }

    /** The {@code -D} option that makes a child JVM watch this one. */
    public static String optionForChildren() {
        return "-D" + PROPERTY + "=" + ProcessHandle.current().pid();
    }

    /** Starts watching the PID named by {@value #PROPERTY}, if set; returns whether it did. */
    public static boolean startFromProperty() {
        String pid = System.getProperty(PROPERTY);
        if (pid == null || pid.isBlank()) return false;
        long p;
        try {
            p = Long.parseLong(pid.trim());
        } catch (NumberFormatException e) {
            return false;
        }
        Optional<ProcessHandle> watched = ProcessHandle.of(p);
        if (watched.isEmpty()) halt(); // already gone before we started
        watch(watched.get());
        return true;
    }

    private static final Object LOCK = new Object();
    private static Thread thread;

    /** Halts this JVM (after killing its children) once {@code watched} has exited. Idempotent per JVM. */
    public static void watch(ProcessHandle watched) {
        synchronized (LOCK) {
            if (thread != null) return;
            thread = new Thread(() -> {
                while (watched.isAlive()) {
                    try {
                        Thread.sleep(POLL_MILLIS);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                halt();
            }, "anneal-parent-watch");
            thread.setDaemon(true);
            thread.start();
        }
    }

    private static void halt() {
        killDescendants();
        Runtime.getRuntime().halt(ORPHANED_STATUS);
    }

    /**
     * Kills ({@code SIGKILL}) every process this JVM started, directly or not, and waits up to {@code 10 s}
     * for them to be gone. Returns how many there were.
     */
    public static int killDescendants() {
        var all = ProcessHandle.current().descendants().toList();
        for (ProcessHandle h : all) h.destroyForcibly();
        long deadline = System.nanoTime() + 10_000_000_000L;
        for (ProcessHandle h : all) {
            while (h.isAlive() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return all.size();
                }
            }
        }
        return all.size();
    }
}
