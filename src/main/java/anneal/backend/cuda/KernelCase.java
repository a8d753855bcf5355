package anneal.backend.cuda;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One kernel check: which kernel ({@code op}), its inputs, and the outputs the CPU reference
 * ({@link anneal.backend.ReferenceOps}) computed for them. Run under emulation by
 * {@code KernelEmulationTest} and on a real GPU by {@link DeviceKernelCheck}. A value passes when
 * {@code |got - expected| <= atol + rtol * |expected|}.
 *
 * <p>Values are {@code Integer}, {@code Double}, {@code float[]}, {@code double[]}, {@code int[]} or {@code byte[]}.
 */
public record KernelCase(String name, String op, double atol, double rtol, Map<String, Object> inputs,
                         Map<String, Object> expected) {

    KernelCase(String name, String op, double atol, double rtol) {
        this(name, op, atol, rtol, new LinkedHashMap<>(), new LinkedHashMap<>());
    }

    KernelCase in(String key, Object value) {
        inputs.put(key, value);
        return this;
    }

    KernelCase out(String key, Object value) {
        expected.put(key, value);
        return this;
    }

    int i(String key) {
        return (Integer) inputs.get(key);
    }

    float[] f(String key) {
        return (float[]) inputs.get(key);
    }
}
