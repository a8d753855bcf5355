package anneal.train;

import java.util.List;

/**
 * The record of one training run.
 *
 * @param config             what was run
 * @param backend            backend description
 * @param status             how it ended
 * @param timeToTarget       timed seconds (training steps; evaluations too when the trainer counts them) to the
 *                           first evaluation whose <b>validation</b> accuracy reached the target; NaN unless {@code status == REACHED}
 * @param epochsToTarget     fractional epoch of that evaluation; NaN unless reached
 * @param bestTestAccuracy   best test accuracy over all evaluations
 * @param finalTestAccuracy  test accuracy at the last evaluation
 * @param setupSeconds       data upload, model init and JIT/device warm-up, outside the timed region
 * @param records            one entry per evaluation
 * @param lrs                lr of group 0 at every optimizer step (index 0 = the first step's lr)
 * @param momenta            momentum of group 0 at every step when the schedule cycles momentum, else empty
 * @param weightDecays       weight decay of group 0 at every step when the schedule co-schedules it, else empty
 */
public record RunResult(TrainConfig config, String backend, RunStatus status, double timeToTarget,
                        double epochsToTarget, double bestTestAccuracy, double finalTestAccuracy,
                        double setupSeconds, List<EpochRecord> records, double[] lrs,
                        double[] momenta, double[] weightDecays) {
}
