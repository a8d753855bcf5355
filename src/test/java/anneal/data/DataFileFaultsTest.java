package anneal.data;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import anneal.ConfigurationException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data files that are not what they claim (issue #10): each a {@link ConfigurationException} that says what is
 * wrong, found before anything large is allocated.
 */
class DataFileFaultsTest {
    @TempDir
    Path dir;

    private static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content);
        }
        return bytes.toByteArray();
    }

    private static String fails(Path file, int magic) {
        return assertThrows(ConfigurationException.class, () -> IdxReader.read(file, magic)).getMessage();
    }

    @Test
    void bytesAfterTheGzipStreamAreRefused() throws IOException {
        byte[] good = gzip(DataTest.idx(IdxReader.LABELS_MAGIC, new int[] {3}, new byte[] {1, 2, 3}));
        for (byte[] tail : new byte[][] {{0}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, "garbage after".getBytes()}) {
            byte[] withTail = java.util.Arrays.copyOf(good, good.length + tail.length);
            System.arraycopy(tail, 0, withTail, good.length, tail.length);
            Path p = Files.write(dir.resolve("labels.gz"), withTail);
            String m = fails(p, IdxReader.LABELS_MAGIC);
            assertTrue(m.contains("labels.gz") && (m.contains("after the end of the gzip stream")
                    || m.contains("trailing bytes")), m);
        }
        Files.write(dir.resolve("labels.gz"), good); // and without a tail it reads
        assertTrue(IdxReader.read(dir.resolve("labels.gz"), IdxReader.LABELS_MAGIC).count() == 3);
    }

    @Test
    void aHeaderDeclaringMoreImagesThanTheFileHoldsIsRefusedBeforeAllocating() throws IOException {
        // 2,700,000 images of 28 x 28 (2.1 GB) declared, 100 bytes present: plain and gzipped
        byte[] lying = DataTest.idx(IdxReader.IMAGES_MAGIC, new int[] {2_700_000, 28, 28}, new byte[100]);
        Path plain = Files.write(dir.resolve("images"), lying);
        String m = fails(plain, IdxReader.IMAGES_MAGIC);
        assertTrue(m.contains("truncated: header says 2116800000 data bytes"), m);
        Path gz = Files.write(dir.resolve("images.gz"), gzip(lying));
        m = fails(gz, IdxReader.IMAGES_MAGIC);
        assertTrue(m.contains("truncated: header says 2116800000 data bytes, file has 100"), m);
    }

    private String loadFails() {
        return assertThrows(ConfigurationException.class, () -> FashionMnist.load(dir, 10, 1)).getMessage();
    }

    @Test
    void aDirectoryASymlinkLoopOrAFifoInPlaceOfADataFileIsNamedForWhatItIs() throws Exception {
        Path images = dir.resolve("train-images-idx3-ubyte");
        Files.createDirectory(images);
        String m = loadFails();
        assertTrue(m.contains(images + " is a directory"), m);
        Files.delete(images);

        Path loop = dir.resolve("train-images-idx3-ubyte.gz");
        Files.createSymbolicLink(loop, loop);
        m = loadFails();
        assertTrue(m.contains(loop + " is a symbolic link loop"), m);
        Files.delete(loop);

        Files.createSymbolicLink(loop, dir.resolve("nowhere"));
        m = loadFails();
        assertTrue(m.contains(loop + " is a symbolic link that does not resolve"), m);
        Files.delete(loop);

        Process mkfifo = new ProcessBuilder("mkfifo", images.toString()).start();
        assumeTrue(mkfifo.waitFor() == 0, "mkfifo is not available");
        m = loadFails(); // must not block reading the FIFO
        assertTrue(m.contains(images + " is not a regular file (a FIFO"), m);
    }

    @Test
    void aFileInPlaceOfTheDataFolderIsNotCalledMissing() throws IOException {
        Path file = Files.writeString(dir.resolve("data"), "not a folder");
        String m = assertThrows(ConfigurationException.class, () -> FashionMnist.load(file, 10, 1)).getMessage();
        assertTrue(m.contains("Fashion-MNIST directory " + file + " is a file"), m);
    }
}
