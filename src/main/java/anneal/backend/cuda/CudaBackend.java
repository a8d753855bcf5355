package anneal.backend.cuda;

import anneal.ConfigurationException;
import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventElapsedTime;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuMemsetD32Async;

import anneal.backend.Backend;
import anneal.data.Dataset;
import anneal.data.Splits;
import anneal.model.MlpSpec;
import anneal.model.Parameters;
import anneal.optim.OptimizerSetup;
import anneal.schedule.HyperparameterTable;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;

/**
 * The MLP trained on one NVIDIA GPU with the custom kernels of {@code kernels/} (loaded through JCuda).
 *
 * <p>Device-resident: the three splits are uploaded once ({@link #upload}); {@link #beginEpoch} uploads one
 * permutation; {@link #trainStep} sends only scalars (the batch offset and the step's hyperparameter table) and
 * enqueues the step's kernels without waiting: with kernel variant 2 (default, {@link StepKernels}) the first
 * layer's forward reading the batch through the permutation, the hidden layers' forwards (bias + ReLU fused), the
 * last layer fused with softmax + cross-entropy + gradient and its input gradient, per layer a weight-gradient
 * SGEMM with the bias gradient fused (and for the middle layers an input-gradient SGEMM with ReLU backward),
 * then one multi-tensor SGD launch; variant 1 runs the separate kernels of issue #4. Loss sums and correct
 * counts accumulate on the device; {@link #endEpoch}, {@link #lastLoss} and {@link #evaluate} read back a
 * few numbers. Every kernel launch, with its packed arguments, is built once per batch size and reused;
 * a step only rewrites the batch offset and the SGD step struct in place (see {@link KernelLaunch}).
 *
 * <p>Threads: every entry point makes the device's context current on the calling thread first, so a
 * backend may be used from any one thread at a time (not from two at once). {@link #close} releases
 * everything in try/finally; a failed context (a kernel fault) is reset there.
 *
 * <p>Nothing here has run on a GPU yet (see results/cuda-status.md); this host code runs in the tests through
 * the CPU stand-in driver ({@code kernels/standin/}), and {@code gpu-check} is the first-contact check for a GPU box.
 */
public final class CudaBackend implements Backend {
    /** Rows per evaluation chunk (activation buffers hold max(this, batch) rows). */
    static final int EVAL_ROWS = 4096;

    private final CudaDevice device;
    private final LrDelivery delivery;
    private final StepKernels variant;
    private MlpSpec spec;
    private SgdArgs sgd;
    private Kernels kernels;
    private CUdeviceptr params, grads, momentumBufs, stats, stepOffset;
    private Kernels.Workspace workspace;
    private final CUdeviceptr[] weight = new CUdeviceptr[SgdArgs.MAX_TENSORS / 2];
    private final CUdeviceptr[] bias = new CUdeviceptr[SgdArgs.MAX_TENSORS / 2];
    private final CUdeviceptr[] gradWeight = new CUdeviceptr[SgdArgs.MAX_TENSORS / 2];
    private final CUdeviceptr[] gradBias = new CUdeviceptr[SgdArgs.MAX_TENSORS / 2];
    private CUdeviceptr[] act, dact;
    private CUdeviceptr batchX, batchY, perm;
    private int capacityRows;
    private final Map<Backend.Split, DeviceSplit> splits = new EnumMap<>(Backend.Split.class);
    private final Map<Integer, TrainStepPlan> plans = new HashMap<>();
    private final Map<Backend.Split, List<KernelLaunch>> evalPlans = new EnumMap<>(Backend.Split.class);
    private StepScalarRing scalarRing;
    private TrainStepPlan lastPlan;
    private int lastPlanRows;
    private final double[] readBack = new double[2];
    private int stepsThisEpoch;
    private int drainedEpochSteps;
    private double drainedEpochSum;
    private double pendingLossSum;
    private long pendingSteps;

    /** Stats buffer: [epoch loss sum, epoch correct, step loss, step correct, eval loss sum, eval correct]. */
    private static final int EPOCH_STATS = 0, STEP_STATS = 2, EVAL_STATS = 4;

    /** An uploaded split: features, labels, count. */
    private record DeviceSplit(CUdeviceptr x, CUdeviceptr labels, int count) {
    }

