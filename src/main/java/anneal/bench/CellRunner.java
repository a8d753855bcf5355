package anneal.bench;

import anneal.backend.Backend;
import anneal.train.Backends;
import anneal.data.FashionMnist;
import anneal.data.Splits;
import anneal.train.RunResult;
import anneal.train.TrainConfig;
import anneal.train.TrainListener;
import anneal.train.Trainer;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Trains one sweep cell in this JVM, in two parts so that a benchmark can keep the set-up out of its timed
 * method: {@link #prepare} loads the data (validation split seeded by the cell's seed) and creates the
 * backend; {@link Prepared#run} trains. The trainer itself also keeps upload, init and JIT/device warm-up out
 * of its timed region and reports them as {@code setupSeconds}.
 */
public final class CellRunner {
    private CellRunner() {
    }

    /** A cell ready to train. Close it to release the backend. */
    public static final class Prepared implements AutoCloseable {
        private final SweepCell cell;
        private final TrainConfig config;
        private final Splits splits;
        private final Backend backend;
        private final double prepareSeconds;
        private final boolean evalOnClock;

        private Prepared(SweepCell cell, TrainConfig config, Splits splits, Backend backend, double prepareSeconds,
                         boolean evalOnClock) {
            this.evalOnClock = evalOnClock;
            this.cell = cell;
            this.config = config;
            this.splits = splits;
            this.backend = backend;
            this.prepareSeconds = prepareSeconds;
        }

        /** Trains the cell and returns its journal record; a crash becomes a {@code FAILED} record. */
        public RunRecord run(TrainListener listener) {
            try {
                RunResult result = new Trainer(backend, splits).evalOnClock(evalOnClock).testAtEpochEndsOnly(true)
                        .run(config, listener);
                return RunRecord.of(cell, result, prepareSeconds);
            } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
                return RunRecord.failed(cell, config.scheduleSpec(), config.lr(), describe(e));
            }
        }

        public TrainConfig config() {
            return config;
        }

        /** Seconds spent loading the data and creating the backend. */
        public double prepareSeconds() {
            return prepareSeconds;
        }

        @Override
        public void close() {
            backend.close();
        }
    }

    /**
     * Loads the data and creates the backend for {@code cell}.
     *
     * @throws RuntimeException when the data cannot be read or the backend cannot start (the caller records it)
     */
    public static Prepared prepare(SweepCell cell, SweepSettings settings, PrintStream notices) {
        long t0 = System.nanoTime();
        Splits splits = firstTrainImages(FashionMnist.load(DataCache.forCell(Path.of(settings.dataDir())),
                        settings.validationSize(), cell.seed()),
                settings.trainSize());
        int stepsPerEpoch = TrainConfig.stepsPerEpoch(splits.train().count(), settings.batch());
        TrainConfig config = settings.trainConfig(cell, stepsPerEpoch);
        Backend backend = Backends.create(cell.backend(), notices);
        return new Prepared(cell, config, splits, backend, (System.nanoTime() - t0) / 1e9, settings.evalOnClock());
    }

    /** {@code splits} with only the first {@code n} training images ({@code n = 0} or more than there are: all). */
    static Splits firstTrainImages(Splits splits, int n) {
        anneal.data.Dataset t = splits.train();
        if (n <= 0 || n >= t.count()) return splits;
        anneal.data.Dataset head = new anneal.data.Dataset(t.name() + "[:" + n + "]",
                java.util.Arrays.copyOf(t.features(), n * t.featureCount()), java.util.Arrays.copyOf(t.labels(), n), n,
                t.featureCount(), t.classes());
        return new Splits(head, splits.validation(), splits.test());
    }

    /** One-line description of a failure for the journal. */
    public static String describe(Throwable e) {
        String msg = e.getMessage();
        return e.getClass().getSimpleName() + (msg == null ? "" : ": " + msg.lines().findFirst().orElse(""));
    }
}
