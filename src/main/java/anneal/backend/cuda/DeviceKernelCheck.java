package anneal.backend.cuda;

import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUdeviceptr;

/**
 * Runs the {@link KernelCases} on a real GPU: uploads each case's inputs, launches the kernel exactly as
 * {@link CudaBackend} does (same {@link Kernels} factories), downloads the outputs and compares them with
 * the CPU reference's at the case's tolerance. The first thing {@code gpu-check} does on a new box.
 */
public final class DeviceKernelCheck {
    /** Outcome of one case (judged by {@link KernelJudge}, as the emulated runs are). */
    public record Result(String name, boolean passed, double maxAbsError, String firstMiss) {
    }

    private final CudaDevice device;
    private final Kernels kernels;
    private final Kernels.Workspace workspace;
    private final Map<String, CUdeviceptr> buffers = new HashMap<>();

    private DeviceKernelCheck(CudaDevice device) {
        this.device = device;
        this.workspace = new Kernels.Workspace(device);
        this.kernels = new Kernels(device, workspace);
    }

    /**
     * Opens GPU {@code ordinal}, runs every case, and closes the device. A case that meets a CUDA error (a
     * kernel fault poisons the context) fails with that error; the device is then closed, which resets the
     * primary context, and reopened, so the next case starts clean.
     */
    public static List<Result> run(int ordinal, List<KernelCase> cases) {
        List<Result> results = new ArrayList<>();
        CudaDevice d = CudaDevice.open(ordinal);
        try {
            DeviceKernelCheck check = new DeviceKernelCheck(d);
            for (KernelCase c : cases) {
                Result r = check.runCase(c);
                results.add(r);
                if (check.contextFailed) {
                    d.close();
                    d = CudaDevice.open(ordinal);
                    check = new DeviceKernelCheck(d);
                }
            }
            return results;
        } finally {
            d.close();
        }
    }

    private boolean contextFailed;

