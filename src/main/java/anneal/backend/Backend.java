package anneal.backend;

import anneal.data.Splits;
import anneal.model.MlpSpec;
import anneal.model.Parameters;
import anneal.optim.OptimizerSetup;
import anneal.schedule.HyperparameterTable;

/**
 * Where training runs. The trainer owns the loop, the schedule and the clock; a backend owns the
 * tensors. The contract is shaped for a device backend: data is uploaded once, each epoch sends one
 * sample order, each step sends only scalars (a {@link HyperparameterTable}: lr, momentum, weight decay per group),
 * and results come back as
 * a few numbers, never tensors, except through {@link #parameters()}.
 *
 * <p>Call order: {@link #init}, {@link #upload}, then per epoch {@link #beginEpoch}, {@link #trainStep}
 * repeatedly, {@link #endEpoch}; {@link #evaluate} at any point between steps.
 */
public interface Backend extends AutoCloseable {

    /** Short name as on the command line: {@code cpu} or {@code cuda}. */
    String name();

    /** One line describing the device, threads and code path, for run records. */
    String description();

    /**
     * Allocate the model and optimizer state and copy in the initial parameters. May be called again (also
     * after {@link #upload}) to restart from new parameters with fresh optimizer state (no momentum buffers):
     * the trainer warms the JIT / device up with a few steps, then calls {@code init} again before the timed run.
     */
    void init(MlpSpec spec, Parameters initial, OptimizerSetup optimizer);

    /** Copy the three splits to where the backend computes (once per run). */
    void upload(Splits splits);

    /** Start an epoch: the train samples will be visited in {@code order} (a permutation of train row indices). */
    void beginEpoch(int[] order);

    /**
     * One SGD step on the batch {@code order[offset .. offset + batchSize)} of the current epoch:
     * forward, softmax cross-entropy (mean over the batch), backward, fused update.
     *
     * @param hyperparameters this step's value of every {@link anneal.schedule.Hyperparameter} per optimizer group
     *                        (the schedule's where it sets one, else the group's configured value); weight decay in
     *                        PyTorch's coupled L2 form, {@code g + weight_decay * p}. Read during the call only.
     */
    void trainStep(int offset, int batchSize, HyperparameterTable hyperparameters);

    /** Mean train loss of the last {@link #trainStep} (forces a device sync; for lr-find and tests, never per step of a run). */
    double lastLoss();

    /**
     * Mean train loss over the steps since the previous call of this method (or since {@link #init}); NaN when
     * no step was taken. The trainer calls it once per evaluation record (one device sync). It is also the run's
     * divergence flag: the sum it divides is NaN or infinite once any step since the previous call had a NaN or
     * infinite loss and stays so (sticky) until this call, so the trainer finds a divergence at the next evaluation
     * without reading {@link #lastLoss()}.
     */
    double drainMeanLoss();

    /** End the epoch; returns the mean train loss over its steps (NaN/inf when training diverged). */
    double endEpoch();

    /** Loss and accuracy of the current parameters on a split. */
    Evaluation evaluate(Split split);

    /** A host copy of the current parameters. */
    Parameters parameters();

    @Override
    void close();

    /** Which uploaded split to evaluate. */
    enum Split { TRAIN, VALIDATION, TEST }

    /** Mean softmax cross-entropy and top-1 accuracy over {@code count} samples. */
    record Evaluation(double loss, double accuracy, int count) {
    }
}
