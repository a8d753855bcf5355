package anneal.schedule;

/**
 * The optimizer hyperparameters a schedule may set every step: the one list that runs from a scheduler through
 * the training loop to a backend's update ({@link HyperparameterTable} holds one value per hyperparameter and
 * parameter group). PyTorch's counterpart is the keys a scheduler writes into {@code optimizer.param_groups[g]};
 * optax's is {@code optax.inject_hyperparams}, which schedules any numeric hyperparameter by name.
 *
 * <p>Adding one is this constant plus its use in the update: its configured value in
 * {@code anneal.optim.SgdConfig#configured} (an exhaustive switch, so the compiler asks for it), its term in each
 * backend's update, and on CUDA a row of the {@code SgdStep} struct in the order of these constants
 * ({@code SgdArgsTest} compares the offsets with the compiled struct).
 */
public enum Hyperparameter {
    /** {@code param_groups[g]['lr']}: every schedule sets it. */
    LR("lr", "lr", "lrs"),
    /** {@code param_groups[g]['momentum']}: CyclicLR and OneCycleLR with {@code cycle_momentum}, CoScheduleLR. */
    MOMENTUM("momentum", "momentum", "momenta"),
    /** {@code param_groups[g]['weight_decay']} (coupled L2, {@code g + weight_decay * p}): CoScheduleLR. */
    WEIGHT_DECAY("weight_decay", "weight decay", "weightDecays");

    private static final Hyperparameter[] ALL = values();

    /** How many there are. */
    public static final int COUNT = ALL.length;

    private final String key;
    private final String label;
    private final String series;

    Hyperparameter(String key, String label, String series) {
        this.key = key;
        this.label = label;
        this.series = series;
    }

    /** PyTorch's {@code param_groups} key, also the column name in {@code anneal schedule} output. */
    public String key() {
        return key;
    }

    /** The name in messages ("weight decay"). */
    public String label() {
        return label;
    }

    /** The name of its per-step series in a run's JSON ({@code lrs}, {@code momenta}, {@code weightDecays}). */
    public String series() {
        return series;
    }

    /** The constant of ordinal {@code i}, without the copy {@link #values()} makes (for per-step loops). */
    public static Hyperparameter of(int i) {
        return ALL[i];
    }
}
