package anneal.slurm;

import anneal.ConfigurationException;
import anneal.bench.HeaderContract;
import anneal.bench.Journal;
import anneal.bench.JournalHeader;
import anneal.bench.SweepCell;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code DIR/plan.json}: the sweep handed to Slurm, written once before the first submission and only read
 * afterwards. It holds the journal header a local sweep would start with (the protocol, the plan, where it
 * was planned) and the plan's cells in order; array tasks name cells by their index in {@link #cells}.
 *
 * <p>Both are serialised by Jackson from the records themselves ({@link JournalHeader}, {@link SweepCell}),
 * so whatever fields the plan, the settings or a cell gain later (tuning trials, validation targets, ...)
 * travel to the tasks and into the shards without a change here.
 *
 * @param format       always {@link #FORMAT}
 * @param version      {@link #VERSION}
 * @param header       the header every shard of this sweep starts with (its environment extended per task)
 * @param cellsPerTask cells per array task unless a submission says otherwise
 * @param cells        every cell of the plan, in the plan's order
 */
public record SlurmPlan(String format, int version, JournalHeader header, int cellsPerTask, List<SweepCell> cells) {
    /** The file's {@code format} value. */
    public static final String FORMAT = "anneal-slurm-plan";
    /** Current version; higher ones are refused. */
    public static final int VERSION = 1;
    /** File name inside the sweep folder. */
    public static final String FILE_NAME = "plan.json";

    public SlurmPlan {
        if (cellsPerTask < 1) throw new ConfigurationException("--cells-per-task must be >= 1, got " + cellsPerTask);
        cells = List.copyOf(cells);
        if (cells.isEmpty()) throw new ConfigurationException("the plan has no cells");
    }

    /** A new plan file's content for {@code header}: its plan's cells, in order. */
    public static SlurmPlan of(JournalHeader header, int cellsPerTask) {
        return new SlurmPlan(FORMAT, VERSION, header, cellsPerTask, header.plan().cells());
    }

    public static Path fileIn(Path dir) {
        return dir.resolve(FILE_NAME);
    }

    /** Whether {@code dir} holds a Slurm sweep. */
    public static boolean existsIn(Path dir) {
        return Files.isRegularFile(fileIn(dir));
    }

    /**
     * Reads {@code DIR/plan.json}.
     *
     * @throws IllegalArgumentException when it is missing, not a plan, of a newer version or unreadable
     */
    public static SlurmPlan read(Path dir) {
        Path file = fileIn(dir);
        if (!Files.isRegularFile(file))
            throw new ConfigurationException(dir + " holds no Slurm sweep plan (" + FILE_NAME
                    + "); start one with: anneal sweep --slurm " + dir);
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigurationException(file + " is not a readable plan (" + e.getMessage().lines().findFirst().orElse("")
                    + ")");
        }
        if (node == null || !FORMAT.equals(node.path("format").asText()))
            throw new ConfigurationException(file + " is not an anneal Slurm plan (no \"format\": \"" + FORMAT + "\")");
        int v = node.path("version").asInt(-1);
        if (v < 1 || v > VERSION)
            throw new ConfigurationException(file + " has plan version " + v + "; this anneal reads 1.." + VERSION);
        try {
            return Json.MAPPER.treeToValue(node, SlurmPlan.class);
        } catch (IOException e) {
            throw new ConfigurationException(file + " is not a readable plan (" + e.getMessage().lines().findFirst().orElse("")
                    + ")");
        }
    }

    /** Writes the plan into {@code dir} (atomically). */
    public void write(Path dir) throws IOException {
        Json.writeAtomically(fileIn(dir), Json.MAPPER.writeValueAsString(this) + "\n");
    }

    /**
     * The first field in which {@code other}'s protocol or plan differs from this plan's, as
     * {@code "settings.target: 0.9 here, 0.85 there"}, or null when they are the same sweep. Compares the
     * serialised forms field by field, so fields added to the settings or the plan later are compared too;
     * the header's time and environment are not part of the sweep and are not compared.
     */
    public String differenceFrom(JournalHeader other) {
        if (!Journal.FORMAT.equals(other.format()) || other.version() != header.version())
            return "journal format " + other.format() + " v" + other.version() + " vs " + header.format() + " v" + header.version();
        List<String> d = HeaderContract.differences(header, other, Set.of("settings", "plan"), WORDING);
        return d.isEmpty() ? null : d.get(0);
    }

    /** A plan's differences name this folder's side "here" and the other "there". */
    private static final HeaderContract.Wording WORDING = new HeaderContract.Wording("here", "there", "absent");
}