    private CudaBackend(CudaDevice device, LrDelivery delivery, StepKernels variant) {
        this.device = device;
        this.delivery = delivery;
        this.variant = variant;
    }

    /**
     * Opens GPU {@code ordinal} with the given lr delivery.
     *
     * @throws anneal.backend.BackendUnavailableException naming what is missing (driver library, device, a
     *         driver too old for the kernels)
     */
    public static CudaBackend open(int ordinal, LrDelivery delivery) {
        return open(ordinal, delivery, StepKernels.DEFAULT);
    }

    /** As {@link #open(int, LrDelivery)}, with the step's kernels of {@code variant} (gpu-check times each). */
    public static CudaBackend open(int ordinal, LrDelivery delivery, StepKernels variant) {
        java.util.Objects.requireNonNull(delivery, "delivery");
        java.util.Objects.requireNonNull(variant, "variant");
        return new CudaBackend(CudaDevice.open(ordinal), delivery, variant);
    }

    /** Environment variable choosing the lr delivery of {@link #open()}: kernel-arg, device-scalar, graph (default). */
    public static final String LR_DELIVERY_ENV = "ANNEAL_CUDA_LR";

    /** GPU 0, lr delivered as {@value #LR_DELIVERY_ENV} says (default: {@link LrDelivery#DEFAULT}). */
    public static CudaBackend open() {
        return open(0, deliveryFromEnvironment());
    }

    /** The lr delivery {@value #LR_DELIVERY_ENV} names (default {@link LrDelivery#DEFAULT}); a bad value names the variable. */
    public static LrDelivery deliveryFromEnvironment() {
        String mode = System.getenv(LR_DELIVERY_ENV);
        if (mode == null || mode.isBlank()) return LrDelivery.DEFAULT;
        try {
            return LrDelivery.parse(mode.trim());
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(LR_DELIVERY_ENV + ": " + e.getMessage(), e);
        }
    }

