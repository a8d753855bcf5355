package anneal.backend.cuda;

import static jcuda.driver.JCudaDriver.cuGraphExecKernelNodeSetParams;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUDA_KERNEL_NODE_PARAMS;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUgraphNode;
import jcuda.driver.CUstream;

/**
 * One kernel launch of a training step or evaluation: the kernel's name, grid, block and argument bytes,
 * built once and launched many times.
 *
 * <p>The arguments are packed once, at construction, into pinned host memory: the values (each at its
 * natural alignment, as the kernel's C signature lays them out) and, in front of them, the {@code void*}
 * array the driver's {@code kernelParams} expects, pointing at each value. A launch therefore hands JCuda
 * one native pointer instead of a pointer array it would walk with JNI calls per argument. Arguments that
 * change between launches (the batch offset, the SGD step struct, a device-scalar slot) are rewritten in
 * place with {@link #setInt}, {@link #setWords} and {@link #setPointer}: plain memory writes, no JNI. The
 * driver copies the values at each launch (and a CUDA graph at node creation and update), so rewriting
 * them after a launch is safe. Built without a device, a launch is a description only (name, grid, block and
 * argument bytes, with symbolic device addresses), which the sanitizer emulation harness replays.
 */
final class KernelLaunch {
    final String name;
    final int gridX;
    final int gridY;
    final int gridZ;
    final int block;
    private final CUfunction function;
    private final Pointer params;
    private final ByteBuffer values;
    private final int[] offsets;
    private final int[] sizes;
    private final CUDA_KERNEL_NODE_PARAMS nodeParams = new CUDA_KERNEL_NODE_PARAMS();
    /** The node of this launch in an instantiated step graph (null outside graph mode). */
    CUgraphNode node;

