package anneal.backend.cuda;

import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

/**
 * Runs the {@link KernelCases} on a device (a GPU, or the CPU stand-in driver): each case's buffers and
 * launches come from {@link #plan} (the one description of a case, built with the same {@link Kernels}
 * factories {@link CudaBackend} uses), the outputs named by the case's expected values are read back, and
 * {@link KernelJudge} compares them with the CPU reference's at the case's tolerance. The sanitizer emulation
 * harness replays the same plan, built with symbolic addresses (see {@code KernelEmulationTest}). The first thing
 * {@code gpu-check} does on a new box.
 */
public final class DeviceKernelCheck {
    /** Outcome of one case (judged by {@link KernelJudge}, as the emulated runs are). */
    public record Result(String name, boolean passed, double maxAbsError, String firstMiss) {
    }

    /** Where a case's buffers live: device memory, or symbolic addresses for a launch description. */
    interface CaseMemory {
        /** A buffer holding {@code value} (float[], int[] or byte[]); null when the case has no such input. */
        CUdeviceptr input(String name, Object value);

        /** A buffer of {@code bytes}, every 32-bit word set to {@code fillWord} when it is not null (else as allocated). */
        CUdeviceptr output(String name, long bytes, Integer fillWord);
    }

    /** Words that make a buffer's floats and doubles NaN (a kernel that must write them cannot pass by accident). */
    static final int NAN_WORDS = 0x7fc00000;

