package anneal.schedule;

import java.util.List;

/**
 * What a built schedule says about its own time ({@link OptimizerBound#shape()}), for checks that compare it with a
 * planned run ({@code anneal.schedule.spec.Lint}): the lengths it was built with and what a run shorter or longer
 * than each means, where its lr passes from one part to the next ({@link Join}), the largest lr it may set, its
 * restart cycles, and the schedules it drives and over which of its own {@code step()} calls ({@link Part}). A
 * wrapper answers for what it wraps (a {@link HorizonLR} that holds, raises or cycles at {@code N} drives its
 * schedule for {@code N} calls only); {@link SequentialLR} and {@link ChainedScheduler} answer from their children.
 * The values are the built ones, defaults filled in: nothing is read back from a spec string.
 *
 * @param name     the spec name, for messages
 * @param lengths  the lengths written in the schedule's own arguments, in its clock's units
 * @param joins    where the lr passes from one part to the next, in this schedule's {@code step()} calls
 * @param parts    the schedules this one drives
 * @param peak     the largest lr this schedule may set by its own arguments ({@code max_lr}, a warmup's target), or
 *                 {@code NaN} where it names none (the groups' base lrs are the peak then)
 * @param restarts its restart cycles, or null
 */
public record Shape(String name, List<Length> lengths, List<Join> joins, List<Part> parts, double peak,
        Restarts restarts) {
    public Shape {
        lengths = List.copyOf(lengths);
        joins = List.copyOf(joins);
        parts = List.copyOf(parts);
    }

    /** A schedule that says nothing about its time beyond its name (a pure function of the step, a plateau). */
    public static Shape of(String name) {
        return new Shape(name, List.of(), List.of(), List.of(), Double.NaN, null);
    }

    /** A schedule that only has {@code lengths}. */
    public static Shape of(String name, Length... lengths) {
        return new Shape(name, List.of(lengths), List.of(), List.of(), Double.NaN, null);
    }

    /** A wrapper whose lr is its one part's, driven from its first call to its last. */
    public static Shape around(String name, Shape inner) {
        return new Shape(name, List.of(), List.of(), List.of(new Part(inner, 0, Long.MAX_VALUE)), Double.NaN, null);
    }

    /** This shape with {@code peak} as its peak. */
    public Shape withPeak(double peak) {
        return new Shape(name, lengths, joins, parts, peak, restarts);
    }

    /** How a length should relate to the number of {@code step()} calls {@code n} its schedule receives. */
    public enum Fit {
        /** Where the schedule completes; a run shorter or longer than it has the consequences the length names. */
        ENDS,
        /** Where the schedule ends: it should be exactly {@code n}. */
        EQUALS,
        /** A milestone: it takes effect only if it is below {@code n}. */
        BEFORE_END,
        /** A period (a decay interval, a warmup): it should be shorter than {@code n}. */
        SHORTER,
        /** No relation to {@code n}; only its unit is checked (steps or epochs). */
        UNIT_ONLY,
        /** The steps per epoch the schedule assumes: it should be the run's. */
        STEPS_PER_EPOCH
    }

    /**
     * One length of a schedule.
     *
     * @param argument      its argument's name ({@code T_max}, {@code milestones}, ...)
     * @param value         its built value
     * @param fit           how it should relate to the run
     * @param ifShorter     what a run shorter than {@code value} means (for {@link Fit#ENDS}), null when that is fine
     * @param ifLonger      what a run longer than {@code value} means, or that the value is not reached: for
     *                      {@link Fit#ENDS}, {@link Fit#BEFORE_END}, {@link Fit#SHORTER} and
     *                      {@link Fit#STEPS_PER_EPOCH} (null: fine, or nothing to add)
     * @param endOfSchedule whether it is where the schedule ends (so a per-step schedule's value equal to the epoch
     *                      count is suspect), rather than a warmup, milestone or period
     */
    public record Length(String argument, double value, Fit fit, String ifShorter, String ifLonger,
            boolean endOfSchedule) {
        /** Where the schedule completes ({@link Fit#ENDS}). */
        public static Length ends(String argument, double value, String ifShorter, String ifLonger,
                boolean endOfSchedule) {
            return new Length(argument, value, Fit.ENDS, ifShorter, ifLonger, endOfSchedule);
        }

        /** The schedule's total length, which should be the run's ({@link Fit#EQUALS}). */
        public static Length total(String argument, double value) {
            return new Length(argument, value, Fit.EQUALS, null, null, true);
        }

        /** A milestone that does nothing unless reached ({@link Fit#BEFORE_END}). */
        public static Length milestone(String argument, double value, String ifNotReached) {
            return new Length(argument, value, Fit.BEFORE_END, null, ifNotReached, false);
        }

        /** A period that should end within the run ({@link Fit#SHORTER}). */
        public static Length period(String argument, double value, String ifNotShorter) {
            return new Length(argument, value, Fit.SHORTER, null, ifNotShorter, false);
        }

        /** A length whose unit only is checked ({@link Fit#UNIT_ONLY}). */
        public static Length unitOnly(String argument, double value) {
            return new Length(argument, value, Fit.UNIT_ONLY, null, null, false);
        }

        /** The steps per epoch the schedule assumes ({@link Fit#STEPS_PER_EPOCH}). */
        public static Length stepsPerEpoch(double value, String ifOther) {
            return new Length("steps_per_epoch", value, Fit.STEPS_PER_EPOCH, null, ifOther, false);
        }
    }

    /**
     * A place where the lr passes from one part to the next: at this schedule's call {@code at}.
     *
     * @param kind what joins there ({@code "SequentialLR milestone"}, {@code "end of warmup"})
     */
    public record Join(long at, String kind) {
    }

    /**
     * A schedule this one drives, over its own calls {@code [from, until)} ({@code until = Long.MAX_VALUE}: to the
     * end of the run); the part's call {@code k} is this schedule's call {@code from + k}.
     */
    public record Part(Shape shape, long from, long until) {
    }

    /**
     * Restart cycles in epochs: the first is {@code first} long, each next one {@code multiplier} times longer.
     *
     * @param stepsPerEpoch the {@code step()} calls one epoch of the cycles takes (1 when stepped per epoch)
     * @param arguments     the arguments that set them, for messages ({@code "T_0=8, T_mult=2"})
     */
    public record Restarts(double first, double multiplier, long stepsPerEpoch, String arguments) {
        /** The end of the cycle that epoch {@code epochs} falls in or ends ({@code epochs} itself at a restart). */
        public double endOfCycle(double epochs) {
            double end = first;
            double length = first;
            while (end < epochs) {
                length *= multiplier;
                end += length;
            }
            return end;
        }
    }
}
