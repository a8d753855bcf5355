package anneal.bench;

import anneal.ConfigurationException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The sweep's journal, {@code DIR/journal.jsonl}: one JSON object per line, a {@link JournalHeader} first,
 * then one {@link RunRecord} per finished cell. Every append is one write of a whole line followed by
 * {@code fsync}, by whichever JVM finished the cell (the forked benchmark JVM, or the sweep itself when a
 * cell's JVM died), so an interrupted sweep loses at most the cell in flight. Lines are only ever appended.
 */
public final class Journal {
    /** File name inside the sweep folder. */
    public static final String FILE_NAME = "journal.jsonl";
    /** The header's {@code format} value; any other value is a foreign file. */
    public static final String FORMAT = "anneal-sweep-journal";
    /** Current format version; higher versions are refused. */
    public static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path file;
    private final JournalHeader header;
    private final List<RunRecord> runs;

    private Journal(Path file, JournalHeader header, List<RunRecord> runs) {
        this.file = file;
        this.header = header;
        this.runs = runs;
    }

    /** The journal file inside sweep folder {@code dir}. */
    public static Path fileIn(Path dir) {
        return dir.resolve(FILE_NAME);
    }

    /**
     * Starts a new journal in {@code dir} (created if needed).
     *
     * @throws ConfigurationException if the folder cannot be written or already holds a journal
     */
    public static Journal create(Path dir, JournalHeader header) {
        Path file = fileIn(dir);
        requireWritableFolder(dir);
        if (Files.exists(file))
            throw new ConfigurationException("--out: " + file + " already exists; pass --resume to continue that sweep "
                    + "or choose another --out (nothing was changed)");
        ObjectNode line = JSON.valueToTree(header);
        line.put("type", "header");
        boolean created = false;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            created = true;
            writeLine(ch, line);
        } catch (IOException e) {
            if (created) {
                try {
                    Files.deleteIfExists(file); // a header we could not finish is no journal
                } catch (IOException ignored) {
                    // left for the user; Journal.read refuses it as incomplete
                }
            }
            throw new ConfigurationException("--out: cannot write " + file + " (" + anneal.util.AtomicFiles.describe(e) + ")");
        }
        return new Journal(file, header, new ArrayList<>());
    }

    /**
     * Replaces the header (for {@code --extend}, which grows the plan) and keeps every record byte for byte; the
     * file is rewritten to a temporary name and renamed, so a failure leaves the old journal as it was.
     */
    public Journal withHeader(JournalHeader newHeader) {
        try {
            byte[] old = Files.readAllBytes(file);
            int nl = 0;
            while (nl < old.length && old[nl] != '\n') nl++;
            ObjectNode line = JSON.valueToTree(newHeader);
            line.put("type", "header");
            byte[] head = (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
            byte[] out = new byte[head.length + old.length - Math.min(old.length, nl + 1)];
            System.arraycopy(head, 0, out, 0, head.length);
            System.arraycopy(old, Math.min(old.length, nl + 1), out, head.length, out.length - head.length);
            anneal.util.AtomicFiles.write(file, out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite the header of " + file + ": " + anneal.util.AtomicFiles.describe(e)
                    + " (the journal is unchanged)", e);
        }
        return read(file);
    }

    /**
     * Opens the journal in {@code dir} to continue it.
     *
     * @throws ConfigurationException if it is missing, foreign, corrupt or the folder is not writable
     */
    public static Journal resume(Path dir) {
        Path file = fileIn(dir);
        if (!Files.exists(file))
            throw new ConfigurationException("--resume: no journal at " + file + "; run without --resume to start one");
        Journal j = read(file);
        if (!Files.isWritable(file))
            throw new ConfigurationException("--resume: " + file + " is not writable");
        return j;
    }

    /**
     * Reads and validates a journal.
     *
     * @throws ConfigurationException naming the file and line when it is not an anneal journal or a line is corrupt
     */
    public static Journal read(Path file) {
        List<String> lines;
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigurationException("cannot read journal " + file + " (" + e.getMessage() + ")");
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (!text.isEmpty() && !text.endsWith("\n"))
            throw new ConfigurationException(file + " ends with an incomplete line (a write was interrupted); "
                    + "move the file aside or delete its last line, then resume");
        lines = text.lines().toList();
        if (lines.isEmpty()) throw new ConfigurationException(file + " is empty: not an anneal sweep journal");
        JournalHeader header;
        try {
            JsonNode first = JSON.readTree(lines.get(0));
            if (first == null || !first.isObject() || !FORMAT.equals(first.path("format").asText())
                    || !"header".equals(first.path("type").asText()))
                throw new ConfigurationException(file + " is not an anneal sweep journal (first line has no '"
                        + FORMAT + "' header)");
            int version = first.path("version").asInt(-1);
            if (version < 1 || version > VERSION)
                throw new ConfigurationException(file + " has journal format version " + version
                        + "; this anneal reads versions 1.." + VERSION);
            header = JSON.treeToValue(first, JournalHeader.class);
        } catch (IOException e) {
            throw new ConfigurationException(file + " is not an anneal sweep journal (line 1 is not JSON)");
        }
        List<RunRecord> runs = new ArrayList<>();
        List<Integer> lineNumbers = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) continue;
            try {
                JsonNode node = JSON.readTree(line);
                if (!"run".equals(node.path("type").asText()))
                    throw new IOException("no \"type\": \"run\"");
                RunRecord r = JSON.treeToValue(node, RunRecord.class);
                if (r.schedule() == null || r.status() == null || r.backend() == null)
                    throw new IOException("missing schedule, status or backend");
                runs.add(r);
                lineNumbers.add(i + 1);
            } catch (IOException e) {
                throw new ConfigurationException(file + " line " + (i + 1) + " is corrupt (" + firstLine(e.getMessage())
                        + "); nothing was changed");
            }
        }
        JournalRules.check(file, header, runs, lineNumbers);
        return new Journal(file, header, runs);
    }

    /**
     * Appends {@code record} to the journal file {@code file} as one line and fsyncs it, holding an exclusive
     * lock on the file meanwhile (the sweep and a cell's JVM never write at once). When the write fails (a full
     * disk), the file is truncated back to its last complete record and the exception names the cause.
     *
     * @throws UncheckedIOException "cannot append to FILE: No space left on device (...)"
     */
    public static synchronized void append(Path file, RunRecord record) {
        ObjectNode line = JSON.createObjectNode();
        line.put("type", "run");
        line.setAll((ObjectNode) JSON.valueToTree(record));
        byte[] bytes;
        try {
            bytes = (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("bug: a run record does not serialise: " + e.getMessage(), e);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE);
             java.nio.channels.FileLock ignored = ch.lock()) {
            long size = ch.size();
            try {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                long at = size;
                while (buf.hasRemaining()) at += ch.write(buf, at);
                ch.force(true);
            } catch (IOException e) {
                String kept;
                try {
                    ch.truncate(size);
                    ch.force(true);
                    kept = "the journal was cut back to its last complete record";
                } catch (IOException again) {
                    kept = "cutting the journal back failed too (" + anneal.util.AtomicFiles.describe(again)
                            + "): delete its last line before resuming";
                }
                throw new UncheckedIOException("cannot append to " + file + ": " + anneal.util.AtomicFiles.describe(e)
                        + " (" + kept + ")", e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file + ": " + anneal.util.AtomicFiles.describe(e), e);
        }
    }

    /** Appends {@code record} to this journal. */
    public void append(RunRecord record) {
        append(file, record);
        runs.add(record);
    }

    /** Re-reads the runs from disk (after forked JVMs appended to it). */
    public Journal reload() {
        return read(file);
    }

    static void writeLine(FileChannel ch, JsonNode node) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap((JSON.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8));
        while (buf.hasRemaining()) ch.write(buf);
        ch.force(true);
    }

    private static void requireWritableFolder(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException | SecurityException e) {
            throw new ConfigurationException("--out: cannot create folder " + dir + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
        if (!Files.isDirectory(dir) || !Files.isWritable(dir))
            throw new ConfigurationException("--out: folder " + dir + " is not writable");
    }

    private static String firstLine(String s) {
        if (s == null) return "unreadable";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    public Path file() {
        return file;
    }

    public JournalHeader header() {
        return header;
    }

    /**
     * The runs that count, in journal order: each cell's last record. A cell has more than one record only when
     * it {@code FAILED} and was retried ({@code --resume}); {@link #allRecords()} keeps the history.
     */
    public List<RunRecord> runs() {
        java.util.Map<SweepCell, Integer> last = new java.util.HashMap<>();
        for (int i = 0; i < runs.size(); i++) last.put(runs.get(i).cell(), i);
        List<RunRecord> out = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++)
            if (last.get(runs.get(i).cell()) == i) out.add(runs.get(i));
        return List.copyOf(out);
    }

    /** Every record in the file, failed attempts included, in journal order. */
    public List<RunRecord> allRecords() {
        return List.copyOf(runs);
    }

    /** How many {@code FAILED} records {@code cell} has (its failed attempts). */
    public int failedAttempts(SweepCell cell) {
        int n = 0;
        for (RunRecord r : runs)
            if (r.cell().equals(cell) && RunRecord.FAILED.equals(r.status())) n++;
        return n;
    }

    /** Cells that already have a record. */
    public Set<SweepCell> finishedCells() {
        Set<SweepCell> out = new LinkedHashSet<>();
        for (RunRecord r : runs) out.add(r.cell());
        return out;
    }
}
