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
    private long allocatedBytes;
    private boolean closed;

    private CudaDevice(int ordinal) {
        try {
            cuDeviceGet(device, ordinal);
            byte[] nameBytes = new byte[256];
            cuDeviceGetName(nameBytes, nameBytes.length, device);
            int len = 0;
            while (len < nameBytes.length && nameBytes[len] != 0) len++;
            name = new String(nameBytes, 0, len, java.nio.charset.StandardCharsets.US_ASCII);
            major = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
            minor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
            long[] total = new long[1];
            cuDeviceTotalMem(total, device);
            totalBytes = total[0];
            int[] version = new int[1];
            cuDriverGetVersion(version);
            driverVersion = version[0];
            cuDevicePrimaryCtxRetain(context, device);
            cuCtxSetCurrent(context);
            cuStreamCreate(stream, 0);  // a blocking stream: ordered with the synchronous copies on the null stream
        } catch (CudaException e) {
            throw new BackendUnavailableException("CUDA device " + ordinal + " cannot be used: " + e.getMessage(), e);
        }
        moduleSource = loadModule();
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

    private static Optional<String> probe() {
        try {
            JCudaDriver.setExceptionsEnabled(true);
            cuInit(0);
            int[] count = new int[1];
            cuDeviceGetCount(count);
            return count[0] == 0 ? Optional.of("no CUDA device (the driver reports 0 devices)") : Optional.empty();
        } catch (LinkageError e) {
            return Optional.of("no CUDA driver library: libcuda.so.1 (or JCuda's native library for this platform) "
                    + "could not be loaded (" + rootMessage(e) + ")");
        } catch (CudaException e) {
            String code = firstLine(e.getMessage());
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
        if (why.isPresent()) throw new BackendUnavailableException("CUDA backend unavailable: " + why.get());
        int[] count = new int[1];
        cuDeviceGetCount(count);
        if (ordinal < 0 || ordinal >= count[0])
            throw new ConfigurationException("CUDA device must be in 0.." + (count[0] - 1) + ", got " + ordinal);
        return new CudaDevice(ordinal);
    }

    private String loadModule() {
        String override = System.getenv(MODULE_ENV);
        byte[] image;
        String source;
        try {
            if (override != null && !override.isBlank()) {
                Path p = Path.of(override);
                image = Files.readAllBytes(p);
                if (p.toString().endsWith(".ptx")) image = java.util.Arrays.copyOf(image, image.length + 1);  // NUL-terminated text
                source = p.toAbsolutePath().toString();
            } else {
                try (InputStream in = CudaDevice.class.getResourceAsStream(MODULE_RESOURCE)) {
                    if (in == null)
                        throw new BackendUnavailableException("the jar has no CUDA kernels (" + MODULE_RESOURCE
                                + "); rebuild it with 'mvn package' (kernels/package.sh packs them)");
                    image = in.readAllBytes();
                }
                source = "packed fatbin (CUDA 13, sm_80/86/89/90 + compute_90 PTX)";
            }
        } catch (IOException e) {
            throw new BackendUnavailableException("cannot read the CUDA module: " + e.getMessage(), e);
        }
        try {
            cuModuleLoadData(module, image);
        } catch (CudaException e) {
            throw new BackendUnavailableException("the CUDA kernels do not load on " + name + " (sm_" + major + minor
                    + ", driver " + versionString(driverVersion) + "): " + firstLine(e.getMessage())
                    + ". The packed kernels are built by CUDA 13 and need driver r580+; on an older driver build them with"
                    + " the box's nvcc ('make -C kernels fatbin') and set " + MODULE_ENV + "=kernels/build/anneal_kernels.fatbin", e);
        }
        return source;
    }

    static String versionString(int v) {
        return v / 1000 + "." + (v % 1000) / 10;
    }

    void makeCurrent() {
        cuCtxSetCurrent(context);
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
                totalBytes / (1024.0 * 1024 * 1024), versionString(driverVersion));
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            makeCurrent();
            cuStreamSynchronize(stream);
            for (CUdeviceptr p : allocations) cuMemFree(p);
            allocations.clear();
            cuModuleUnload(module);
            cuStreamDestroy(stream);
        } finally {
            cuDevicePrimaryCtxRelease(device);
        }
    }
}