    /** Why CUDA cannot run here (no driver library, no device, ...), or empty when it can. Never throws. */
    public static Optional<String> probe() {
        return CudaDevice.unavailableReason();
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public String description() {
        return "cuda: " + device.describe() + ", lr delivery " + delivery.cliName() + ", kernel variant " + variant.number()
                + ", kernels: " + device.moduleSource;
    }

    public LrDelivery lrDelivery() {
        return delivery;
    }

    /** Whether the driver underneath is Anneal's CPU stand-in (then timings are not GPU timings). */
    public boolean onStandInDriver() {
        return device.isStandIn();
    }

    @Override
    public void init(MlpSpec spec, Parameters initial, OptimizerSetup optimizer) {
        if (!initial.spec().equals(spec)) throw new IllegalArgumentException("parameters are for " + initial.spec() + ", model is " + spec);
        if (spec.layers() > SgdArgs.MAX_TENSORS / 2)
            throw new ConfigurationException("the CUDA backend takes at most " + SgdArgs.MAX_TENSORS / 2 + " layers, got " + spec.layers());
        device.makeCurrent();
        if (this.spec != null) releaseModel();  // re-init (the trainer re-inits after its warm-up): data stays
        this.spec = spec;
        pendingLossSum = drainedEpochSum = 0;
        pendingSteps = drainedEpochSteps = stepsThisEpoch = 0;
        int[] sizes = new int[initial.count()];
        for (int i = 0; i < sizes.length; i++) sizes[i] = initial.tensor(i).length;
        sgd = new SgdArgs(sizes, optimizer);
        long total = sgd.totalFloats();
        params = device.alloc("parameters", total * Sizeof.FLOAT);
        grads = device.alloc("gradients", total * Sizeof.FLOAT);
        momentumBufs = device.alloc("momentum buffers", total * Sizeof.FLOAT);
        stats = device.alloc("loss/accuracy counters and the step's batch offset", 7L * Sizeof.DOUBLE);
        stepOffset = stats.withByteOffset(6L * Sizeof.DOUBLE);  // an int, written by the step's first kernel
        workspace = new Kernels.Workspace(device);  // the split-K scratch of kernel variant 2
        kernels = new Kernels(device, workspace);
        if (delivery == LrDelivery.DEVICE_SCALAR) scalarRing = new StepScalarRing(device, SgdArgs.STEP_WORDS);
        long offset = 0;
        for (int i = 0; i < sizes.length; i++) {
            long bytes = offset * Sizeof.FLOAT;
            device.copyToDevice(params.withByteOffset(bytes), Pointer.to(initial.tensor(i)), (long) sizes[i] * Sizeof.FLOAT);
            int l = i / 2;
            if (Parameters.isBias(i)) {
                bias[l] = params.withByteOffset(bytes);
                gradBias[l] = grads.withByteOffset(bytes);
            } else {
                weight[l] = params.withByteOffset(bytes);
                gradWeight[l] = grads.withByteOffset(bytes);
            }
            offset += sizes[i];
        }
        allocateActivations(EVAL_ROWS);
    }

    /** Frees the model's buffers and every launch that points at them (the uploaded splits stay). */
    private void releaseModel() {
        freeActivations();
        if (scalarRing != null) scalarRing.close();
        scalarRing = null;
        for (CUdeviceptr p : new CUdeviceptr[] {params, grads, momentumBufs, stats}) device.free(p);
        if (workspace != null) workspace.close();
        workspace = null;
    }

    private void freeActivations() {
        if (act != null) {
            for (int l = 0; l < act.length; l++) {
                device.free(act[l]);
                device.free(dact[l]);
            }
            device.free(batchX);
            device.free(batchY);
            act = dact = null;
        }
        plans.values().forEach(TrainStepPlan::close);
        plans.clear();
        lastPlan = null;
        evalPlans.clear();
    }

    private void allocateActivations(int rows) {
        freeActivations();
        capacityRows = rows;
        act = new CUdeviceptr[spec.layers()];
        dact = new CUdeviceptr[spec.layers()];
        for (int l = 0; l < spec.layers(); l++) {
            act[l] = device.alloc("layer " + l + " activations (" + rows + " x " + spec.fanOut(l) + ")", (long) rows * spec.fanOut(l) * Sizeof.FLOAT);
            dact[l] = device.alloc("layer " + l + " gradients (" + rows + " x " + spec.fanOut(l) + ")", (long) rows * spec.fanOut(l) * Sizeof.FLOAT);
        }
        batchX = device.alloc("batch inputs (" + rows + " x " + spec.inputs() + ")", (long) rows * spec.inputs() * Sizeof.FLOAT);
        batchY = device.alloc("batch labels", rows);
    }

    @Override
    public void upload(Splits data) {
        requireInit();
        device.makeCurrent();
        for (DeviceSplit old : splits.values()) {  // a second upload replaces the first
            device.free(old.x());
            device.free(old.labels());
        }
        if (perm != null) device.free(perm);
        freeActivations();  // launches point at the old splits
        allocateActivations(Math.max(capacityRows, EVAL_ROWS));
        put(Backend.Split.TRAIN, data.train());
        put(Backend.Split.VALIDATION, data.validation());
        put(Backend.Split.TEST, data.test());
        perm = device.alloc("epoch permutation", (long) Math.max(1, data.train().count()) * Sizeof.INT);
    }

    private void put(Backend.Split which, Dataset d) {
        if (d.featureCount() != spec.inputs())
            throw new IllegalArgumentException(d.name() + " has " + d.featureCount() + " features, the model takes " + spec.inputs());
        CUdeviceptr x = device.alloc(d.name() + " images (" + d.count() + " x " + d.featureCount() + ")", (long) d.features().length * Sizeof.FLOAT);
        CUdeviceptr y = device.alloc(d.name() + " labels", d.labels().length);
        device.copyToDevice(x, Pointer.to(d.features()), (long) d.features().length * Sizeof.FLOAT);
        device.copyToDevice(y, Pointer.to(d.labels()), d.labels().length);
        splits.put(which, new DeviceSplit(x, y, d.count()));
    }

    @Override
    public void beginEpoch(int[] order) {
        DeviceSplit train = requireSplit(Backend.Split.TRAIN);
        if (order.length != train.count())
            throw new IllegalArgumentException("epoch order has " + order.length + " entries, the train split has " + train.count());
        device.makeCurrent();
        if (stepsThisEpoch > drainedEpochSteps) {  // keep the undrained steps of the previous epoch
            pendingLossSum += readStats(EPOCH_STATS) - drainedEpochSum;
            pendingSteps += stepsThisEpoch - drainedEpochSteps;
        }
        drainedEpochSum = 0;
        drainedEpochSteps = 0;
        device.copyToDevice(perm, Pointer.to(order), (long) order.length * Sizeof.INT);
        cuMemsetD32Async(stats.withByteOffset(EPOCH_STATS * Sizeof.DOUBLE), 0, 4, device.stream);  // 2 doubles
        stepsThisEpoch = 0;
    }

    @Override
    public void trainStep(int offset, int batchSize, HyperparameterTable hyperparameters) {
        DeviceSplit train = requireSplit(Backend.Split.TRAIN);
        if (batchSize < 1 || offset < 0 || (long) offset + batchSize > train.count())
            throw new IllegalArgumentException("batch [" + offset + ", " + ((long) offset + batchSize) + ") outside the "
                    + train.count() + " train rows");
        device.makeCurrent();
        sgd.setStep(hyperparameters);
        TrainStepPlan plan = plan(batchSize);
        plan.first().setInt(plan.offsetArg(), offset);
        if (delivery == LrDelivery.DEVICE_SCALAR) {
            plan.sgd().setPointer(Kernels.SGD_STEP_ARG, scalarRing.write(sgd.stepWords(), device.stream));
            plan.run(device.stream);
            scalarRing.stepEnqueued(device.stream);
        } else {
            plan.sgd().setWords(Kernels.SGD_STEP_ARG, sgd.stepWords());
            plan.run(device.stream);
        }
        stepsThisEpoch++;
    }

    /** The step's plan at this batch size, built at its first use. */
    private TrainStepPlan plan(int batchSize) {
        if (lastPlan != null && lastPlanRows == batchSize) return lastPlan;
        if (batchSize > capacityRows) allocateActivations(batchSize);
        TrainStepPlan plan = plans.get(batchSize);
        if (plan == null) {
            boolean fused = fusedStep();
            plan = new TrainStepPlan(trainLaunches(batchSize), fused ? Kernels.LINEAR_FORWARD_OFFSET_ARG : Kernels.GATHER_OFFSET_ARG,
                    delivery == LrDelivery.CUDA_GRAPH);
            plans.put(batchSize, plan);
        }
        lastPlan = plan;
        lastPlanRows = batchSize;
        return plan;
    }

    /** Kernels per training step at this batch size (gpu-check reports it). */
    public int kernelsPerStep(int batchSize) {
        requireSplit(Backend.Split.TRAIN);
        device.makeCurrent();
        return plan(batchSize).size();
    }

    /** The launches of a training step at this batch size, in order (the one description of a step). */
    List<KernelLaunch> stepLaunches(int batchSize) {
        requireSplit(Backend.Split.TRAIN);
        device.makeCurrent();
        return plan(batchSize).launches();
    }

    /** Whether this model's step runs kernel variant 2 (it needs a hidden layer and few enough classes). */
    private boolean fusedStep() {
        return variant == StepKernels.V2_FUSED && spec.layers() >= 2 && spec.classes() <= Kernels.XENT_MAX_CLASSES;
    }

    /** The launches of one training step, in order; the first takes the batch offset and the SGD update is last. */
    List<KernelLaunch> trainLaunches(int rows) {
        List<KernelLaunch> launches = fusedStep() ? fusedLaunches(rows) : separateLaunches(rows);
        launches.add(kernels.sgd(params, grads, momentumBufs, sgd.totalFloats(), sgd.layoutWords(), sgd.stepWords(),
                delivery == LrDelivery.DEVICE_SCALAR ? scalarRing.firstSlot() : null));
        return launches;
    }

    /** Variant 1: the gather, per product one 32x32-tile SGEMM, softmax_xent and bias_grad kernels. */
    private List<KernelLaunch> separateLaunches(int rows) {
        DeviceSplit train = requireSplit(Backend.Split.TRAIN);
        List<KernelLaunch> launches = new java.util.ArrayList<>();
        launches.add(kernels.gather(train.x(), train.labels(), perm, 0, rows, spec.inputs(), batchX, batchY,
                statsAt(STEP_STATS)));
        for (int l = 0; l < spec.layers(); l++)
            launches.add(kernels.forward(l == 0 ? batchX : act[l - 1], weight[l], bias[l], act[l], rows, spec.fanOut(l),
                    spec.fanIn(l), l < spec.layers() - 1));
        int last = spec.layers() - 1;
        launches.add(kernels.softmaxXent(act[last], batchY, dact[last], rows, spec.classes(), 1.0 / rows,
                statsAt(EPOCH_STATS), statsAt(STEP_STATS)));
        for (int l = last; l >= 0; l--) {
            int in = spec.fanIn(l), out = spec.fanOut(l);
            launches.add(kernels.backwardWeight(dact[l], l == 0 ? batchX : act[l - 1], gradWeight[l], out, in, rows));
            launches.add(kernels.biasGrad(dact[l], gradBias[l], rows, out));
            if (l > 0)  // dX = dY W, masked by the ReLU output of layer l-1
                launches.add(kernels.backwardInput(dact[l], weight[l], act[l - 1], dact[l - 1], rows, in, out));
        }
        return launches;
    }

    /**
     * Variant 2: the first layer's forward reads the batch through the permutation (and publishes the offset to
     * stepOffset), the last layer runs fused with softmax + cross-entropy and its own input gradient, each weight
     * gradient brings its bias gradient, and the first layer's reads the batch through the permutation again.
     */
    private List<KernelLaunch> fusedLaunches(int rows) {
        DeviceSplit train = requireSplit(Backend.Split.TRAIN);
        List<KernelLaunch> launches = new java.util.ArrayList<>();
        int last = spec.layers() - 1;
        for (int l = 0; l < last; l++)
            launches.add(kernels.linearForward(l == 0 ? train.x() : act[l - 1], l == 0 ? perm : null, 0, weight[l], bias[l], act[l],
                    rows, spec.fanOut(l), spec.fanIn(l), true, l == 0 ? statsAt(STEP_STATS) : null, l == 0 ? stepOffset : null));
        launches.add(kernels.linearSoftmaxXent(act[last - 1], weight[last], bias[last], train.labels(), perm, stepOffset, dact[last],
                dact[last - 1], rows, spec.classes(), spec.fanIn(last), 1.0 / rows, statsAt(EPOCH_STATS), statsAt(STEP_STATS)));
        for (int l = last; l >= 0; l--) {
            int in = spec.fanIn(l), out = spec.fanOut(l);
            launches.add(kernels.linearBackwardWeight(dact[l], l == 0 ? train.x() : act[l - 1], l == 0 ? perm : null,
                    l == 0 ? stepOffset : null, gradWeight[l], gradBias[l], out, in, rows));
            if (l > 0 && l < last)  // the last layer's input gradient came with the fused softmax kernel
                launches.add(kernels.linearBackwardInput(dact[l], weight[l], act[l - 1], dact[l - 1], rows, in, out));
        }
        return launches;
    }

    private CUdeviceptr statsAt(int index) {
        return stats.withByteOffset((long) index * Sizeof.DOUBLE);
    }

    @Override
    public double lastLoss() {
        device.makeCurrent();
        device.copyToHost(Pointer.to(readBack), statsAt(STEP_STATS), 2L * Sizeof.DOUBLE);
        return readBack[0];
    }

    @Override
    public double endEpoch() {
        device.makeCurrent();
        return stepsThisEpoch == 0 ? Double.NaN : readStats(EPOCH_STATS) / stepsThisEpoch;
    }

    /**
     * Mean of the step losses since the previous call: the device accumulates every step's mean loss into
     * the epoch sum; the host remembers how much of it was already drained (one device sync per call).
     */
    @Override
    public double drainMeanLoss() {
        requireInit();
        device.makeCurrent();
        double epochSum = readStats(EPOCH_STATS);
        double sum = pendingLossSum + (epochSum - drainedEpochSum);
        long steps = pendingSteps + (stepsThisEpoch - drainedEpochSteps);
        drainedEpochSum = epochSum;
        drainedEpochSteps = stepsThisEpoch;
        pendingLossSum = 0;
        pendingSteps = 0;
        return steps == 0 ? Double.NaN : sum / steps;
    }

    /** stats[index] (a loss sum) after everything enqueued so far. */
    private double readStats(int index) {
        device.copyToHost(Pointer.to(readBack), statsAt(index), 2L * Sizeof.DOUBLE);
        return readBack[0];
    }

    @Override
    public Evaluation evaluate(Backend.Split which) {
        DeviceSplit split = requireSplit(which);
        if (split.count() == 0) return new Evaluation(Double.NaN, Double.NaN, 0);
        device.makeCurrent();
        List<KernelLaunch> launches = evalPlans.computeIfAbsent(which, w -> evalLaunches(split));
        cuMemsetD32Async(statsAt(EVAL_STATS), 0, 4, device.stream);
        for (KernelLaunch k : launches) k.launch(device.stream);
        device.copyToHost(Pointer.to(readBack), statsAt(EVAL_STATS), 2L * Sizeof.DOUBLE);
        return new Evaluation(readBack[0] / split.count(), readBack[1] / split.count(), split.count());
    }

    private List<KernelLaunch> evalLaunches(DeviceSplit split) {
        List<KernelLaunch> launches = new java.util.ArrayList<>();
        int last = spec.layers() - 1;
        boolean fused = fusedStep();
        for (int start = 0; start < split.count(); start += capacityRows) {
            int rows = Math.min(capacityRows, split.count() - start);
            CUdeviceptr x = split.x().withByteOffset((long) start * spec.inputs() * Sizeof.FLOAT);
            CUdeviceptr labels = split.labels().withByteOffset(start);
            if (fused) {
                for (int l = 0; l < last; l++)
                    launches.add(kernels.linearForward(l == 0 ? x : act[l - 1], null, 0, weight[l], bias[l], act[l], rows,
                            spec.fanOut(l), spec.fanIn(l), true, null, null));
                launches.add(kernels.linearSoftmaxXent(act[last - 1], weight[last], bias[last], labels, null, null, null, null, rows,
                        spec.classes(), spec.fanIn(last), 1.0, statsAt(EVAL_STATS), null));
            } else {
                for (int l = 0; l < spec.layers(); l++)
                    launches.add(kernels.forward(l == 0 ? x : act[l - 1], weight[l], bias[l], act[l], rows, spec.fanOut(l),
                            spec.fanIn(l), l < last));
                launches.add(kernels.softmaxXent(act[last], labels, null, rows, spec.classes(), 1.0, statsAt(EVAL_STATS), null));
            }
        }
        return launches;
    }

    @Override
    public Parameters parameters() {
        requireInit();
        device.makeCurrent();
        float[] all = new float[sgd.totalFloats()];
        device.copyToHost(Pointer.to(all), params, (long) all.length * Sizeof.FLOAT);
        Parameters p = Parameters.zeros(spec);
        for (int i = 0, off = 0; i < p.count(); off += p.tensor(i).length, i++)
            System.arraycopy(all, off, p.tensor(i), 0, p.tensor(i).length);
        return p;
    }

    /**
     * GPU time per training step, measured with CUDA events around {@code steps} steps (after 20 warm-up
     * steps), at this batch size, cycling through the current epoch's order.
     */
    public double microsecondsPerStep(int steps, int batchSize, HyperparameterTable hyperparameters) {
        DeviceSplit train = requireSplit(Backend.Split.TRAIN);
        device.makeCurrent();
        int batches = Math.max(1, train.count() / batchSize);
        for (int s = 0; s < 20; s++) trainStep((s % batches) * batchSize, batchSize, hyperparameters);
        CUevent start = new CUevent(), stop = new CUevent();
        cuEventCreate(start, 0);
        cuEventCreate(stop, 0);
        try {
            cuEventRecord(start, device.stream);
            for (int s = 0; s < steps; s++) trainStep((s % batches) * batchSize, batchSize, hyperparameters);
            cuEventRecord(stop, device.stream);
            cuEventSynchronize(stop);
            float[] ms = new float[1];
            cuEventElapsedTime(ms, start, stop);
            return ms[0] * 1000.0 / steps;
        } finally {
            cuEventDestroy(start);
            cuEventDestroy(stop);
        }
    }

    private void requireInit() {
        if (spec == null) throw new IllegalStateException("init() must come first");
    }

    private DeviceSplit requireSplit(Backend.Split which) {
        requireInit();
        DeviceSplit s = splits.get(which);
        if (s == null) throw new IllegalStateException("upload() must come before using the " + which + " split");
        return s;
    }

    @Override
    public void close() {
        try {
            device.makeCurrent();
            try {
                for (TrainStepPlan p : plans.values()) p.close();
            } finally {
                plans.clear();
                lastPlan = null;
                if (scalarRing != null) scalarRing.close();
                scalarRing = null;
            }
        } catch (jcuda.CudaException e) {
            // a failed context: CudaDevice.close() below sees the same error, resets the context and frees everything
        } finally {
            device.close();
        }
    }
}
