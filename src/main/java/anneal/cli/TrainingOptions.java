package anneal.cli;

import anneal.bench.SweepSettings;
import anneal.data.FashionMnist;
import anneal.optim.SgdConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The model, optimizer and data options {@code train} and {@code lr-find} share (a picocli mixin), with one set of
 * names, defaults and checks. The defaults are the sweep's protocol, read from {@link SweepSettings}'s constants (SGD, momentum 0.9, Nesterov, weight decay
 * 5e-4, batch 128, one hidden layer of 256, 5,000 validation images), so {@code train} with defaults trains a sweep
 * cell and {@code lr-find} probes the optimizer the sweep uses. Nesterov is on unless {@code --no-nesterov}, or
 * unless momentum is 0 or dampening is not (where PyTorch refuses it); {@code --nesterov} given together with
 * those is an error, as in {@code torch.optim.SGD}.
 */
final class TrainingOptions {
    @Option(names = "--batch", defaultValue = "" + SweepSettings.DEFAULT_BATCH, description = "Batch size (default: ${DEFAULT-VALUE}; the last,"
            + " smaller batch of an epoch is kept, as DataLoader's drop_last=False).")
    int batch;

    @Option(names = "--hidden", defaultValue = "" + SweepSettings.DEFAULT_HIDDEN, split = ",", paramLabel = "W",
            description = "Hidden layer widths, comma separated (default: ${DEFAULT-VALUE}).")
    int[] hidden;

    @Option(names = "--momentum", defaultValue = "" + SweepSettings.DEFAULT_MOMENTUM, description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--nesterov", negatable = true, description = "Nesterov momentum (default: on when momentum > 0"
            + " and dampening = 0, as the sweep; --no-nesterov for plain momentum).")
    Boolean nesterov;

    @Option(names = "--dampening", defaultValue = "" + SweepSettings.DEFAULT_DAMPENING, description = "SGD dampening (default: ${DEFAULT-VALUE}).")
    double dampening;

    @Option(names = "--weight-decay", defaultValue = "" + SweepSettings.DEFAULT_WEIGHT_DECAY, description = "Coupled L2 weight decay as"
            + " torch.optim.SGD (default: ${DEFAULT-VALUE}); where a co-scheduled weight decay starts.")
    double weightDecay;

    @Option(names = "--no-bias-decay", description = "Put biases in a second parameter group without weight decay"
            + " (the schedule drives both groups).")
    boolean noBiasDecay;

    @Option(names = "--validation", defaultValue = "" + SweepSettings.DEFAULT_VALIDATION, description = "Training images held out for validation"
            + " (default: ${DEFAULT-VALUE}).")
    int validation;

    @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST IDX files, gzipped or not (default: "
            + FashionMnist.DEFAULT_DIR_NAME + ").")
    Path data = FashionMnist.DEFAULT_DIR;

    @Option(names = "--backend", defaultValue = "auto", description = "cpu, cuda or auto (default: ${DEFAULT-VALUE}:"
            + " CUDA when a driver and a GPU are present, else the CPU).")
    String backend;

    /** Whether the run uses Nesterov momentum: as given, else on where PyTorch allows it. */
    boolean nesterov() {
        return nesterov != null ? nesterov : momentum > 0 && dampening == 0;
    }

    /**
     * The optimizer's hyper-parameters other than the lr.
     *
     * @throws UsageException naming the option and the allowed values
     */
    SgdConfig sgd() {
        return new SgdConfig(momentum, dampening, nesterov(), weightDecay);
    }

    /**
     * These options as command-line arguments, only those that differ from the defaults (for a pasteable
     * {@code train} command), each preceded by a space; empty when all are defaults.
     */
    String nonDefaultArguments() {
        StringBuilder sb = new StringBuilder();
        if (batch != SweepSettings.DEFAULT_BATCH) sb.append(" --batch ").append(batch);
        if (hidden.length != 1 || hidden[0] != SweepSettings.DEFAULT_HIDDEN) {
            sb.append(" --hidden ").append(java.util.Arrays.stream(hidden).mapToObj(Integer::toString)
                    .collect(java.util.stream.Collectors.joining(",")));
        }
        if (momentum != SweepSettings.DEFAULT_MOMENTUM) sb.append(" --momentum ").append(momentum);
        if (dampening != SweepSettings.DEFAULT_DAMPENING) sb.append(" --dampening ").append(dampening);
        if (nesterov != null && nesterov != (momentum > 0 && dampening == 0)) sb.append(nesterov ? " --nesterov" : " --no-nesterov");
        if (weightDecay != SweepSettings.DEFAULT_WEIGHT_DECAY) sb.append(" --weight-decay ").append(weightDecay);
        if (noBiasDecay) sb.append(" --no-bias-decay");
        if (validation != SweepSettings.DEFAULT_VALIDATION) sb.append(" --validation ").append(validation);
        if (!data.equals(FashionMnist.DEFAULT_DIR)) sb.append(" --data ").append(data);
        if (!backend.equals("auto")) sb.append(" --backend ").append(backend);
        return sb.toString();
    }
}
