package anneal.bench;

/** Progress of a sweep, for the progress bar and the per-cell summary lines. All methods optional. */
public interface SweepListener {
    SweepListener NONE = new SweepListener() {
    };

    /** The sweep starts: {@code total} cells in the plan, {@code alreadyDone} of them recorded before. */
    default void started(int total, int alreadyDone) {
    }

    /** {@code cell} starts. */
    default void cellStarted(SweepCell cell) {
    }

    /** {@code cell} finished with {@code record} (possibly {@code FAILED}). */
    default void cellFinished(SweepCell cell, RunRecord record) {
    }

    /** The sweep ended (all cells, or interrupted). */
    default void finished() {
    }
}
