package anneal.backend.cuda;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a {@link KernelCase}'s inputs in the form the emulation harness ({@code kernels/harness/emu_check.cpp})
 * reads: a directory with {@code case.txt} ("key value" lines; doubles as exact hex literals; the grid and
 * k chunk from {@link Kernels}) and raw little-endian tensors {@code NAME.f32 / .i32 / .u8}; and reads back what
 * the harness wrote ({@code got_NAME.f32 / .f64 / .i32 / .u8}) for {@link KernelJudge}. The expected values stay
 * on the Java side: the harness does not judge.
 */
final class EmulationCase {
    private EmulationCase() {
    }

    static void write(Path root, KernelCase c) throws IOException {
        Path dir = Files.createDirectories(root.resolve(c.name()));
        StringBuilder txt = new StringBuilder("op ").append(c.op()).append('\n');
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
        Files.writeString(dir.resolve("case.txt"), txt, StandardCharsets.US_ASCII);
    }

    /** The outputs the harness wrote for case {@code c}: got_NAME files, a one-value .f64 as a Double. */
    static Map<String, Object> readOutputs(Path root, KernelCase c) throws IOException {
        Map<String, Object> got = new java.util.HashMap<>();
        try (var files = Files.list(root.resolve(c.name()))) {
            for (Path f : files.toList()) {
                String file = f.getFileName().toString();
                if (!file.startsWith("got_")) continue;
                String key = file.substring(4, file.lastIndexOf('.')), ext = file.substring(file.lastIndexOf('.') + 1);
                ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
                got.put(key, switch (ext) {
                    case "f32" -> {
                        float[] v = new float[b.remaining() / 4];
                        b.asFloatBuffer().get(v);
                        yield v;
                    }
                    case "f64" -> {
                        double[] v = new double[b.remaining() / 8];
                        b.asDoubleBuffer().get(v);
                        yield v.length == 1 ? (Object) v[0] : v;
                    }
                    case "i32" -> {
                        int[] v = new int[b.remaining() / 4];
                        b.asIntBuffer().get(v);
                        yield v;
                    }
                    case "u8" -> b.array();
                    default -> throw new IOException("unknown harness output " + f);
                });
            }
        }
        return got;
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
