package anneal.train;

import anneal.schedule.Hyperparameter;
import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The record of one training run. In JSON the per-step values appear as one array per hyperparameter, named by
 * {@link Hyperparameter#series()} ({@code lrs}, {@code momenta}, {@code weightDecays}).
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
 * @param perStep            per {@link Hyperparameter} (by ordinal): its value for group 0 at every optimizer step
 *                           (index 0 = the first step's) when the schedule sets it (the lr always), else empty
 */
public record RunResult(TrainConfig config, String backend, RunStatus status, double timeToTarget,
                        double epochsToTarget, double bestTestAccuracy, double finalTestAccuracy,
                        double setupSeconds, List<EpochRecord> records, @JsonIgnore double[][] perStep) {
    public RunResult {
        if (perStep.length != Hyperparameter.COUNT)
            throw new IllegalArgumentException(perStep.length + " per-step series for " + Hyperparameter.COUNT + " hyperparameters");
    }

    /** {@code h} of group 0 at every step when the schedule sets it, else empty. */
    public double[] perStep(Hyperparameter h) {
        return perStep[h.ordinal()];
    }

    /** lr of group 0 at every optimizer step (index 0 = the first step's lr). */
    public double[] lrs() {
        return perStep(Hyperparameter.LR);
    }

    /** The per-step series under their JSON names, in the enumeration's order. */
    @JsonAnyGetter
    public Map<String, double[]> perStepByName() {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (Hyperparameter h : Hyperparameter.values()) out.put(h.series(), perStep(h));
        return out;
    }
}
