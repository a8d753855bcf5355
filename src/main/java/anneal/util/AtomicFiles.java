package anneal.util;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes an output file so that it is either the complete new content or still the old one: the bytes go to a
 * hidden temporary file in the same folder ({@code .NAME.tmp-RANDOM}), are {@code fsync}ed, and the
 * temporary file is renamed over {@code NAME} in one atomic step. A failure part-way (a full disk, a kill)
 * leaves the real name untouched; the temporary file is deleted when the JVM is still there to delete it.
 * Every output file anneal writes goes through here, except the sweep journal, which is append-only.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Writes what {@code body} writes to its stream. */
    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Replaces {@code file} with {@code bytes}. */
    public static void write(Path file, byte[] bytes) throws IOException {
        write(file, out -> out.write(bytes));
    }

    /**
     * Replaces {@code file} with what {@code body} writes.
     *
     * @throws IOException naming {@code file} and the cause (e.g. "No space left on device"); {@code file} is unchanged
     */
    public static void write(Path file, Body body) throws IOException {
        Path target = file.toAbsolutePath();
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1));
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 OutputStream out = Channels.newOutputStream(ch)) {
                body.writeTo(new NonClosing(out));
                out.flush();
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot rename " + tmp + " to " + target + " atomically on this file system", e);
            }
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort: a hidden leftover never shadows the real name
            }
            if (e instanceof IOException io) throw naming(target, io);
            throw e;
        }
    }

    /**
     * {@code e} as if it had happened on {@code target} rather than on the temporary file: the same kind for a
     * missing folder or a permission (callers report those by type), else "cannot write TARGET: CAUSE".
     */
    private static IOException naming(Path target, IOException e) {
        IOException out;
        if (e instanceof java.nio.file.NoSuchFileException) out = new java.nio.file.NoSuchFileException(target.toString());
        else if (e instanceof java.nio.file.AccessDeniedException) out = new java.nio.file.AccessDeniedException(target.toString());
        else out = new IOException("cannot write " + target + ": " + describe(e));
        out.initCause(e);
        return out;
    }

    /** The cause's message without the path the caller already names: "No space left on device". */
    public static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String msg = root.getMessage();
        if (root instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) msg = fse.getReason();
        if (root instanceof java.nio.file.AccessDeniedException) msg = "permission denied";
        return msg == null ? root.getClass().getSimpleName() : msg;
    }

    /** Keeps a writer that closes its stream (ImageIO, Jackson) from closing ours before the fsync. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
