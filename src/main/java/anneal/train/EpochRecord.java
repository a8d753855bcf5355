package anneal.train;

/**
 * One evaluation point of a run (every epoch end, and every N steps when asked).
 *
 * @param epoch        fractional epoch of the evaluation (1.0 = end of the first epoch)
 * @param step         optimizer steps taken so far
 * @param trainLoss    mean train loss over the steps since the previous record
 * @param valLoss      validation loss (NaN without a validation split)
 * @param valAccuracy  validation accuracy (NaN without a validation split)
 * @param testLoss     test loss
 * @param testAccuracy test accuracy
 * @param lr           lr of group 0 at the evaluation
 * @param trainSeconds cumulative wall time spent in training steps
 * @param evalSeconds  cumulative wall time spent in evaluations
 */
public record EpochRecord(double epoch, long step, double trainLoss, double valLoss, double valAccuracy,
                          double testLoss, double testAccuracy, double lr, double trainSeconds,
                          double evalSeconds) {
    /** Wall time of training and evaluation up to this record. */
    public double elapsedSeconds() {
        return trainSeconds + evalSeconds;
    }

    /**
     * The clock up to this record: training time only (AlgoPerf pauses the clock to evaluate), or with
     * {@code evalOnClock} training plus evaluation (MLPerf).
     */
    public double timedSeconds(boolean evalOnClock) {
        return evalOnClock ? elapsedSeconds() : trainSeconds;
    }
}
