package anneal.bench;

/**
 * The sweep stopped on an infrastructure failure (a cell's JVM did not start or ended without a record, the
 * disk is full, the journal cannot be appended): nothing was journaled for the cell in flight, so
 * {@code --resume} runs it again once the cause is fixed. Never a property of the cell, so never a
 * {@code FAILED} record.
 */
public final class SweepStoppedException extends RuntimeException {
    public SweepStoppedException(String message, Throwable cause) {
        super(message, cause);
    }
}
