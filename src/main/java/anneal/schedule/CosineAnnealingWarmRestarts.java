package anneal.schedule;

import java.util.Map;

/**
 * PyTorch {@code CosineAnnealingWarmRestarts(T_0, T_mult=1, eta_min=0)} (SGDR, Loshchilov and Hutter 2016):
 * {@code lr = eta_min + (base - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2}, where {@code T_i} starts at
 * {@code T_0} and is multiplied by {@code T_mult} at each restart, and {@code T_cur} counts epochs since the
 * last restart, fractional when stepped with {@link #stepToEpoch(double)} (PyTorch's {@code step(epoch)}).
 *
 * <p>Per batch: {@code steps_per_epoch = S} (an Anneal extension) makes the {@code k}-th {@link #step()} call
 * {@code stepToEpoch(k / S)}, computed as {@code floor(k / S) + (k % S) / S}, i.e. PyTorch's
 * {@code scheduler.step(epoch + (i + 1) / iters)} after batch {@code i} of epoch {@code epoch}: the lr reflects
 * the fraction of epochs completed. (PyTorch's docs write {@code epoch + i / iters}, which lags one batch.)
 * Without it, {@code step()} advances one epoch. Resuming with {@code last_epoch=k}: {@code T_cur = k + 1} at
 * construction, wrapped once by {@code T_cur - T_i} (1.13) or {@code T_cur % T_i} (2.x). Counterparts: optax
 * {@code sgdr_schedule} (a list of warmup-cosine cycles), Keras {@code CosineDecayRestarts(t_mul=T_mult, m_mul=1)},
 * timm {@code CosineLRScheduler(cycle_mul=T_mult, cycle_limit=...)}, transformers
 * {@code cosine_with_hard_restarts} (equal cycles over a fixed horizon).
 */
public final class CosineAnnealingWarmRestarts extends TorchScheduler implements ClosedForm {
    private final long t0;
    private final long tMult;
    private final double etaMin;
    private final long stepsPerEpoch;
    private final double[] baseLrs;
    /** {@code log(T_mult)}, the denominator of PyTorch's {@code math.log(x, T_mult)}. */
    private final double logTMult;
    private double tI;
    private double tCur;
    private long batches;

    /** @param stepsPerEpoch 0 for PyTorch's per-epoch {@code step()}, else batches per epoch */
    public CosineAnnealingWarmRestarts(ParamGroups groups, long t0, long tMult, double etaMin, long stepsPerEpoch) {
        super(groups, "CosineAnnealingWarmRestarts");
        this.t0 = Check.atLeast(name, "T_0", t0, 1);
        this.tMult = Check.atLeast(name, "T_mult", tMult, 1);
        this.etaMin = Check.finiteAtLeast(name, "eta_min", etaMin, 0.0);
        this.stepsPerEpoch = Check.atLeast(name, "steps_per_epoch", stepsPerEpoch, 0);
        logTMult = Math.log(tMult);
        tI = t0;
        if (resumeEpoch >= 0 && stepsPerEpoch > 0) {
            throw Check.bad(name, "last_epoch", resumeEpoch, "-1 with steps_per_epoch (resume with --resume instead)");
        }
        tCur = resumeEpoch;
        lastEpoch = resumeEpoch;
        groups.setDefaultInitialLr();
        baseLrs = groups.initialLr.clone();
        initialStep();
    }

    private void applyLr() {
        for (int g = 0; g < baseLrs.length; g++) {
            groups.lr[g] = etaMin + (baseLrs[g] - etaMin) * (1 + Math.cos(Math.PI * tCur / tI)) / 2;
        }
    }

    @Override
    public void step() {
        if (stepsPerEpoch > 0 && lastEpoch >= 0) {
            batches++;
            stepToEpoch((double) (batches / stepsPerEpoch) + (double) (batches % stepsPerEpoch) / stepsPerEpoch);
            return;
        }
        if (lastEpoch < 0) {
            stepToEpoch(0);
            return;
        }
        lastEpoch = lastEpoch + 1;
        tCur = tCur + 1;
        if (tCur >= tI) {
            tCur = torch == TorchVersion.V2 ? tCur % tI : tCur - tI; // 2.x: PR #151289
            tI = tI * tMult;
        }
        applyLr();
    }

    /** PyTorch's {@code step(epoch)}: jump to a (fractional) epoch. */
    @Override
    public void stepToEpoch(double epoch) {
        if (!(epoch >= 0)) throw Check.bad(name, "epoch", epoch, ">= 0");
        if (epoch >= t0) {
            if (tMult == 1) {
                tCur = epoch % t0;
            } else {
                long n = (long) (Math.log(epoch / t0 * (tMult - 1) + 1) / logTMult);
                long power = 1;
                for (long i = 0; i < n; i++) power *= tMult;
                tCur = epoch - (double) (t0 * (power - 1)) / (tMult - 1);
                tI = (double) (t0 * power);
            }
        } else {
            tI = t0;
            tCur = epoch;
        }
        lastEpoch = (long) Math.floor(epoch);
        if (stepsPerEpoch > 0) batches = Math.round(epoch * stepsPerEpoch);
        applyLr();
    }

    private double value(double base, double epoch) {
        double cur;
        double len;
        if (epoch < t0) {
            cur = epoch;
            len = t0;
        } else if (tMult == 1) {
            cur = epoch % t0;
            len = t0;
        } else {
            long n = (long) (Math.log(epoch / t0 * (tMult - 1) + 1) / logTMult);
            double power = Math.pow(tMult, n);
            cur = epoch - t0 * (power - 1) / (tMult - 1);
            len = t0 * power;
        }
        return etaMin + (base - etaMin) * (1 + Math.cos(Math.PI * cur / len)) / 2;
    }

    /** Closed form in the units {@link #step()} counts: epochs, or batches when steps_per_epoch is set. */
    @Override
    public Schedule closedForm(int group) {
        double base = baseLrs[group];
        long perEpoch = Math.max(1, stepsPerEpoch);
        return t -> value(base, (double) (t / perEpoch) + (double) (t % perEpoch) / perEpoch);
    }

    /** Fractional epochs with {@code steps_per_epoch} (T_0 counts epochs, step() advances a fraction), else epochs. */
    @Override
    public Clock clock() {
        return stepsPerEpoch > 0 ? Clock.FRACTIONAL_EPOCH : Clock.EPOCH;
    }

    @Override
    protected void saveExtra(Map<String, Object> out) {
        out.put("base_lrs", StateValues.doubles(baseLrs));
        out.put("T_i", tI);
        out.put("T_cur", tCur);
        out.put("batches", batches);
    }

    @Override
    protected void loadExtra(Map<String, Object> state) {
        StateValues.readDoubles(state, "base_lrs", baseLrs);
        tI = StateValues.readDouble(state, "T_i");
        tCur = StateValues.readDouble(state, "T_cur");
        batches = StateValues.readLong(state, "batches");
    }

    /** The restart cycles (in epochs of {@code steps_per_epoch} calls, where given) and the epochs they assume. */
    @Override
    public Shape shape() {
        Shape.Length length = stepsPerEpoch > 0 ? Shape.Length.stepsPerEpoch(stepsPerEpoch, "its epochs are not the run's")
                : Shape.Length.unitOnly("T_0", t0);
        return new Shape(name, java.util.List.of(length), java.util.List.of(), java.util.List.of(), Double.NaN,
                new Shape.Restarts(t0, tMult, Math.max(1, stepsPerEpoch), "T_0=" + t0 + ", T_mult=" + tMult));
    }
}
