package anneal.optim;

import anneal.optim.SgdConfig;
/**
 * Maps each parameter tensor to an optimizer parameter group, and each group to its SGD config.
 * Group {@code g} gets the schedule's lr {@code g} (and momentum {@code g} when the schedule cycles it).
 *
 * @param groups      SGD config per group
 * @param groupOfTensor group index for every tensor of {@link anneal.model.Parameters}, in tensor order
 */
public record OptimizerSetup(SgdConfig[] groups, int[] groupOfTensor) {
    public OptimizerSetup {
        for (int g : groupOfTensor)
            if (g < 0 || g >= groups.length)
                throw new IllegalArgumentException("tensor group " + g + " outside 0.." + (groups.length - 1));
    }

    /** Each group's configured momentum, the per-step momentum when the schedule does not cycle it. */
    public double[] momenta() {
        double[] out = new double[groups.length];
        for (int g = 0; g < out.length; g++) out[g] = groups[g].momentum();
        return out;
    }

    /** Each group's configured weight decay, the per-step weight decay when the schedule does not co-schedule it. */
    public double[] weightDecays() {
        double[] out = new double[groups.length];
        for (int g = 0; g < out.length; g++) out[g] = groups[g].weightDecay();
        return out;
    }

    /** All tensors in one group. */
    public static OptimizerSetup single(SgdConfig cfg, int tensors) {
        return new OptimizerSetup(new SgdConfig[] {cfg}, new int[tensors]);
    }

    /** Two groups: weights (group 0, with weight decay) and biases (group 1, no weight decay). */
    public static OptimizerSetup noDecayOnBias(SgdConfig cfg, int tensors) {
        int[] map = new int[tensors];
        for (int i = 0; i < tensors; i++) map[i] = i & 1;
        return new OptimizerSetup(new SgdConfig[] {cfg, cfg.withWeightDecay(0)}, map);
    }
}
