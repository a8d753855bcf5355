package anneal.backend.cuda;

import anneal.ConfigurationException;
import static jcuda.driver.JCudaDriver.*;

import anneal.backend.BackendUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

/**
 * One GPU through the CUDA driver API (JCuda): the primary context, one stream, the kernel module and
 * every device allocation (freed by {@link #close}). Failures that mean "CUDA cannot run here" become
 * {@link BackendUnavailableException}s that name the cause: no driver library, no device, a driver too
 * old for the packed kernels, or not enough device memory (with the sizes).
 *
 * <p>The module is {@code anneal/cuda/anneal_kernels.fatbin} from the jar (SASS for sm_80/86/89/90 and
 * PTX for compute_90, built by CUDA 13: it needs driver r580 or newer), or the file named by the
 * environment variable {@value #MODULE_ENV} (a fatbin, cubin or PTX file built on the GPU box, e.g. by
 * {@code make -C kernels fatbin} with the box's own CUDA 12.x nvcc for an older driver).
 *
 * <p>Context handling: the primary context is made current on the calling thread by {@link #makeCurrent}
 * (every entry point of the backend calls it; a thread-local remembers which device each thread has current,
 * so the common case costs no driver call). {@link #close} releases everything in try/finally; when the
 * context has failed (a sticky error such as a kernel fault), it resets the primary context so that the next
 * device opened in this process starts clean. A constructor that fails releases what it had acquired.
 *
 * <p>The CPU stand-in driver ({@code kernels/standin/}, for tests) reports itself by its device name; then
 * {@link #isStandIn()} is true and every description says so.
 */
final class CudaDevice implements AutoCloseable {
    static final String MODULE_ENV = "ANNEAL_CUDA_MODULE";
    private static final String MODULE_RESOURCE = "/anneal/cuda/anneal_kernels.fatbin";

    final String name;
    final int major;
    final int minor;
    final long totalBytes;
    final int driverVersion;
    final String moduleSource;
    final CUstream stream = new CUstream();
    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final CUmodule module = new CUmodule();
    private final List<CUdeviceptr> allocations = new ArrayList<>();
    private final List<Pointer> pinned = new ArrayList<>();
    private long allocatedBytes;
    private boolean closed;
    private boolean retained;
    private boolean streamCreated;
    private boolean moduleLoaded;
    /** The first CUDA error seen by this device (recorded at close when a sync fails), or null. */
    private CudaException failure;
    /** Which device each thread has made current (the driver's current context is per thread). */
    private static final ThreadLocal<CudaDevice> CURRENT = new ThreadLocal<>();
    /** The first words of the stand-in driver's device name (kernels/standin/standin.cpp). */
    static final String STAND_IN_NAME = "Anneal CPU stand-in driver";

