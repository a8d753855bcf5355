package anneal.schedule;

/**
 * A schedule that gives the lr itself as a function of the step, whatever the optimizer's lr was: the form of
 * optax's and Keras's schedules ({@code optax.cosine_decay_schedule(init_value=0.1, ...)} or
 * {@code keras.CosineDecay(initial_learning_rate=0.1, ...)} carry their own lr), the same for every group.
 * Row {@code t} is {@code f(t)}, the value those libraries' optimizers use at step (iteration) {@code t}.
 */
public final class AbsoluteLR extends ChainableScheduler implements ClosedForm {
    private final Schedule lr;
    private final Clock clock;

    public AbsoluteLR(ParamGroups groups, String name, Clock clock, Schedule lr) {
        super(groups, name);
        this.lr = java.util.Objects.requireNonNull(lr, name);
        this.clock = clock;
        start();
    }

    @Override
    protected void chainableLr(double[] out) {
        java.util.Arrays.fill(out, lr.value(lastEpoch));
    }

    @Override
    public Schedule closedForm(int group) {
        return lr;
    }

    @Override
    public Clock clock() {
        return clock;
    }
}
