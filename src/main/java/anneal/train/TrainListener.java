package anneal.train;

/** Progress callbacks from {@link Trainer#run}; all optional. */
public interface TrainListener {
    TrainListener NONE = new TrainListener() {
    };

    /** After every optimizer step; {@code totalSteps} is the planned number of steps of the run. */
    default void onStep(long step, long totalSteps) {
    }

    /** After every evaluation. */
    default void onRecord(EpochRecord record) {
    }
}
