package anneal.backend.cuda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One case for the kernel emulation harness ({@code kernels/harness/emu_check.cpp}): a directory with
 * {@code case.txt} ("key value" lines; floats as exact hex literals) and raw little-endian tensors.
 */
final class EmulationCase {
    private final Path dir;
    private final Map<String, String> values = new LinkedHashMap<>();

    EmulationCase(Path root, String name, String op, double atol, double rtol) {
        this.dir = root.resolve(name);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        values.put("op", op);
        set("atol", atol).set("rtol", rtol);
    }

    EmulationCase set(String key, int v) {
        values.put(key, Integer.toString(v));
        return this;
    }

    EmulationCase set(String key, double v) {
        values.put(key, Double.toHexString(v));
        return this;
    }

    EmulationCase f32(String name, float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) b.putFloat(x);
        return write(name + ".f32", b.array());
    }

    EmulationCase i32(String name, int[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : v) b.putInt(x);
        return write(name + ".i32", b.array());
    }

    EmulationCase u8(String name, byte[] v) {
        return write(name + ".u8", v);
    }

    private EmulationCase write(String file, byte[] bytes) {
        try {
            Files.write(dir.resolve(file), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Writes case.txt; call last. */
    void finish() {
        StringBuilder sb = new StringBuilder();
        values.forEach((k, v) -> sb.append(k).append(' ').append(v).append('\n'));
        write("case.txt", sb.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
}
