package anneal.schedule;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * An explicit policy for what happens past a schedule's horizon {@code N} (where libraries disagree: PyTorch's
 * CosineAnnealingLR climbs back up, OneCycleLR raises, optax and Keras hold the last value):
 * <ul>
 *   <li>{@code continue}: the wrapped schedule goes on as it would alone (PyTorch's behaviour, the default, so a
 *       PyTorch-named schedule keeps PyTorch's values);</li>
 *   <li>{@code hold}: from step {@code N} on the lr stays at its value at {@code N} (the wrapped schedule is not
 *       stepped any more);</li>
 *   <li>{@code raise}: stepping past {@code N} throws {@link IllegalStateException};</li>
 *   <li>{@code cycle}: at every multiple of {@code N} the wrapped schedule restarts from its initial state, so the
 *       lr at {@code t} is the lr at {@code t mod N} (SGDR-style restarts of any schedule; the restart reloads the
 *       saved initial state and allocates, once per cycle).</li>
 * </ul>
 */
public final class HorizonLR extends WrappingScheduler {
    /** Past-the-horizon policies. */
    public enum Policy { CONTINUE, HOLD, RAISE, CYCLE }

    private final long horizon;
    private final Policy policy;
    private final Map<String, Object> initial;

    public HorizonLR(ParamGroups groups, Function<ParamGroups, ? extends OptimizerBound> inner, long horizon,
            Policy policy) {
        super(groups, "HorizonLR", java.util.Objects.requireNonNull(inner, "HorizonLR: scheduler"));
        this.horizon = Check.atLeast(name, "horizon", horizon, 1);
        this.policy = policy;
        initial = policy == Policy.CYCLE ? this.inner.stateDict() : null;
        lastEpoch = 0;
    }

    @Override
    public void step() {
        if (inner.needsMetric()) throw new IllegalStateException(name + " wraps a schedule that needs a metric: call "
                + "step(metric)");
        stepWith(Double.NaN);
    }

    @Override
    public void step(double metric) {
        stepWith(metric);
    }

    private void stepWith(double metric) {
        long t = lastEpoch + 1;
        if (t > horizon && policy == Policy.RAISE) {
            throw new IllegalStateException(name + ": step " + t + " is past horizon=" + horizon + " (policy 'raise')");
        }
        stepCount++;
        lastEpoch = t;
        if (t > horizon && policy == Policy.HOLD) return;
        if (policy == Policy.CYCLE && t % horizon == 0) {
            inner.loadStateDict(initial);
            return;
        }
        if (inner.needsMetric()) inner.step(metric);
        else inner.step();
    }

    @Override
    public Clock clock() {
        return inner.clock();
    }

    @Override
    protected void saveExtra(Map<String, Object> out) {
        out.put("inner", inner.ownState());
    }

    @Override
    protected void loadExtra(Map<String, Object> state) {
        inner.loadOwnState(StateValues.map(state, "inner"));
    }

    /**
     * The wrapped schedule, driven for {@code horizon} calls where the policy stops it there (hold, raise) or restarts
     * it (cycle: each cycle is one run of it), for the whole run where it continues.
     */
    @Override
    public Shape shape() {
        long until = policy == Policy.CONTINUE ? Long.MAX_VALUE : horizon;
        return new Shape(name, List.of(), List.of(), List.of(new Shape.Part(inner.shape(), 0, until)), Double.NaN, null);
    }
}
