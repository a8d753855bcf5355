package anneal.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The sweep's terminal output: a progress bar on stderr (cells done of all, the current cell, an ETA from
 * the cells run so far) and one summary line per finished cell on stdout. On a terminal the bar redraws one line
 * every second and is cleared before each summary line; in a log file or pipe (no console) it is written as a whole
 * line every {@link #LOG_UPDATE_MILLIS} ms instead, so a {@code 2>&1} log never has a summary glued to a bar.
 */
public final class ConsoleSweepListener implements SweepListener {
    private final PrintStream out;
    private final PrintStream err;
    private ProgressBar bar;
    /** How often the bar is written as a line when stderr is not a terminal. */
    static final int LOG_UPDATE_MILLIS = 30_000;

    public ConsoleSweepListener(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public synchronized void started(int total, int alreadyDone) {
        if (alreadyDone > 0) out.println("resuming: " + alreadyDone + " of " + total + " cells already in the journal");
        boolean terminal = System.console() != null;
        bar = new ProgressBarBuilder().setTaskName("sweep").setInitialMax(total)
                .setConsumer(terminal ? new ConsoleProgressBarConsumer(err) : new DelegatingProgressBarConsumer(err::println, 100))
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(terminal ? 1000 : LOG_UPDATE_MILLIS).continuousUpdate().startsFrom(alreadyDone, Duration.ZERO).setUnit(" cells", 1)
                .build();
    }

    @Override
    public synchronized void cellStarted(SweepCell cell) {
        if (bar != null) bar.setExtraMessage(cell.label());
    }

    @Override
    public synchronized void cellFinished(SweepCell cell, RunRecord r) {
        if (bar != null) bar.step();
        if (System.console() != null) err.print("\r\033[2K"); // clear the bar's line before the summary line
        out.println(summary(r));
    }

    /** Stops the bar (idempotent; also called by the sweep's stop hook so nothing is drawn after its message). */
    @Override
    public synchronized void finished() {
        if (bar != null) bar.close();
        bar = null;
    }

    /** One line per run: {@code onecycle seed=0 epochs=3 cpu  REACHED  0.88 at 5.21 s (epoch 2.0)  best 0.8912  final 0.8907}. */
    public static String summary(RunRecord r) {
        String head = String.format(Locale.ROOT, "%-40s %-11s", r.cell().label(), r.status());
        if (RunRecord.FAILED.equals(r.status())) return head + " " + r.error();
        String reach = r.reached()
                ? String.format(Locale.ROOT, "val target at %7.2f s (epoch %.2f)", r.timeToTarget(), r.epochsToTarget())
                : String.format(Locale.ROOT, "%-30s", "target not reached");
        return head + " " + reach + String.format(Locale.ROOT, "  best val %.4f  final test %.4f  setup %.1f s",
                r.bestValAccuracy(), r.finalTestAccuracy(), r.setupSeconds());
    }
}
