package anneal.schedule;

/**
 * PyTorch {@code LambdaLR(lr_lambda)}: {@code lr_t = base_g * lambda_g(t)}, one factor function per group (or one
 * shared). A Java user passes {@link Schedule}s (a one-method interface); the spec string takes an expression
 * of {@code epoch}, e.g. {@code LambdaLR(lr_lambda='0.95 ** epoch')}. Counterparts: every transformers schedule is
 * a LambdaLR (their factors in {@link anneal.schedule.foreign.Transformers}); optax and Keras schedules are
 * {@link AbsoluteLR}s (the lr itself, not a factor).
 *
 * <p>The non-PyTorch closed-form schedules ({@code WarmupCosineLR}, {@code InverseSqrtLR},
 * {@code WarmupStableDecayLR}, {@code CosineDecayRestartsLR}) are LambdaLRs with a built-in factor from
 * {@link Schedule}, so that they compose inside {@link SequentialLR} and {@link ChainedScheduler} exactly as a
 * LambdaLR would. Stepped per epoch (PyTorch) or per step (the built-in factors).
 */
public class LambdaLR extends ChainableScheduler implements ClosedForm {
    private final Schedule[] factors;
    private final Clock clock;
    private final java.util.List<Shape.Length> lengths;

    /** PyTorch's LambdaLR: one factor per group, or a single factor shared by all groups. */
    public LambdaLR(ParamGroups groups, Schedule... factors) {
        this(groups, "LambdaLR", Clock.EPOCH, factors);
    }

    /** A named LambdaLR (for the built-in factor schedules). */
    public LambdaLR(ParamGroups groups, String name, Clock clock, Schedule... factors) {
        this(groups, name, clock, java.util.List.of(), factors);
    }

    /** A named LambdaLR whose factors have {@code lengths} (a built-in factor's {@code total_steps}, ...). */
    public LambdaLR(ParamGroups groups, String name, Clock clock, java.util.List<Shape.Length> lengths,
            Schedule... factors) {
        super(groups, name);
        this.factors = perGroup(name, "lr_lambda", factors, groups.size());
        this.clock = clock;
        this.lengths = java.util.List.copyOf(lengths);
        start();
    }

    static Schedule[] perGroup(String name, String arg, Schedule[] factors, int groups) {
        if (factors.length == 1) {
            Schedule[] out = new Schedule[groups];
            java.util.Arrays.fill(out, factors[0]);
            return out;
        }
        if (factors.length != groups) {
            throw Check.bad(name, arg, factors.length + " functions", "one function, or one per parameter group ("
                    + groups + ")");
        }
        return factors.clone();
    }

    @Override
    protected void chainableLr(double[] out) {
        for (int g = 0; g < out.length; g++) out[g] = baseLrs[g] * factors[g].value(lastEpoch);
    }

    @Override
    public Schedule closedForm(int group) {
        double base = baseLrs[group];
        Schedule f = factors[group];
        return t -> base * f.value(t);
    }

    @Override
    public Clock clock() {
        return clock;
    }

    /** The lengths it was built with (none for a plain LambdaLR: its factor is an expression). */
    @Override
    public Shape shape() {
        return new Shape(name, lengths, java.util.List.of(), java.util.List.of(), Double.NaN, null);
    }
}
