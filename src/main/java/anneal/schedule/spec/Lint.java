package anneal.schedule.spec;

import anneal.schedule.Budget;
import anneal.schedule.Check;
import anneal.schedule.Clock;
import anneal.schedule.Hyperparameter;
import anneal.schedule.LrScheduler;
import anneal.schedule.OptimizerBound;
import anneal.schedule.ParamGroups;
import anneal.schedule.Shape;
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
 *       {@code E * S}), a per-step schedule whose horizon looks like the epoch count, or a schedule that assumes
 *       other steps per epoch than the run's.</li>
 * </ul>
 * The lengths, joins, peaks and parts are what the built schedule says of itself ({@link OptimizerBound#shape()}),
 * with the registry's defaults filled in; a wrapper's part is checked over the calls the wrapper steps it for
 * (a HorizonLR that holds at {@code N} steps its schedule {@code N} times), and a part that never runs (its
 * milestone or warmup at or past the end) is not checked.
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

    /** Longest planned run lint checks, in optimizer steps (it holds each step's values: about 50 bytes a step). */
    public static final long MAX_STEPS = 5_000_000;

    /** The default largest change at a join, as a fraction of the larger lr there ({@code --jump-fraction}). */
    public static final double DEFAULT_JUMP_FRACTION = 0.1;

    /** Metric given to metric-driven schedules while linting (a constant: the plateau reduces as often as it can). */
    private static final double METRIC = 1.0;

    private final Budget plan;
    private final double jumpFraction;
    private final Clock clock;
    private final long length;
    private final String unit;
    private final List<Finding> findings = new ArrayList<>();
    private final List<Shape.Join> joins = new ArrayList<>();
    private double peak;

    private Lint(Budget plan, double jumpFraction, Clock clock) {
        this.plan = plan;
        this.jumpFraction = jumpFraction;
        this.clock = clock;
        length = plan.calls(clock);
        unit = clock.perStep() ? "steps" : "epochs";
    }

    /** {@link #check(String, double[], Budget, double)} with {@link #DEFAULT_JUMP_FRACTION}. */
    public static List<Finding> check(String spec, double[] baseLrs, Budget plan) {
        return check(spec, baseLrs, plan, DEFAULT_JUMP_FRACTION);
    }

    /**
     * Every finding for {@code spec} on groups starting at {@code baseLrs}, run for {@code plan}, a join allowed to
     * change the lr by {@code jumpFraction} of the larger lr there; in rule order.
     */
    public static List<Finding> check(String spec, double[] baseLrs, Budget plan, double jumpFraction) {
        Check.range("lint", "jump_fraction", jumpFraction, 0, true, Double.MAX_VALUE, true);
        if (plan.totalSteps() > MAX_STEPS) {
            throw Check.bad("lint", "epochs x steps_per_epoch", plan.epochs() + " x " + plan.stepsPerEpoch(), "at most "
                    + MAX_STEPS + " planned steps (lint keeps every step's values in memory)");
        }
        OptimizerBound scheduler = ScheduleRegistry.build(SpecParser.parse(spec), ParamGroups.of(baseLrs));
        Shape shape = scheduler.shape();
        Lint lint = new Lint(plan, jumpFraction, scheduler.clock());
        for (double b : baseLrs) lint.peak = Math.max(lint.peak, b);
        lint.peakOf(shape);
        lint.walk(shape, 0, lint.length);
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
        for (Shape.Join join : joins) {
            if (join.at() <= 0 || join.at() >= rows.length) continue;
            int t = (int) join.at();
            for (int g = 0; g < rows[t].length; g++) {
                double before = rows[t - 1][g];
                double after = rows[t][g];
                double slopeBefore = t >= 2 ? before - rows[t - 2][g] : 0.0;
                double slopeAfter = t + 1 < rows.length ? rows[t + 1][g] - after : 0.0;
                double change = after - before;
                double scale = Math.max(Math.abs(before), Math.abs(after));
                double jump = scale == 0 ? 0
                        : Math.min(Math.abs(change - slopeBefore), Math.abs(change - slopeAfter)) / scale;
                if (jump > jumpFraction) {
                    add(Rule.JUMP, String.format(Locale.ROOT, "group %d: at %s %d (%s) the lr goes %s -> %s, a jump of "
                            + "%.1f%% of the lr beyond the change of the neighbouring steps (> jump fraction %s)", g, unitSingular(),
                            t, join.kind(), num(before), num(after), 100 * jump, num(jumpFraction)));
                }
            }
        }
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

    /** Every peak the tree names, never-running parts included. */
    private void peakOf(Shape shape) {
        if (shape.peak() > peak) peak = shape.peak();
        for (Shape.Part p : shape.parts()) peakOf(p.shape());
    }

    /** Horizon and clock rules of {@code shape}, which is stepped over {@code [start, end)} of the run. */
    private void walk(Shape shape, long start, long end) {
        long span = end - start;
        String where = shape.name() + (start > 0 ? " (from " + unitSingular() + " " + start + ")" : "");
        for (Shape.Join j : shape.joins()) joins.add(new Shape.Join(start + j.at(), j.kind()));
        for (Shape.Length l : shape.lengths()) if (l.fit() == Shape.Fit.STEPS_PER_EPOCH) stepsPerEpoch(where, l);
        if (shape.restarts() != null) restarts(where, shape.restarts(), span);
        for (Shape.Length l : shape.lengths()) {
            if (l.fit() == Shape.Fit.STEPS_PER_EPOCH) continue;
            horizon(where, l, span);
            clockCheck(where, l.argument(), l.value(), l.endOfSchedule());
        }
        for (Shape.Part p : shape.parts()) {
            long from = start + p.from();
            if (from >= end) continue; // never stepped (a milestone or warmup at or past the end says so)
            walk(p.shape(), from, p.until() == Long.MAX_VALUE ? end : Math.min(end, start + p.until()));
        }
    }

    /** Horizon rule of one length of a part stepped {@code span} times. */
    private void horizon(String where, Shape.Length l, long span) {
        String its = " its " + span + " " + unit;
        String value = l.argument() + (l.argument().contains(" ") ? " = " : "=") + num(l.value());
        switch (l.fit()) {
            case ENDS:
                if (l.value() < span && l.ifShorter() != null) {
                    add(Rule.HORIZON, where + ": " + value + " is shorter than" + its + "; " + l.ifShorter());
                } else if (l.value() > span && l.ifLonger() != null) {
                    add(Rule.HORIZON, where + ": " + value + " is longer than" + its + "; " + l.ifLonger());
                }
                return;
            case EQUALS:
                if (l.value() != span) add(Rule.HORIZON, where + ": " + value + " but it runs " + span + " " + unit);
                return;
            case BEFORE_END:
                if (l.value() >= span) add(Rule.HORIZON, where + ": milestone " + num(l.value()) + " is not before the "
                        + "end of" + its + consequence(l));
                return;
            case SHORTER:
                if (l.value() >= span) add(Rule.HORIZON, where + ": " + value + " is not shorter than" + its + consequence(l));
                return;
            default:
                return;
        }
    }

    private static String consequence(Shape.Length l) {
        return l.ifLonger() == null ? "" : "; " + l.ifLonger();
    }

    /** Clock rule of the steps per epoch a part assumes. */
    private void stepsPerEpoch(String where, Shape.Length l) {
        if (l.value() != plan.stepsPerEpoch()) {
            add(Rule.CLOCK, where + ": steps_per_epoch=" + num(l.value()) + " but the run has " + plan.stepsPerEpoch()
                    + " steps per epoch" + consequence(l));
        }
    }

    private void restarts(String where, Shape.Restarts r, long span) {
        double epochs = (double) span / r.stepsPerEpoch();
        double cycleEnd = r.endOfCycle(epochs);
        if (cycleEnd != epochs) {
            add(Rule.HORIZON, where + ": the run ends at epoch " + num(epochs) + ", inside the restart cycle that ends at "
                    + "epoch " + num(cycleEnd) + " (" + r.arguments() + ")");
        }
    }

    /**
     * Clock rule: per epoch, a value within one epoch of the run's step count; per step (with more than one step per
     * epoch), an end-of-schedule value within one of the epoch count.
     */
    private void clockCheck(String where, String arg, double value, boolean endOfSchedule) {
        long steps = (long) plan.epochs() * plan.stepsPerEpoch();
        if (!clock.perStep() && plan.stepsPerEpoch() > 1 && value > plan.epochs()
                && Math.abs(value - steps) <= plan.stepsPerEpoch()) {
            add(Rule.CLOCK, where + ": " + arg + "=" + num(value) + " looks like a step count (the run has " + steps
                    + " steps) but the schedule runs per epoch, so it counts " + num(value) + " epochs");
        } else if (clock.perStep() && endOfSchedule && plan.stepsPerEpoch() > 1
                && Math.abs(value - plan.epochs()) <= 1) {
            add(Rule.CLOCK, where + ": " + arg + "=" + num(value) + " looks like an epoch count (the run has "
                    + plan.epochs() + " epochs) but the schedule runs per step, so it ends after " + num(value)
                    + " steps");
        }
    }

    private String unitSingular() {
        return clock.perStep() ? "step" : "epoch";
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
