package anneal.slurm;

import anneal.ConfigurationException;
import anneal.bench.Journal;
import anneal.bench.JournalHeader;
import anneal.bench.RunRecord;
import anneal.bench.SweepCell;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The journal shards of a Slurm sweep, {@code DIR/shards/SSS-TTTT[-rN]/journal.jsonl} (one per array task
 * run, so no two writers share a file), read and merged with the checks of one journal: every shard is a
 * journal ({@link Journal#read}) whose header is the plan's (same protocol, same plan), every record is a
 * cell of the plan, and no cell has two finished records. A shard whose last line is incomplete (its task
 * was killed inside a write) is read without that line, and the merge says so in {@link #notices()}.
 *
 * <p>A cell may have several {@code FAILED} records (one per attempt, see {@code --max-retries}); its merged
 * record is its finished one when an attempt succeeded, else its last failure.
 */
public final class ShardSet {
    /** Folder of the shards inside the sweep folder. */
    public static final String FOLDER = "shards";

    /**
     * One shard.
     *
     * @param file      its journal file
     * @param header    its header (null when the task died while writing it)
     * @param runs      its records, in order
     * @param tornLine  whether an incomplete last line was left out
     */
    public record Shard(Path file, JournalHeader header, List<RunRecord> runs, boolean tornLine) {
    }

    private final SlurmPlan plan;
    private final List<Shard> shards;
    private final Map<SweepCell, RunRecord> finished = new HashMap<>();
    private final Map<SweepCell, Path> finishedIn = new HashMap<>();
    private final Map<SweepCell, List<RunRecord>> failures = new HashMap<>();
    private final List<String> notices = new ArrayList<>();

    private ShardSet(SlurmPlan plan, List<Shard> shards) {
        this.plan = plan;
        this.shards = List.copyOf(shards);
        Map<SweepCell, Integer> index = new HashMap<>();
        for (int i = 0; i < plan.cells().size(); i++) index.put(plan.cells().get(i), i);
        for (Shard s : shards) {
            if (s.tornLine())
                notices.add(s.file() + ": incomplete last line ignored (its task was killed while writing it)");
            if (s.header() == null) continue;
            String diff = plan.differenceFrom(s.header());
            if (diff != null)
                throw new ConfigurationException(s.file() + " belongs to another sweep than " + SlurmPlan.FILE_NAME + " ("
                        + diff + "); move it out of " + FOLDER + "/");
            for (RunRecord r : s.runs()) {
                SweepCell c = r.cell();
                if (!index.containsKey(c))
                    throw new ConfigurationException(s.file() + " holds " + c.label() + ", which is not a cell of "
                            + SlurmPlan.FILE_NAME + "; move the shard out of " + FOLDER + "/");
                if (RunRecord.FAILED.equals(r.status())) {
                    failures.computeIfAbsent(c, k -> new ArrayList<>()).add(r);
                } else if (finished.containsKey(c)) {
                    throw new ConfigurationException(c.label() + " is recorded twice, in " + finishedIn.get(c) + " and "
                            + s.file() + "; move one of the two shards out of " + FOLDER + "/");
                } else {
                    finished.put(c, r);
                    finishedIn.put(c, s.file());
                }
            }
        }
    }

    /**
     * Reads every shard of the sweep in {@code dir}.
     *
     * @throws IllegalArgumentException naming the shard (and line) when one is not a journal of this plan
     */
    public static ShardSet read(Path dir, SlurmPlan plan) {
        return read(dir, plan, null);
    }

    /**
     * Reads the shards of the sweep in {@code dir} of one task, {@code task} ({@code SSS-TTTT} and its reruns'
     * {@code SSS-TTTT-rN}), or all shards when it is null. A task reads only its own earlier runs' shards, so that
     * a large array does not have every task read every shard.
     */
    static ShardSet read(Path dir, SlurmPlan plan, String task) {
        Path folder = dir.resolve(FOLDER);
        List<Shard> shards = new ArrayList<>();
        if (Files.isDirectory(folder)) {
            List<Path> dirs;
            try (Stream<Path> s = Files.list(folder)) {
                dirs = s.filter(Files::isDirectory).filter(d -> task == null || ofTask(d, task)).sorted().toList();
            } catch (IOException e) {
                throw new ConfigurationException("cannot list " + folder + " (" + e.getMessage() + ")");
            }
            for (Path d : dirs) {
                Path f = Journal.fileIn(d);
                if (Files.exists(f)) shards.add(readShard(f));
            }
        }
        return new ShardSet(plan, shards);
    }

    /** Reads one shard, leaving out an incomplete last line. */
    static Shard readShard(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigurationException("cannot read shard " + file + " (" + e.getMessage() + ")");
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.isEmpty() || text.endsWith("\n")) {
            Journal j = Journal.read(file);
            return new Shard(file, j.header(), j.allRecords(), false);
        }
        String complete = text.substring(0, text.lastIndexOf('\n') + 1);
        if (complete.isEmpty()) return new Shard(file, null, List.of(), true);
        Path tmp = null;
        try {
            tmp = Files.createTempFile("anneal-shard", ".jsonl");
            Files.writeString(tmp, complete);
            Journal j = Journal.read(tmp);
            return new Shard(file, j.header(), j.allRecords(), true);
        } catch (IOException e) {
            throw new ConfigurationException("cannot read shard " + file + " (" + e.getMessage() + ")");
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(e.getMessage().replace(tmp.toString(), file.toString()), e);
        } finally {
            if (tmp != null) try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a temporary file
            }
        }
    }

    public List<Shard> shards() {
        return shards;
    }

    /**
     * Cells recorded (finished or failed) by the runs of array task {@code task} of submission {@code number}: the
     * shards {@code SSS-TTTT} and {@code SSS-TTTT-rN}.
     */
    public Set<SweepCell> recordedBy(int number, int task) {
        String base = SlurmTask.shardName(number, task);
        Set<SweepCell> out = new HashSet<>();
        for (Shard s : shards)
            if (ofTask(s.file().getParent(), base))
                for (RunRecord r : s.runs()) out.add(r.cell());
        return out;
    }

    private static boolean ofTask(Path shardDir, String task) {
        String name = shardDir.getFileName().toString();
        return name.equals(task) || name.startsWith(task + "-r");
    }

    /** What the merge left out (incomplete last lines), one line each. */
    public List<String> notices() {
        return List.copyOf(notices);
    }

    /** The finished (not {@code FAILED}) record of {@code cell}, or null. */
    public RunRecord finished(SweepCell cell) {
        return finished.get(cell);
    }

    /** The {@code FAILED} records of {@code cell}, one per failed attempt, in shard order. */
    public List<RunRecord> failures(SweepCell cell) {
        return failures.getOrDefault(cell, List.of());
    }

    /** Cells with any record (finished or failed), which is what the local journal's {@code --resume} skips. */
    public boolean recorded(SweepCell cell) {
        return finished.containsKey(cell) || failures.containsKey(cell);
    }

    /** One record per recorded cell, in the plan's order: the finished one, else the last failure. */
    public List<RunRecord> merged() {
        List<RunRecord> out = new ArrayList<>();
        for (SweepCell c : plan.cells()) {
            RunRecord r = finished.get(c);
            if (r == null && failures.containsKey(c)) r = failures.get(c).get(failures.get(c).size() - 1);
            if (r != null) out.add(r);
        }
        return out;
    }

    /**
     * Writes the merged records as one journal, {@code DIR/journal.jsonl} (replaced atomically), so that
     * {@code anneal report} and every other journal reader see a Slurm sweep like a local one.
     *
     * @return the journal file
     */
    public Path writeMergedJournal(Path dir) throws IOException {
        Path tmpDir = dir.resolve(".merge");
        if (Files.exists(Journal.fileIn(tmpDir))) Files.delete(Journal.fileIn(tmpDir));
        Map<String, String> env = new LinkedHashMap<>(plan.header().environment() == null ? Map.of() : plan.header().environment());
        env.put("merged_from", shards.size() + " journal shards in " + dir.resolve(FOLDER));
        JournalHeader h = plan.header();
        Journal merged = Journal.create(tmpDir, new JournalHeader(h.format(), h.version(), h.createdAt(), h.settings(),
                h.plan(), env));
        for (RunRecord r : merged()) Journal.append(merged.file(), r);
        Path target = Journal.fileIn(dir);
        Files.move(merged.file(), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.deleteIfExists(tmpDir);
        return target;
    }
}
