package anneal.schedule;

import java.util.List;
import java.util.Map;

/**
 * PyTorch {@code ChainedScheduler(schedulers)}: every {@code step()} steps each child in order on the shared
 * groups, so chainable children multiply their effects (e.g. ConstantLR then ExponentialLR gives
 * {@code base * factor * gamma^t} while the constant lasts). Construction steps nothing (as PyTorch).
 */
public final class ChainedScheduler extends TorchScheduler {
    private final TorchScheduler[] schedulers;

    public ChainedScheduler(ParamGroups groups, List<? extends TorchScheduler> schedulers) {
        super(groups, "ChainedScheduler");
        this.schedulers = schedulers.toArray(new TorchScheduler[0]);
        if (this.schedulers.length == 0) throw Check.bad(name, "schedulers", "[]", "a non-empty list of schedulers");
        for (TorchScheduler s : this.schedulers) {
            if (s.paramGroups() != groups) {
                throw Check.bad(name, "schedulers", s.name(), "schedulers built on the same param groups");
            }
        }
        lastEpoch = 0;
    }

    @Override
    public void step() {
        lastEpoch++;
        for (TorchScheduler s : schedulers) s.step();
    }

    @Override
    void rewindOneEpoch() {
        throw new IllegalArgumentException("ChainedScheduler cannot be inside SequentialLR (PyTorch 1.13: it has no "
                + "last_epoch); put the SequentialLR inside the ChainedScheduler instead");
    }

    @Override
    public void stepToEpoch(double epoch) {
        throw new IllegalArgumentException("ChainedScheduler cannot step to an epoch (PyTorch 1.13 raises TypeError)");
    }

    @Override
    public boolean supportsStepToEpoch() {
        return false;
    }

    @Override
    public boolean schedulesMomentum() {
        for (TorchScheduler s : schedulers) if (s.schedulesMomentum()) return true;
        return false;
    }

    @Override
    public Interval interval() {
        return Composites.interval(schedulers);
    }

    @Override
    protected void saveExtra(Map<String, Object> out) {
        out.put("_schedulers", Composites.states(schedulers));
    }

    @Override
    protected void loadExtra(Map<String, Object> state) {
        Composites.load(schedulers, state);
    }
}
