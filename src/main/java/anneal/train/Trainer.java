package anneal.train;

import anneal.backend.Backend;
import anneal.data.Splits;

/** Runs one training configuration on a backend and records time-to-accuracy. (Being built under issue #3.) */
public final class Trainer {
    private final Backend backend;
    private final Splits data;

    public Trainer(Backend backend, Splits data) {
        this.backend = backend;
        this.data = data;
    }

    public RunResult run(TrainConfig config, TrainListener listener) {
        throw new UnsupportedOperationException("the trainer is not built yet (issue #3)");
    }
}
