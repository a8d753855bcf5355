package anneal.bench;

import anneal.ConfigurationException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One sweep per folder: an exclusive OS lock ({@code fcntl}) on {@code DIR/}{@value #FILE_NAME}, held for the
 * sweep's life and released by the kernel however the sweep ends ({@code kill -9} included), so a stale lock
 * never blocks a {@code --resume}. The file holds the owner's PID for the refusal message; it is never deleted
 * (deleting a lock file lets two processes lock two different files). The sweep does not use JMH's
 * machine-wide {@code /tmp/jmh.lock} (see {@link JmhCellExecutor}).
 */
public final class SweepLock implements AutoCloseable {
    /** Lock file name inside the sweep folder. */
    public static final String FILE_NAME = "sweep.lock";
    /** A lock held by a process that is just dying (its launcher was killed) is retried this long. */
    private static final long GRACE_MILLIS = 3000;

    private final FileChannel channel;
    private final FileLock lock;

    private SweepLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks sweep folder {@code dir} (which must exist).
     *
     * @throws IllegalArgumentException when another sweep holds it, or the lock file cannot be written
     */
    public static SweepLock acquire(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new ConfigurationException("--out: cannot create the lock file " + file + " ("
                    + anneal.util.AtomicFiles.describe(e) + ")");
        }
        long deadline = System.nanoTime() + GRACE_MILLIS * 1_000_000;
        try {
            while (true) {
                FileLock l;
                try {
                    l = ch.tryLock();
                } catch (OverlappingFileLockException sameJvm) {
                    l = null;
                }
                if (l != null) {
                    ch.truncate(0);
                    ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
                    ch.force(true);
                    return new SweepLock(ch, l);
                }
                if (System.nanoTime() > deadline) {
                    String owner = owner(file);
                    ch.close();
                    throw new ConfigurationException("--out: another sweep" + owner + " is running in " + dir
                            + "; wait for it to end or choose another --out (nothing was changed)");
                }
                Thread.sleep(100);
            }
        } catch (IOException e) {
            closeQuietly(ch);
            throw new ConfigurationException("--out: cannot lock " + file + " (" + anneal.util.AtomicFiles.describe(e) + ")");
        } catch (InterruptedException e) {
            closeQuietly(ch);
            Thread.currentThread().interrupt();
            throw new ConfigurationException("--out: interrupted while waiting for the lock on " + file);
        }
    }

    private static String owner(Path file) {
        try {
            String pid = Files.readString(file, StandardCharsets.UTF_8).trim();
            return pid.matches("\\d{1,19}") ? " (pid " + pid + ")" : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing held
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        closeQuietly(channel);
    }
}
