package anneal.slurm;

import anneal.bench.CatalogueEntry;
import anneal.bench.CellExecutor;
import anneal.bench.CellRunner;
import anneal.bench.Journal;
import anneal.bench.RunRecord;
import anneal.bench.ScheduleCatalogue;
import anneal.bench.SweepCell;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs one array task's cells one after another, each through a {@link CellExecutor} that appends the
 * cell's record to the task's shard (the JMH fork, as in a local sweep). A cell that throws, or whose JVM
 * ends without a record, gets a {@code FAILED} record with the reason and the task goes on with its next
 * cell. {@link #stop()} (the task's SIGTERM hook) makes the shard final: no append starts after it, an
 * append in progress completes first, and the cell in flight is dropped, left without a record for
 * {@code --resume} to rerun.
 */
public final class ShardRunner {
    /** How long a cell whose JVM ended without a record waits for a SIGTERM that may have ended it. */
    static final long STOP_GRACE_MILLIS = 3000;

    private final Path shard;
    private final CellExecutor executor;
    private final PrintStream log;
    private final long stopGraceMillis;
    private final Object appendLock = new Object();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile SweepCell inFlight;

    /** What a task did. */
    public record Outcome(int ran, int failed, SweepCell dropped, int notStarted) {
    }

    public ShardRunner(Path shard, CellExecutor executor, PrintStream log) {
        this(shard, executor, log, STOP_GRACE_MILLIS);
    }

    ShardRunner(Path shard, CellExecutor executor, PrintStream log, long stopGraceMillis) {
        this.shard = shard;
        this.executor = executor;
        this.log = log;
        this.stopGraceMillis = stopGraceMillis;
    }

    /** Runs {@code cells} in order; returns early, dropping the cell in flight, once {@link #stop()} was called. */
    public Outcome run(List<SweepCell> cells) {
        int ran = 0;
        int failed = 0;
        for (int i = 0; i < cells.size(); i++) {
            SweepCell cell = cells.get(i);
            if (stopping) return new Outcome(ran, failed, null, cells.size() - i);
            inFlight = cell;
            log.println("cell " + (i + 1) + "/" + cells.size() + ": " + cell.label() + " ...");
            String error = null;
            try {
                executor.execute(cell, shard);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome(ran, failed, cell, cells.size() - i - 1);
            } catch (Exception e) {
                error = CellRunner.describe(e);
            }
            RunRecord record;
            try {
                record = lastRecordOf(cell);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read or repair the shard " + shard, e);
            }
            if (record == null) {
                if (awaitStop()) return new Outcome(ran, failed, cell, cells.size() - i - 1);
                CatalogueEntry entry = ScheduleCatalogue.get(cell.schedule());
                record = RunRecord.failed(cell, entry.family(), entry.baseLr(),
                        error != null ? error : "the cell's JVM ended without writing a record");
                synchronized (appendLock) {
                    if (stopping) return new Outcome(ran, failed, cell, cells.size() - i - 1);
                    Journal.append(shard, record);
                }
            }
            inFlight = null;
            ran++;
            if (RunRecord.FAILED.equals(record.status())) failed++;
            log.println("cell " + (i + 1) + "/" + cells.size() + ": " + cell.label() + " " + record.status()
                    + (record.error() != null ? " (" + record.error() + ")" : "")
                    + (Double.isNaN(record.bestTestAccuracy()) ? "" : " best " + record.bestTestAccuracy()));
        }
        return new Outcome(ran, failed, null, 0);
    }

    /**
     * Stops the task: after this returns no record will be appended by this runner (one being appended has been
     * written whole). Returns the cell that was in flight, dropped, or null.
     */
    public SweepCell stop() {
        stopping = true;
        stopped.countDown();
        synchronized (appendLock) {
            return inFlight;
        }
    }

    /**
     * The cell's JVM died inside its append (killed on its own, e.g. by the kernel's OOM killer), leaving an
     * incomplete last line. The shard has no other writer and that JVM is gone, so cutting the line restores a
     * journal that further records can be appended to.
     */
    private void cutIncompleteLine(SweepCell cell) throws IOException {
        synchronized (appendLock) {
            byte[] bytes = Files.readAllBytes(shard);
            int keep = bytes.length;
            while (keep > 0 && bytes[keep - 1] != '\n') keep--;
            try (FileChannel ch = FileChannel.open(shard, StandardOpenOption.WRITE)) {
                ch.truncate(keep);
                ch.force(true);
            }
            log.println("cell " + cell.label() + ": its JVM died inside a write; the incomplete line ("
                    + (bytes.length - keep) + " bytes) was cut from " + shard);
        }
    }

    private boolean awaitStop() {
        try {
            return stopped.await(stopGraceMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private RunRecord lastRecordOf(SweepCell cell) throws IOException {
        ShardSet.Shard read = ShardSet.readShard(shard);
        if (read.tornLine()) cutIncompleteLine(cell);
        List<RunRecord> runs = read.runs();
        for (int i = runs.size() - 1; i >= 0; i--)
            if (runs.get(i).cell().equals(cell)) return runs.get(i);
        return null;
    }
}
