package anneal.bench;

import java.nio.file.Path;

/**
 * Runs one cell so that its record ends up appended to the journal. The sweep runs cells through JMH
 * ({@link JmhCellExecutor}: a forked JVM per cell, which appends the record itself); the sweep checks the
 * journal afterwards and records a {@code FAILED} cell when no record arrived.
 */
@FunctionalInterface
public interface CellExecutor {
    /**
     * Runs {@code cell} of the sweep whose journal is {@code journalFile}.
     *
     * @throws Exception when the cell could not run; the sweep records it and goes on
     */
    void execute(SweepCell cell, Path journalFile) throws Exception;
}
