package anneal.peer.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.loss.Loss;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The DJL peer of Anneal's CPU training benchmark (tools/bench_cpu.sh): PyTorch 2.7.1 (libtorch from
 * {@code ai.djl.pytorch:pytorch-native-cpu}) on the JVM through DJL 0.36.0, fully offline, training exactly the run
 * of {@code anneal.peer.PeerBench run} from the files {@code PeerBench export DIR} wrote: Anneal's split, initial
 * weights, batch order and OneCycleLR lr and momentum per step. The SHA-256 of every array is recomputed from the
 * bytes this peer trains on and compared with the export's manifest.
 *
 * <p>Per step ({@link Model}): {@code relu(x W0^T + b0) W1^T + b1} through DJL's functional {@code Linear.linear},
 * DJL's softmax cross-entropy loss (mean over the batch), backward through DJL's {@link GradientCollector} (torch
 * autograd), then {@code torch.optim.SGD}'s update in in-place tensor ops:
 * {@code g += wd p; buf = first ? g : mu buf + g; g += mu buf; p -= lr g} (Nesterov, dampening 0), about 50 engine
 * calls per step and no array left open. Warm-up and timed region as Anneal's trainer (see {@code PeerProtocol}).
 *
 * <pre>java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=T -cp target/classes:target/lib/* anneal.peer.djl.DjlPeer EXPORT_DIR</pre>
 * Prints one JSON line.
 */
public final class DjlPeer {
    private DjlPeer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("djl-peer: expected one argument, the export directory");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        long setupStart = System.nanoTime();
        String manifest = Files.readString(dir.resolve("manifest.json"));
        int[] sizes = ints(field(manifest, "sizes"));
        int ins = sizes[0], hid = sizes[1], out = sizes[2];
        int n = (int) num(manifest, "train"), nv = (int) num(manifest, "validation"), nt = (int) num(manifest, "test");
        int epochs = (int) num(manifest, "epochs"), batch = (int) num(manifest, "batch"), steps = (int) num(manifest, "steps");
        float wd = (float) num(manifest, "weight_decay");
        int warmupSteps = (int) num(manifest, "warmup_steps");
        double warmupSeconds = num(manifest, "warmup_seconds");
        double target = num(manifest, "target");

        Map<String, String> hashes = new TreeMap<>();
        float[] trainX = floats(dir, "train_x.f32", hashes), valX = floats(dir, "val_x.f32", hashes);
        float[] testX = floats(dir, "test_x.f32", hashes);
        byte[] trainY = bytes(dir, "train_y.u8", hashes), valY = bytes(dir, "val_y.u8", hashes);
        byte[] testY = bytes(dir, "test_y.u8", hashes);
        int[] order = ints(dir, "order.i32", hashes);
        double[] lr = doubles(dir, "lr.f64", hashes), mom = doubles(dir, "momentum.f64", hashes);
        float[][] init = {floats(dir, "w0.f32", hashes), floats(dir, "b0.f32", hashes), floats(dir, "w1.f32", hashes),
            floats(dir, "b1.f32", hashes)};
        Shape[] shapes = {new Shape(hid, ins), new Shape(hid), new Shape(out, hid), new Shape(out)};

