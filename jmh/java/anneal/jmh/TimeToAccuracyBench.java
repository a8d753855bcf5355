package anneal.jmh;

import anneal.backend.JvmOptions;
import anneal.bench.CellRunner;
import anneal.bench.Journal;
import anneal.bench.JournalHeader;
import anneal.bench.RunRecord;
import anneal.bench.ScheduleCatalogue;
import anneal.util.ParentWatch;
import anneal.bench.SweepCell;
import anneal.bench.SweepSettings;
import anneal.data.FashionMnist;
import anneal.train.TrainListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time-to-accuracy: one invocation is one whole training run of a catalogue schedule to its epoch budget.
 *
 * <p>How it is measured, in the manner of JMH's samples:
 * <ul>
 *   <li>{@link Mode#SingleShotTime} with no warmup iteration and one measurement: a training run cannot be
 *       repeated inside one JVM without carrying JIT state from the previous run, so every cell gets a fresh
 *       JVM ({@link Fork}) and exactly one invocation. JMH's score is the wall time of the whole run.</li>
 *   <li>The time-to-accuracy itself is measured by the trainer inside the run (timed region: training steps
 *       and evaluations; data loading, upload, init and JIT/device warm-up are outside it and reported as
 *       {@code setupSeconds}), and comes out as a secondary result through {@link Outcome}, an
 *       {@link AuxCounters} state, next to epochs-to-target, best and final test accuracy.</li>
 *   <li>Loading the data and creating the backend happen in {@link #prepare()} ({@link Level#Trial}), outside
 *       JMH's measurement as well.</li>
 *   <li>Parameters are catalogue names ({@link ScheduleCatalogue}), never raw specs: JMH splits parameter
 *       values on commas, and specs contain commas.</li>
 *   <li>The forked JVM appends the run to the sweep journal named by the system property
 *       {@value #JOURNAL_PROPERTY} (the sweep sets it); run on its own (e.g.
 *       {@code anneal bench TimeToAccuracyBench -p schedule=onecycle,cosine}) it writes
 *       {@code anneal-tta/journal.jsonl} with the default settings, which {@code anneal report anneal-tta} reads.</li>
 * </ul>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(value = 1, jvmArgsAppend = {JvmOptions.VECTOR_MODULE, JvmOptions.TRAP_LIMIT})
@State(Scope.Benchmark)
public class TimeToAccuracyBench {
    /** System property naming the journal file the forked JVM appends to. */
    public static final String JOURNAL_PROPERTY = anneal.bench.JmhCellExecutor.JOURNAL_PROPERTY;

    @Param("onecycle")
    public String schedule;

    @Param("0")
    public long seed;

    @Param("3")
    public int epochs;

    @Param("cpu")
    public String backend;

    private Path journal;
    private SweepCell cell;
    private CellRunner.Prepared prepared;
    private RunRecord record;

    /**
     * Secondary results of the run. EVENTS counters are reported as they are (not divided by time); accuracy
     * and epochs are fractions, time in seconds. {@code reached} is 1 when the target was reached.
     */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class Outcome {
        public double timeToTarget;
        public double epochsToTarget;
        public double bestAccuracy;
        public double finalAccuracy;
        public double setupSeconds;
        public long reached;

        void set(RunRecord r) {
            timeToTarget = r.timeToTarget();
            epochsToTarget = r.epochsToTarget();
            bestAccuracy = r.bestTestAccuracy();
            finalAccuracy = r.finalTestAccuracy();
            setupSeconds = r.setupSeconds();
            reached = r.reached() ? 1 : 0;
        }
    }

    /**
     * Loads the data and starts the backend. A failure here is the machine's, not the schedule's (the data or the
     * backend is unavailable), so it is not journaled: JMH reports it and the sweep stops without a record, and
     * {@code --resume} runs the cell once the cause is fixed. Watches the sweep's JVM first ({@link ParentWatch}):
     * when the sweep is gone, this JVM halts instead of training on and appending a record nobody waits for.
     */
    @Setup(Level.Trial)
    public void prepare() {
        ParentWatch.startFromProperty();
        journal = journalFile();
        cell = new SweepCell(schedule, seed, epochs, backend);
        SweepSettings settings = Journal.read(journal).header().settings();
        prepared = CellRunner.prepare(cell, settings, System.err);
    }

    /** One training run; its record goes to the journal in {@link #record()}. */
    @Benchmark
    public RunRecord train(Outcome outcome) {
        record = prepared.run(TrainListener.NONE);
        outcome.set(record);
        return record;
    }

    /** Appends the run to the journal (flushed and synced) and releases the backend. */
    @TearDown(Level.Trial)
    public void record() {
        try {
            if (record != null) Journal.append(journal, record);
        } finally {
            if (prepared != null) prepared.close();
        }
    }

    private static Path journalFile() {
        String p = System.getProperty(JOURNAL_PROPERTY);
        if (p != null) return Path.of(p);
        Path dir = Path.of("anneal-tta");
        Path file = Journal.fileIn(dir);
        if (!Files.exists(file))
            Journal.create(dir, new JournalHeader(Journal.FORMAT, Journal.VERSION, Instant.now().toString(),
                    SweepSettings.defaults(FashionMnist.DEFAULT_DIR), null,
                    Map.of("command", "anneal bench TimeToAccuracyBench")));
        return file;
    }
}
