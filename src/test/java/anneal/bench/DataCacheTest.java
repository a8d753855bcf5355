package anneal.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import anneal.data.FashionMnist;
import anneal.data.Splits;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweep's decompressed copy of the data: cells load exactly what they would load from the gzipped files. */
class DataCacheTest {
    @TempDir
    Path tmp;

    @AfterEach
    void clear() {
        System.clearProperty(DataCache.PROPERTY);
    }

    private static void write(Path file, int magic, int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(bytes);
        d.writeInt(magic);
        for (int x : dims) d.writeInt(x);
        d.write(data);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(bytes.toByteArray());
        }
    }

    private Path data() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("data"));
        Random r = new Random(3);
        for (String prefix : new String[] {"train", "t10k"}) {
            int n = prefix.equals("train") ? 300 : 100;
            byte[] px = new byte[n * 784];
            byte[] y = new byte[n];
            r.nextBytes(px);
            for (int i = 0; i < n; i++) y[i] = (byte) r.nextInt(10);
            write(dir.resolve(prefix + "-images-idx3-ubyte.gz"), 0x803, new int[] {n, 28, 28}, px);
            write(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), 0x801, new int[] {n}, y);
        }
        return dir;
    }

    @Test
    void aCellReadsTheCacheWhileItMatchesAndLoadsTheSameSplits() throws IOException {
        Path data = data();
        Path cache = DataCache.create(data, tmp.resolve("sweep"));
        assertEquals(tmp.resolve("sweep").resolve(DataCache.FOLDER), cache);
        assertEquals(data, DataCache.forCell(data), "no property: the data folder itself");
        System.setProperty(DataCache.PROPERTY, cache.toString());
        assertEquals(cache, DataCache.forCell(data));
        Splits fromGz = FashionMnist.load(data, 50, 7);
        Splits fromCache = FashionMnist.load(DataCache.forCell(data), 50, 7);
        assertArrayEquals(fromGz.train().features(), fromCache.train().features());
        assertArrayEquals(fromGz.validation().labels(), fromCache.validation().labels());
        assertArrayEquals(fromGz.test().features(), fromCache.test().features());
        // another data folder, or a source file changed since: the cache is not used
        assertEquals(tmp, DataCache.forCell(tmp));
        Path gz = data.resolve("t10k-labels-idx1-ubyte.gz");
        Files.setLastModifiedTime(gz, FileTime.fromMillis(Files.getLastModifiedTime(gz).toMillis() + 5000));
        assertEquals(data, DataCache.forCell(data));
        DataCache.delete(cache);
        assertFalse(Files.exists(cache));
        assertEquals(data, DataCache.forCell(data), "deleted: the data folder");
    }

    @Test
    void plainFilesNeedNoCache() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("plain"));
        for (String f : DataCache.FILES) Files.write(dir.resolve(f), new byte[] {0});
        assertNull(DataCache.create(dir, tmp.resolve("sweep")));
        assertFalse(Files.exists(tmp.resolve("sweep").resolve(DataCache.FOLDER)));
    }
}
