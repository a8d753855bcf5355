package anneal.schedule;

/**
 * The cycles of {@link Schedule#cosineDecayRestarts}, in units of the first cycle: cycle {@code i} covers
 * {@code [S_i, S_{i+1})} with {@code S_i = (1 - tMul^i) / (1 - tMul)} ({@code S_i = i} when {@code tMul = 1}),
 * length {@code tMul^i} and peak {@code mMul^i}. The window of the last lookup is kept (an immutable object,
 * replaced once per cycle), so a step inside the current cycle costs no log or pow.
 */
final class RestartCycles {
    /** One cycle: its start, length, peak and index (0 for the first). */
    record Window(double start, double end, double length, double peak, double index) {
        boolean contains(double completed) {
            return completed >= start && completed < end;
        }
    }

    private final double tMul;
    private final double mMul;
    private final double logTMul;
    private volatile Window last;

    RestartCycles(double tMul, double mMul) {
        this.tMul = tMul;
        this.mMul = mMul;
        this.logTMul = Math.log(tMul);
    }

    private double start(double i) {
        return tMul == 1.0 ? i : (1.0 - Math.pow(tMul, i)) / (1.0 - tMul);
    }

    /** The cycle that {@code completed} (steps / first cycle length, >= 0) falls in. */
    Window window(double completed) {
        Window w = last;
        if (w != null && w.contains(completed)) return w;
        double i = tMul == 1.0 ? Math.floor(completed)
                : Math.floor(Math.log(1.0 - completed * (1.0 - tMul)) / logTMul);
        while (i > 0 && start(i) > completed) i--; // the log estimate can be one off at a boundary
        while (start(i + 1) <= completed) i++;
        w = new Window(start(i), start(i + 1), Math.pow(tMul, i), Math.pow(mMul, i), i);
        last = w;
        return w;
    }
}
