package anneal.bench;

import anneal.util.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Fashion-MNIST's gzipped IDX files decompressed once per sweep, so that each cell's JVM reads plain files instead of
 * inflating 30 MB again (in the idle default sweep about 60% of the 0.8 s a cell spent loading data). The sweep
 * writes the cache into its folder before the first cell ({@link #create}), names it to every cell's JVM with the
 * system property {@value #PROPERTY}, and removes it when it ends. A cell uses the cache only while the source
 * files still have the sizes and modification times recorded beside it ({@value #SOURCE}); otherwise, and when the
 * property is unset (a Slurm task, {@code anneal bench}), it reads the data folder itself. The cache changes where
 * bytes come from, never which: FashionMnist reads a plain IDX file exactly as the gzipped one.
 */
public final class DataCache {
    /** The system property naming the cache folder to a cell's JVM. */
    public static final String PROPERTY = "anneal.sweep.dataCache";
    /** The cache's folder inside the sweep folder. */
    public static final String FOLDER = ".data-cache";
    /** The file recording which source files the cache was made from. */
    static final String SOURCE = "source.txt";
    static final List<String> FILES = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
            "t10k-labels-idx1-ubyte");

    private DataCache() {
    }

    /**
     * Decompresses {@code dataDir}'s four {@code .gz} files into {@code sweepDir/}{@value #FOLDER}.
     *
     * @return the cache folder, or null when there is nothing to gain (the files are not gzipped) or it cannot be
     *         written (a full disk): then nothing is left behind and the cells read {@code dataDir}
     */
    public static Path create(Path dataDir, Path sweepDir) {
        Path dir = sweepDir.resolve(FOLDER);
        try {
            for (String f : FILES) if (!Files.isRegularFile(dataDir.resolve(f + ".gz"))) return null;
            delete(dir);
            Files.createDirectories(dir);
            for (String f : FILES)
                try (InputStream in = new GZIPInputStream(Files.newInputStream(dataDir.resolve(f + ".gz")), 1 << 16)) {
                    AtomicFiles.write(dir.resolve(f), in::transferTo);
                }
            AtomicFiles.write(dir.resolve(SOURCE), source(dataDir).getBytes(StandardCharsets.UTF_8));
            return dir;
        } catch (IOException | RuntimeException e) {
            delete(dir);
            return null;
        }
    }

    /** The folder a cell reads {@code dataDir}'s data from: the cache {@value #PROPERTY} names while it matches, else {@code dataDir}. */
    public static Path forCell(Path dataDir) {
        String p = System.getProperty(PROPERTY);
        if (p == null) return dataDir;
        Path dir = Path.of(p);
        try {
            for (String f : FILES) if (!Files.isRegularFile(dir.resolve(f))) return dataDir;
            return Files.readString(dir.resolve(SOURCE), StandardCharsets.UTF_8).equals(source(dataDir)) ? dir : dataDir;
        } catch (IOException | RuntimeException e) {
            return dataDir;
        }
    }

    /** The {@code -D} option that names {@code cache} to a cell's JVM. */
    public static String optionFor(Path cache) {
        return "-D" + PROPERTY + "=" + cache.toAbsolutePath();
    }

    /** Removes the cache folder (quietly: a leftover is rewritten by the next sweep on the folder). */
    public static void delete(Path dir) {
        if (dir == null || !Files.isDirectory(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        } catch (IOException | RuntimeException e) {
            // left for the next sweep, which replaces it
        }
    }

    /** Each source file's absolute path, size and modification time, one a line. */
    private static String source(Path dataDir) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String f : FILES) {
            Path gz = dataDir.resolve(f + ".gz").toAbsolutePath();
            sb.append(gz).append(' ').append(Files.size(gz)).append(' ').append(Files.getLastModifiedTime(gz).toMillis())
                    .append('\n');
        }
        return sb.toString();
    }
}
