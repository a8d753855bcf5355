package anneal.tuning;

import anneal.stats.Median;
import java.util.Arrays;

/**
 * AlgoPerf's scoring of a tuned schedule: a study's score is its fastest trial to the target; the schedule's score
 * is the median of its study scores; a trial that misses the target counts as {@code +Infinity}, so a study whose
 * every trial misses scores infinity, and a schedule with more than half such studies too (it ranks last).
 * Robustness is the share of all trials that reached the target: how much of the search space works
 * (LRBench's question: how forgiving is the schedule of a wrong lr?).
 *
 * @param studyScores fastest trial time per study ({@code +Infinity} when none reached)
 * @param bestTrial   1-based index of each study's fastest trial (0 when none reached)
 * @param score       median of the study scores
 * @param robustness  reached trials / all trials
 */
public record TuningScore(double[] studyScores, int[] bestTrial, double score, double robustness) {

    /**
     * Scores {@code times[study][trial]}: time to target of each trial, NaN or {@code +Infinity} for a miss.
     *
     * @throws IllegalArgumentException without studies or trials
     */
    public static TuningScore of(double[][] times) {
        if (times.length == 0) throw new IllegalArgumentException("no study to score");
        double[] studies = new double[times.length];
        int[] best = new int[times.length];
        int reached = 0, all = 0;
        for (int j = 0; j < times.length; j++) {
            if (times[j].length == 0) throw new IllegalArgumentException("study " + j + " has no trial");
            studies[j] = Double.POSITIVE_INFINITY;
            for (int k = 0; k < times[j].length; k++) {
                double t = times[j][k];
                all++;
                if (Double.isNaN(t) || Double.isInfinite(t)) continue;
                reached++;
                if (t < studies[j]) {
                    studies[j] = t;
                    best[j] = k + 1;
                }
            }
        }
        return new TuningScore(studies, best, Median.of(studies), reached / (double) all);
    }


    @Override
    public boolean equals(Object o) {
        return o instanceof TuningScore t && Arrays.equals(studyScores, t.studyScores) && Arrays.equals(bestTrial, t.bestTrial)
                && Double.compare(score, t.score) == 0 && Double.compare(robustness, t.robustness) == 0;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(studyScores) * 31 + Double.hashCode(score);
    }
}
