package anneal.bench;

import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Runs a plan's remaining cells one after another through a {@link CellExecutor}. After each cell it re-reads
 * the journal: the cell's own JVM appends its record; when none arrived (the executor threw, or the JVM died)
 * the driver appends a {@code FAILED} record with the reason and goes on. Cells already in the journal are
 * skipped, which is what {@code --resume} relies on.
 */
public final class SweepDriver {
    private final Journal journal;
    private final CellExecutor executor;
    private final SweepListener listener;
    private final BooleanSupplier stopRequested;

    public SweepDriver(Journal journal, CellExecutor executor, SweepListener listener) {
        this(journal, executor, listener, () -> false);
    }

    /**
     * @param stopRequested true once the sweep is being stopped (Ctrl-C): a cell whose JVM ended then is the
     *                      cell in flight, not a failure, and is left unrecorded so that {@code --resume} reruns it
     */
    public SweepDriver(Journal journal, CellExecutor executor, SweepListener listener, BooleanSupplier stopRequested) {
        this.journal = journal;
        this.executor = executor;
        this.listener = listener;
        this.stopRequested = stopRequested;
    }

    /** What a sweep did. */
    public record Outcome(int planned, int skipped, int ran, int failed, Journal journal) {
    }

    /** Runs every cell of {@code plan} that the journal does not hold yet. */
    public Outcome run(SweepPlan plan) throws InterruptedException {
        List<SweepCell> all = plan.cells();
        List<SweepCell> todo = plan.remaining(journal.finishedCells());
        listener.started(all.size(), all.size() - todo.size());
        Journal current = journal;
        int ran = 0;
        int failed = 0;
        try {
            for (SweepCell cell : todo) {
                if (Thread.currentThread().isInterrupted()) throw new InterruptedException("sweep interrupted");
                listener.cellStarted(cell);
                String error = null;
                try {
                    executor.execute(cell, journal.file());
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    error = CellRunner.describe(e);
                }
                current = current.reload();
                RunRecord record = lastRecordOf(current, cell);
                if (record == null && stopRequested.getAsBoolean())
                    throw new InterruptedException("sweep stopped during " + cell.label());
                if (record == null) {
                    CatalogueEntry entry = ScheduleCatalogue.get(cell.schedule());
                    record = RunRecord.failed(cell, entry.family(), entry.baseLr(),
                            error != null ? error : "the cell's JVM ended without writing a record");
                    Journal.append(journal.file(), record);
                    current = current.reload();
                }
                if (RunRecord.FAILED.equals(record.status())) failed++;
                ran++;
                listener.cellFinished(cell, record);
            }
        } finally {
            listener.finished();
        }
        return new Outcome(all.size(), all.size() - todo.size(), ran, failed, current);
    }

    private static RunRecord lastRecordOf(Journal j, SweepCell cell) {
        List<RunRecord> runs = j.runs();
        for (int i = runs.size() - 1; i >= 0; i--)
            if (runs.get(i).cell().equals(cell)) return runs.get(i);
        return null;
    }
}
