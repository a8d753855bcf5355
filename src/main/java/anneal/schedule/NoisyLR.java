package anneal.schedule;

import java.util.Map;
import java.util.function.Function;

/**
 * Seeded learning-rate noise on any schedule (timm's {@code noise_range_t}, {@code noise_pct}, {@code noise_std},
 * {@code noise_type}, {@code noise_seed}): while {@code start <= t < end} the lr is {@code r_g * (1 + n_t)}, where
 * {@code r_g} is the wrapped schedule's lr (which keeps its own recursion, so the noise never compounds) and
 * {@code n_t} is drawn from a seeded stream:
 * <ul>
 *   <li>normal: {@code n ~ N(0, std^2)}, drawn again until {@code |n| < pct} (timm draws {@code N(0, 1)} and ignores
 *       {@code noise_std}; here the standard deviation is applied);</li>
 *   <li>uniform: {@code n ~ U(-pct, pct)}.</li>
 * </ul>
 * One noise value per step is shared by all groups (as timm). The stream is splitmix64 seeded with {@code seed};
 * its position (the generator state) is part of the saved state, so a restored run draws the same noise as an
 * uninterrupted one. Counts on the wrapped schedule's clock.
 */
public final class NoisyLR extends WrappingScheduler.OnTop {
    /** Noise distributions. */
    public enum Type { NORMAL, UNIFORM }

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final Type type;
    private final double pct;
    private final double std;
    private final long start;
    private final long end;
    private long stream;

    /**
     * @param start first step with noise (inclusive)
     * @param end first step without noise again (exclusive; {@code Long.MAX_VALUE} for no end)
     */
    public NoisyLR(ParamGroups groups, Function<ParamGroups, ? extends OptimizerBound> inner, Type type, double pct,
            double std, long seed, long start, long end) {
        super(groups, "NoisyLR", inner);
        this.type = type;
        this.pct = Check.range(name, "noise_pct", pct, 0, false, 1, false);
        this.std = Check.positive(name, "noise_std", std);
        this.start = Check.atLeast(name, "noise_range", start, 0);
        if (end <= start) throw Check.bad(name, "noise_range", "[" + start + ", " + end + "]", "[start, end] with end > start");
        this.end = end;
        this.stream = seed;
        putOnTop();
    }

    private long next() {
        stream += GOLDEN;
        long z = stream;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A uniform double in [0, 1). */
    private double uniform() {
        return (next() >>> 11) * 0x1.0p-53;
    }

    /** The next noise value of the stream. */
    private double draw() {
        if (type == Type.UNIFORM) return (2 * uniform() - 1) * pct;
        while (true) {
            double u = 1.0 - uniform(); // (0, 1]
            double n = std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
            if (Math.abs(n) < pct) return n;
        }
    }

    @Override
    protected void onTop() {
        if (lastEpoch < start || lastEpoch >= end) return;
        double factor = 1 + draw();
        for (int g = 0; g < scheduled.length; g++) groups.lr[g] = scheduled[g] * factor;
    }

    @Override
    protected void saveExtra(Map<String, Object> out) {
        super.saveExtra(out);
        out.put("noise_stream", stream);
    }

    @Override
    protected void loadExtra(Map<String, Object> state) {
        super.loadExtra(state);
        stream = StateValues.readLong(state, "noise_stream");
    }

    /** The wrapped schedule's. */
    @Override
    public Shape shape() {
        return Shape.around(name, inner.shape());
    }
}
