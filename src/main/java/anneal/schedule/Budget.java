package anneal.schedule;

/**
 * The run a schedule is planned for: {@code epochs} epochs of {@code stepsPerEpoch} optimizer steps. The sweep
 * resolves its catalogue templates for one ({@code anneal.bench.ScheduleCatalogue}) and lint checks a schedule
 * against one ({@code anneal.schedule.spec.Lint}); the steps per epoch of a data set come from
 * {@code TrainConfig.stepsPerEpoch} ({@code ceil(train images / batch)}).
 *
 * @param epochs        epochs of the run, at least 1
 * @param stepsPerEpoch optimizer steps per epoch, at least 1
 */
public record Budget(int epochs, int stepsPerEpoch) {
    public Budget {
        Check.atLeast("budget", "epochs", epochs, 1);
        Check.atLeast("budget", "steps_per_epoch", stepsPerEpoch, 1);
        if ((long) epochs * stepsPerEpoch > Integer.MAX_VALUE) {
            throw Check.bad("budget", "epochs x steps_per_epoch", epochs + " x " + stepsPerEpoch, "at most "
                    + Integer.MAX_VALUE + " optimizer steps");
        }
    }

    /** Total optimizer steps of the run. */
    public int totalSteps() {
        return epochs * stepsPerEpoch;
    }

    /** The number of {@code step()} calls the run makes on a schedule of {@code clock} ({@link Clock#calls}). */
    public long calls(Clock clock) {
        return clock.calls(epochs, stepsPerEpoch);
    }

    /** {@code fraction} of the run in optimizer steps, at least 1. */
    public int steps(double fraction) {
        return Math.max(1, (int) Math.round(fraction * totalSteps()));
    }

    /** {@code fraction} of the run in whole epochs, at least 1. */
    public int epochs(double fraction) {
        return Math.max(1, (int) Math.round(fraction * epochs));
    }
}