    private DeviceKernelCheck() {
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
            for (KernelCase c : cases) {
                DeviceMemory mem = new DeviceMemory(d);
                Result r = mem.runCase(c);
                results.add(r);
                if (mem.contextFailed) {
                    d.close();
                    d = CudaDevice.open(ordinal);
                }
            }
            return results;
        } finally {
            d.close();
        }
    }

    /**
     * The launches of case {@code c}, in order, over buffers from {@code mem}: its inputs under their names, and one
     * buffer per expected output under the output's name. {@code device} null builds descriptions only.
     */
    static List<KernelLaunch> plan(KernelCase c, CaseMemory mem, CudaDevice device) {
        Kernels.Workspace ws = c.op().startsWith("linear_")
                ? new Kernels.Workspace(mem.output("ws_partials", Kernels.WORKSPACE_FLOATS * Sizeof.FLOAT, null),
                        mem.output("counters", (long) Kernels.RT_SPLIT_TARGET * Sizeof.INT, 0))
                : new Kernels.Workspace(null, null);
        Kernels k = new Kernels(device, ws);
        List<KernelLaunch> launches = new ArrayList<>();
        switch (c.op()) {
            case "gather_batch" -> {
                int rows = c.i("rows"), features = c.i("features");
                launches.add(k.gather(in(c, mem, "X"), in(c, mem, "labels"), in(c, mem, "perm"), c.i("offset"), rows, features,
                        floats(mem, "xb", (long) rows * features), mem.output("yb", rows, null),
                        mem.output("stepStats", 2L * Sizeof.DOUBLE, NAN_WORDS)));
            }
            case "matmul_forward" -> {
                int m = c.i("m"), n = c.i("n"), kk = c.i("k");
                launches.add(k.forward(in(c, mem, "X"), in(c, mem, "W"), in(c, mem, "bias"), floats(mem, "Y", (long) m * n), m, n, kk,
                        c.i("relu") != 0));
            }
            case "matmul_backward_input", "linear_backward_input" -> {  // variants 1 and 2: the same arguments
                int m = c.i("m"), n = c.i("n"), kk = c.i("k");
                CUdeviceptr dy = in(c, mem, "dY"), w = in(c, mem, "W"), h = in(c, mem, "H"), dx = floats(mem, "dX", (long) m * n);
                launches.add(c.op().startsWith("linear_") ? k.linearBackwardInput(dy, w, h, dx, m, n, kk) : k.backwardInput(dy, w, h, dx, m, n, kk));
            }
            case "matmul_backward_weight" -> {
                int m = c.i("m"), n = c.i("n"), kk = c.i("k");
                launches.add(k.backwardWeight(in(c, mem, "dY"), in(c, mem, "X"), floats(mem, "dW", (long) m * n), m, n, kk));
            }
            case "softmax_xent" -> {
                int rows = c.i("rows"), cols = c.i("cols");
                boolean grad = c.i("grad") != 0;
                launches.add(k.softmaxXent(in(c, mem, "logits"), in(c, mem, "labels"), grad ? floats(mem, "dlogits", (long) rows * cols) : null,
                        rows, cols, grad ? 1.0 / rows : 1.0, mem.output("stats", 2L * Sizeof.DOUBLE, 0), null));
            }
            case "bias_grad" -> {
                int rows = c.i("rows"), cols = c.i("cols");
                launches.add(k.biasGrad(in(c, mem, "dY"), floats(mem, "db", cols), rows, cols));
            }
            case "sgd_update" -> {  // both deliveries, each on its own copy of the parameters and buffers
                int total = c.f("params").length;
                int[] layout = (int[]) c.inputs().get("sgd_layout"), step = (int[]) c.inputs().get("sgd_step");
                CUdeviceptr g = in(c, mem, "grads");
                launches.add(k.sgd(in(c, mem, "params"), g, in(c, mem, "bufs"), total, layout, step, null));
                launches.add(k.sgd(mem.input("params_scalars", c.inputs().get("params")), g, mem.input("bufs_scalars", c.inputs().get("bufs")),
                        total, layout, step, mem.input("sgd_step", step)));
            }
            case "linear_forward" -> {
                int m = c.i("m"), n = c.i("n"), kk = c.i("k");
                boolean gathered = c.inputs().containsKey("perm");
                launches.add(k.linearForward(in(c, mem, "X"), in(c, mem, "perm"), gathered ? c.i("offset") : 0, in(c, mem, "W"), in(c, mem, "bias"),
                        floats(mem, "Y", (long) m * n), m, n, kk, c.i("relu") != 0,
                        gathered ? mem.output("stepStats", 2L * Sizeof.DOUBLE, NAN_WORDS) : null,
                        gathered ? mem.output("stepOffset", Sizeof.INT, -1) : null));
            }
            case "linear_backward_weight" -> {
                int m = c.i("m"), n = c.i("n"), kk = c.i("k");
                boolean gathered = c.inputs().containsKey("perm");
                launches.add(k.linearBackwardWeight(in(c, mem, "dY"), in(c, mem, "X"), in(c, mem, "perm"),
                        gathered ? mem.input("perm_offset", new int[] {c.i("offset")}) : null, floats(mem, "dW", (long) m * n),
                        c.expected().containsKey("db") ? floats(mem, "db", m) : null, m, n, kk));
            }
            case "linear_softmax_xent" -> {
                int rows = c.i("rows"), classes = c.i("classes"), kk = c.i("k");
                boolean train = c.inputs().containsKey("perm");
                launches.add(k.linearSoftmaxXent(in(c, mem, "X"), in(c, mem, "W"), in(c, mem, "bias"), in(c, mem, "labels"), in(c, mem, "perm"),
                        train ? mem.input("perm_offset", new int[] {c.i("offset")}) : null,
                        train ? floats(mem, "dlogits", (long) rows * classes) : null, train ? floats(mem, "dX", (long) rows * kk) : null,
                        rows, classes, kk, train ? 1.0 / rows : 1.0, mem.output("stats", 2L * Sizeof.DOUBLE, 0), null));
            }
            default -> throw new IllegalArgumentException("unknown kernel case op " + c.op());
        }
        return launches;
    }

    private static CUdeviceptr in(KernelCase c, CaseMemory mem, String key) {
        return mem.input(key, c.inputs().get(key));
    }

    private static CUdeviceptr floats(CaseMemory mem, String name, long n) {
        return mem.output(name, n * Sizeof.FLOAT, NAN_WORDS);
    }

    /** Bytes of a tensor value: float[], int[] or byte[]. */
    static long bytesOf(Object v) {
        if (v instanceof float[] f) return (long) f.length * Sizeof.FLOAT;
        if (v instanceof double[] d) return (long) d.length * Sizeof.DOUBLE;
        if (v instanceof int[] a) return (long) a.length * Sizeof.INT;
        if (v instanceof byte[] b) return b.length;
        throw new IllegalArgumentException("not a tensor: " + v.getClass());
    }

    /** A case's buffers in device memory; runs the plan and reads the outputs back. */
    private static final class DeviceMemory implements CaseMemory {
        private final CudaDevice device;
        private final Map<String, CUdeviceptr> buffers = new LinkedHashMap<>();
        boolean contextFailed;

        DeviceMemory(CudaDevice device) {
            this.device = device;
        }

        @Override
        public CUdeviceptr input(String name, Object value) {
            if (value == null) return null;
            long bytes = bytesOf(value);
            CUdeviceptr p = add(name, bytes);
            Pointer host = value instanceof float[] f ? Pointer.to(f) : value instanceof int[] a ? Pointer.to(a) : Pointer.to((byte[]) value);
            device.copyToDevice(p, host, bytes);
            return p;
        }

        @Override
        public CUdeviceptr output(String name, long bytes, Integer fillWord) {
            CUdeviceptr p = add(name, bytes);
            if (fillWord != null) JCudaDriver.cuMemsetD32(p, fillWord, (bytes + 3) / 4);
            return p;
        }

        private CUdeviceptr add(String name, long bytes) {
            if (buffers.containsKey(name)) throw new IllegalStateException("two buffers named " + name + " (a bug in Anneal)");
            CUdeviceptr p = device.alloc(name, Math.max(4, (bytes + 3) / 4 * 4));
            buffers.put(name, p);
            return p;
        }

        Result runCase(KernelCase c) {
            device.makeCurrent();
            try {
                for (KernelLaunch l : plan(c, this, device)) {
                    l.launch(device.stream);
                    cuStreamSynchronize(device.stream);
                }
                Map<String, Object> got = new LinkedHashMap<>();
                for (Map.Entry<String, Object> e : c.expected().entrySet()) got.put(e.getKey(), read(e.getKey(), e.getValue()));
                return KernelJudge.judge(c, got);
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

        /** Buffer {@code name} read back as the expected value's type and length. */
        private Object read(String name, Object like) {
            CUdeviceptr p = buffers.get(name);
            if (p == null) return null;
            long bytes = bytesOf(like);
            Object out;
            Pointer host;
            if (like instanceof float[] f) host = Pointer.to((float[]) (out = new float[f.length]));
            else if (like instanceof double[] d) host = Pointer.to((double[]) (out = new double[d.length]));
            else if (like instanceof int[] a) host = Pointer.to((int[]) (out = new int[a.length]));
            else host = Pointer.to((byte[]) (out = new byte[((byte[]) like).length]));
            device.copyToHost(host, p, bytes);
            return out;
        }
    }
}
