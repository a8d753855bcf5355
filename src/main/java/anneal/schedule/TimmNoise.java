package anneal.schedule;

/**
 * timm's lr noise ({@code Scheduler._add_noise}): where {@code noise_range_t} covers {@code t}, {@code lr + lr * n}
 * with {@code n} drawn from a {@code torch.Generator} seeded {@code noise_seed + t}: 'normal' redraws
 * {@code torch.randn(1)} until {@code |n| < noise_pct}, 'uniform' is {@code 2 (torch.rand(1) - 0.5) noise_pct}.
 * The draws reproduce PyTorch's CPU generator (mt19937; float32 uniform from 24 bits of one output, normal by
 * Box-Muller on two 53-bit doubles, with its cached second sample), as {@link TorchRandom} does.
 */
public final class TimmNoise {
    private final long start;
    private final long end;
    private final boolean normal;
    private final double pct;
    private final long seed;

    /** @param end exclusive; {@code Long.MAX_VALUE} for {@code noise_range_t=start} (an int) */
    public TimmNoise(long start, long end, boolean normal, double pct, long seed) {
        this.start = start;
        this.end = end;
        this.normal = normal;
        this.pct = pct;
        this.seed = seed;
    }

    /** Whether {@code t} is in the noise range. */
    public boolean covers(long t) {
        return start <= t && t < end;
    }

    /** timm's {@code _calculate_noise(t)}. */
    public double noise(long t) {
        TorchRandom g = new TorchRandom(seed + t);
        if (normal) {
            while (true) {
                double n = (float) g.normal();
                if (Math.abs(n) < pct) return n;
            }
        }
        return 2 * ((double) g.uniformFloat() - 0.5) * pct;
    }

    /** {@code v + v * noise(t)} inside the range, else {@code v}. */
    public double apply(double v, long t) {
        if (!covers(t)) return v;
        double n = noise(t);
        return v + v * n;
    }
}
