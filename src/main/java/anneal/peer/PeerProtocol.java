package anneal.peer;

import anneal.data.Dataset;
import anneal.data.Splits;
import anneal.model.Initialization;
import anneal.model.MlpSpec;
import anneal.model.Parameters;
import anneal.schedule.Hyperparameter;
import anneal.schedule.LrScheduler;
import anneal.data.EpochOrder;
import anneal.optim.SgdConfig;
import anneal.train.TrainConfig;
import anneal.train.Trainer;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CPU training benchmark's protocol (issue #14), one definition for Anneal and its peers: the run that
 * {@code anneal train} makes for a seed (Fashion-MNIST split and normalisation, PyTorch-default initial weights,
 * the epoch orders, the schedule's lr and momentum at every step), and its export to plain little-endian files
 * that the PyTorch and DJL peers read, so that every peer trains on exactly Anneal's data, batches and weights.
 *
 * <p>Export layout (all little-endian, row-major): {@code train_x.f32} ({@code n x 784}), {@code train_y.u8},
 * {@code val_x.f32}, {@code val_y.u8}, {@code test_x.f32}, {@code test_y.u8}, {@code order.i32} ({@code epochs x n},
 * epoch {@code e}'s permutation of train rows), {@code w0.f32}, {@code b0.f32}, {@code w1.f32}, {@code b1.f32}
 * ({@code nn.Linear} layout: weight {@code out x in}), {@code lr.f64} and {@code momentum.f64} (one per step), and
 * {@code manifest.json}: shapes, hyperparameters and the SHA-256 of every file's bytes, which each peer
 * recomputes from the arrays it actually trains on.
 */
public final class PeerProtocol {
    /** The benchmark's model and schedule, as in the table. */
    public static final int HIDDEN = 256;
    public static final int BATCH = 128;
    public static final int EPOCHS = 3;
    public static final int VALIDATION = 5000;
    public static final double LR = 0.1;
    public static final double TARGET = 0.88;
    /** Warm-up before the timed run (Anneal's trainer and every peer): at least this many steps ... */
    public static final int WARMUP_STEPS = 200;
    /**
     * ... and at least this long, at most {@code 20 * WARMUP_STEPS} steps; then one test-set evaluation. Anneal's
     * trainer goes on until its JIT is quiet ({@code Trainer#warmupJitQuiet}); on the 2-core AMD EPYC that took
     * 1.7-3.1 s, and after 0.5 s (this constant's earlier value) its C2 code was not ready: the first two timed epochs
     * ran at 1.0-2.3 ms per step, the third at 0.64-1.15, against 0.60-0.71 in all three after a quiet JIT. Every peer
     * gets at least as long.
     */
    public static final double WARMUP_SECONDS = 3.0;

    private PeerProtocol() {
    }

    /** The run's configuration for {@code trainCount} training samples and {@code seed}. */
    public static TrainConfig config(int trainCount, long seed) {
        int steps = EPOCHS * TrainConfig.stepsPerEpoch(trainCount, BATCH);
        return new TrainConfig("OneCycleLR(max_lr=0.1, total_steps=" + steps + ")", LR, EPOCHS, BATCH, TARGET, seed,
                new int[] {HIDDEN}, new SgdConfig(0.9, 0, true, 5e-4), false, VALIDATION, 0, false);
    }

    /** Writes the export of {@code config} on {@code data} into {@code dir} (created); returns the manifest. */
    public static Map<String, Object> export(Splits data, TrainConfig config, Path dir) {
        try {
            Files.createDirectories(dir);
            Dataset train = data.train();
            MlpSpec spec = new MlpSpec(train.featureCount(), config.hidden(), train.classes());
            Parameters initial = Initialization.pytorchDefault(spec, config.seed());
            int n = train.count();
            int[] orders = new int[config.epochs() * n];
            for (int e = 0; e < config.epochs(); e++)
                System.arraycopy(EpochOrder.of(n, config.seed(), e), 0, orders, e * n, n);
            int steps = config.epochs() * config.stepsPerEpoch(n);
            double[] lr = new double[steps], momentum = new double[steps];
            LrScheduler s = Trainer.schedule(config);
            for (int i = 0; i < steps; i++) {
                lr[i] = s.lr(0);
                momentum[i] = s.schedules(Hyperparameter.MOMENTUM) ? s.value(Hyperparameter.MOMENTUM, 0) : config.sgd().momentum();
                s.step();
            }
            Map<String, Object> files = new LinkedHashMap<>();
            files.put("train_x.f32", write(dir, "train_x.f32", bytes(train.features())));
            files.put("train_y.u8", write(dir, "train_y.u8", train.labels()));
            files.put("val_x.f32", write(dir, "val_x.f32", bytes(data.validation().features())));
            files.put("val_y.u8", write(dir, "val_y.u8", data.validation().labels()));
            files.put("test_x.f32", write(dir, "test_x.f32", bytes(data.test().features())));
            files.put("test_y.u8", write(dir, "test_y.u8", data.test().labels()));
            files.put("order.i32", write(dir, "order.i32", bytes(orders)));
            for (int l = 0; l < spec.layers(); l++) {
                files.put("w" + l + ".f32", write(dir, "w" + l + ".f32", bytes(initial.weight(l))));
                files.put("b" + l + ".f32", write(dir, "b" + l + ".f32", bytes(initial.bias(l))));
            }
            files.put("lr.f64", write(dir, "lr.f64", bytes(lr)));
            files.put("momentum.f64", write(dir, "momentum.f64", bytes(momentum)));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("seed", config.seed());
            m.put("sizes", new int[] {spec.inputs(), config.hidden()[0], spec.classes()});
            m.put("train", n);
            m.put("validation", data.validation().count());
            m.put("test", data.test().count());
            m.put("epochs", config.epochs());
            m.put("batch", config.batchSize());
            m.put("steps", steps);
            m.put("schedule", config.scheduleSpec());
            m.put("momentum", config.sgd().momentum());
            m.put("nesterov", config.sgd().nesterov());
            m.put("weight_decay", config.sgd().weightDecay());
            m.put("target", config.target());
            m.put("warmup_steps", WARMUP_STEPS);
            m.put("warmup_seconds", WARMUP_SECONDS);
            m.put("sha256", files);
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(dir.resolve("manifest.json").toFile(), m);
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String write(Path dir, String name, byte[] data) throws IOException {
        try (OutputStream out = Files.newOutputStream(dir.resolve(name))) {
            out.write(data);
        }
        return sha256(data);
    }

    /** Little-endian bytes of {@code a}. */
    public static byte[] bytes(float[] a) {
        ByteBuffer b = ByteBuffer.allocate(4 * a.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(a);
        return b.array();
    }

    /** Little-endian bytes of {@code a}. */
    public static byte[] bytes(int[] a) {
        ByteBuffer b = ByteBuffer.allocate(4 * a.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(a);
        return b.array();
    }

    /** Little-endian bytes of {@code a}. */
    public static byte[] bytes(double[] a) {
        ByteBuffer b = ByteBuffer.allocate(8 * a.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asDoubleBuffer().put(a);
        return b.array();
    }

    /** Lower-case hex SHA-256 of {@code data}. */
    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("bug: the JDK has no SHA-256", e);
        }
    }
}
