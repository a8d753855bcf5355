package anneal.schedule;

/**
 * PyTorch's CPU generator as {@code torch.Generator().manual_seed(seed)} sets it up (mt19937 seeded with the low
 * 32 bits), for the draws timm's lr noise makes: {@code torch.rand(1)} (float32: the low 24 bits of one 32-bit
 * output times 2^-24) and {@code torch.randn(1)} (Box-Muller on two doubles of 53 bits from two outputs each,
 * {@code r cos(theta)} returned and {@code r sin(theta)} kept for the next draw, as ATen's normal_distribution).
 */
final class TorchRandom {
    private final int[] mt = new int[624];
    private int index;
    private double cachedNormal = Double.NaN;

    TorchRandom(long seed) {
        mt[0] = (int) seed;
        for (int i = 1; i < 624; i++) mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
        index = 624;
    }

    /** One 32-bit mt19937 output (unsigned, in a long). */
    long next32() {
        if (index >= 624) {
            for (int i = 0; i < 624; i++) {
                int y = (mt[i] & 0x80000000) | (mt[(i + 1) % 624] & 0x7fffffff);
                int v = mt[(i + 397) % 624] ^ (y >>> 1);
                if ((y & 1) != 0) v ^= 0x9908b0df;
                mt[i] = v;
            }
            index = 0;
        }
        int y = mt[index++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y & 0xffffffffL;
    }

    /** {@code torch.rand(1).item()}: a float32 in [0, 1). */
    float uniformFloat() {
        return (float) ((next32() & 0xffffffL) * (1.0 / (1 << 24)));
    }

    private double uniformDouble() {
        long hi = next32();
        long lo = next32();
        long bits = (hi << 32) | lo;
        return (bits & ((1L << 53) - 1)) * (1.0 / (1L << 53));
    }

    /** {@code torch.randn(1)} before its rounding to float32. */
    double normal() {
        if (!Double.isNaN(cachedNormal)) {
            double r = cachedNormal;
            cachedNormal = Double.NaN;
            return r;
        }
        double u1 = uniformDouble();
        double u2 = uniformDouble();
        double r = Math.sqrt(-2.0 * Math.log(1.0 - u2));
        double theta = 2.0 * Math.PI * u1;
        cachedNormal = r * Math.sin(theta);
        return r * Math.cos(theta);
    }
}
