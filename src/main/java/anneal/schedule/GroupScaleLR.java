package anneal.schedule;

import java.util.function.Function;

/**
 * Per-group scale factors on any schedule (layer-wise lr decay, as BEiT / ELECTRA fine-tuning and timm's
 * {@code layer_decay}): {@code lr_g = r_g * scale_g}, where {@code r_g} is the wrapped schedule's own lr (its
 * recursion never sees the scale, so the scale does not compound, and it applies to schedules that set absolute
 * lrs such as OneCycleLR and CyclicLR too). {@link #layerDecay} gives group {@code g} of {@code G} the scale
 * {@code decay^(G - 1 - g)}: the last group (the head) keeps the full lr, each earlier layer {@code decay} times
 * less. Counts on the wrapped schedule's clock.
 */
public final class GroupScaleLR extends WrappingScheduler.OnTop {
    private final double[] scales;

    public GroupScaleLR(ParamGroups groups, Function<ParamGroups, ? extends OptimizerBound> inner, double[] scales) {
        super(groups, "GroupScaleLR", inner);
        this.scales = Check.perGroup(name, "scales", scales, groups.size()).clone();
        for (double s : this.scales) Check.finiteAtLeast(name, "scales", s, 0.0);
        putOnTop();
    }

    /** Layer-wise decay: {@code decay^(groups - 1 - g)} for group {@code g}. */
    public static double[] layerDecay(double decay, int groups) {
        Check.range("GroupScaleLR", "layer_decay", decay, 0.0, false, 1.0, true);
        double[] out = new double[groups];
        for (int g = 0; g < groups; g++) out[g] = Math.pow(decay, groups - 1 - g);
        return out;
    }

    @Override
    protected void onTop() {
        for (int g = 0; g < scales.length; g++) groups.lr[g] = scheduled[g] * scales[g];
    }

    /** The wrapped schedule's. */
    @Override
    public Shape shape() {
        return Shape.around(name, inner.shape());
    }
}
