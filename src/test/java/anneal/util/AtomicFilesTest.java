package anneal.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private List<String> names() throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void replacesTheFileAndLeavesNoTemporaryFile() throws Exception {
        Path f = dir.resolve("out.json");
        AtomicFiles.write(f, "{\"a\":1}".getBytes());
        AtomicFiles.write(f, out -> {
            out.write("{\"b\":".getBytes());
            out.close(); // a writer that closes its stream (ImageIO, Jackson) must not lose the rest
            out.write("2}".getBytes());
        });
        assertEquals("{\"b\":2}", Files.readString(f));
        assertEquals(List.of("out.json"), names());
    }

    @Test
    void aWriterThatFailsPartWayLeavesTheOldFileWholeAndNamesTheCause() throws Exception {
        Path f = dir.resolve("plot.png");
        AtomicFiles.write(f, "old complete content".getBytes());
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write("half a new fi".getBytes());
            throw new IOException("No space left on device");
        }));
        assertEquals("cannot write " + f.toAbsolutePath() + ": No space left on device", e.getMessage());
        assertEquals("old complete content", Files.readString(f));
        assertEquals(List.of("plot.png"), names());
    }

    @Test
    void aFolderThatIsNotThereIsReportedAsSuchNamingTheFileNotTheTemporaryOne() {
        Path f = dir.resolve("missing").resolve("x.md");
        IOException e = assertThrows(java.nio.file.NoSuchFileException.class, () -> AtomicFiles.write(f, new byte[1]));
        assertEquals(f.toAbsolutePath().toString(), e.getMessage());
    }
}
