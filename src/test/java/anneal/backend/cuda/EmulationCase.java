package anneal.backend.cuda;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jcuda.driver.CUdeviceptr;

/**
 * Writes a {@link KernelCase} as the launch list the sanitizer emulation harness ({@code kernels/harness/emu_check.cpp})
 * replays: {@link DeviceKernelCheck#plan} builds the case's launches with the backend's own {@link Kernels}
 * factories (grids, k chunks and argument bytes exactly as a device gets them) over symbolic buffer addresses, and
 * {@code launches.txt} lists the buffers ({@code buffer NAME BYTES file|fill HEXWORD|poison}, inputs in
 * {@code NAME.bin}), the launches ({@code launch KERNEL GX GY GZ BLOCK ARGUMENT-BYTES-HEX}) and the outputs to write
 * back ({@code read NAME}). The harness writes {@code got_NAME.bin}; {@link #readOutputs} reads them for
 * {@link KernelJudge}. The expected values stay on the Java side: the harness neither computes a grid nor judges.
 */
final class EmulationCase {
    /** Symbolic device address of buffer i: (i + 1) << 40, plus the offset within it (the harness relocates it). */
    static final int ADDRESS_SHIFT = 40;

    private EmulationCase() {
    }

    private record Buffer(String name, long bytes, byte[] initial, Integer fillWord) {
    }

    /** Buffers at symbolic addresses; no device. */
    private static final class SymbolicMemory implements DeviceKernelCheck.CaseMemory {
        final List<Buffer> buffers = new ArrayList<>();

        @Override
        public CUdeviceptr input(String name, Object value) {
            if (value == null) return null;
            ByteBuffer b = ByteBuffer.allocate((int) DeviceKernelCheck.bytesOf(value)).order(ByteOrder.LITTLE_ENDIAN);
            if (value instanceof float[] f) for (float x : f) b.putFloat(x);
            else if (value instanceof int[] a) for (int x : a) b.putInt(x);
            else b.put((byte[]) value);
            return add(new Buffer(name, b.capacity(), b.array(), null));
        }

        @Override
        public CUdeviceptr output(String name, long bytes, Integer fillWord) {
            return add(new Buffer(name, bytes, null, fillWord));
        }

        private CUdeviceptr add(Buffer b) {
            buffers.add(b);
            return (CUdeviceptr) new CUdeviceptr().withByteOffset((long) buffers.size() << ADDRESS_SHIFT);
        }
    }

    static void write(Path root, KernelCase c) throws IOException {
        Path dir = Files.createDirectories(root.resolve(c.name()));
        SymbolicMemory mem = new SymbolicMemory();
        List<KernelLaunch> launches = DeviceKernelCheck.plan(c, mem, null);
        StringBuilder txt = new StringBuilder();
        for (Buffer b : mem.buffers) {
            txt.append("buffer ").append(b.name()).append(' ').append(b.bytes()).append(' ');
            if (b.initial() != null) {
                txt.append("file");
                Files.write(dir.resolve(b.name() + ".bin"), b.initial());
            } else if (b.fillWord() != null) txt.append("fill ").append(Integer.toHexString(b.fillWord()));
            else txt.append("poison");
            txt.append('\n');
        }
        for (KernelLaunch l : launches)
            txt.append("launch ").append(l.name).append(' ').append(l.gridX).append(' ').append(l.gridY).append(' ').append(l.gridZ)
                    .append(' ').append(l.block).append(' ').append(HexFormat.of().formatHex(l.argumentBytes())).append('\n');
        for (String key : c.expected().keySet()) txt.append("read ").append(key).append('\n');
        Files.writeString(dir.resolve("launches.txt"), txt, StandardCharsets.US_ASCII);
    }

    /** The outputs the harness wrote for case {@code c}, each as its expected value's type. */
    static Map<String, Object> readOutputs(Path root, KernelCase c) throws IOException {
        Map<String, Object> got = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : c.expected().entrySet()) {
            Path f = root.resolve(c.name()).resolve("got_" + e.getKey() + ".bin");
            if (!Files.exists(f)) continue;  // the judge reports it missing
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
            Object like = e.getValue();
            if (like instanceof float[]) {
                float[] v = new float[b.remaining() / 4];
                b.asFloatBuffer().get(v);
                got.put(e.getKey(), v);
            } else if (like instanceof double[]) {
                double[] v = new double[b.remaining() / 8];
                b.asDoubleBuffer().get(v);
                got.put(e.getKey(), v);
            } else if (like instanceof int[]) {
                int[] v = new int[b.remaining() / 4];
                b.asIntBuffer().get(v);
                got.put(e.getKey(), v);
            } else got.put(e.getKey(), b.array());
        }
        return got;
    }
}