    private KernelLaunch(Builder b, CudaDevice device) {
        if (b.gridX < 1 || b.gridY < 1 || b.gridZ < 1)
            throw new IllegalArgumentException(b.name + ": empty grid " + b.gridX + " x " + b.gridY + " x " + b.gridZ);
        name = b.name;
        function = b.function;
        gridX = b.gridX;
        gridY = b.gridY;
        gridZ = b.gridZ;
        block = b.block;
        int n = b.args.size();
        offsets = new int[n];
        sizes = new int[n];
        int at = 0;
        for (int i = 0; i < n; i++) {
            Arg a = b.args.get(i);
            at = (at + a.align - 1) / a.align * a.align;
            offsets[i] = at;
            sizes[i] = a.bytes.length;
            at += a.bytes.length;
        }
        int valueBytes = Math.max(8, at);
        if (device == null) {  // a description only (the emulation harness replays it): the values, no launchable params
            values = ByteBuffer.allocate(valueBytes).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) values.put(offsets[i], b.args.get(i).bytes);
            params = null;
            return;
        }
        int slotBytes = 8 * Math.max(1, n);
        Pointer block0 = device.pinned(slotBytes + valueBytes);
        ByteBuffer all = block0.getByteBuffer(0, slotBytes + valueBytes).order(ByteOrder.LITTLE_ENDIAN);
        long base = NativeAddress.of(block0);
        for (int i = 0; i < n; i++) all.putLong(8 * i, base + slotBytes + offsets[i]);
        values = all.slice(slotBytes, valueBytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) values.put(offsets[i], b.args.get(i).bytes);
        params = NativeAddress.raw(base);  // no buffer attached: JCuda passes it on with two field reads
        nodeParams.func = function;
        nodeParams.gridDimX = gridX;
        nodeParams.gridDimY = gridY;
        nodeParams.gridDimZ = gridZ;
        nodeParams.blockDimX = block;
        nodeParams.blockDimY = 1;
        nodeParams.blockDimZ = 1;
        nodeParams.sharedMemBytes = 0;
        nodeParams.kernelParams = params;
    }

    /** Blocks needed to cover {@code n} items with {@code perBlock} items per block. */
    static int blocks(long n, int perBlock) {
        long b = (n + perBlock - 1) / perBlock;
        if (b > Integer.MAX_VALUE) throw new IllegalArgumentException("grid too large: " + b + " blocks");
        return (int) Math.max(1, b);
    }

    void launch(CUstream stream) {
        if (params == null) throw new IllegalStateException(name + ": a launch description without a device (a bug in Anneal)");
        cuLaunchKernel(function, gridX, gridY, gridZ, block, 1, 1, 0, stream, params, null);
    }

    /**
     * The arguments as the backend passed them before issue #13: one {@code Pointer.to(value)} per argument in
     * a {@code Pointer.to(Pointer...)} array, which JCuda walks with JNI calls at every launch. Only the host-cost
     * benchmark uses it, as the peer of the packed arguments.
     */
    Pointer legacyParams() {
        Pointer[] each = new Pointer[offsets.length];
        for (int i = 0; i < each.length; i++) {
            byte[] v = new byte[sizes[i]];
            values.get(offsets[i], v);
            each[i] = Pointer.to(v);
        }
        return Pointer.to(each);
    }

    /** Launches with another parameter array (the benchmark's legacy peer). */
    void launchWith(Pointer kernelParams) {
        cuLaunchKernel(function, gridX, gridY, gridZ, block, 1, 1, 0, null, kernelParams, null);
    }

    /** Rewrites int argument {@code arg}. */
    void setInt(int arg, int value) {
        check(arg, 4);
        values.putInt(offsets[arg], value);
    }

    /** Rewrites pointer argument {@code arg} with a device address. */
    void setPointer(int arg, long address) {
        check(arg, 8);
        values.putLong(offsets[arg], address);
    }

    /** Rewrites struct argument {@code arg} (4-byte words, e.g. {@link SgdArgs#stepWords()}). */
    void setWords(int arg, int[] words) {
        check(arg, 4 * words.length);
        int at = offsets[arg];
        for (int w : words) {
            values.putInt(at, w);
            at += 4;
        }
    }

    private void check(int arg, int bytes) {
        if (sizes[arg] != bytes) throw new IllegalArgumentException(name + " argument " + arg + " has " + sizes[arg] + " bytes, not " + bytes);
    }

    /** The packed argument values, in the kernel signature's layout (a copy). */
    byte[] argumentBytes() {
        byte[] b = new byte[values.capacity()];
        values.get(0, b);
        return b;
    }

    /** The node description for building a graph (its parameters are copied at node creation). */
    CUDA_KERNEL_NODE_PARAMS nodeParams() {
        return nodeParams;
    }

    /** Copies the current values of the arguments into this launch's node of an instantiated graph. */
    void updateNode(CUgraphExec exec) {
        cuGraphExecKernelNodeSetParams(exec, node, nodeParams);
    }

    /** Collects a launch's arguments in the kernel signature's order. */
    static final class Builder {
        private final String name;
        private final CUfunction function;
        private final int gridX, gridY, gridZ, block;
        private final List<Arg> args = new ArrayList<>();

        Builder(String name, CUfunction function, int gridX, int gridY, int gridZ, int block) {
            this.name = name;
            this.function = function;
            this.gridX = gridX;
            this.gridY = gridY;
            this.gridZ = gridZ;
            this.block = block;
        }

        /** A device pointer ({@code null}: NULL). */
        Builder ptr(CUdeviceptr p) {
            return add(8, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(p == null ? 0 : NativeAddress.of(p)).array());
        }

        Builder i32(int v) {
            return add(4, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
        }

        Builder f64(double v) {
            return add(8, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(v).array());
        }

        /** A struct of 4-byte fields passed by value. */
        Builder words(int[] w) {
            ByteBuffer b = ByteBuffer.allocate(4 * w.length).order(ByteOrder.LITTLE_ENDIAN);
            for (int x : w) b.putInt(x);
            return add(4, b.array());
        }

        private Builder add(int align, byte[] bytes) {
            args.add(new Arg(align, bytes));
            return this;
        }

        /** The launch, packed into {@code device}'s pinned memory; with {@code null}, a description only (not launchable). */
        KernelLaunch build(CudaDevice device) {
            return new KernelLaunch(this, device);
        }
    }

    private record Arg(int align, byte[] bytes) {
    }

    /**
     * Native addresses of JCuda pointers (device pointers and pinned host memory), which JCuda keeps in a
     * protected field; needed to pack pointer arguments by value. JCuda is on the class path (the unnamed
     * module), so reflection may open it.
     */
    static final class NativeAddress {
        private static final Method NATIVE_POINTER, BYTE_OFFSET;
        private static final java.lang.reflect.Constructor<Pointer> AT_ADDRESS;

        static {
            try {
                NATIVE_POINTER = NativePointerObject.class.getDeclaredMethod("getNativePointer");
                NATIVE_POINTER.setAccessible(true);
                BYTE_OFFSET = Pointer.class.getDeclaredMethod("getByteOffset");
                BYTE_OFFSET.setAccessible(true);
                AT_ADDRESS = Pointer.class.getDeclaredConstructor(long.class);
                AT_ADDRESS.setAccessible(true);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("this JCuda version hides the native address of a Pointer (a bug in Anneal's "
                        + "CUDA backend for this JCuda version)", e);
            }
        }

        private NativeAddress() {
        }

        /**
         * A Pointer holding only a native address. JCuda hands such a pointer to the driver with two field reads;
         * the Pointer that cuMemAllocHost fills also carries a direct ByteBuffer, which JCuda inspects at every
         * call with several JNI calls and an up-call into Java.
         */
        static Pointer raw(long address) {
            try {
                return AT_ADDRESS.newInstance(address);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot make a JCuda pointer at an address", e);
            }
        }

        static long of(Pointer p) {
            try {
                return (long) NATIVE_POINTER.invoke(p) + (long) BYTE_OFFSET.invoke(p);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read a JCuda pointer's address", e);
            }
        }
    }
}