        try (NDManager m = NDManager.newBaseManager()) {
            NDArray xtr = m.create(trainX, new Shape(n, ins)), ytr = labels(m, trainY);
            NDArray xva = m.create(valX, new Shape(nv, ins)), yva = labels(m, valY);
            NDArray xte = m.create(testX, new Shape(nt, ins)), yte = labels(m, testY);
            long[] order64 = new long[order.length];
            for (int i = 0; i < order.length; i++) order64[i] = order[i];
            NDArray orders = m.create(order64, new Shape(epochs, n));
            // what is trained on, re-hashed from the tensors' own bytes
            Map<String, String> used = new TreeMap<>(hashes);
            used.put("train_x.f32", sha256(floatBytes(xtr.toFloatArray())));
            used.put("val_x.f32", sha256(floatBytes(xva.toFloatArray())));
            used.put("test_x.f32", sha256(floatBytes(xte.toFloatArray())));
            used.put("train_y.u8", sha256(labelBytes(ytr)));
            used.put("val_y.u8", sha256(labelBytes(yva)));
            used.put("test_y.u8", sha256(labelBytes(yte)));
            long[] o = orders.toLongArray();
            int[] o32 = new int[o.length];
            for (int i = 0; i < o.length; i++) o32[i] = (int) o[i];
            used.put("order.i32", sha256(intBytes(o32)));
            int spe = (n + batch - 1) / batch;

            // warm-up on a throwaway copy with lr 0, as Anneal's trainer
            Model warm = new Model(m, init, shapes);
            NDArray warmOrder = orders.get(0);
            long start = System.nanoTime();
            int s = 0;
            for (; s < warmupSteps || (s < 20 * warmupSteps && (System.nanoTime() - start) * 1e-9 < warmupSeconds); s++) {
                int b = s % spe;
                warm.step(m, xtr, ytr, warmOrder, (long) b * batch, Math.min(n, (b + 1) * batch), 0f, (float) mom[0], wd);
            }
            int warmed = s;
            double warmedSeconds = (System.nanoTime() - start) * 1e-9;
            warm.evaluate(m, xte, yte);
            warm.close();

            Model model = new Model(m, init, shapes);
            String[] names = {"w0.f32", "b0.f32", "w1.f32", "b1.f32"};
            for (int t = 0; t < 4; t++) used.put(names[t], sha256(floatBytes(model.p[t].toFloatArray())));
            List<String> mismatched = new ArrayList<>();
            for (Map.Entry<String, String> e : hashes.entrySet()) {
                String want = field(manifest, "sha256").replaceAll("(?s).*\"" + Pattern.quote(e.getKey())
                        + "\"\\s*:\\s*\"([0-9a-f]+)\".*", "$1");
                if (!want.equals(used.get(e.getKey()))) mismatched.add(e.getKey());
            }
            double setup = (System.nanoTime() - setupStart) * 1e-9;
            long trainNanos = 0;
            int done = 0;
            long samples = 0;
            Double timeToTarget = null;
            double testAcc = Double.NaN, lastLoss = Double.NaN;
            for (int e = 0; e < epochs; e++) {
                NDArray epochOrder = orders.get(e);
                long t0 = System.nanoTime();
                for (int b = 0; b < spe; b++) {
                    int from = b * batch, to = Math.min(n, (b + 1) * batch);
                    lastLoss = model.step(m, xtr, ytr, epochOrder, from, to, (float) lr[done], (float) mom[done], wd);
                    samples += to - from;
                    done++;
                }
                trainNanos += System.nanoTime() - t0;
                double valAcc = model.evaluate(m, xva, yva);
                testAcc = model.evaluate(m, xte, yte);
                // as Anneal's trainer: validation accuracy, the clock paused while evaluating
                if (timeToTarget == null && valAcc >= target) timeToTarget = trainNanos * 1e-9;
            }
            double trainS = trainNanos * 1e-9;
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("peer", "djl");
            r.put("version", "PyTorch " + Engine.getEngine("PyTorch").getVersion() + " via DJL " + Engine.getDjlVersion());
            r.put("threads", JniUtils.getNumThreads());
            r.put("interop_threads", JniUtils.getNumInteropThreads());
            r.put("blas", "libtorch's own (MKL/oneDNN); features " + JniUtils.getFeatures());
            r.put("env", "OMP_NUM_THREADS=" + System.getenv("OMP_NUM_THREADS") + " MKL_NUM_THREADS="
                    + System.getenv("MKL_NUM_THREADS") + " KMP_BLOCKTIME=" + System.getenv("KMP_BLOCKTIME"));
            r.put("steps", done);
            r.put("warmup_steps", warmed);
            r.put("warmup_s", warmedSeconds);
            r.put("train_s", trainS);
            r.put("ms_per_step", 1e3 * trainS / done);
            r.put("samples_per_s", samples / trainS);
            r.put("time_to_target", timeToTarget);
            r.put("final_test_acc", testAcc);
            r.put("final_loss", lastLoss);
            r.put("setup_s", setup);
            r.put("hashes_ok", mismatched.isEmpty());
            r.put("hash_mismatches", mismatched);
            if (Model.SECTIONS)
                r.put("ms_per_step_sections", String.format("batch %.3f, forward+loss %.3f, backward %.3f, update %.3f",
                        model.sections[0] / 1e6 / done, model.sections[1] / 1e6 / done, model.sections[2] / 1e6 / done,
                        model.sections[3] / 1e6 / done));
            System.out.println(json(r));
            model.close();
        }
    }

    /**
     * Parameters with gradients and momentum buffers, trained as a DJL user at their best would: the forward is DJL's
     * functional {@link Linear#linear} (libtorch's fused {@code addmm}) and {@link Activation#relu}, the loss is DJL's
     * {@link Loss#softmaxCrossEntropyLoss()}, the backward is torch autograd through a {@link GradientCollector}, and the
     * update is {@code torch.optim.SGD}'s arithmetic in place on the parameters, their {@code .grad} and one momentum
     * buffer each. Every temporary of a step lives in a sub-manager closed at the end of the step (nothing is left
     * attached to the long-lived manager), and gradients are zeroed per parameter with {@code JniUtils.zeroGrad}
     * ({@code optimizer.zero_grad()}) instead of {@link GradientCollector#zeroGradients()}, which walks every array the
     * engine has ever created and leaks a wrapper per array and call (DJL disabled it in its own collector for that).
     */
    private static final class Model implements AutoCloseable {
        final NDArray[] p = new NDArray[4];
        final NDArray[] buf = new NDArray[4];
        final Loss loss = Loss.softmaxCrossEntropyLoss();
        /** {@code -Danneal.djl.sections=true}: nanoseconds per section of the step (batch, forward+loss, backward, update). */
        static final boolean SECTIONS = Boolean.getBoolean("anneal.djl.sections");
        final long[] sections = new long[4];
        boolean first = true;

        Model(NDManager m, float[][] init, Shape[] shapes) {
            for (int t = 0; t < 4; t++) {
                p[t] = m.create(init[t].clone(), shapes[t]);
                p[t].setRequiresGradient(true);
            }
        }

        NDArray forward(NDArray x) {
            NDArray h = Activation.relu(Linear.linear(x, p[0], p[1]).singletonOrThrow());
            return Linear.linear(h, p[2], p[3]).singletonOrThrow();
        }

        /** One step on the rows {@code [from, to)} of {@code epochOrder}; returns the batch's mean loss. */
        double step(NDManager parent, NDArray xs, NDArray ys, NDArray epochOrder, long from, long to, float lr, float mu,
                    float wd) {
            try (NDManager sub = parent.newSubManager()) {
                long t0 = System.nanoTime();
                NDArray idx = epochOrder.get(sub, new NDIndex().addSliceDim(from, to));
                NDArray xb = xs.get(sub, new NDIndex("{}", idx)), yb = ys.get(sub, new NDIndex("{}", idx));
                float l;
                long t1 = System.nanoTime(), t2;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray batchLoss = loss.evaluate(new NDList(yb), new NDList(forward(xb)));
                    t2 = System.nanoTime();
                    gc.backward(batchLoss);
                    l = batchLoss.getFloat();
                }
                long t3 = System.nanoTime();
                for (int t = 0; t < 4; t++) {
                    NDArray g = p[t].getGradient(); // p.grad itself (a view), used as d_p and zeroed at the end
                    g.attach(sub);
                    if (wd != 0) try (NDArray decay = p[t].mul(wd)) {
                        g.addi(decay); // d_p = grad + wd p
                    }
                    if (mu != 0) {
                        if (first) {
                            buf[t] = g.duplicate(); // buf = clone(d_p)
                            buf[t].attach(parent);
                        } else {
                            buf[t].muli(mu).addi(g); // buf = mu buf + (1 - dampening) d_p, dampening 0
                        }
                        try (NDArray look = buf[t].mul(mu)) {
                            g.addi(look); // Nesterov: d_p = d_p + mu buf
                        }
                    }
                    p[t].subi(g.muli(lr)); // p -= lr d_p
                    JniUtils.zeroGrad((PtNDArray) p[t]);
                }
                first = false;
                if (SECTIONS) {
                    sections[0] += t1 - t0;
                    sections[1] += t2 - t1;
                    sections[2] += t3 - t2;
                    sections[3] += System.nanoTime() - t3;
                }
                return l;
            }
        }

        double evaluate(NDManager parent, NDArray xs, NDArray ys) {
            try (NDManager sub = parent.newSubManager()) {
                NDArray logits = forward(xs);
                logits.attach(sub);
                NDArray correct = logits.argMax(1).eq(ys).toType(DataType.FLOAT32, false).mean();
                return correct.getFloat();
            }
        }

        @Override
        public void close() {
            for (NDArray a : p) a.close();
            for (NDArray a : buf) if (a != null) a.close();
        }
    }

    private static NDArray labels(NDManager m, byte[] y) {
        long[] l = new long[y.length];
        for (int i = 0; i < y.length; i++) l[i] = y[i];
        return m.create(l);
    }

    private static byte[] labelBytes(NDArray y) {
        long[] l = y.toLongArray();
        byte[] b = new byte[l.length];
        for (int i = 0; i < l.length; i++) b[i] = (byte) l[i];
        return b;
    }

    private static byte[] read(Path dir, String name, Map<String, String> hashes) throws IOException {
        byte[] b = Files.readAllBytes(dir.resolve(name));
        hashes.put(name, sha256(b));
        return b;
    }

    private static float[] floats(Path dir, String name, Map<String, String> hashes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(read(dir, name, hashes)).order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[b.remaining() / 4];
        b.asFloatBuffer().get(f);
        return f;
    }

    private static int[] ints(Path dir, String name, Map<String, String> hashes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(read(dir, name, hashes)).order(ByteOrder.LITTLE_ENDIAN);
        int[] f = new int[b.remaining() / 4];
        b.asIntBuffer().get(f);
        return f;
    }

    private static double[] doubles(Path dir, String name, Map<String, String> hashes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(read(dir, name, hashes)).order(ByteOrder.LITTLE_ENDIAN);
        double[] f = new double[b.remaining() / 8];
        b.asDoubleBuffer().get(f);
        return f;
    }

    private static byte[] bytes(Path dir, String name, Map<String, String> hashes) throws IOException {
        return read(dir, name, hashes);
    }

    private static byte[] floatBytes(float[] a) {
        ByteBuffer b = ByteBuffer.allocate(4 * a.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(a);
        return b.array();
    }

    private static byte[] intBytes(int[] a) {
        ByteBuffer b = ByteBuffer.allocate(4 * a.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(a);
        return b.array();
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** The raw JSON text of a top-level field of the (flat, Jackson-written) manifest. */
    private static String field(String json, String name) {
        Matcher mt = Pattern.compile("\"" + name + "\"\\s*:\\s*(\\[[^\\]]*\\]|\\{[^}]*\\}|[^,}\\n]+)").matcher(json);
        if (!mt.find()) throw new IllegalArgumentException("manifest has no '" + name + "'");
        return mt.group(1).trim();
    }

    private static double num(String json, String name) {
        return Double.parseDouble(field(json, name));
    }

    private static int[] ints(String list) {
        String[] parts = list.replaceAll("[\\[\\]\\s]", "").split(",");
        int[] r = new int[parts.length];
        for (int i = 0; i < r.length; i++) r[i] = Integer.parseInt(parts[i]);
        return r;
    }

    private static String json(Map<String, Object> m) {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, Object> e : m.entrySet()) {
            if (sb.length() > 1) sb.append(", ");
            sb.append('"').append(e.getKey()).append("\": ");
            Object v = e.getValue();
            if (v == null) sb.append("null");
            else if (v instanceof Number || v instanceof Boolean) sb.append(v);
            else if (v instanceof List<?> l) {
                sb.append('[');
                for (int i = 0; i < l.size(); i++) sb.append(i > 0 ? ", " : "").append('"').append(l.get(i)).append('"');
                sb.append(']');
            } else sb.append('"').append(v.toString().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return sb.append('}').toString();
    }
}
