package anneal.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Kaplan-Meier (product-limit) estimate of a survival curve from right-censored times: for time to target,
 * "survival" {@code S(t)} is the probability that a run has <em>not</em> reached the target by time {@code t},
 * and {@link #reachedBy(double)} is {@code 1 - S(t)}. A run that misses the target is censored at its budget
 * (the time it was observed for), never dropped.
 *
 * <p>At each distinct event time {@code u}: {@code n(u)} runs at risk (time {@code >= u}, censored runs at
 * {@code u} included, the usual convention), {@code d(u)} events, and {@code S} is multiplied by
 * {@code 1 - d(u)/n(u)} (R's {@code survival::survfit}, Kaplan and Meier 1958).
 *
 * <ul>
 *   <li>{@link #median()}: the smallest event time with {@code S <= 0.5}; when {@code S} is exactly 0.5 on an
 *       interval, the midpoint of that interval (up to the next event time or, without one, the last observed
 *       time), as R's {@code print.survfit} does. {@code +Infinity} when {@code S} never falls to 0.5.</li>
 *   <li>{@link #restrictedMean(double)}: the restricted mean survival time {@code RMST(tau) = integral_0^tau S(t) dt},
 *       here the restricted mean time to target: a miss counts as {@code tau}. With every censoring at or after
 *       {@code tau} it equals the mean of {@code min(t_i, tau)}.</li>
 * </ul>
 */
public final class KaplanMeier {
    private static final double EXACT_HALF_TOLERANCE = 1e-12;

    private final double[] eventTimes;
    private final int[] atRisk;
    private final int[] events;
    private final double[] survival;
    private final double lastObserved;
    private final int n;

    private KaplanMeier(double[] eventTimes, int[] atRisk, int[] events, double[] survival, double lastObserved, int n) {
        this.eventTimes = eventTimes;
        this.atRisk = atRisk;
        this.events = events;
        this.survival = survival;
        this.lastObserved = lastObserved;
        this.n = n;
    }

    /**
     * Fits the estimate.
     *
     * @param times   observed time of each run: the event time when {@code event[i]}, else the censoring time
     * @param event   whether run {@code i} reached the target at {@code times[i]}
     * @throws IllegalArgumentException for different lengths, no runs, or a time that is NaN or negative
     */
    public static KaplanMeier fit(double[] times, boolean[] event) {
        if (times.length != event.length)
            throw new IllegalArgumentException("times and events differ in length: " + times.length + " vs " + event.length);
        if (times.length == 0) throw new IllegalArgumentException("Kaplan-Meier needs at least one run");
        for (double t : times)
            if (!(t >= 0)) throw new IllegalArgumentException("Kaplan-Meier times must be >= 0, got " + t);
        Integer[] order = new Integer[times.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(times[a], times[b]));
        List<double[]> rows = new ArrayList<>();  // {time, atRisk, events}
        int remaining = times.length;
        double s = 1;
        List<Double> surv = new ArrayList<>();
        for (int k = 0; k < order.length; ) {
            double t = times[order[k]];
            int d = 0, all = 0;
            while (k < order.length && times[order[k]] == t) {
                if (event[order[k]]) d++;
                all++;
                k++;
            }
            if (d > 0) {
                s *= 1 - d / (double) remaining;
                rows.add(new double[] {t, remaining, d});
                surv.add(s);
            }
            remaining -= all;
        }
        double[] et = new double[rows.size()];
        int[] nr = new int[rows.size()];
        int[] de = new int[rows.size()];
        double[] sv = new double[rows.size()];
        for (int i = 0; i < et.length; i++) {
            et[i] = rows.get(i)[0];
            nr[i] = (int) rows.get(i)[1];
            de[i] = (int) rows.get(i)[2];
            sv[i] = surv.get(i);
        }
        return new KaplanMeier(et, nr, de, sv, times[order[order.length - 1]], times.length);
    }

    /** Distinct event times, ascending. */
    public double[] eventTimes() {
        return eventTimes.clone();
    }

    /** Runs at risk just before each event time. */
    public int[] atRisk() {
        return atRisk.clone();
    }

    /** Events at each event time. */
    public int[] events() {
        return events.clone();
    }

    /** {@code S} just after each event time. */
    public double[] survivalAtEvents() {
        return survival.clone();
    }

    /** Number of runs. */
    public int size() {
        return n;
    }

    /** Largest observed time (event or censoring). */
    public double lastObserved() {
        return lastObserved;
    }

    /** {@code S(t)}: the estimated probability of not having reached the target by time {@code t} (right-continuous). */
    public double survival(double t) {
        double s = 1;
        for (int i = 0; i < eventTimes.length && eventTimes[i] <= t; i++) s = survival[i];
        return s;
    }

    /** {@code 1 - S(t)}: the estimated probability that a run has reached the target by time {@code t}. */
    public double reachedBy(double t) {
        return 1 - survival(t);
    }

    /** The median time to target (see the class comment); {@code +Infinity} when fewer than half are estimated to reach it. */
    public double median() {
        for (int i = 0; i < eventTimes.length; i++) {
            if (Math.abs(survival[i] - 0.5) <= EXACT_HALF_TOLERANCE) {
                double end = i + 1 < eventTimes.length ? eventTimes[i + 1] : lastObserved;
                return (eventTimes[i] + end) / 2;
            }
            if (survival[i] < 0.5) return eventTimes[i];
        }
        return Double.POSITIVE_INFINITY;
    }

    /**
     * {@code RMST(tau) = integral_0^tau S(t) dt}: the restricted mean time to target up to {@code tau}.
     *
     * @throws IllegalArgumentException when {@code tau} is not a finite number >= 0
     */
    public double restrictedMean(double tau) {
        if (!(tau >= 0) || Double.isInfinite(tau)) throw new IllegalArgumentException("RMST horizon must be finite and >= 0, got " + tau);
        double area = 0, from = 0, s = 1;
        for (int i = 0; i < eventTimes.length && eventTimes[i] < tau; i++) {
            area += s * (eventTimes[i] - from);
            from = eventTimes[i];
            s = survival[i];
        }
        return area + s * (tau - from);
    }
}
