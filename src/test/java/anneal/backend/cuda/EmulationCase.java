package anneal.backend.cuda;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a {@link KernelCase} in the form the emulation harness ({@code kernels/harness/emu_check.cpp})
 * reads: a directory with {@code case.txt} ("key value" lines; doubles as exact hex literals) and raw
 * little-endian tensors {@code NAME.f32 / .i32 / .u8}; expected outputs are prefixed {@code expect_}.
 */
final class EmulationCase {
    private EmulationCase() {
    }

    static void write(Path root, KernelCase c) throws IOException {
        Path dir = Files.createDirectories(root.resolve(c.name()));
        StringBuilder txt = new StringBuilder("op ").append(c.op()).append('\n');
        txt.append("atol ").append(Double.toHexString(c.atol())).append('\n');
        txt.append("rtol ").append(Double.toHexString(c.rtol())).append('\n');
        Kernels.Grid g = Kernels.gridOf(c);  // the backend's own grid arithmetic: the harness launches with it
        txt.append("grid_x ").append(g.x()).append('\n').append("grid_y ").append(g.y()).append('\n');
        txt.append("grid_z ").append(g.z()).append('\n');
        if (c.op().startsWith("linear_") && c.inputs().containsKey("m")) {  // the register-tiled SGEMM's k chunk and workspace
            txt.append("k_chunk ").append(Kernels.linearGrid(c.i("m"), c.i("n"), c.i("k")).kChunk()).append('\n');
        }
        txt.append("workspace_floats ").append(Kernels.WORKSPACE_FLOATS).append('\n');
        txt.append("workspace_counters ").append(Kernels.RT_SPLIT_TARGET).append('\n');
        txt.append("block ").append(g.block()).append('\n');
        for (Map.Entry<String, Object> e : c.inputs().entrySet()) put(dir, txt, e.getKey(), e.getValue());
        for (Map.Entry<String, Object> e : c.expected().entrySet()) put(dir, txt, "expect_" + e.getKey(), e.getValue());
        Files.writeString(dir.resolve("case.txt"), txt, StandardCharsets.US_ASCII);
    }

    private static void put(Path dir, StringBuilder txt, String key, Object v) throws IOException {
        if (v instanceof Integer i) txt.append(key).append(' ').append(i).append('\n');
        else if (v instanceof Double d) txt.append(key).append(' ').append(Double.toHexString(d)).append('\n');
        else if (v instanceof float[] f) {
            ByteBuffer b = ByteBuffer.allocate(4 * f.length).order(ByteOrder.LITTLE_ENDIAN);
            for (float x : f) b.putFloat(x);
            Files.write(dir.resolve(key + ".f32"), b.array());
        } else if (v instanceof int[] a) {
            ByteBuffer b = ByteBuffer.allocate(4 * a.length).order(ByteOrder.LITTLE_ENDIAN);
            for (int x : a) b.putInt(x);
            Files.write(dir.resolve(key + ".i32"), b.array());
        } else if (v instanceof byte[] u) Files.write(dir.resolve(key + ".u8"), u);
        else throw new IllegalArgumentException(key + ": unsupported value type " + v.getClass());
    }
}
