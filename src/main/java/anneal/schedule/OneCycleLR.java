package anneal.schedule;

/**
 * PyTorch {@code OneCycleLR(max_lr, total_steps=None, epochs=None, steps_per_epoch=None, pct_start=0.3,
 * anneal_strategy='cos', cycle_momentum=True, base_momentum=0.85, max_momentum=0.95, div_factor=25.0,
 * final_div_factor=1e4, three_phase=False)} (Smith and Topin 2018). With {@code initial = max_lr / div_factor}
 * and {@code min = initial / final_div_factor}, the lr anneals (cosine {@code end + (start - end)(1 + cos(pi p))/2}
 * or linear {@code start + (end - start) p}) from initial to max_lr over the first {@code pct_start * T - 1}
 * steps, then to min (two-phase), or back to initial by {@code 2 pct_start T - 2} and then to min (three-phase);
 * momentum moves inversely between max_momentum and base_momentum. Closed form; stepped per batch.
 * As PyTorch, stepping past {@code total_steps} throws ({@link IllegalStateException}); step {@code total_steps}
 * itself is still allowed (it extrapolates the last phase). Counterparts: optax {@code cosine_onecycle_schedule} /
 * {@code linear_onecycle_schedule} (whose boundaries are {@code int(pct * T)} and {@code T}, not {@code pct * T - 1});
 * fastai's {@code fit_one_cycle}.
 */
public final class OneCycleLR extends ChainableScheduler implements ClosedForm {
    private static final int INITIAL = 0;
    private static final int MAX = 1;
    private static final int MIN = 2;
    private static final int MAX_MOMENTUM = 3;
    private static final int BASE_MOMENTUM = 4;

    private final long totalSteps;
    private final long stepsPerEpoch;
    private final boolean cosine;
    private final boolean cycleMomentum;
    private final double[] endStep;
    private final int[] startLrKey;
    private final int[] endLrKey;
    private final int[] startMomentumKey;
    private final int[] endMomentumKey;

    /**
     * PyTorch's constructor (give {@code epochs * steps_per_epoch} as {@code totalSteps}).
     *
     * @param stepsPerEpoch the {@code steps_per_epoch} that {@code totalSteps} was computed from, 0 where
     *                      {@code total_steps} was given (PyTorch then ignores {@code epochs} and {@code steps_per_epoch})
     * @param maxLr one peak lr per group
     * @param cosine {@code anneal_strategy == 'cos'} (else linear)
     * @param baseMomentum per group, used when {@code cycleMomentum}
     * @param maxMomentum per group, used when {@code cycleMomentum}
     */
    public OneCycleLR(ParamGroups groups, double[] maxLr, long totalSteps, long stepsPerEpoch, double pctStart, boolean cosine,
            boolean cycleMomentum, double[] baseMomentum, double[] maxMomentum, double divFactor,
            double finalDivFactor, boolean threePhase) {
        super(groups, "OneCycleLR");
        int n = groups.size();
        this.totalSteps = Check.atLeast(name, "total_steps", totalSteps, 1);
        this.stepsPerEpoch = Check.atLeast(name, "steps_per_epoch", stepsPerEpoch, 0);
        Check.range(name, "pct_start", pctStart, 0, true, 1, true);
        Check.positive(name, "div_factor", divFactor);
        Check.positive(name, "final_div_factor", finalDivFactor);
        double[] max = Check.perGroup(name, "max_lr", maxLr, n);
        this.cosine = cosine;
        if (threePhase) {
            endStep = new double[] {pctStart * totalSteps - 1, 2 * pctStart * totalSteps - 2, totalSteps - 1};
            startLrKey = new int[] {INITIAL, MAX, INITIAL};
            endLrKey = new int[] {MAX, INITIAL, MIN};
            startMomentumKey = new int[] {MAX_MOMENTUM, BASE_MOMENTUM, MAX_MOMENTUM};
            endMomentumKey = new int[] {BASE_MOMENTUM, MAX_MOMENTUM, MAX_MOMENTUM};
        } else {
            endStep = new double[] {pctStart * totalSteps - 1, totalSteps - 1};
            startLrKey = new int[] {INITIAL, MAX};
            endLrKey = new int[] {MAX, MIN};
            startMomentumKey = new int[] {MAX_MOMENTUM, BASE_MOMENTUM};
            endMomentumKey = new int[] {BASE_MOMENTUM, MAX_MOMENTUM};
        }
        for (int g = 0; g < n; g++) {
            Check.finiteAtLeast(name, "max_lr", max[g], 0.0);
            groups.initialLr[g] = max[g] / divFactor;
            groups.maxLr[g] = max[g];
            groups.minLr[g] = groups.initialLr[g] / finalDivFactor;
        }
        this.cycleMomentum = cycleMomentum;
        if (cycleMomentum) {
            double[] maxM = Check.perGroup(name, "max_momentum", maxMomentum, n);
            double[] baseM = Check.perGroup(name, "base_momentum", baseMomentum, n);
            for (int g = 0; g < n; g++) {
                groups.momentum[g] = Check.range(name, "max_momentum", maxM[g], 0, true, 1, true);
                groups.maxMomentum[g] = maxM[g];
                groups.baseMomentum[g] = Check.range(name, "base_momentum", baseM[g], 0, true, 1, true);
            }
        }
        start();
    }