    private CudaDevice(int ordinal) {
        String n = "CUDA device " + ordinal;
        int maj = 0, min = 0, version = 0;
        long total0 = 0;
        try {
            cuDeviceGet(device, ordinal);
            byte[] nameBytes = new byte[256];
            cuDeviceGetName(nameBytes, nameBytes.length, device);
            int len = 0;
            while (len < nameBytes.length && nameBytes[len] != 0) len++;
            n = new String(nameBytes, 0, len, java.nio.charset.StandardCharsets.US_ASCII);
            maj = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
            min = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
            long[] total = new long[1];
            cuDeviceTotalMem(total, device);
            total0 = total[0];
            int[] v = new int[1];
            cuDriverGetVersion(v);
            version = v[0];
        } catch (CudaException e) {
            throw new BackendUnavailableException("CUDA device " + ordinal + " cannot be used: " + firstLine(e.getMessage()), e);
        }
        name = n;
        major = maj;
        minor = min;
        totalBytes = total0;
        driverVersion = version;
        String source;
        try {
            try {
                cuDevicePrimaryCtxRetain(context, device);
                retained = true;
                makeCurrent();
                cuStreamCreate(stream, 0);  // a blocking stream: ordered with the synchronous copies on the null stream
                streamCreated = true;
            } catch (CudaException e) {
                throw new BackendUnavailableException("CUDA device " + ordinal + " (" + name + ") cannot be used: "
                        + firstLine(e.getMessage()), e);
            }
            source = loadModule();
        } catch (RuntimeException e) {
            try {
                close();  // releases the stream and the context retained so far
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        moduleSource = source;
    }

    private int attribute(int attr) {
        int[] v = new int[1];
        cuDeviceGetAttribute(v, attr, device);
        return v[0];
    }

    /**
     * Why CUDA cannot run here, or empty when a driver and at least one device are present. Never throws.
     */
    static synchronized Optional<String> unavailableReason() {
        if (probed == null) probed = probe();  // a failed native load cannot be retried in the same JVM
        return probed;
    }

    private static Optional<String> probed;
    /** A bad setting the driver reported at initialisation (the stand-in's mode variables), or null. */
    private static String configurationError;

    private static Optional<String> probe() {
        try {
            JCudaDriver.setExceptionsEnabled(true);
            cuInit(0);
            int[] count = new int[1];
            cuDeviceGetCount(count);
            return count[0] == 0 ? Optional.of("no CUDA device (the driver reports 0 devices)") : Optional.empty();
        } catch (LinkageError e) {
            String all = String.valueOf(e.getMessage()) + (e.getCause() == null ? "" : " " + e.getCause().getMessage());
            if (all.contains("failed to map segment from shared object") || all.contains("Operation not permitted"))
                return Optional.of("JCuda's native library could not be loaded from java.io.tmpdir ("
                        + System.getProperty("java.io.tmpdir") + "), which is probably mounted noexec; run with "
                        + "-Djava.io.tmpdir=DIR (a folder on an exec mount) or TMPDIR=DIR tools/gpu_check.sh");
            return Optional.of("no CUDA driver library: libcuda.so.1 (or JCuda's native library for this platform) "
                    + "could not be loaded (" + rootMessage(e) + ")");
        } catch (CudaException e) {
            String code = firstLine(e.getMessage());
            if (code.contains("CUDA_ERROR_INVALID_VALUE")) {  // the stand-in names a bad mode variable this way
                String[] text = new String[1];
                try {
                    cuGetErrorString(CUresult.CUDA_ERROR_INVALID_VALUE, text);
                } catch (CudaException ignored) {
                    text[0] = null;
                }
                if (text[0] != null && text[0].startsWith("ANNEAL_STANDIN_")) {
                    configurationError = text[0];
                    return Optional.of(text[0]);
                }
            }
            if (code.contains("CUDA_ERROR_NO_DEVICE")) return Optional.of("no CUDA device (CUDA_ERROR_NO_DEVICE)");
            if (code.contains("CUDA_ERROR_INSUFFICIENT_DRIVER"))
                return Optional.of("the NVIDIA driver is too old for CUDA 12.6 (CUDA_ERROR_INSUFFICIENT_DRIVER)");
            return Optional.of("the CUDA driver failed to initialise (" + code + ")");
        }
    }

    private static final java.util.regex.Pattern MISSING_LIBRARY =
            java.util.regex.Pattern.compile("[\\w.+-]+\\.so[\\w.]*: (cannot open shared object file|undefined symbol)[^\\n]*");

    /** The missing shared library named in JCuda's nested load errors, else the innermost message. */
    private static String rootMessage(Throwable e) {
        java.util.regex.Matcher m = MISSING_LIBRARY.matcher(String.valueOf(e.getMessage()));
        if (m.find()) return m.group();
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return firstLine(t.getMessage());
    }

    private static String firstLine(String s) {
        if (s == null) return "no message";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Opens device {@code ordinal}; throws {@link BackendUnavailableException} naming what is missing. */
    static CudaDevice open(int ordinal) {
        Optional<String> why = unavailableReason();
        if (configurationError != null) throw new ConfigurationException(configurationError);
        if (why.isPresent()) throw new BackendUnavailableException("CUDA backend unavailable: " + why.get());
        int[] count = new int[1];
        cuDeviceGetCount(count);
        if (ordinal < 0 || ordinal >= count[0])
            throw new ConfigurationException("CUDA device must be in 0.." + (count[0] - 1) + ", got " + ordinal);
        return new CudaDevice(ordinal);
    }

    /** The compatibility module packed beside the fatbin: PTX ISA 7.0 for sm_80, JIT-compiled by drivers r450+ (JCuda 12.6 itself needs r525+). */
    private static final String COMPAT_RESOURCE = "/anneal/cuda/anneal_kernels_compat.ptx";

    private String loadModule() {
        String override = System.getenv(MODULE_ENV);
        if (override != null && !override.isBlank()) {
            Path p = Path.of(override.trim());
            byte[] image;
            try {
                image = Files.readAllBytes(p);
            } catch (IOException e) {
                throw new ConfigurationException(MODULE_ENV + ": cannot read '" + override + "' (" + e.getClass().getSimpleName()
                        + "); must name a fatbin, cubin or PTX file built from kernels/ (make -C kernels fatbin)", e);
            }
            int result = load(image, p.toString().endsWith(".ptx"));
            if (result == CUresult.CUDA_ERROR_INVALID_IMAGE || result == CUresult.CUDA_ERROR_INVALID_PTX)
                throw new ConfigurationException(MODULE_ENV + ": '" + override + "' is not a CUDA module (" + CUresult.stringFor(result)
                        + "); must name a fatbin, cubin or PTX file built from kernels/ (make -C kernels fatbin)");
            if (result != CUresult.CUDA_SUCCESS) throw notLoadable(CUresult.stringFor(result), override);
            return p.toAbsolutePath().toString();
        }
        byte[] fatbin = resource(MODULE_RESOURCE);
        if (fatbin == null)
            throw new BackendUnavailableException("the jar has no CUDA kernels (" + MODULE_RESOURCE
                    + "); rebuild it with 'mvn package' (kernels/package.sh packs them)");
        int result = load(fatbin, false);
        if (result == CUresult.CUDA_SUCCESS) return "packed fatbin (CUDA 13, sm_75/80/86/89/90 + compute_90 PTX)";
        String first = CUresult.stringFor(result);
        boolean retry = result == CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION || result == CUresult.CUDA_ERROR_NO_BINARY_FOR_GPU
                || result == CUresult.CUDA_ERROR_INVALID_IMAGE;
        byte[] compat = retry ? resource(COMPAT_RESOURCE) : null;
        if (compat == null) throw notLoadable(first, null);
        int second = load(compat, true);
        if (second == CUresult.CUDA_SUCCESS) return "packed compatibility PTX (ISA 7.0, sm_80; the fatbin gave " + first + ")";
        throw notLoadable(first + ", compatibility PTX: " + CUresult.stringFor(second), null);
    }

    private static byte[] resource(String name) {
        try (InputStream in = CudaDevice.class.getResourceAsStream(name)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new BackendUnavailableException("cannot read the CUDA module " + name + " from the jar: " + e.getMessage(), e);
        }
    }

    /** cuModuleLoadData's result code (the module is loaded when it is CUDA_SUCCESS). */
    private int load(byte[] image, boolean text) {
        if (text) image = java.util.Arrays.copyOf(image, image.length + 1);  // NUL-terminated PTX
        try {
            int r = cuModuleLoadData(module, image);
            if (r == CUresult.CUDA_SUCCESS) moduleLoaded = true;
            return r;
        } catch (CudaException e) {
            for (int code : MODULE_ERRORS) if (firstLine(e.getMessage()).contains(CUresult.stringFor(code))) return code;
            throw e;
        }
    }

    private static final int[] MODULE_ERRORS = {CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION, CUresult.CUDA_ERROR_NO_BINARY_FOR_GPU,
        CUresult.CUDA_ERROR_INVALID_IMAGE, CUresult.CUDA_ERROR_INVALID_PTX, CUresult.CUDA_ERROR_INVALID_SOURCE,
        CUresult.CUDA_ERROR_JIT_COMPILER_NOT_FOUND, CUresult.CUDA_ERROR_UNSUPPORTED_EXEC_AFFINITY};

    private BackendUnavailableException notLoadable(String why, String override) {
        return new BackendUnavailableException("the CUDA kernels do not load on " + name + " (sm_" + major + minor
                + ", driver " + versionString(driverVersion) + "): " + why
                + (override != null ? " (" + MODULE_ENV + "=" + override + ")"
                        : ". The packed kernels need driver r525+ (compatibility PTX) and r580+ for the fatbin; on an older"
                        + " driver build them with the box's nvcc ('make -C kernels fatbin') and set " + MODULE_ENV
                        + "=kernels/build/anneal_kernels.fatbin"));
    }

    static String versionString(int v) {
        return v / 1000 + "." + (v % 1000) / 10;
    }

    /** Makes this device's context current on the calling thread (a driver call only when it is not already). */
    void makeCurrent() {
        if (CURRENT.get() != this) {
            cuCtxSetCurrent(context);
            CURRENT.set(this);
        }
    }

    /** Whether the driver is Anneal's CPU stand-in (kernels/standin/), not a GPU. */
    boolean isStandIn() {
        return name.startsWith(STAND_IN_NAME);
    }

    /** Pinned host memory of {@code bytes} (freed at close), with its native address for packed kernel arguments. */
    Pointer pinned(long bytes) {
        Pointer p = new Pointer();
        cuMemAllocHost(p, bytes);
        pinned.add(p);
        return p;
    }

    /** The first CUDA error this device met at close (a failed context is reset), or null. */
    CudaException failure() {
        return failure;
    }

    CUfunction function(String kernel) {
        CUfunction f = new CUfunction();
        cuModuleGetFunction(f, module, kernel);
        return f;
    }

    /** Allocates {@code bytes} for {@code what}; out of memory becomes a message with the sizes involved. */
    CUdeviceptr alloc(String what, long bytes) {
        CUdeviceptr p = new CUdeviceptr();
        try {
            cuMemAlloc(p, Math.max(bytes, 4));
        } catch (CudaException e) {
            if (!String.valueOf(e.getMessage()).contains(CUresult.stringFor(CUresult.CUDA_ERROR_OUT_OF_MEMORY))) throw e;
            long[] free = new long[1], total = new long[1];
            cuMemGetInfo(free, total);
            throw new BackendUnavailableException(String.format(
                    "out of device memory on %s: allocating %s for %s after %s already allocated by this run; the device has %s free of %s",
                    name, mib(bytes), what, mib(allocatedBytes), mib(free[0]), mib(total[0])), e);
        }
        allocations.add(p);
        allocatedBytes += bytes;
        return p;
    }

    void free(CUdeviceptr p) {
        if (allocations.remove(p)) cuMemFree(p);
    }

    static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
    }

    long allocatedBytes() {
        return allocatedBytes;
    }

    void copyToDevice(CUdeviceptr dst, Pointer src, long bytes) {
        if (bytes > 0) cuMemcpyHtoD(dst, src, bytes);
    }

    void copyToHost(Pointer dst, CUdeviceptr src, long bytes) {
        if (bytes > 0) cuMemcpyDtoH(dst, src, bytes);
    }

    String describe() {
        return String.format("%s (sm_%d%d, %.1f GiB), driver CUDA %s", name, major, minor,
                totalBytes / (1024.0 * 1024 * 1024), versionString(driverVersion))
                + (isStandIn() ? " [the CPU stand-in driver: nothing runs on a GPU, timings are not GPU timings]" : "");
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            if (!retained) return;
            CURRENT.remove();
            makeCurrent();
            try {
                cuCtxSynchronize();  // a sticky error (a kernel fault) shows here
            } catch (CudaException e) {
                failure = e;
            }
            if (failure == null) {
                try {
                    for (CUdeviceptr p : allocations) cuMemFree(p);
                    for (Pointer p : pinned) cuMemFreeHost(p);
                    if (moduleLoaded) cuModuleUnload(module);
                    if (streamCreated) cuStreamDestroy(stream);
                } catch (CudaException e) {
                    failure = e;
                }
            }
        } finally {
            allocations.clear();
            pinned.clear();
            CURRENT.remove();
            if (retained) {
                try {
                    if (failure != null) cuDevicePrimaryCtxReset(device);  // frees everything; the next user starts clean
                } finally {
                    cuDevicePrimaryCtxRelease(device);
                }
            }
        }
    }
}
