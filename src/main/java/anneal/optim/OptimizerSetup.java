package anneal.optim;

import anneal.schedule.Hyperparameter;
import anneal.schedule.HyperparameterTable;

/**
 * Maps each parameter tensor to an optimizer parameter group, and each group to its SGD config.
 * Group {@code g} gets the schedule's values of group {@code g} ({@link HyperparameterTable} column {@code g}).
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

    /**
     * A fresh table of every group's configured hyperparameters ({@link SgdConfig#configured}): what each step uses
     * where the schedule does not set a value (the lr row is 0 until the schedule writes it).
     */
    public HyperparameterTable configured() {
        HyperparameterTable out = new HyperparameterTable(groups.length);
        for (int i = 0; i < Hyperparameter.COUNT; i++) {
            Hyperparameter h = Hyperparameter.of(i);
            for (int g = 0; g < groups.length; g++) out.set(h, g, groups[g].configured(h));
        }
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