    private Result runCase(KernelCase c) {
        device.makeCurrent();
        try {
            return KernelJudge.judge(c, execute(c));
        } catch (jcuda.CudaException e) {
            contextFailed = true;
            return new Result(c.name(), false, Double.NaN, "CUDA error: " + e.getMessage());
        } catch (RuntimeException e) {
            return new Result(c.name(), false, Double.NaN, e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            if (!contextFailed) buffers.values().forEach(device::free);
            buffers.clear();
        }
    }

    private CUdeviceptr upload(KernelCase c, String key) {
        Object v = c.inputs().get(key);
        if (v == null) return null;
        CUdeviceptr p;
        if (v instanceof float[] f) {
            p = device.alloc(key, (long) f.length * Sizeof.FLOAT);
            device.copyToDevice(p, Pointer.to(f), (long) f.length * Sizeof.FLOAT);
        } else if (v instanceof int[] a) {
            p = device.alloc(key, (long) a.length * Sizeof.INT);
            device.copyToDevice(p, Pointer.to(a), (long) a.length * Sizeof.INT);
        } else if (v instanceof byte[] b) {
            p = device.alloc(key, b.length);
            device.copyToDevice(p, Pointer.to(b), b.length);
        } else throw new IllegalArgumentException(key + " is not a tensor");
        buffers.put(key, p);
        return p;
    }

    private CUdeviceptr output(String key, long bytes) {
        CUdeviceptr p = device.alloc(key, bytes);
        buffers.put(key, p);
        return p;
    }

    private float[] floats(String key, int n) {
        float[] out = new float[n];
        device.copyToHost(Pointer.to(out), buffers.get(key), (long) n * Sizeof.FLOAT);
        return out;
    }

    private Map<String, Object> execute(KernelCase c) {
        Map<String, Object> got = new HashMap<>();
        switch (c.op()) {
            case "gather_batch" -> {
                int rows = c.i("rows"), features = c.i("features");
                CUdeviceptr xb = output("xb", (long) rows * features * Sizeof.FLOAT), yb = output("yb", rows);
                CUdeviceptr stats = output("stats", 2L * Sizeof.DOUBLE);
                launch(kernels.gather(upload(c, "X"), upload(c, "labels"), upload(c, "perm"), c.i("offset"), rows,
                        features, xb, yb, stats));
                got.put("xb", floats("xb", rows * features));
                double[] st = new double[2];
                device.copyToHost(Pointer.to(st), stats, 2L * Sizeof.DOUBLE);
                got.put("stepStats", st);
                byte[] labels = new byte[rows];
                device.copyToHost(Pointer.to(labels), yb, rows);
                got.put("yb", labels);
            }
            case "matmul_forward" -> {
                int m = c.i("m"), n = c.i("n"), k = c.i("k");
                launch(kernels.forward(upload(c, "X"), upload(c, "W"), upload(c, "bias"), output("Y", (long) m * n * Sizeof.FLOAT),
                        m, n, k, c.i("relu") != 0));
                got.put("Y", floats("Y", m * n));
            }
            case "matmul_backward_input", "linear_backward_input" -> {  // variants 1 and 2: the same arguments
                int m = c.i("m"), n = c.i("n"), k = c.i("k");
                CUdeviceptr dy = upload(c, "dY"), w = upload(c, "W"), h = upload(c, "H"), dx = output("dX", (long) m * n * Sizeof.FLOAT);
                launch(c.op().startsWith("linear_") ? kernels.linearBackwardInput(dy, w, h, dx, m, n, k) : kernels.backwardInput(dy, w, h, dx, m, n, k));
                got.put("dX", floats("dX", m * n));
            }
            case "matmul_backward_weight" -> {
                int m = c.i("m"), n = c.i("n"), k = c.i("k");
                launch(kernels.backwardWeight(upload(c, "dY"), upload(c, "X"), output("dW", (long) m * n * Sizeof.FLOAT), m, n, k));
                got.put("dW", floats("dW", m * n));
            }
            case "softmax_xent" -> {
                int rows = c.i("rows"), cols = c.i("cols");
                boolean grad = c.i("grad") != 0;
                CUdeviceptr stats = output("stats", 2L * Sizeof.DOUBLE);
                jcuda.driver.JCudaDriver.cuMemsetD32(stats, 0, 4);
                launch(kernels.softmaxXent(upload(c, "logits"), upload(c, "labels"),
                        grad ? output("dlogits", (long) rows * cols * Sizeof.FLOAT) : null, rows, cols, grad ? 1.0 / rows : 1.0, stats, null));
                double[] s = new double[2];
                device.copyToHost(Pointer.to(s), stats, 2L * Sizeof.DOUBLE);
                got.put("loss", grad ? s[0] : s[0] / rows);
                got.put("correct", s[1]);
                if (grad) got.put("dlogits", floats("dlogits", rows * cols));
            }
            case "bias_grad" -> {
                int rows = c.i("rows"), cols = c.i("cols");
                launch(kernels.biasGrad(upload(c, "dY"), output("db", (long) cols * Sizeof.FLOAT), rows, cols));
                got.put("db", floats("db", cols));
            }
            case "sgd_update" -> {
                int total = c.f("params").length;
                int[] layout = (int[]) c.inputs().get("sgd_layout"), step = (int[]) c.inputs().get("sgd_step");
                for (boolean viaScalars : new boolean[] {false, true}) {
                    CUdeviceptr p = upload(c, "params"), b = upload(c, "bufs"), g = upload(c, "grads");
                    CUdeviceptr scalars = null;
                    if (viaScalars) {
                        scalars = output("step", (long) step.length * Sizeof.INT);
                        device.copyToDevice(scalars, Pointer.to(step), (long) step.length * Sizeof.INT);
                    }
                    launch(kernels.sgd(p, g, b, total, layout, step, scalars));
                    float[] gp = floats("params", total), gb = floats("bufs", total);
                    got.put(viaScalars ? "params_scalars" : "params", gp);  // KernelJudge: the two must agree bit for bit
                    got.put(viaScalars ? "bufs_scalars" : "bufs", gb);
                    buffers.values().forEach(device::free);
                    buffers.clear();
                }
            }
            case "linear_forward" -> {
                int m = c.i("m"), n = c.i("n"), k = c.i("k");
                boolean gathered = c.inputs().containsKey("perm");
                CUdeviceptr state = output("state", 3L * Sizeof.DOUBLE);  // step counters (2 doubles) and the offset (an int)
                jcuda.driver.JCudaDriver.cuMemsetD32(state, 0x7fc00000, 6);  // NaN: the kernel must zero them
                launch(kernels.linearForward(upload(c, "X"), upload(c, "perm"), gathered ? c.i("offset") : 0, upload(c, "W"), upload(c, "bias"),
                        output("Y", (long) m * n * Sizeof.FLOAT), m, n, k, c.i("relu") != 0, gathered ? state : null,
                        gathered ? state.withByteOffset(2L * Sizeof.DOUBLE) : null));
                got.put("Y", floats("Y", m * n));
                if (gathered) {
                    double[] st = new double[2];
                    int[] off = new int[1];
                    device.copyToHost(Pointer.to(st), state, 2L * Sizeof.DOUBLE);
                    device.copyToHost(Pointer.to(off), state.withByteOffset(2L * Sizeof.DOUBLE), Sizeof.INT);
                    got.put("stepStats", new float[] {(float) st[0], (float) st[1]});
                    got.put("stepOffset", (double) off[0]);
                }
            }
            case "linear_backward_weight" -> {
                int m = c.i("m"), n = c.i("n"), k = c.i("k");
                boolean withBias = c.inputs().containsKey("bias"), gathered = c.inputs().containsKey("perm");
                CUdeviceptr offset = null;
                if (gathered) {
                    offset = output("offset", Sizeof.INT);
                    device.copyToDevice(offset, Pointer.to(new int[] {c.i("offset")}), Sizeof.INT);
                }
                launch(kernels.linearBackwardWeight(upload(c, "dY"), upload(c, "X"), upload(c, "perm"), offset,
                        output("dW", (long) m * n * Sizeof.FLOAT), withBias ? output("db", (long) m * Sizeof.FLOAT) : null, m, n, k));
                got.put("dW", floats("dW", m * n));
                if (withBias) got.put("db", floats("db", m));
            }
            case "linear_softmax_xent" -> {
                int rows = c.i("rows"), classes = c.i("classes"), k = c.i("k");
                boolean train = c.inputs().containsKey("perm");
                CUdeviceptr stats = output("stats", 2L * Sizeof.DOUBLE), offset = null;
                jcuda.driver.JCudaDriver.cuMemsetD32(stats, 0, 4);
                if (train) {
                    offset = output("offset", Sizeof.INT);
                    device.copyToDevice(offset, Pointer.to(new int[] {c.i("offset")}), Sizeof.INT);
                }
                launch(kernels.linearSoftmaxXent(upload(c, "X"), upload(c, "W"), upload(c, "bias"), upload(c, "labels"), upload(c, "perm"),
                        offset, train ? output("dlogits", (long) rows * classes * Sizeof.FLOAT) : null,
                        train ? output("dX", (long) rows * k * Sizeof.FLOAT) : null, rows, classes, k, train ? 1.0 / rows : 1.0, stats, null));
                double[] st = new double[2];
                device.copyToHost(Pointer.to(st), stats, 2L * Sizeof.DOUBLE);
                got.put("loss", train ? st[0] : st[0] / rows);
                got.put("correct", st[1]);
                if (train) {
                    got.put("dlogits", floats("dlogits", rows * classes));
                    got.put("dX", floats("dX", rows * k));
                }
            }
            default -> throw new IllegalArgumentException("unknown kernel case op " + c.op());
        }
        if (c.expected().containsKey("counters")) {  // the split-K tile counters, which every launch must leave zero
            int[] counters = new int[Kernels.RT_SPLIT_TARGET];
            device.copyToHost(Pointer.to(counters), workspace.counters, (long) counters.length * Sizeof.INT);
            got.put("counters", counters);
        }
        return got;
    }

    private void launch(KernelLaunch k) {
        k.launch(device.stream);
        cuStreamSynchronize(device.stream);
    }
}
