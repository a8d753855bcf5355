package anneal.optim;

import anneal.ConfigurationException;
import anneal.schedule.Hyperparameter;

/**
 * Hyper-parameters of one parameter group of {@code torch.optim.SGD} other than the learning rate
 * (which the schedule supplies every step). Update, as PyTorch:
 * <pre>
 *   g = grad + weight_decay * p
 *   buf = g                                   (first step)
 *   buf = momentum * buf + (1 - dampening) * g (later steps)
 *   d = nesterov ? g + momentum * buf : buf    (d = g when momentum == 0)
 *   p = p - lr * d
 * </pre>
 */
public record SgdConfig(double momentum, double dampening, boolean nesterov, double weightDecay) {
    public SgdConfig {
        if (!(momentum >= 0) || Double.isInfinite(momentum))
            throw ConfigurationException.of("SGD", "momentum", momentum, "a finite number >= 0");
        if (!Double.isFinite(dampening)) throw ConfigurationException.of("SGD", "dampening", dampening, "a finite number");
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay))
            throw ConfigurationException.of("SGD", "weight_decay", weightDecay, "a finite number >= 0");
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw ConfigurationException.of("SGD", "nesterov", true, "only with momentum > 0 and dampening = 0 (momentum="
                    + momentum + ", dampening=" + dampening + ")");
    }

    /**
     * This group's configured value of {@code h}, what every step uses unless the schedule sets {@code h}. The
     * learning rate has none (the schedule always sets it; 0 before it does, as in the trainer's warm-up).
     */
    public double configured(Hyperparameter h) {
        return switch (h) {
            case LR -> 0;
            case MOMENTUM -> momentum;
            case WEIGHT_DECAY -> weightDecay;
        };
    }

    /** Same config with a different weight decay (e.g. 0 for biases). */
    public SgdConfig withWeightDecay(double wd) {
        return new SgdConfig(momentum, dampening, nesterov, wd);
    }
}
