package anneal.bench;

import anneal.ConfigurationException;
import anneal.util.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The sweep folder's checks before a journal is created or resumed: the folder and its {@code logs/} can be
 * created and written (a probe file is written, synced and removed in each, which also catches a read-only
 * mount and a full disk, which permission bits do not show, e.g. for root). A failure here is bad input,
 * exit 2, with nothing journaled.
 */
public final class SweepFolder {
    /** JMH's per-cell logs, inside the sweep folder. */
    public static final String LOGS = "logs";

    private SweepFolder() {
    }

    /** Creates {@code dir} and {@code dir/logs} if needed and checks both can be written. */
    public static void requireWritable(Path dir) {
        for (Path d : new Path[] {dir, dir.resolve(LOGS)}) {
            try {
                Files.createDirectories(d);
            } catch (IOException | SecurityException e) {
                throw new ConfigurationException("--out: cannot create folder " + d + " (" + AtomicFiles.describe(e) + ")");
            }
            if (!Files.isDirectory(d))
                throw new ConfigurationException("--out: " + d + " is not a folder");
            Path probe = d.resolve(".anneal-write-probe");
            try {
                AtomicFiles.write(probe, new byte[512]);
                Files.deleteIfExists(probe);
            } catch (IOException e) {
                throw new ConfigurationException("--out: folder " + d + " is not writable (" + AtomicFiles.describe(e)
                        + "); nothing was changed");
            }
        }
    }
}
