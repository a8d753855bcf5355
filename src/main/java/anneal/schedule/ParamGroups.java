package anneal.schedule;

import anneal.ConfigurationException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The part of a PyTorch optimizer that schedulers read and write: {@code optimizer.param_groups[g]}'s
 * {@code lr}, {@code initial_lr}, {@code momentum}, and OneCycleLR's {@code max_lr}, {@code min_lr},
 * {@code max_momentum}, {@code base_momentum}, and {@code weight_decay} (0 unless given, as {@code torch.optim.SGD};
 * {@link CoScheduleLR} starts its weight-decay schedule there and writes it back). Schedulers built on the same instance share it exactly as
 * PyTorch schedulers share one optimizer, which is what makes chained and sequential composition (and
 * PyTorch's quirks around {@code initial_lr}) come out identical. Unset keys hold {@code NaN}.
 *
 * <p>The keys an optimizer reads ({@link Hyperparameter}: lr, momentum, weight decay) live in one
 * {@link HyperparameterTable}; {@link #lr}, {@link #momentum} and {@link #weightDecay} are its rows, so schedule
 * formulas write {@code groups.lr[g]} and {@link OptimizerBound#value} reads the table. The other keys are the
 * schedulers' own bookkeeping.
 */
public final class ParamGroups {
    /** lr, momentum and weight decay per group; the three arrays below are its rows. */
    final HyperparameterTable values;
    final double[] lr;
    final double[] initialLr;
    final double[] momentum;
    final double[] maxLr;
    final double[] minLr;
    final double[] maxMomentum;
    final double[] baseMomentum;
    final double[] weightDecay;

    private ParamGroups(double[] lrs) {
        int n = lrs.length;
        values = new HyperparameterTable(n).with(Hyperparameter.LR, lrs);
        lr = values.row(Hyperparameter.LR);
        momentum = values.row(Hyperparameter.MOMENTUM);
        weightDecay = values.row(Hyperparameter.WEIGHT_DECAY);
        java.util.Arrays.fill(momentum, Double.NaN);
        initialLr = nans(n);
        maxLr = nans(n);
        minLr = nans(n);
        maxMomentum = nans(n);
        baseMomentum = nans(n);
    }

    /** An optimizer whose group {@code g} starts at learning rate {@code lrs[g]} (at least one group). */
    public static ParamGroups of(double... lrs) {
        if (lrs == null || lrs.length == 0) {
            throw new ConfigurationException("base lr: at least one parameter group is required");
        }
        for (int g = 0; g < lrs.length; g++) {
            Check.finiteAtLeast("optimizer", "base lr of group " + g, lrs[g], 0.0);
        }
        return new ParamGroups(lrs);
    }

    /**
     * An optimizer whose group {@code g} starts at learning rate {@code lrs[g]} with weight decay
     * {@code weightDecays[g]} ({@code torch.optim.SGD([{'params': ..., 'lr': lrs[g], 'weight_decay': weightDecays[g]}, ...])}).
     */
    public static ParamGroups of(double[] lrs, double[] weightDecays) {
        ParamGroups groups = of(lrs);
        if (weightDecays.length != lrs.length) {
            throw new ConfigurationException("optimizer: weight_decay has " + weightDecays.length + " values for "
                    + lrs.length + " parameter groups; give one per group");
        }
        for (int g = 0; g < weightDecays.length; g++) {
            Check.finiteAtLeast("optimizer", "weight_decay of group " + g, weightDecays[g], 0.0);
            groups.weightDecay[g] = weightDecays[g];
        }
        return groups;
    }

    private static double[] nans(int n) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, Double.NaN);
        return a;
    }

    /** Number of parameter groups. */
    public int size() {
        return lr.length;
    }

    /** {@code param_groups[g][h.key()]}: the value an optimizer would read (momentum {@code NaN} until a scheduler sets it). */
    public double value(Hyperparameter h, int g) {
        return values.get(h, g);
    }

    /** {@code param_groups[g]['lr']}. */
    public double lr(int g) {
        return lr[g];
    }

    /** {@code param_groups[g]['momentum']}, {@code NaN} until a scheduler sets it. */
    public double momentum(int g) {
        return momentum[g];
    }

    /** {@code param_groups[g]['weight_decay']}: the optimizer's, or what a co-scheduled weight decay last wrote. */
    public double weightDecay(int g) {
        return weightDecay[g];
    }

    /** {@code param_groups[g]['initial_lr']}, {@code NaN} until a scheduler sets it. */
    public double initialLr(int g) {
        return initialLr[g];
    }

    /** {@code group.setdefault('initial_lr', group['lr'])} for every group, as {@code _LRScheduler.__init__}. */
    void setDefaultInitialLr() {
        for (int g = 0; g < lr.length; g++) {
            if (Double.isNaN(initialLr[g])) initialLr[g] = lr[g];
        }
    }

    private static final String[] KEYS = {"lr", "initial_lr", "momentum", "max_lr", "min_lr", "max_momentum",
        "base_momentum"};

    private double[][] arrays() {
        return new double[][] {lr, initialLr, momentum, maxLr, minLr, maxMomentum, baseMomentum};
    }

    /** Every key of every group, as lists of numbers (NaN and infinities as strings). */
    Map<String, Object> stateDict() {
        Map<String, Object> out = new LinkedHashMap<>();
        double[][] arrays = arrays();
        for (int k = 0; k < KEYS.length; k++) out.put(KEYS[k], StateValues.doubles(arrays[k]));
        return out;
    }

    void loadStateDict(Map<String, Object> state) {
        double[][] arrays = arrays();
        for (int k = 0; k < KEYS.length; k++) {
            StateValues.readDoubles(state, KEYS[k], arrays[k]);
        }
    }

}
