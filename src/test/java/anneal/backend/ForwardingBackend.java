package anneal.backend;

import anneal.backend.cpu.CpuBackend;
import anneal.data.Splits;
import anneal.model.MlpSpec;
import anneal.model.Parameters;
import anneal.optim.OptimizerSetup;
import anneal.schedule.HyperparameterTable;

/** A backend that hands every call to a one-thread {@link CpuBackend}: tests override the calls they record. */
public class ForwardingBackend implements Backend {
    protected final CpuBackend inner = new CpuBackend(1);

    @Override public String name() { return inner.name(); }
    @Override public String description() { return inner.description(); }
    @Override public void init(MlpSpec spec, Parameters initial, OptimizerSetup optimizer) { inner.init(spec, initial, optimizer); }
    @Override public void upload(Splits splits) { inner.upload(splits); }
    @Override public void beginEpoch(int[] order) { inner.beginEpoch(order); }
    @Override public void trainStep(int offset, int batchSize, HyperparameterTable hyperparameters) {
        inner.trainStep(offset, batchSize, hyperparameters);
    }
    @Override public double lastLoss() { return inner.lastLoss(); }
    @Override public double drainMeanLoss() { return inner.drainMeanLoss(); }
    @Override public double endEpoch() { return inner.endEpoch(); }
    @Override public Evaluation evaluate(Split split) { return inner.evaluate(split); }
    @Override public Parameters parameters() { return inner.parameters(); }
    @Override public void close() { inner.close(); }
}
