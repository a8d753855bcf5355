package anneal.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IDX reader on hand-built files, the Fashion-MNIST split and normalisation, the synthetic task. */
class DataTest {
    @TempDir
    Path dir;

    /** An IDX file's bytes: the magic, each dimension, then the data (big-endian, as the format says). */
    static byte[] idx(int magic, int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        for (int d : dims) out.writeInt(d);
        out.write(data);
        return bytes.toByteArray();
    }

    private Path write(String name, byte[] content, boolean gzip) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(p)) : Files.newOutputStream(p)) {
            out.write(content);
        }
        return p;
    }

    @Test
    void readsPlainAndGzippedFiles() throws IOException {
        byte[] data = {1, 2, 3, 4, 5, (byte) 200};
        for (boolean gz : new boolean[] {false, true}) {
            Path p = write("img" + gz, idx(IdxReader.IMAGES_MAGIC, new int[] {1, 2, 3}, data), gz);
            IdxReader.IdxData d = IdxReader.read(p, IdxReader.IMAGES_MAGIC);
            assertEquals(1, d.count());
            assertEquals(6, d.itemSize());
            assertEquals(200, d.data()[5] & 0xff);
        }
    }

    @Test
    void badFilesAreOneLineErrorsNamingFileAndProblem() throws IOException {
        Path wrongMagic = write("labels", idx(IdxReader.LABELS_MAGIC, new int[] {2}, new byte[] {0, 1}), false);
        String m = assertThrows(IllegalArgumentException.class, () -> IdxReader.read(wrongMagic, IdxReader.IMAGES_MAGIC)).getMessage();
        assertTrue(m.contains(wrongMagic.toString()) && m.contains("bad magic number 0x00000801"), m);

        byte[] full = idx(IdxReader.IMAGES_MAGIC, new int[] {2, 2, 2}, new byte[8]);
        Path truncated = write("trunc.gz", java.util.Arrays.copyOf(full, full.length - 3), true);
        m = assertThrows(IllegalArgumentException.class, () -> IdxReader.read(truncated, IdxReader.IMAGES_MAGIC)).getMessage();
        assertTrue(m.contains("trunc.gz") && m.contains("truncated") && m.contains("8 data bytes"), m);

        Path header = write("header", new byte[] {0, 0, 8}, false);
        m = assertThrows(IllegalArgumentException.class, () -> IdxReader.read(header, IdxReader.IMAGES_MAGIC)).getMessage();
        assertTrue(m.contains("truncated"), m);

        Path trailing = write("trailing", idx(IdxReader.LABELS_MAGIC, new int[] {1}, new byte[] {3, 4}), false);
        m = assertThrows(IllegalArgumentException.class, () -> IdxReader.read(trailing, IdxReader.LABELS_MAGIC)).getMessage();
        assertTrue(m.contains("trailing bytes"), m);

        byte[] gz = Files.readAllBytes(write("good.gz", full, true));
        gz[gz.length / 2] ^= 0x55;
        gz[gz.length - 5] ^= 0x55;
        Path corrupt = dir.resolve("corrupt.gz");
        Files.write(corrupt, gz);
        m = assertThrows(IllegalArgumentException.class, () -> IdxReader.read(corrupt, IdxReader.IMAGES_MAGIC)).getMessage();
        assertTrue(m.contains("corrupt.gz"), m);

        m = assertThrows(IllegalArgumentException.class, () -> IdxReader.read(dir.resolve("nope"), IdxReader.IMAGES_MAGIC)).getMessage();
        assertTrue(m.contains("nope") && m.contains("not found"), m);
    }

    @Test
    void missingDirectorySaysHowToInstall() {
        String m = assertThrows(IllegalArgumentException.class,
                () -> FashionMnist.load(dir.resolve("absent"), 10, 1)).getMessage();
        assertTrue(m.contains("apt-get install dataset-fashion-mnist") && m.contains("--data DIR"), m);
        m = assertThrows(IllegalArgumentException.class, () -> FashionMnist.load(dir, 10, 1)).getMessage();
        assertTrue(m.contains("train-images-idx3-ubyte") && m.contains("apt-get"), m);
    }

    @Test
    void holdsOutASeededValidationSplitAndNormalisesWithTrainStatistics() throws IOException {
        int n = 50, testN = 7;
        byte[] px = new byte[n * 784], labels = new byte[n], tpx = new byte[testN * 784], tlabels = new byte[testN];
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int i = 0; i < px.length; i++) px[i] = (byte) r.nextInt(256);
        for (int i = 0; i < n; i++) labels[i] = (byte) (i % 10);
        for (int i = 0; i < tpx.length; i++) tpx[i] = (byte) r.nextInt(256);
        write("train-images-idx3-ubyte.gz", idx(IdxReader.IMAGES_MAGIC, new int[] {n, 28, 28}, px), true);
        write("train-labels-idx1-ubyte", idx(IdxReader.LABELS_MAGIC, new int[] {n}, labels), false);
        write("t10k-images-idx3-ubyte", idx(IdxReader.IMAGES_MAGIC, new int[] {testN, 28, 28}, tpx), false);
        write("t10k-labels-idx1-ubyte.gz", idx(IdxReader.LABELS_MAGIC, new int[] {testN}, tlabels), true);
        Splits s = FashionMnist.load(dir, 12, 5);
        assertEquals(38, s.train().count());
        assertEquals(12, s.validation().count());
        assertEquals(7, s.test().count());
        // the train part has mean 0 and std 1 after normalisation (computed on it alone)
        double sum = 0, sq = 0;
        for (float v : s.train().features()) {
            sum += v;
            sq += (double) v * v;
        }
        int cnt = s.train().features().length;
        assertEquals(0, sum / cnt, 1e-5);
        assertEquals(1, Math.sqrt(sq / cnt - (sum / cnt) * (sum / cnt)), 1e-5);
        // every training image lands in exactly one split, labels travel with their images
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (Dataset d : new Dataset[] {s.train(), s.validation()})
            for (int i = 0; i < d.count(); i++) {
                float first = d.features()[i * 784];
                int found = -1;
                for (int j = 0; j < n; j++) {
                    boolean same = true;
                    for (int k = 0; k < 784 && same; k++)
                        same = Math.abs(((px[j * 784 + k] & 0xff) - (px[j * 784] & 0xff))
                                - (d.features()[i * 784 + k] - first) * scaleOf(s)) < 1e-2;
                    if (same) found = j;
                }
                assertTrue(found >= 0 && seen.add(found), "image " + i + " of " + d.name());
                assertEquals(labels[found], d.labels()[i]);
            }
        assertEquals(n, seen.size());
        // the same seed gives the same split, another seed another one
        assertEquals(java.util.Arrays.hashCode(s.validation().features()),
                java.util.Arrays.hashCode(FashionMnist.load(dir, 12, 5).validation().features()));
        assertTrue(java.util.Arrays.hashCode(s.validation().features())
                != java.util.Arrays.hashCode(FashionMnist.load(dir, 12, 6).validation().features()));
        assertThrows(IllegalArgumentException.class, () -> FashionMnist.load(dir, 50, 5));
    }

    /** Pixel units per normalised unit: 255 * std of the train part. */
    private static double scaleOf(Splits s) {
        // two distinct pixel values and their normalised values would do; use the relation std = 1 in normalised units
        float[] f = s.train().features();
        float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
        for (float v : f) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return 255.0 / (max - min);
    }

    @Test
    void syntheticDataIsSeededAndShaped() {
        Splits a = SyntheticData.blobs(5, 3, 20, 4, 6, 2.0, 9), b = SyntheticData.blobs(5, 3, 20, 4, 6, 2.0, 9);
        assertEquals(20, a.train().count());
        assertEquals(4, a.validation().count());
        assertEquals(6, a.test().count());
        assertTrue(java.util.Arrays.equals(a.train().features(), b.train().features()));
        assertTrue(!java.util.Arrays.equals(a.train().features(), SyntheticData.blobs(5, 3, 20, 4, 6, 2.0, 10).train().features()));
    }
}
