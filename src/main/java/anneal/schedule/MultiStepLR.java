package anneal.schedule;

import java.util.Arrays;

/**
 * PyTorch {@code MultiStepLR(milestones, gamma=0.1)}: {@code lr_t = base * gamma^(number of milestones <= t)}.
 * Milestones are a multiset as PyTorch's {@code Counter}: a milestone listed twice multiplies by
 * {@code gamma^2} (PyTorch's quirk, kept). Chainable form: at a milestone {@code m} the current lr is
 * multiplied by {@code gamma^count(m)}. {@code milestones=[]} (as PyTorch) keeps the base lr. Counterparts: optax
 * {@code piecewise_constant_schedule(base, {m: gamma, ...})}, Keras {@code PiecewiseConstantDecay}, timm
 * {@code MultiStepLRScheduler(decay_t=milestones, decay_rate=gamma)}. Stepped per epoch.
 */
public final class MultiStepLR extends ClosedFormScheduler {
    private final long[] distinct;
    private final int[] counts;
    private final long[] sortedWithRepeats;
    private final double gamma;

    public MultiStepLR(ParamGroups groups, long[] milestones, double gamma) {
        super(groups, "MultiStepLR");
        sortedWithRepeats = milestones.clone();
        Arrays.sort(sortedWithRepeats);
        if (sortedWithRepeats.length > 0 && sortedWithRepeats[0] < 0) throw Check.bad(name, "milestones", milestones, "integers >= 0");
        long[] d = new long[sortedWithRepeats.length];
        int[] c = new int[sortedWithRepeats.length];
        int n = 0;
        for (long m : sortedWithRepeats) {
            if (n > 0 && d[n - 1] == m) c[n - 1]++;
            else {
                d[n] = m;
                c[n++] = 1;
            }
        }
        distinct = Arrays.copyOf(d, n);
        counts = Arrays.copyOf(c, n);
        this.gamma = Check.positive(name, "gamma", gamma);
        start();
    }

    @Override
    protected void chainableLr(double[] out) {
        int i = Arrays.binarySearch(distinct, lastEpoch);
        if (i < 0) currentLr(out);
        else scaleCurrent(out, Math.pow(gamma, counts[i]));
    }

    @Override
    protected double value(double base, long t) {
        int passed = 0; // bisect_right(sorted milestones with repeats, t)
        while (passed < sortedWithRepeats.length && sortedWithRepeats[passed] <= t) passed++;
        return base * Math.pow(gamma, passed);
    }

    @Override
    public Shape shape() {
        Shape.Length[] lengths = new Shape.Length[sortedWithRepeats.length];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = Shape.Length.milestone("milestones", sortedWithRepeats[i], "it never takes effect");
        }
        return Shape.of(name, lengths);
    }
}
