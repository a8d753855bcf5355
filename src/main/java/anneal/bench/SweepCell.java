package anneal.bench;

/**
 * One cell of a sweep: a schedule trained with one seed for one epoch budget on one backend. A finished
 * cell has exactly one run record in the journal; {@code --resume} skips it.
 */
public record SweepCell(String schedule, long seed, int epochs, String backend) {
    /** Human-readable label for progress lines: {@code onecycle seed=0 epochs=3 cpu}. */
    public String label() {
        return schedule + " seed=" + seed + " epochs=" + epochs + " " + backend;
    }
}
