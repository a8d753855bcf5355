package anneal.schedule.spec;

import anneal.schedule.Check;
import anneal.schedule.Hyperparameter;
import anneal.schedule.Interval;
import anneal.schedule.LrScheduler;
import anneal.schedule.ParamGroups;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Checks a schedule spec against a planned run of {@code E} epochs of {@code S} optimizer steps. The schedule is
 * driven the way the trainer drives it (every part on the clock of the whole: per step, {@code E * S} steps, if
 * any part is per step, else per epoch, {@code E} steps; metric-driven schedules receive a constant metric, the
 * worst case) and the following are reported, one finding each:
 * <ul>
 *   <li>{@link Rule#JUMP}: at a join (a SequentialLR milestone, the end of a warmup) the lr jumps: the change at
 *       the join differs from the change of the step before and from that of the step after (what a continuous
 *       curve gives: the last step of a linear warmup or a kink into a flat segment is no jump) by more than
 *       {@code jumpFraction} of the larger of the two lr values at the join;</li>
 *   <li>{@link Rule#VALUE}: an lr that is NaN, negative, or above the peak (the largest base lr, {@code max_lr}
 *       or warmup target the spec names); a scheduled momentum or weight decay that is NaN or negative;</li>
 *   <li>{@link Rule#HORIZON}: a length that does not match the run ({@code T_max}, {@code total_steps},
 *       {@code total_iters}, {@code step_size}, milestones past the end, a warmup longer than the run, a
 *       CosineAnnealingWarmRestarts run that ends mid-cycle, OneCycleLR raising before the end);</li>
 *   <li>{@link Rule#CLOCK}: a per-epoch schedule whose horizon looks like a step count (within one epoch of
 *       {@code E * S}), or a per-step schedule whose horizon looks like the epoch count.</li>
 * </ul>
 * A length matches when it equals the number of {@code step()} calls its part receives (PyTorch's convention:
 * {@code CosineAnnealingLR(T_max=E)} for {@code E} epochs); a milestone counts when the lr it sets is used,
 * i.e. it is below that number.
 */
public final class Lint {
    /** What a finding is about. */
    public enum Rule { JUMP, VALUE, HORIZON, CLOCK }

    /** One finding: its rule and a one-line message. */
    public record Finding(Rule rule, String message) {
        @Override
        public String toString() {
            return rule.name().toLowerCase(Locale.ROOT) + ": " + message;
        }
    }

    /** The planned run and the largest relative change allowed at a join. */
    public record Plan(long epochs, long stepsPerEpoch, double jumpFraction) {
        public Plan {
            Check.atLeast("lint", "epochs", epochs, 1);
            Check.atLeast("lint", "steps_per_epoch", stepsPerEpoch, 1);
            Check.range("lint", "jump_fraction", jumpFraction, 0, true, Double.MAX_VALUE, true);
            if (epochs > MAX_STEPS / stepsPerEpoch) {
                throw Check.bad("lint", "epochs x steps_per_epoch", epochs + " x " + stepsPerEpoch, "at most "
                        + MAX_STEPS + " planned steps (lint keeps every step's values in memory)");
            }
        }
    }

    /** Longest planned run lint checks, in optimizer steps (it holds each step's values: about 50 bytes a step). */
    public static final long MAX_STEPS = 5_000_000;

    /** The default largest change at a join, as a fraction of the larger lr there ({@code --jump-fraction}). */
    public static final double DEFAULT_JUMP_FRACTION = 0.1;

    /** Metric given to metric-driven schedules while linting (a constant: the plateau reduces as often as it can). */
    private static final double METRIC = 1.0;

    private final Plan plan;
    private final Interval clock;
    private final long length;
    private final String unit;
    private final List<Finding> findings = new ArrayList<>();
    private final List<long[]> joins = new ArrayList<>();
    private double peak;

    private Lint(Plan plan, Interval clock) {
        this.plan = plan;
        this.clock = clock;
        length = clock == Interval.STEP ? plan.epochs() * plan.stepsPerEpoch() : plan.epochs();
        unit = clock == Interval.STEP ? "steps" : "epochs";
    }

    /** Every finding for {@code spec} on groups starting at {@code baseLrs}, in rule order. */
    public static List<Finding> check(String spec, double[] baseLrs, Plan plan) {
        Call call = SpecParser.parse(spec);
        LrScheduler scheduler = ScheduleRegistry.build(call, ParamGroups.of(baseLrs));
        Lint lint = new Lint(plan, scheduler.interval());
        for (double b : baseLrs) lint.peak = Math.max(lint.peak, b);
        lint.walk(call, 0, lint.length, baseLrs);
        List<Finding> horizon = new ArrayList<>(lint.findings);
        lint.findings.clear();
        double[][] rows = lint.simulate(scheduler);
        lint.checkJoins(rows);
        lint.checkValues(rows);
        lint.findings.addAll(horizon);
        return lint.findings;
    }

    private void add(Rule rule, String message) {
        findings.add(new Finding(rule, message));
    }

    private double[][] simulate(LrScheduler s) {
        List<double[]> rows = new ArrayList<>();
        rows.add(s.lastLr());
        long[] badCoScheduled = new long[Hyperparameter.COUNT];  // first row with a NaN or negative value, per hyperparameter
        java.util.Arrays.fill(badCoScheduled, -1);
        checkCoScheduled(s, 0, badCoScheduled);
        for (long t = 1; t <= length; t++) {
            try {
                if (s.needsMetric()) s.step(METRIC);
                else s.step();
            } catch (IllegalStateException e) {
                add(Rule.HORIZON, "step " + t + " of " + length + " " + unit + " raises: " + e.getMessage());
                break;
            }
            rows.add(s.lastLr());
            checkCoScheduled(s, t, badCoScheduled);
        }
        for (Hyperparameter h : Hyperparameter.values()) {
            long row = badCoScheduled[h.ordinal()];
            if (h != Hyperparameter.LR && row >= 0) add(Rule.VALUE, h.label() + " is NaN or negative at row " + row);
        }
        return rows.toArray(new double[0][]);
    }

    /** Records in {@code bad[h]} the first row whose scheduled hyperparameter {@code h} other than the lr is NaN or < 0. */
    private static void checkCoScheduled(LrScheduler s, long row, long[] bad) {
        for (Hyperparameter h : Hyperparameter.values()) {
            if (h == Hyperparameter.LR || bad[h.ordinal()] >= 0 || !s.schedules(h)) continue;
            for (int g = 0; g < s.groups(); g++) if (!(s.value(h, g) >= 0)) bad[h.ordinal()] = row;
        }
    }

    private void checkJoins(double[][] rows) {
        for (long[] join : joins) {
            int t = (int) join[0];
            if (t <= 0 || t >= rows.length) continue;
            for (int g = 0; g < rows[t].length; g++) {
                double before = rows[t - 1][g];
                double after = rows[t][g];
                double slopeBefore = t >= 2 ? before - rows[t - 2][g] : 0.0;
                double slopeAfter = t + 1 < rows.length ? rows[t + 1][g] - after : 0.0;
                double change = after - before;
                double scale = Math.max(Math.abs(before), Math.abs(after));
                double jump = scale == 0 ? 0
                        : Math.min(Math.abs(change - slopeBefore), Math.abs(change - slopeAfter)) / scale;
                if (jump > plan.jumpFraction()) {
                    add(Rule.JUMP, String.format(Locale.ROOT, "group %d: at %s %d (%s) the lr goes %s -> %s, a jump of "
                            + "%.1f%% of the lr beyond the change of the neighbouring steps (> jump fraction %s)", g, unitSingular(),
                            t, joinName(join[1]), num(before), num(after), 100 * jump, num(plan.jumpFraction())));
                }
            }
        }
    }

    private static String joinName(long kind) {
        return kind == 0 ? "SequentialLR milestone" : "end of warmup";
    }

    private void checkValues(double[][] rows) {
        String[] kinds = {"NaN", "negative", "above the peak " + num(peak)};
        for (int k = 0; k < kinds.length; k++) {
            int first = -1;
            int count = 0;
            for (int t = 0; t < rows.length; t++) {
                for (double v : rows[t]) {
                    boolean bad = k == 0 ? Double.isNaN(v) : k == 1 ? v < 0 : v > peak * (1 + 1e-12);
                    if (bad) {
                        if (first < 0) first = t;
                        count++;
                    }
                }
            }
            if (first >= 0) {
                add(Rule.VALUE, "lr is " + kinds[k] + " at row " + first + " (" + count + " values in all), e.g. "
                        + num(firstBad(rows[first], k)));
            }
        }
    }

    private double firstBad(double[] row, int kind) {
        for (double v : row) if (kind == 0 ? Double.isNaN(v) : kind == 1 ? v < 0 : v > peak * (1 + 1e-12)) return v;
        return Double.NaN;
    }

    /** Horizon and clock rules of {@code call}, which is stepped over {@code [start, end)} of the run. */
    private void walk(Call call, long start, long end, double[] baseLrs) {
        long span = end - start;
        String where = call.name() + (start > 0 ? " (from " + unitSingular() + " " + start + ")" : "");
        peakFrom(call, baseLrs);
        switch (call.name()) {
            case "SequentialLR": {
                List<?> children = list(call, "schedulers");
                List<?> milestones = list(call, "milestones");
                long segmentStart = start;
                for (int i = 0; i < children.size(); i++) {
                    long segmentEnd = i < milestones.size() ? start + asLong(milestones.get(i)) : end;
                    if (i < milestones.size()) {
                        long m = asLong(milestones.get(i));
                        joins.add(new long[] {start + m, 0});
                        if (m >= span) {
                            add(Rule.HORIZON, where + ": milestone " + m + " is not before the end of its " + span + " "
                                    + unit + "; schedulers[" + (i + 1) + "] never runs");
                        }
                        clockCheck(where, "milestones", m, false);
                    }
                    if (children.get(i) instanceof Call) {
                        walk((Call) children.get(i), segmentStart, Math.min(Math.max(segmentEnd, segmentStart), end),
                                baseLrs);
                    }
                    segmentStart = segmentEnd;
                }
                return;
            }
            case "ChainedScheduler":
                for (Object c : list(call, "schedulers")) if (c instanceof Call) walk((Call) c, start, end, baseLrs);
                return;
            case "WarmupLR":
            case "GradualWarmupLR": {
                long w = integer(call, "warmup_steps", 0);
                joins.add(new long[] {start + w, 1});
                if (w >= span) add(Rule.HORIZON, where + ": warmup_steps=" + w + " is not shorter than its " + span
                        + " " + unit + "; the warmup never ends");
                clockCheck(where, "warmup_steps", w, false);
                Object inner = call.args().get(call.name().equals("WarmupLR") ? "scheduler" : "after_scheduler");
                boolean inside = Boolean.TRUE.equals(call.args().get("inside"));
                if (inner instanceof Call) walk((Call) inner, inside ? start : start + w, end, baseLrs);
                return;
            }
            case "NoisyLR":
            case "GroupScaleLR":
            case "CoScheduleLR":
            case "HorizonLR": {
                Object inner = call.args().get("scheduler");
                if (inner instanceof Call) walk((Call) inner, start, end, baseLrs);
                return;
            }
            case "CosineAnnealingLR": {
                double tMax = number(call, "T_max", span);
                if (tMax < span) add(Rule.HORIZON, where + ": T_max=" + num(tMax) + " is shorter than its " + span + " "
                        + unit + "; past T_max the lr rises back along the cosine (PyTorch)");
                else if (tMax > span) add(Rule.HORIZON, where + ": T_max=" + num(tMax) + " is longer than its " + span + " "
                        + unit + "; the lr never reaches eta_min");
                clockCheck(where, "T_max", tMax, true);
                return;
            }
            case "OneCycleLR": {
                long total = call.args().containsKey("total_steps") ? integer(call, "total_steps", 0)
                        : integer(call, "epochs", 0) * integer(call, "steps_per_epoch", 0);
                if (total > span) add(Rule.HORIZON, where + ": total_steps=" + total + " is longer than its " + span
                        + " " + unit + "; the lr never anneals to its minimum");
                if (call.args().containsKey("steps_per_epoch") && integer(call, "steps_per_epoch", 0) != plan.stepsPerEpoch()) {
                    add(Rule.HORIZON, where + ": steps_per_epoch=" + integer(call, "steps_per_epoch", 0)
                            + " but the run has " + plan.stepsPerEpoch() + " steps per epoch");
                }
                clockCheck(where, "total_steps", total, true);
                return;
            }
            case "MultiStepLR":
                for (Object m : list(call, "milestones")) {
                    long v = asLong(m);
                    if (v >= span) add(Rule.HORIZON, where + ": milestone " + v + " is not before the end of its " + span
                            + " " + unit + "; it never takes effect");
                    clockCheck(where, "milestones", v, false);
                }
                return;
            case "StepLR": {
                long size = integer(call, "step_size", 0);
                if (size >= span) add(Rule.HORIZON, where + ": step_size=" + size + " is not shorter than its " + span
                        + " " + unit + "; the lr never decays");
                clockCheck(where, "step_size", size, false);
                return;
            }
            case "LinearLR":
            case "ConstantLR":
            case "PolynomialLR": {
                long iters = integer(call, "total_iters", 5);
                if (iters > span) add(Rule.HORIZON, where + ": total_iters=" + iters + " is longer than its " + span
                        + " " + unit + "; it never completes");
                clockCheck(where, "total_iters", iters, call.name().equals("PolynomialLR"));
                return;
            }
            case "WarmupCosineLR": {
                long total = integer(call, "total_steps", 0);
                if (total != span) add(Rule.HORIZON, where + ": total_steps=" + total + " but it runs " + span + " "
                        + unit);
                clockCheck(where, "total_steps", total, true);
                return;
            }
            case "WarmupStableDecayLR": {
                long total = integer(call, "warmup_steps", 0) + integer(call, "stable_steps", 0)
                        + integer(call, "decay_steps", 0);
                if (total != span) add(Rule.HORIZON, where + ": warmup_steps + stable_steps + decay_steps = " + total
                        + " but it runs " + span + " " + unit);
                clockCheck(where, "warmup_steps + stable_steps + decay_steps", total, true);
                return;
            }
            case "CosineAnnealingWarmRestarts":
                restarts(call, where, span);
                return;
            default:
                return;
        }
    }

    private void restarts(Call call, String where, long span) {
        long t0 = integer(call, "T_0", 1);
        long mult = integer(call, "T_mult", 1);
        long perEpoch = integer(call, "steps_per_epoch", 0);
        if (perEpoch > 0 && perEpoch != plan.stepsPerEpoch()) {
            add(Rule.CLOCK, where + ": steps_per_epoch=" + perEpoch + " but the run has " + plan.stepsPerEpoch()
                    + " steps per epoch; its epochs are not the run's");
        }
        double epochs = perEpoch > 0 ? (double) span / perEpoch : span;
        double cycleEnd = t0;
        double length = t0;
        while (cycleEnd < epochs) {
            length *= mult;
            cycleEnd += length;
        }
        if (cycleEnd != epochs) {
            add(Rule.HORIZON, where + ": the run ends at epoch " + num(epochs) + ", inside the restart cycle that ends at "
                    + "epoch " + num(cycleEnd) + " (T_0=" + t0 + ", T_mult=" + mult + ")");
        }
        if (perEpoch == 0) clockCheck(where, "T_0", t0, false);
    }

    /**
     * Clock rule: per epoch, a value within one epoch of the run's step count; per step (with more than one step per
     * epoch), an end-of-schedule value within one of the epoch count.
     */
    private void clockCheck(String where, String arg, double value, boolean endOfSchedule) {
        long steps = plan.epochs() * plan.stepsPerEpoch();
        if (clock == Interval.EPOCH && plan.stepsPerEpoch() > 1 && value > plan.epochs()
                && Math.abs(value - steps) <= plan.stepsPerEpoch()) {
            add(Rule.CLOCK, where + ": " + arg + "=" + num(value) + " looks like a step count (the run has " + steps
                    + " steps) but the schedule runs per epoch, so it counts " + num(value) + " epochs");
        } else if (clock == Interval.STEP && endOfSchedule && plan.stepsPerEpoch() > 1
                && Math.abs(value - plan.epochs()) <= 1) {
            add(Rule.CLOCK, where + ": " + arg + "=" + num(value) + " looks like an epoch count (the run has "
                    + plan.epochs() + " epochs) but the schedule runs per step, so it ends after " + num(value)
                    + " steps");
        }
    }

    private void peakFrom(Call call, double[] baseLrs) {
        Object max = call.args().get("max_lr");
        if (max instanceof Number) peak = Math.max(peak, ((Number) max).doubleValue());
        if (max instanceof List) for (Object o : (List<?>) max) if (o instanceof Number) peak = Math.max(peak, ((Number) o).doubleValue());
        Object multiplier = call.args().get("multiplier");
        if (call.name().equals("GradualWarmupLR") && multiplier instanceof Number) {
            for (double b : baseLrs) peak = Math.max(peak, b * ((Number) multiplier).doubleValue());
        }
    }

    private String unitSingular() {
        return clock == Interval.STEP ? "step" : "epoch";
    }

    private static List<?> list(Call call, String arg) {
        Object v = call.args().get(arg);
        return v instanceof List ? (List<?>) v : List.of();
    }

    private static long asLong(Object o) {
        return o instanceof Number ? ((Number) o).longValue() : 0;
    }

    private static long integer(Call call, String arg, long dflt) {
        Object v = call.args().get(arg);
        return v instanceof Number ? ((Number) v).longValue() : dflt;
    }

    private static double number(Call call, String arg, double dflt) {
        Object v = call.args().get(arg);
        return v instanceof Number ? ((Number) v).doubleValue() : dflt;
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
