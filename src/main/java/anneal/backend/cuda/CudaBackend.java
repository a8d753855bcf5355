package anneal.backend.cuda;

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
import anneal.train.OptimizerSetup;
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
 * permutation; {@link #trainStep} sends only scalars (the batch offset, lr and momentum per group) and
 * enqueues the step's kernels without waiting (gather, per layer a forward SGEMM with fused bias + ReLU,
 * fused softmax + cross-entropy + gradient, per layer weight-gradient SGEMM, bias-gradient reduction and
 * input-gradient SGEMM with fused ReLU backward, then one multi-tensor SGD launch). Loss sums and correct
 * counts accumulate on the device; {@link #endEpoch}, {@link #lastLoss} and {@link #evaluate} read back a
 * few numbers. Every kernel launch, with its parameter array, is built once per batch size and reused.
 *
 * <p>Nothing here has run on a GPU yet (see results/cuda-status.md); the kernels are checked under CPU
 * emulation against the CPU reference, and {@code gpu-check} is the first-contact check for a GPU box.
 */
public final class CudaBackend implements Backend {
    /** Rows per evaluation chunk (activation buffers hold max(this, batch) rows). */
    static final int EVAL_ROWS = 4096;
    private static final int BLOCK = 256;          // ANNEAL_BLOCK in kernels/common.cuh
    private static final int TILE = 32;            // TILE in kernels/matmul.cu
    private static final int ROWS_PER_BLOCK = 8;   // ROWS_PER_BLOCK in kernels/softmax_xent.cu
    private static final int BIAS_COLS = 32;       // BIAS_COLS in kernels/bias_grad.cu
    private static final CUdeviceptr NULL = new CUdeviceptr();

    private final CudaDevice device;
    private final LrDelivery delivery;
    private MlpSpec spec;
    private SgdArgs sgd;
    private Kernels kernels;
    private CUdeviceptr params, grads, momentumBufs, stats, stepScalars;
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
    private final int[] offsetSlot = new int[1];
    private final double[] readBack = new double[2];
    private int stepsThisEpoch;

    /** Stats buffer: [epoch loss sum, epoch correct, step loss, step correct, eval loss sum, eval correct]. */
    private static final int EPOCH_STATS = 0, STEP_STATS = 2, EVAL_STATS = 4;

    /** An uploaded split: features, labels, count. */
    private record DeviceSplit(CUdeviceptr x, CUdeviceptr labels, int count) {
    }

    /** Kernel functions of the module. */
    private record Kernels(jcuda.driver.CUfunction gather, jcuda.driver.CUfunction forward,
                           jcuda.driver.CUfunction backwardInput, jcuda.driver.CUfunction backwardWeight,
                           jcuda.driver.CUfunction softmaxXent, jcuda.driver.CUfunction biasGrad,
                           jcuda.driver.CUfunction sgd, jcuda.driver.CUfunction sgdScalars) {
        static Kernels load(CudaDevice d) {
            return new Kernels(d.function("gather_batch"), d.function("matmul_forward"),
                    d.function("matmul_backward_input"), d.function("matmul_backward_weight"),
                    d.function("softmax_xent"), d.function("bias_grad"), d.function("sgd_update"),
                    d.function("sgd_update_scalars"));
        }
    }

    private CudaBackend(CudaDevice device, LrDelivery delivery) {
        this.device = device;
        this.delivery = delivery;
    }

    /**
     * Opens GPU {@code ordinal} with the given lr delivery.
     *
     * @throws anneal.backend.BackendUnavailableException naming what is missing (driver library, device, a
     *         driver too old for the kernels)
     */
    public static CudaBackend open(int ordinal, LrDelivery delivery) {
        return new CudaBackend(CudaDevice.open(ordinal), delivery);
    }

    /** GPU 0, lr as a kernel argument. */
    public static CudaBackend open() {
        return open(0, LrDelivery.KERNEL_ARGUMENT);
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
        return "cuda: " + device.describe() + ", lr delivery " + delivery.cliName() + ", kernels: " + device.moduleSource;
    }

    public LrDelivery lrDelivery() {
        return delivery;
    }

    @Override
    public void init(MlpSpec spec, Parameters initial, OptimizerSetup optimizer) {
        if (!initial.spec().equals(spec)) throw new IllegalArgumentException("parameters are for " + initial.spec() + ", model is " + spec);
        if (spec.layers() > SgdArgs.MAX_TENSORS / 2)
            throw new IllegalArgumentException("the CUDA backend takes at most " + SgdArgs.MAX_TENSORS / 2 + " layers, got " + spec.layers());
        device.makeCurrent();
        this.spec = spec;
        int[] sizes = new int[initial.count()];
        for (int i = 0; i < sizes.length; i++) sizes[i] = initial.tensor(i).length;
        sgd = new SgdArgs(sizes, optimizer);
        kernels = Kernels.load(device);
        long total = sgd.totalFloats();
        params = device.alloc("parameters", total * Sizeof.FLOAT);
        grads = device.alloc("gradients", total * Sizeof.FLOAT);
        momentumBufs = device.alloc("momentum buffers", total * Sizeof.FLOAT);
        stats = device.alloc("loss/accuracy counters", 6L * Sizeof.DOUBLE);
        stepScalars = device.alloc("per-step SGD scalars", SgdArgs.STEP_WORDS * 4L);
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

    private void allocateActivations(int rows) {
        if (act != null) {
            for (int l = 0; l < act.length; l++) {
                device.free(act[l]);
                device.free(dact[l]);
            }
            device.free(batchX);
            device.free(batchY);
        }
        plans.values().forEach(TrainStepPlan::close);
        plans.clear();
        evalPlans.clear();
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
        device.copyToDevice(perm, Pointer.to(order), (long) order.length * Sizeof.INT);
        cuMemsetD32Async(stats.withByteOffset(EPOCH_STATS * Sizeof.DOUBLE), 0, 4, device.stream);  // 2 doubles
        stepsThisEpoch = 0;
    }

    @Override
    public void trainStep(int offset, int batchSize, double[] lr, double[] momentum) {
        DeviceSplit train = requireSplit(Backend.Split.TRAIN);
        if (batchSize < 1 || offset < 0 || (long) offset + batchSize > train.count())
            throw new IllegalArgumentException("batch [" + offset + ", " + ((long) offset + batchSize) + ") outside the "
                    + train.count() + " train rows");
        sgd.setStep(lr, momentum);
        if (batchSize > capacityRows) allocateActivations(batchSize);
        TrainStepPlan plan = plans.get(batchSize);
        if (plan == null) {
            plan = new TrainStepPlan(trainLaunches(batchSize), delivery == LrDelivery.CUDA_GRAPH, device.stream);
            plans.put(batchSize, plan);
        }
        offsetSlot[0] = offset;
        if (delivery == LrDelivery.DEVICE_SCALAR)
            device.copyToDevice(stepScalars, Pointer.to(sgd.stepWords()), SgdArgs.STEP_WORDS * 4L);
        plan.run(device.stream);
        stepsThisEpoch++;
    }

    /** Kernels per training step at this batch size (gpu-check reports it). */
    public int kernelsPerStep(int batchSize) {
        return trainLaunches(batchSize).size();
    }

    /** The launches of one training step, in order; the gather is first and the SGD update last. */
    List<KernelLaunch> trainLaunches(int rows) {
        DeviceSplit train = requireSplit(Backend.Split.TRAIN);
        List<KernelLaunch> launches = new java.util.ArrayList<>();
        launches.add(new KernelLaunch("gather_batch", kernels.gather(), KernelLaunch.blocks((long) rows * spec.inputs(), BLOCK), 1, BLOCK,
                Pointer.to(train.x()), Pointer.to(train.labels()), Pointer.to(perm), Pointer.to(offsetSlot), Pointer.to(new int[] {rows}),
                Pointer.to(new int[] {spec.inputs()}), Pointer.to(batchX), Pointer.to(batchY), Pointer.to(statsAt(STEP_STATS))));
        addForward(launches, batchX, rows);
        int last = spec.layers() - 1;
        launches.add(new KernelLaunch("softmax_xent", kernels.softmaxXent(), KernelLaunch.blocks(rows, ROWS_PER_BLOCK), 1, BLOCK,
                Pointer.to(act[last]), Pointer.to(batchY), Pointer.to(dact[last]), Pointer.to(new int[] {rows}),
                Pointer.to(new int[] {spec.classes()}), Pointer.to(new int[] {rows}), Pointer.to(new double[] {1.0 / rows}),
                Pointer.to(statsAt(EPOCH_STATS)), Pointer.to(statsAt(STEP_STATS))));
        for (int l = last; l >= 0; l--) {
            int in = spec.fanIn(l), out = spec.fanOut(l);
            CUdeviceptr input = l == 0 ? batchX : act[l - 1];
            launches.add(new KernelLaunch("matmul_backward_weight", kernels.backwardWeight(), tiles(in), tiles(out), 256,
                    Pointer.to(dact[l]), Pointer.to(input), Pointer.to(gradWeight[l]), Pointer.to(new int[] {out}),
                    Pointer.to(new int[] {in}), Pointer.to(new int[] {rows})));
            launches.add(new KernelLaunch("bias_grad", kernels.biasGrad(), KernelLaunch.blocks(out, BIAS_COLS), 1, BLOCK,
                    Pointer.to(dact[l]), Pointer.to(gradBias[l]), Pointer.to(new int[] {rows}), Pointer.to(new int[] {out})));
            if (l > 0)  // dX = dY W, masked by the ReLU output of layer l-1
                launches.add(new KernelLaunch("matmul_backward_input", kernels.backwardInput(), tiles(in), tiles(rows), 256,
                        Pointer.to(dact[l]), Pointer.to(weight[l]), Pointer.to(act[l - 1]), Pointer.to(dact[l - 1]),
                        Pointer.to(new int[] {rows}), Pointer.to(new int[] {in}), Pointer.to(new int[] {out})));
        }
        int total = sgd.totalFloats();
        boolean scalars = delivery == LrDelivery.DEVICE_SCALAR;
        launches.add(new KernelLaunch(scalars ? "sgd_update_scalars" : "sgd_update", scalars ? kernels.sgdScalars() : kernels.sgd(),
                KernelLaunch.blocks(total, BLOCK), 1, BLOCK, Pointer.to(params), Pointer.to(grads), Pointer.to(momentumBufs),
                Pointer.to(new int[] {total}), Pointer.to(sgd.layoutWords()),
                scalars ? Pointer.to(stepScalars) : Pointer.to(sgd.stepWords())));
        return launches;
    }

    /** Forward launches over {@code rows} rows of {@code input}, leaving the logits in act[last]. */
    private void addForward(List<KernelLaunch> launches, CUdeviceptr input, int rows) {
        for (int l = 0; l < spec.layers(); l++) {
            int in = spec.fanIn(l), out = spec.fanOut(l);
            launches.add(new KernelLaunch("matmul_forward", kernels.forward(), tiles(out), tiles(rows), 256,
                    Pointer.to(l == 0 ? input : act[l - 1]), Pointer.to(weight[l]), Pointer.to(bias[l]), Pointer.to(act[l]),
                    Pointer.to(new int[] {rows}), Pointer.to(new int[] {out}), Pointer.to(new int[] {in}),
                    Pointer.to(new int[] {l < spec.layers() - 1 ? 1 : 0})));
        }
    }

    private static int tiles(int n) {
        return KernelLaunch.blocks(n, TILE);
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
        device.copyToHost(Pointer.to(readBack), statsAt(EPOCH_STATS), 2L * Sizeof.DOUBLE);
        return stepsThisEpoch == 0 ? Double.NaN : readBack[0] / stepsThisEpoch;
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
        for (int start = 0; start < split.count(); start += capacityRows) {
            int rows = Math.min(capacityRows, split.count() - start);
            addForward(launches, split.x().withByteOffset((long) start * spec.inputs() * Sizeof.FLOAT), rows);
            launches.add(new KernelLaunch("softmax_xent", kernels.softmaxXent(), KernelLaunch.blocks(rows, ROWS_PER_BLOCK), 1, BLOCK,
                    Pointer.to(act[last]), Pointer.to(split.labels().withByteOffset(start)), Pointer.to(NULL),
                    Pointer.to(new int[] {rows}), Pointer.to(new int[] {spec.classes()}), Pointer.to(new int[] {rows}),
                    Pointer.to(new double[] {1.0}), Pointer.to(statsAt(EVAL_STATS)), Pointer.to(NULL)));
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
    public double microsecondsPerStep(int steps, int batchSize, double[] lr, double[] momentum) {
        DeviceSplit train = requireSplit(Backend.Split.TRAIN);
        int batches = Math.max(1, train.count() / batchSize);
        for (int s = 0; s < 20; s++) trainStep((s % batches) * batchSize, batchSize, lr, momentum);
        CUevent start = new CUevent(), stop = new CUevent();
        cuEventCreate(start, 0);
        cuEventCreate(stop, 0);
        try {
            cuEventRecord(start, device.stream);
            for (int s = 0; s < steps; s++) trainStep((s % batches) * batchSize, batchSize, lr, momentum);
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
        plans.values().forEach(TrainStepPlan::close);
        plans.clear();
        device.close();
    }
}