    private double key(int key, int g) {
        switch (key) {
            case INITIAL: return groups.initialLr[g];
            case MAX: return groups.maxLr[g];
            case MIN: return groups.minLr[g];
            case MAX_MOMENTUM: return groups.maxMomentum[g];
            default: return groups.baseMomentum[g];
        }
    }

    /** The step's shape value: {@code cos(pi pct) + 1} for cos annealing (computed once per step), else pct. */
    private double shape(double pct) {
        return cosine ? Math.cos(Math.PI * pct) + 1 : pct;
    }

    /** PyTorch's {@code _annealing_cos} / {@code _annealing_linear}, given {@link #shape}. */
    private double anneal(double start, double end, double shape) {
        if (cosine) return end + (start - end) / 2.0 * shape;
        return (end - start) * shape + start;
    }

    /** The phase that step {@code t} falls in. */
    private int phase(long t) {
        int last = endStep.length - 1;
        for (int i = 0; i < last; i++) if (t <= endStep[i]) return i;
        return last;
    }

    private double pct(long t, int phase) {
        double startStep = phase == 0 ? 0 : endStep[phase - 1];
        double length = endStep[phase] - startStep;
        if (length == 0) {
            throw new IllegalStateException(name + ": phase " + (phase + 1) + " has zero length (pct_start * total_steps"
                    + " puts two phase ends at step " + endStep[phase] + "); PyTorch raises ZeroDivisionError here");
        }
        return (t - startStep) / length;
    }

    private void checkHorizon(long t) {
        if (t > totalSteps) {
            throw new IllegalStateException(name + ": tried to step " + (t + 1) + " times; the specified number of "
                    + "total steps is " + totalSteps + " (PyTorch raises here too; raise total_steps or stop stepping)");
        }
    }

    @Override
    protected void chainableLr(double[] out) {
        long t = lastEpoch;
        checkHorizon(t);
        int phase = phase(t);
        double shape = shape(pct(t, phase));
        for (int g = 0; g < out.length; g++) {
            out[g] = anneal(key(startLrKey[phase], g), key(endLrKey[phase], g), shape);
            if (cycleMomentum) {
                groups.momentum[g] = anneal(key(startMomentumKey[phase], g), key(endMomentumKey[phase], g), shape);
            }
        }
    }

    @Override
    public Schedule closedForm(int group) {
        return t -> {
            checkHorizon(t);
            int phase = phase(t);
            return anneal(key(startLrKey[phase], group), key(endLrKey[phase], group), shape(pct(t, phase)));
        };
    }

    /** The momentum of {@code group} at step {@code t} (NaN without cycle_momentum). */
    public Schedule momentumClosedForm(int group) {
        if (!cycleMomentum) return t -> Double.NaN;
        return t -> {
            checkHorizon(t);
            int phase = phase(t);
            return anneal(key(startMomentumKey[phase], group), key(endMomentumKey[phase], group),
                    shape(pct(t, phase)));
        };
    }

    /** {@code total_steps}, the last step the schedule accepts. */
    public long totalSteps() {
        return totalSteps;
    }

    @Override
    public boolean schedules(Hyperparameter h) {
        return h == Hyperparameter.LR || h == Hyperparameter.MOMENTUM && cycleMomentum;
    }

    @Override
    public Clock clock() {
        return Clock.STEP;
    }

    /** {@code total_steps}, the steps per epoch it came from (if it did) and the peak, the largest {@code max_lr}. */
    @Override
    public Shape shape() {
        Shape.Length total = Shape.Length.ends("total_steps", totalSteps, null, "the lr never anneals to its minimum", true);
        double peak = 0;
        for (double m : groups.maxLr) peak = Math.max(peak, m);
        return (stepsPerEpoch > 0 ? Shape.of(name, Shape.Length.stepsPerEpoch(stepsPerEpoch, null), total)
                : Shape.of(name, total)).withPeak(peak);
    }
}
