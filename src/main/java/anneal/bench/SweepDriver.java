package anneal.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Runs a plan's remaining cells one after another through a {@link CellExecutor} and re-reads the journal after
 * each: the cell's own JVM appends its record, {@code FAILED} included when training threw. The driver itself
 * never writes the journal. A cell whose JVM ended without a record is an infrastructure failure (the JVM did
 * not start, was killed, the disk is full), not a result: the sweep stops with {@link SweepStoppedException}
 * and nothing is recorded for it, so {@code --resume} runs it again. Cells whose last record is a result are
 * skipped; a {@code FAILED} cell is tried again while it has at most {@code maxRetries} failed attempts.
 */
public final class SweepDriver {
    /** Default for {@code --max-retries}: a failed cell gets three attempts in all. */
    public static final int DEFAULT_MAX_RETRIES = 2;

    private final Journal journal;
    private final CellExecutor executor;
    private final SweepListener listener;
    private final BooleanSupplier stopRequested;
    private final int maxRetries;

    public SweepDriver(Journal journal, CellExecutor executor, SweepListener listener) {
        this(journal, executor, listener, () -> false, DEFAULT_MAX_RETRIES);
    }

    /**
     * @param stopRequested true once the sweep is being stopped (Ctrl-C, SIGTERM): a cell whose JVM ended then is
     *                      the cell in flight, not a failure, and is left unrecorded so that {@code --resume} reruns it
     * @param maxRetries    how many failed attempts of a cell are retried (0: a {@code FAILED} cell stays failed)
     */
    public SweepDriver(Journal journal, CellExecutor executor, SweepListener listener, BooleanSupplier stopRequested,
                       int maxRetries) {
        if (maxRetries < 0) throw new IllegalArgumentException("--max-retries must be >= 0, got " + maxRetries);
        this.journal = journal;
        this.executor = executor;
        this.listener = listener;
        this.stopRequested = stopRequested;
        this.maxRetries = maxRetries;
    }

    /**
     * What a sweep did.
     *
     * @param skipped   cells not run: already finished, or failed more than {@code maxRetries} times
     * @param retried   cells run again after a {@code FAILED} attempt
     * @param failed    cells of the plan whose last record is {@code FAILED} when the sweep ended
     * @param exhausted cells not retried because they failed {@code 1 + maxRetries} times already
     * @param diverged  cells of the plan whose last record is {@code DIVERGED}
     */
    public record Outcome(int planned, int skipped, int ran, int retried, int failed, int exhausted, int diverged,
                          Journal journal) {
    }

    /** The cells of {@code plan} this driver would run now, in order. */
    public List<SweepCell> todo(SweepPlan plan) {
        List<SweepCell> todo = new ArrayList<>();
        for (SweepCell cell : plan.cells()) {
            RunRecord last = lastRecordOf(journal, cell);
            if (last == null || (RunRecord.FAILED.equals(last.status()) && journal.failedAttempts(cell) <= maxRetries))
                todo.add(cell);
        }
        return todo;
    }

    /**
     * Runs every cell of {@code plan} that the journal does not hold a result for yet.
     *
     * @throws InterruptedException   when the sweep was stopped (the cell in flight is not recorded)
     * @throws SweepStoppedException  on an infrastructure failure (nothing recorded for the cell in flight)
     */
    public Outcome run(SweepPlan plan) throws InterruptedException {
        List<SweepCell> all = plan.cells();
        List<SweepCell> todo = todo(plan);
        listener.started(all.size(), all.size() - todo.size());
        Journal current = journal;
        int ran = 0;
        int retried = 0;
        try {
            for (SweepCell cell : todo) {
                if (Thread.currentThread().isInterrupted() || stopRequested.getAsBoolean())
                    throw new InterruptedException("sweep interrupted");
                listener.cellStarted(cell);
                boolean retry = lastRecordOf(current, cell) != null;
                int recordsBefore = current.allRecords().size();
                Exception error = null;
                try {
                    executor.execute(cell, journal.file());
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    error = e;
                }
                if (stopRequested.getAsBoolean()) throw new InterruptedException("sweep stopped during " + cell.label());
                current = current.reload();
                List<RunRecord> records = current.allRecords();
                RunRecord record = records.size() > recordsBefore ? records.get(records.size() - 1) : null;
                if (record == null || !record.cell().equals(cell))
                    throw new SweepStoppedException(stoppedMessage(cell, error), error);
                ran++;
                if (retry) retried++;
                listener.cellFinished(cell, record);
            }
        } finally {
            listener.finished();
        }
        int failed = 0, exhausted = 0, diverged = 0;
        for (SweepCell cell : all) {
            RunRecord last = lastRecordOf(current, cell);
            if (last == null) continue;
            if (RunRecord.FAILED.equals(last.status())) {
                failed++;
                if (current.failedAttempts(cell) > maxRetries) exhausted++;
            }
            if ("DIVERGED".equals(last.status())) diverged++;
        }
        return new Outcome(all.size(), all.size() - todo.size(), ran, retried, failed, exhausted, diverged, current);
    }

    private String stoppedMessage(SweepCell cell, Exception error) {
        String why = error == null ? "its JVM ended without writing a record"
                : error instanceof org.openjdk.jmh.runner.RunnerException && error.getMessage() != null
                ? error.getMessage() // JmhCellExecutor's: the fork's own exception, or the log's first error line
                : CellRunner.describe(error);
        String space = "";
        try {
            long free = Files.getFileStore(journal.file().toAbsolutePath().getParent()).getUsableSpace();
            if (free < (1 << 20)) space = "; the disk is full (" + free + " bytes free next to the journal)";
        } catch (IOException | RuntimeException ignored) {
            // no file-store information
        }
        return "sweep stopped at " + cell.label() + ": " + why + space + "; nothing was recorded for that cell; fix the "
                + "cause and continue with --resume";
    }

    private static RunRecord lastRecordOf(Journal j, SweepCell cell) {
        List<RunRecord> runs = j.allRecords();
        for (int i = runs.size() - 1; i >= 0; i--)
            if (runs.get(i).cell().equals(cell)) return runs.get(i);
        return null;
    }
}
