package anneal.data;

import anneal.ConfigurationException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads the IDX format of (Fashion-)MNIST: a big-endian header {@code 0x00 0x00 type rank}, one 32-bit
 * size per dimension, then the unsigned bytes. Files may be gzipped (detected by the gzip magic) or plain.
 * Only unsigned-byte data ({@code type 0x08}) is accepted: images have magic {@code 0x00000803}
 * (rank 3: count x rows x cols), labels {@code 0x00000801} (rank 1: count).
 *
 * <p>Every problem is an {@link IdxFormatException} whose one-line message names the file and what is wrong.
 */
public final class IdxReader {
    /** Magic number of a rank-3 unsigned-byte IDX file (images). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of a rank-1 unsigned-byte IDX file (labels). */
    public static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {
    }

    /** An IDX file's dimensions and its raw unsigned bytes. */
    public record IdxData(int[] dims, byte[] data) {
        /** Number of items (the first dimension). */
        public int count() {
            return dims[0];
        }

        /** Bytes per item (product of the other dimensions). */
        public int itemSize() {
            int s = 1;
            for (int i = 1; i < dims.length; i++) s *= dims[i];
            return s;
        }
    }

    /** Reads an IDX file and checks its magic number is {@code expectedMagic}. */
    public static IdxData read(Path file, int expectedMagic) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(2);
            int b0 = raw.read(), b1 = raw.read();
            raw.reset();
            boolean gzip = b0 == 0x1f && b1 == 0x8b;
            long fileSize = Files.size(file);
            long[] trailer = gzip ? gzipTrailer(file, fileSize) : null;
            CRC32 crc = new CRC32();
            InputStream body = gzip ? new CheckedInputStream(new GZIPInputStream(raw, 1 << 16), crc) : raw;
            try (DataInputStream in = new DataInputStream(body)) {
                IdxData d = parse(file, in, expectedMagic, fileSize, gzip);
                if (gzip && crc.getValue() != trailer[0]) {
                    throw new IdxFormatException(file + ": bytes after the end of the gzip stream (its last 8 bytes are "
                            + "not the stream's CRC and size); allowed: exactly one gzip stream");
                }
                return d;
            }
        } catch (NoSuchFileException e) {
            throw new IdxFormatException(file + ": file not found");
        } catch (ZipException e) {
            throw new IdxFormatException(file + ": corrupt gzip data (" + e.getMessage() + ")");
        } catch (EOFException e) {
            throw new IdxFormatException(file + ": truncated (ends inside the header or data)");
        } catch (IOException e) {
            throw new IdxFormatException(file + ": cannot read (" + e + ")");
        }
    }

    /** Up to {@code max} bytes of {@code in}, in a buffer that grows with what is read (never {@code max} up front). */
    private static byte[] readGrowing(InputStream in, int max) throws IOException {
        byte[] buf = new byte[Math.min(max, 1 << 20)];
        int n = 0;
        while (n < max) {
            if (n == buf.length) buf = java.util.Arrays.copyOf(buf, (int) Math.min(max, 2L * buf.length));
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) break;
            n += r;
        }
        return n == buf.length ? buf : java.util.Arrays.copyOf(buf, n);
    }

    /** A gzip file's last 8 bytes: the CRC-32 and the size mod 2^32 of what it decompresses to (RFC 1952). */
    private static long[] gzipTrailer(Path file, long fileSize) throws IOException {
        if (fileSize < 18) throw new IdxFormatException(file + ": truncated gzip file (" + fileSize + " bytes)");
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining()) {
                if (ch.read(b, fileSize - 8 + b.position()) < 0) throw new EOFException();
            }
            b.flip();
            return new long[] {b.getInt() & 0xffffffffL, b.getInt() & 0xffffffffL};
        }
    }

    /**
     * @param available bytes the file holds; for a plain file the header's sizes are checked against it before
     *                  anything is allocated
     */
    private static IdxData parse(Path file, DataInputStream in, int expectedMagic, long available, boolean gzip)
            throws IOException {
        int magic = in.readInt();
        if (magic != expectedMagic)
            throw new IdxFormatException(file + ": bad magic number 0x" + String.format("%08x", magic) + ", expected 0x"
                    + String.format("%08x", expectedMagic) + " (not an unsigned-byte IDX file of rank "
                    + (expectedMagic & 0xff) + ")");
        int rank = magic & 0xff;
        int[] dims = new int[rank];
        long total = 1;
        for (int i = 0; i < rank; i++) {
            dims[i] = in.readInt();
            if (dims[i] < 1) throw new IdxFormatException(file + ": dimension " + i + " is " + dims[i] + ", must be >= 1");
            total *= dims[i];
            if (total > Integer.MAX_VALUE - 16)
                throw new IdxFormatException(file + ": " + total + " bytes of data is too large");
        }
        long declared = 4L + 4L * rank + total;
        if (!gzip && declared > available) { // checked before allocating: a header may declare gigabytes
            throw new IdxFormatException(file + ": truncated: header says " + total + " data bytes ("
                    + java.util.Arrays.toString(dims) + "), the file holds " + Math.max(0, available - (declared - total)));
        }
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (total > free) {
            throw new IdxFormatException(file + ": " + (total >> 20) + " MiB of data does not fit the " + (free >> 20)
                    + " MiB of heap left; allowed: a larger -Xmx");
        }
        // a gzip stream's size is only known once read: grow the buffer with what arrives, up to what was declared
        byte[] data = gzip ? readGrowing(in, (int) total) : in.readNBytes((int) total);
        int n = data.length;
        if (n < total)
            throw new IdxFormatException(file + ": truncated: header says " + total + " data bytes, file has " + n);
        if (in.read() != -1)
            throw new IdxFormatException(file + ": trailing bytes after the " + total + " data bytes the header declares");
        return new IdxData(dims, data);
    }

    /** A missing, truncated or malformed IDX file; the message names the file. */
    public static final class IdxFormatException extends ConfigurationException {
        public IdxFormatException(String message) {
            super(message);
        }
    }
}
