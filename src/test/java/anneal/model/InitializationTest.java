package anneal.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** PyTorch's nn.Linear default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias, seeded. */
class InitializationTest {
    @Test
    void boundsMomentsAndSeeding() {
        MlpSpec spec = new MlpSpec(784, new int[] {256}, 10);
        Parameters p = Initialization.pytorchDefault(spec, 3);
        for (int t = 0; t < p.count(); t++) {
            double bound = 1 / Math.sqrt(spec.fanIn(t / 2));
            double sum = 0, sq = 0, max = 0;
            for (float v : p.tensor(t)) {
                assertTrue(Math.abs(v) <= bound, p.name(t));
                sum += v;
                sq += (double) v * v;
                max = Math.max(max, Math.abs(v));
            }
            int n = p.tensor(t).length;
            if (n > 1000) {
                // uniform on [-b, b]: mean 0, variance b^2 / 3; 5-sigma bands for n samples
                assertEquals(0, sum / n, 5 * bound / Math.sqrt(3 * n), p.name(t) + " mean");
                assertEquals(bound * bound / 3, sq / n, 5 * bound * bound * Math.sqrt(4.0 / 45 / n), p.name(t) + " variance");
                assertTrue(max > 0.99 * bound, p.name(t) + " covers the range");
            }
        }
        assertArrayEquals(p.weight(0), Initialization.pytorchDefault(spec, 3).weight(0));
        assertTrue(p.weight(0)[0] != Initialization.pytorchDefault(spec, 4).weight(0)[0]);
    }
}
