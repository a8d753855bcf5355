package anneal.backend.cpu;

import anneal.backend.Backend;
import anneal.data.Dataset;
import anneal.data.Splits;
import anneal.model.MlpSpec;
import anneal.model.Parameters;
import anneal.optim.OptimizerSetup;
import anneal.optim.SgdConfig;
import anneal.schedule.Hyperparameter;
import anneal.schedule.HyperparameterTable;

/**
 * The pure-Java CPU backend: {@link VectorKernels} (Vector API) on a fixed {@link WorkerPool}.
 *
 * <p>A model whose first layer's outputs are a multiple of {@link Panels#WIDTH} (the sweep's 784-256-10) keeps that
 * layer's weights in {@link Panels} layout and trains in one parallel region per step ({@link #panelStep}: the first
 * layer split by panels of its outputs, the rest by rows, three barriers). Any other model takes two parallel passes:
 * <ol>
 *   <li><b>Rows</b>: each worker takes a contiguous share of the batch rows, gathers them from the training
 *       set, runs the forward pass (GEMM {@code X W^T} with fused bias + ReLU), the fused softmax +
 *       cross-entropy + gradient, and the backward pass of the activations ({@code dY W} with the ReLU mask
 *       fused; none for the first layer's input). All of this is local to a row.</li>
 *   <li><b>Weights</b>: each worker takes a contiguous share of the first layer's output neurons and of every
 *       other layer's inputs (columns: a 10-class classifier has too few rows to split), computes those parts of
 *       the weight gradients ({@code dY^T X}) and applies the SGD update to exactly them while they are in cache;
 *       the last worker does the small layers' biases.</li>
 * </ol>
 * Evaluation is one rows pass over the split in chunks. Buffers are sized for the largest batch seen and
 * reused: after the first step at a batch size no step allocates. The split of work is a pure function of
 * the sizes and the thread count, and every output element is computed by the same operations whichever
 * worker computes it, so a run is bit-for-bit reproducible for a given seed (and, in fact, independent of the
 * thread count).
 */
public final class CpuBackend implements Backend {
    /**
     * {@code -Danneal.cpu.phaseTimes=true}: time each phase of the panel step on every worker ({@link #phaseTimes}); off,
     * the timing code folds away.
     */
    static final boolean PHASE_TIMES = Boolean.getBoolean("anneal.cpu.phaseTimes");
    /** The phases of {@link #panelStep} that {@link #PHASE_TIMES} times, in order. */
    private static final String[] PHASES = {"pack the batch's rows for the layer-1 forward", "barrier 0",
        "layer-1 forward X W0^T + b0, ReLU", "pack X for dW0 (6 x 2 only)", "barrier 1",
        "rows: other layers' forward, softmax, dH", "barrier 2",
        "layer-1 weight gradient dH^T X + fused SGD of W0, b0", "other layers' weight gradients + SGD"};
    /** Indexes into {@link #PHASES} of the phases that a barrier or a large product ends (each barrier is the next). */
    private static final int PACK_PHASE = 0, FORWARD_PHASE = 2, PACK_FOR_GRADIENT_PHASE = 3, ROWS_PHASE = 5,
            GRADIENT_PHASE = 7, OTHER_LAYERS_PHASE = 8;
    /** Steps whose phases {@link #PHASE_TIMES} keeps (the most recent ones). */
    private static final int TIMED_STEPS = 4096;
    /**
     * Per worker, per phase, per kept step (ring): nanoseconds; the last phase column is the caller's whole step.
     * Medians and minimums over steps, not means, so that the steps a shared machine preempts do not dominate.
     */
    private long[][][] phaseNanos;
    private long timedSteps;
    /** Per kept step (ring, with {@link #PHASE_TIMES}): its batch rows. */
    private final int[] phaseRows = new int[PHASE_TIMES ? TIMED_STEPS : 0];
    /**
     * With {@link #PHASE_TIMES}, every worker runs {@link FmaCeiling} for {@link #PROBE_ROUNDS} rounds after every
     * {@code PROBE_EVERY}-th step (outside the step's timers): the FMA ceiling of the same seconds as the phases.
     * 16,384 rounds are 20-80 us, about 0.5% of the steps' time.
     */
    private static final int PROBE_EVERY = 8, PROBE_ROUNDS = 16_384;
    /** Per worker, per kept probe (ring of {@code TIMED_STEPS / PROBE_EVERY}): nanoseconds. */
    private long[][] probeNanos;
    private long probes;
    /** Per worker, a cache line apart: the probes' results, so that their chains are not dead code. */
    private float[] probeSink;

    /** Rows per worker per evaluation chunk. */
    private static final int EVAL_ROWS_PER_WORKER = 256;

    private final WorkerPool pool;
    private MlpSpec spec;
    private int layers;
    private float[][] params;
    private float[][] grads;
    private float[][] buffers;
    private boolean[] bufferReady;
    private OptimizerSetup optimizer;
    private Splits data;
    private int[] order;

    private int capacityRows;
    private float[] x;
    private byte[] y;
    private float[][] act;
    private float[][] delta;
    private double[] rowLoss;
    /** Per worker: one row's exponentials in the softmax. */
    private double[][] exps;

    private double lastLoss = Double.NaN;
    private double epochLossSum;
    private long epochSteps;
    private double markLossSum;
    private long markSteps;

    // per-step arguments read by the worker tasks (set before pool.run, which publishes them)
    private int stepOffset;
    private int stepRows;
    private double[] stepLr;
    private double[] stepMomentum;
    private double[] stepWeightDecay;
    /**
     * The one task the pool runs, {@link #runJob}: which job it does is {@link #job}. One task class keeps the pool's
     * call site monomorphic: with one lambda per job, C2 compiled the worker loop with the step's inlined behind a
     * class check, and every evaluation (a different class) trapped, deoptimised the loop and had it recompiled
     * (seen in -XX:+LogCompilation at each epoch's evaluation of a timed run; a C2 compile takes one of the two cores).
     */
    private final WorkerPool.Task jobs = this::runJob;
    private static final int PANEL_STEP = 0, ROWS_PASS = 1, WEIGHTS_PASS = 2, EVAL_PASS = 3, CEILING_PROBE = 4;
    /** The job of the next {@code pool.run(jobs)} (written before it, which publishes it to the workers). */
    private int job;
    /** Whether layer 0's weight (tensor 0, its gradient and momentum buffer) is held in {@link Panels} layout. */
    private boolean panelFirst;
    private final Panels.RangeUpdate updateFirstWeight = (from, to) -> update(0, from, to);
    /** Float offset in the training set's features of each batch row (where the panel step packs the batch from). */
    private int[] rowOffsets;
    /**
     * Row groups ({@link Panels#ROWS} rows, one block of the micro-kernel) per task of the panel step's first-layer
     * forward: a task is one panel x this many groups (16 rows with 4 x 4: 32 tasks in the sweep's step on AVX-512,
     * 4 panels x 8 chunks; 24 with 6 x 2). Measured with 4 x 4 in one JVM against 32 rows: 0.973 (median of 7 runs,
     * none slower than 1.000) with 2 threads, 0.972 with 1; 64 rows was no faster.
     */
    static final int FORWARD_TASK_GROUPS = 4;
    /** Tasks per panel of the panel step's first-layer weight gradient, each a quarter of the panel's input groups. */
    static final int GRADIENT_TASKS_PER_PANEL = 4;
    /** The panel step's two large products as tasks, each worker owning its panels' and stealing the rest. */
    private final TaskQueues forwardTasks, gradientTasks;
    /** Forward tasks per panel in this step: chunks of {@link #FORWARD_TASK_GROUPS} row groups. */
    private int stepRowChunks;
    /** Per worker: the row offsets of its evaluation chunk. */
    private int[][] evalRowOffsets;
    /**
     * The batch in {@link Panels#packGroups} layout, for the first layer's weight gradient where it does not read
     * {@link #packedX} ({@link Panels#GRADIENT_READS_PACKED_ROWS}); null where it does.
     */
    private float[] groupedX;
    /** The batch in {@link Panels#packRows} layout, for the first layer's forward. */
    private float[] packedX;
    /** Per worker: its evaluation chunk in {@link Panels#packRows} layout. */
    private float[][] evalPackedX;
    /**
     * Per worker, {@link Panels#scratchLength} floats of its own: the first layer's partial sums between slices of the
     * forward ({@link Panels#forward}), then, in the weight gradient, one panel's columns of that layer's output gradient.
     */
    private float[][] panelScratch;

    private Dataset evalSet;
    private final int[] evalCorrect;

    /** A backend with one worker per available processor. */
    public CpuBackend() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /** A backend with {@code threads} workers (the calling thread is one of them). */
    public CpuBackend(int threads) {
        this(threads, true);
    }

    /** With {@code stealing} false, each worker runs exactly its static share of the panel step (for tests). */
    CpuBackend(int threads, boolean stealing) {
        Panels.MicroKernel.selected(); // a bad -Danneal.cpu.microKernel is bad input here, not an error in class init
        this.pool = new WorkerPool(threads);
        this.evalCorrect = new int[threads];
        this.forwardTasks = new TaskQueues(threads, stealing);
        this.gradientTasks = new TaskQueues(threads, stealing);
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String description() {
        return "cpu: " + pool.threads() + " thread" + (pool.threads() == 1 ? "" : "s") + ", Vector API "
                + VectorKernels.L + " x fp32 (" + VectorKernels.S.vectorBitSize() + "-bit), micro-kernel " + Panels.KERNEL
                + ", Java " + Runtime.version();
    }

    /** Worker threads. */
    public int threads() {
        return pool.threads();
    }

    /** Ids of the pool's threads besides the caller's (for the allocation test). */
    long[] workerThreadIds() {
        return pool.workerThreadIds();
    }

    /**
     * Copies in {@code initial} and clears the optimizer state. May be called again (also after
     * {@link #upload}) to restart from new parameters, as the trainer does after its JIT warm-up.
     */
    @Override
    public void init(MlpSpec spec, Parameters initial, OptimizerSetup optimizer) {
        if (!initial.spec().equals(spec))
            throw new IllegalArgumentException("parameters are for " + initial.spec() + ", model is " + spec);
        if (optimizer.groupOfTensor().length != initial.count())
            throw new IllegalArgumentException("optimizer maps " + optimizer.groupOfTensor().length + " tensors, model has "
                    + initial.count());
        boolean sameShape = spec.equals(this.spec);
        this.spec = spec;
        this.layers = spec.layers();
        this.optimizer = optimizer;
        this.panelFirst = Panels.fits(spec.fanOut(0));
        int count = initial.count();
        if (!sameShape) {
            params = new float[count][];
            grads = new float[count][];
            buffers = new float[count][];
            for (int t = 0; t < count; t++) {
                params[t] = new float[t == 0 && panelFirst ? Panels.panelLength(spec.fanOut(0), spec.fanIn(0))
                        : initial.tensor(t).length];
                grads[t] = new float[params[t].length];
                buffers[t] = new float[params[t].length];
            }
            exps = new double[pool.threads()][];
            // 8 doubles (one cache line) past the end of each: the workers' rows write these at once
            for (int w = 0; w < exps.length; w++) exps[w] = new double[spec.classes() + 8];
            evalRowOffsets = new int[pool.threads()][EVAL_ROWS_PER_WORKER];
            evalPackedX = panelFirst ? new float[pool.threads()][Panels.packedRowsLength(EVAL_ROWS_PER_WORKER, spec.inputs())]
                    : null;
            phaseNanos = new long[pool.threads()][PHASES.length + 1][PHASE_TIMES ? TIMED_STEPS : 0];
            probeNanos = new long[pool.threads()][PHASE_TIMES ? TIMED_STEPS / PROBE_EVERY : 0];
            probeSink = new float[16 * pool.threads()];
            capacityRows = 0;
            ensureCapacity(pool.threads() * EVAL_ROWS_PER_WORKER);
        }
        for (int t = 0; t < count; t++) {
            if (t == 0 && panelFirst) Panels.pack(initial.tensor(0), params[0], spec.fanOut(0), spec.fanIn(0));
            else System.arraycopy(initial.tensor(t), 0, params[t], 0, params[t].length);
            java.util.Arrays.fill(grads[t], 0f);
            java.util.Arrays.fill(buffers[t], 0f);
        }
        bufferReady = new boolean[count];
        timedSteps = 0;
        probes = 0;
        lastLoss = Double.NaN;
        epochLossSum = markLossSum = 0;
        epochSteps = markSteps = 0;
    }

    private void ensureCapacity(int rows) {
        if (rows <= capacityRows) return;
        capacityRows = rows;
        x = new float[rows * spec.inputs()];
        y = new byte[rows];
        rowLoss = new double[rows];
        rowOffsets = new int[rows];
        groupedX = panelFirst && !Panels.GRADIENT_READS_PACKED_ROWS ? new float[Panels.groupedLength(rows, spec.inputs())]
                : null;
        packedX = panelFirst ? new float[Panels.packedRowsLength(rows, spec.inputs())] : null;
        panelScratch = new float[pool.threads()][Panels.scratchLength(rows)];
        act = new float[layers][];
        delta = new float[layers][];
        for (int l = 0; l < layers; l++) {
            act[l] = new float[rows * spec.fanOut(l)];
            delta[l] = new float[rows * spec.fanOut(l)];
        }
    }

    @Override
    public void upload(Splits splits) {
        requireInit();
        for (Dataset d : new Dataset[] {splits.train(), splits.validation(), splits.test()}) {
            if (d.count() > 0 && d.featureCount() != spec.inputs())
                throw new IllegalArgumentException(d.name() + " has " + d.featureCount() + " features, the model takes "
                        + spec.inputs());
            if (d.count() > 0 && d.classes() != spec.classes())
                throw new IllegalArgumentException(d.name() + " has " + d.classes() + " classes, the model has "
                        + spec.classes());
        }
        this.data = splits;
    }

    @Override
    public void beginEpoch(int[] order) {
        if (data == null) throw new IllegalStateException("upload() must come before beginEpoch()");
        if (order.length != data.train().count())
            throw new IllegalArgumentException("epoch order has " + order.length + " entries, the training set has "
                    + data.train().count());
        this.order = order;
        epochLossSum = 0;
        epochSteps = 0;
    }

    @Override
    public void trainStep(int offset, int batchSize, HyperparameterTable hyperparameters) {
        trainStep(offset, batchSize, hyperparameters.row(Hyperparameter.LR), hyperparameters.row(Hyperparameter.MOMENTUM),
                hyperparameters.row(Hyperparameter.WEIGHT_DECAY));
    }

    /** One step with each group's lr, momentum and weight decay (the rows of the step's table). */
    private void trainStep(int offset, int batchSize, double[] lr, double[] momentum, double[] weightDecay) {
        if (order == null) throw new IllegalStateException("beginEpoch() must come before trainStep()");
        if (batchSize < 1 || offset < 0 || offset + batchSize > order.length)
            throw new IllegalArgumentException("batch [" + offset + ", " + (offset + batchSize) + ") outside the epoch's "
                    + order.length + " samples");
        int groups = optimizer.groups().length;
        if (lr.length != groups || momentum.length != groups || weightDecay.length != groups)
            throw new IllegalArgumentException("expected " + groups + " lr, momentum and weight decay values, got "
                    + lr.length + ", " + momentum.length + " and " + weightDecay.length);
        ensureCapacity(batchSize);
        stepOffset = offset;
        stepRows = batchSize;
        stepLr = lr;
        stepMomentum = momentum;
        stepWeightDecay = weightDecay;
        if (panelFirst) {
            int in = spec.inputs();
            Dataset train = data.train();
            for (int r = 0; r < batchSize; r++) {
                int src = order[offset + r];
                rowOffsets[r] = src * in;
                y[r] = train.labels()[src];
            }
            int panels = spec.fanOut(0) / Panels.WIDTH, threads = pool.threads();
            stepRowChunks = (Panels.groups(batchSize) + FORWARD_TASK_GROUPS - 1) / FORWARD_TASK_GROUPS;
            for (int w = 0; w < threads; w++) {
                int q0 = WorkerPool.split(w, threads, panels, 1), q1 = WorkerPool.split(w + 1, threads, panels, 1);
                forwardTasks.assign(w, q0 * stepRowChunks, q1 * stepRowChunks);
                gradientTasks.assign(w, q0 * GRADIENT_TASKS_PER_PANEL, q1 * GRADIENT_TASKS_PER_PANEL);
            }
            long t0 = PHASE_TIMES ? System.nanoTime() : 0;
            run(PANEL_STEP);
            if (PHASE_TIMES) {
                phaseNanos[0][PHASES.length][(int) (timedSteps % TIMED_STEPS)] = System.nanoTime() - t0;
                phaseRows[(int) (timedSteps % TIMED_STEPS)] = batchSize;
                if (timedSteps++ % PROBE_EVERY == 0) {
                    run(CEILING_PROBE);
                    probes++;
                }
            }
        } else {
            run(ROWS_PASS);
            run(WEIGHTS_PASS);
        }
        double sum = 0;
        for (int r = 0; r < batchSize; r++) sum += rowLoss[r];
        lastLoss = sum / batchSize;
        for (int t = 0; t < params.length; t++)
            if (momentum[optimizer.groupOfTensor()[t]] != 0) bufferReady[t] = true;
        epochLossSum += lastLoss;
        epochSteps++;
        markLossSum += lastLoss;
        markSteps++;
    }

    private void run(int job) {
        this.job = job;
        pool.run(jobs);
    }

    private void runJob(int w) {
        switch (job) {
            case PANEL_STEP -> panelStep(w);
            case ROWS_PASS -> rowsPass(w);
            case WEIGHTS_PASS -> weightsPass(w);
            case EVAL_PASS -> evalPass(w);
            case CEILING_PROBE -> ceilingProbe(w);
            default -> throw new IllegalStateException("no job " + job);
        }
    }

    private void rowsPass(int w) {
        int threads = pool.threads();
        int r0 = WorkerPool.split(w, threads, stepRows, 1), r1 = WorkerPool.split(w + 1, threads, stepRows, 1);
        if (r0 >= r1) return;
        Dataset train = data.train();
        int in = spec.inputs();
        float[] features = train.features();
        for (int r = r0; r < r1; r++) {
            int src = order[stepOffset + r];
            System.arraycopy(features, src * in, x, r * in, in);
            y[r] = train.labels()[src];
        }
        forward(w, x, r0 * in, null, r0, r1 - r0, 0);
        int last = layers - 1;
        VectorKernels.softmaxCrossEntropy(act[last], y, 0, delta[last], rowLoss, 0, r0, r1, spec.classes(), stepRows,
                exps[w]);
        for (int l = last; l >= 1; l--) {
            int out = spec.fanOut(l), prev = spec.fanIn(l);
            VectorKernels.gemmNN(delta[l], r0 * out, params[2 * l], delta[l - 1], r0 * prev, r1 - r0, prev, out, act[l - 1]);
        }
    }

    /**
     * Worker {@code w}'s forward pass of {@code rows} rows of {@code input} (at float offset {@code inOff}) into buffer
     * rows from {@code bufRow}, from layer {@code from} on ({@code from > 0}: the rows of {@code act[from - 1]};
     * {@code rowOff}, the rows' offsets in {@code input}, for a first layer in panel layout).
     */
    private void forward(int w, float[] input, int inOff, int[] rowOff, int bufRow, int rows, int from) {
        float[] a = from == 0 ? input : act[from - 1];
        int aOff = from == 0 ? inOff : bufRow * spec.fanOut(from - 1);
        for (int l = from; l < layers; l++) {
            int out = spec.fanOut(l);
            if (l == 0 && panelFirst)
                Panels.forward(a, rowOff, params[0], params[1], act[0], bufRow * out, rows, out, spec.fanIn(0), 0,
                        out / Panels.WIDTH, layers > 1, evalPackedX[w], panelScratch[w]);
            else
                VectorKernels.gemmNT(a, aOff, params[2 * l], act[l], bufRow * out, rows, out, spec.fanIn(l), params[2 * l + 1],
                        l < layers - 1);
            a = act[l];
            aOff = bufRow * out;
        }
    }

    /**
     * The whole training step of a model whose first layer is in panel layout, as one parallel region with three
     * barriers. The first layer (the two large products) is split by panels of its outputs, so each worker reads and
     * updates only its own columns of {@code W0}, its gradient and momentum buffer (they stay in that core's cache from
     * step to step); the rest is split by batch rows, then by output neurons. The two products are tasks
     * ({@link #FORWARD_TASK_GROUPS} row groups of a panel; a quarter of a panel's inputs): a worker that
     * finishes its own panels' tasks first takes the other's last ones ({@link TaskQueues}), so a core that the machine
     * slows down for a moment does not hold the other at the barrier (measured in one JVM against the static split,
     * six idle runs: per-round median ratios 0.912 to 1.002, median 0.966; results bit-identical).
     * <ol>
     *   <li>this worker's groups of batch rows packed for the forward ({@link Panels#packRows}), read from the
     *       training set in the epoch's order;</li>
     *   <li>barrier; {@code H = relu(X W0^T + b0)}, this worker's panels (and any it steals), all rows; with 6 x 2, this
     *       worker's groups of inputs of the batch packed again for the weight gradient ({@link Panels#packGroups});
     *       4 x 4's reads the first packing ({@link Panels#packForGradient});</li>
     *   <li>barrier; this worker's rows: the other layers' forward, softmax + cross-entropy + gradient, the backward of
     *       the activations down to {@code dH} (ReLU mask fused);</li>
     *   <li>barrier; {@code dW0 = dH^T X} for this worker's panels (and any it steals), each block SGD-updated as soon as it is computed, and
     *       {@code b0}'s gradient and update for the same columns; the other layers' weight gradients and updates for
     *       this worker's range of their inputs (columns of their weights).</li>
     * </ol>
     */
    private void panelStep(int w) {
        int threads = pool.threads();
        int rows = stepRows, in = spec.inputs(), hidden = spec.fanOut(0);
        float[] features = data.train().features();
        long t = PHASE_TIMES ? System.nanoTime() : 0;
        int rowGroups = Panels.groups(rows);
        Panels.packRows(features, rowOffsets, packedX, rows, in, WorkerPool.split(w, threads, rowGroups, 1),
                WorkerPool.split(w + 1, threads, rowGroups, 1));
        t = timedBarrier(w, PACK_PHASE, t);
        for (int task; (task = forwardTasks.next(w)) >= 0; ) {
            int q = task / stepRowChunks, g0 = (task % stepRowChunks) * FORWARD_TASK_GROUPS;
            Panels.forwardGroups(packedX, params[0], params[1], act[0], 0, rows, g0,
                    Math.min(rowGroups, g0 + FORWARD_TASK_GROUPS), hidden, in, q, layers > 1, panelScratch[w]);
        }
        if (PHASE_TIMES) t = phase(w, FORWARD_PHASE, t);
        int groups = Panels.groups(in);
        float[] gradientX = Panels.packForGradient(features, rowOffsets, packedX, groupedX, rows, in,
                WorkerPool.split(w, threads, groups, 1), WorkerPool.split(w + 1, threads, groups, 1));
        t = timedBarrier(w, PACK_FOR_GRADIENT_PHASE, t);
        int r0 = WorkerPool.split(w, threads, rows, 1), r1 = WorkerPool.split(w + 1, threads, rows, 1);
        if (r0 < r1) {
            forward(w, null, 0, null, r0, r1 - r0, 1);
            int last = layers - 1;
            VectorKernels.softmaxCrossEntropy(act[last], y, 0, delta[last], rowLoss, 0, r0, r1, spec.classes(), rows, exps[w]);
            for (int l = last; l >= 1; l--) {
                int out = spec.fanOut(l), prev = spec.fanIn(l);
                VectorKernels.gemmNN(delta[l], r0 * out, params[2 * l], delta[l - 1], r0 * prev, r1 - r0, prev, out,
                        act[l - 1]);
            }
        }
        t = timedBarrier(w, ROWS_PHASE, t);
        for (int task, copied = -1; (task = gradientTasks.next(w)) >= 0; ) {
            int q = task / GRADIENT_TASKS_PER_PANEL, part = task % GRADIENT_TASKS_PER_PANEL;
            if (q != copied) Panels.copyPanelColumns(delta[0], panelScratch[w], q, hidden, rows);
            copied = q;
            Panels.gradientGroups(gradientX, panelScratch[w], grads[0], q,
                    WorkerPool.split(part, GRADIENT_TASKS_PER_PANEL, groups, 1),
                    WorkerPool.split(part + 1, GRADIENT_TASKS_PER_PANEL, groups, 1), in, rows, updateFirstWeight);
            if (part == 0) {
                VectorKernels.biasGrad(delta[0], grads[1], rows, hidden, q * Panels.WIDTH, (q + 1) * Panels.WIDTH);
                update(1, q * Panels.WIDTH, (q + 1) * Panels.WIDTH);
            }
        }
        if (PHASE_TIMES) t = phase(w, GRADIENT_PHASE, t);
        for (int l = 1; l < layers; l++) hiddenLayerGradient(w, l);
        if (PHASE_TIMES) phase(w, OTHER_LAYERS_PHASE, t);
    }

    /**
     * Worker {@code w}'s share of layer {@code l}'s ({@code l >= 1}) weight gradient {@code dZ^T H} and its SGD update,
     * and the bias's on the last worker. Split by the layer's inputs (columns of its weight), not by its outputs:
     * the classifier has ten, so a split by 4-row blocks gave one worker 4 rows and the other 6 (twice the time).
     */
    private void hiddenLayerGradient(int w, int l) {
        int threads = pool.threads(), rows = stepRows, out = spec.fanOut(l), prev = spec.fanIn(l);
        int j0 = WorkerPool.split(w, threads, prev, VectorKernels.L);
        int j1 = WorkerPool.split(w + 1, threads, prev, VectorKernels.L);
        if (j0 < j1) {
            VectorKernels.gemmTN(delta[l], out, act[l - 1], grads[2 * l], 0, out, prev, rows, j0, j1);
            for (int o = 0; o < out; o++) update(2 * l, o * prev + j0, o * prev + j1);
        }
        if (w == threads - 1) {
            VectorKernels.biasGrad(delta[l], grads[2 * l + 1], rows, out, 0, out);
            update(2 * l + 1, 0, out);
        }
    }

    /** Worker {@code w}'s {@link FmaCeiling} probe, timed into {@link #probeNanos}. */
    private void ceilingProbe(int w) {
        long t0 = System.nanoTime();
        probeSink[16 * w] += FmaCeiling.run(PROBE_ROUNDS, 0.999f, 1e-6f);
        probeNanos[w][(int) (probes % probeNanos[w].length)] = System.nanoTime() - t0;
    }

    /** Ends phase {@code phase} at the pool's barrier, which is phase {@code phase + 1} (timed with {@link #PHASE_TIMES}). */
    private long timedBarrier(int w, int phase, long since) {
        if (PHASE_TIMES) since = phase(w, phase, since);
        pool.barrier(w);
        return PHASE_TIMES ? phase(w, phase + 1, since) : since;
    }

    private long phase(int w, int phase, long since) {
        long now = System.nanoTime();
        phaseNanos[w][phase][(int) (timedSteps % TIMED_STEPS)] = now - since;
        return now;
    }

    /**
     * What {@link #phaseTimes} measured: the table (one line per phase, a column per worker), the first layer's two
     * large products in GFLOP/s, each the layer's FLOP over the slower worker's median of that phase, and the FMA
     * ceiling of all workers in the same seconds ({@link FmaCeiling} between steps: the sum of each worker's median
     * rate; NaN when no probe ran).
     */
    public record PhaseTimes(String table, double forwardGflops, double weightGradientGflops, double ceilingGflops) {
    }

    /**
     * With {@code -Danneal.cpu.phaseTimes=true}: the median and the minimum over the last steps (at most
     * {@value #TIMED_STEPS}, since {@link #init} or the previous call, which resets them) of each phase of the panel
     * step on each worker and of the caller's whole step, in microseconds, the whole step's mean, p90, p99 and maximum
     * (the trainer's ms per step is a mean), the first layer's two products in
     * GFLOP/s at the slower worker's median, for the batch size most of those steps had (a trainer's epoch ends with
     * a shorter one), and the FMA ceiling of the same seconds ({@link #PROBE_EVERY}); null when phase timing is off or
     * no step was timed.
     */
    public PhaseTimes phaseTimes() {
        if (!PHASE_TIMES || timedSteps == 0) return null;
        int threads = pool.threads(), panels = spec.fanOut(0) / Panels.WIDTH;
        int kept = (int) Math.min(timedSteps, TIMED_STEPS);
        // the batch most of the kept steps had (an epoch's last, short batch is one step in hundreds)
        int[] sizes = java.util.Arrays.copyOf(phaseRows, kept);
        java.util.Arrays.sort(sizes);
        int batch = sizes[0], most = 0;
        for (int i = 0, run = 0; i < kept; i++) {
            run = i > 0 && sizes[i] == sizes[i - 1] ? run + 1 : 1;
            if (run > most) {
                most = run;
                batch = sizes[i];
            }
        }
        double[][] median = new double[threads][PHASES.length + 1], min = new double[threads][PHASES.length + 1];
        long[] whole = null; // the caller's whole steps, sorted (its tail line below)
        for (int w = 0; w < threads; w++)
            for (int p = 0; p <= PHASES.length; p++) {
                long[] v = java.util.Arrays.copyOf(phaseNanos[w][p], kept);
                java.util.Arrays.sort(v);
                median[w][p] = medianOfSorted(v) / 1e3;
                min[w][p] = v[0] / 1e3;
                if (w == 0 && p == PHASES.length) whole = v;
            }
        StringBuilder sb = new StringBuilder(String.format("%d steps (%d of batch %d), %d worker%s; us per step, median (min)%n",
                kept, most, batch, threads, threads == 1 ? "" : "s"));
        for (int p = 0; p <= PHASES.length; p++) {
            if (p == PHASES.length && threads > 1) continue;
            sb.append(String.format("  %-58s", p < PHASES.length ? PHASES[p] : "whole step (caller)"));
            for (int w = 0; w < threads; w++) sb.append(String.format(" %8.1f (%6.1f)", median[w][p], min[w][p]));
            sb.append('\n');
        }
        if (threads > 1) sb.append(String.format("  %-58s %8.1f (%6.1f)%n", "whole step (caller)", median[0][PHASES.length],
                min[0][PHASES.length]));
        // the trainer's ms per step is a mean: the whole step's tail, which a median hides
        double mean = java.util.Arrays.stream(whole).average().orElse(0) / 1e3;
        sb.append(String.format("  %-58s mean %.1f, p90 %.1f, p99 %.1f, max %.1f%n", "whole step (caller), its tail", mean,
                whole[(int) (0.9 * (kept - 1))] / 1e3, whole[(int) (0.99 * (kept - 1))] / 1e3, whole[kept - 1] / 1e3));
        // the workers steal each other's tasks, so a worker's share varies: the layer's FLOP over the slower worker
        double flop = 2.0 * batch * spec.inputs() * panels * Panels.WIDTH, forward = 0, gradient = 0;
        for (int w = 0; w < threads; w++) {
            forward = Math.max(forward, median[w][FORWARD_PHASE]);
            gradient = Math.max(gradient, median[w][GRADIENT_PHASE]);
        }
        double forwardGflops = flop / forward / 1e3, gradientGflops = flop / gradient / 1e3;
        sb.append(String.format("  all workers: forward %.1f GFLOP/s, weight gradient with the update %.1f GFLOP/s "
                + "(the layer's FLOP over the slower worker's median)%n", forwardGflops, gradientGflops));
        int probesKept = (int) Math.min(probes, probeNanos[0].length);
        double ceiling = probesKept == 0 ? Double.NaN : 0;
        for (int w = 0; w < threads && probesKept > 0; w++) {
            long[] v = java.util.Arrays.copyOf(probeNanos[w], probesKept);
            java.util.Arrays.sort(v);
            ceiling += FmaCeiling.flopPerRound() * PROBE_ROUNDS / medianOfSorted(v); // FLOP per ns = GFLOP/s
        }
        if (probesKept > 0)
            sb.append(String.format("  FMA ceiling of the same seconds: %.1f GFLOP/s (%d probes of %d FmaCeiling rounds on "
                    + "every worker, one after every %dth step; the sum of the workers' median rates): forward %.0f%%, "
                    + "weight gradient %.0f%% of it%n", ceiling, probesKept, PROBE_ROUNDS, PROBE_EVERY,
                    100 * forwardGflops / ceiling, 100 * gradientGflops / ceiling));
        timedSteps = 0;
        probes = 0;
        return new PhaseTimes(sb.toString(), forwardGflops, gradientGflops, ceiling);
    }

    /** The median of {@code v}, sorted ascending (the mean of the middle two for an even length). */
    private static double medianOfSorted(long[] v) {
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
    }

    private void weightsPass(int w) {
        int threads = pool.threads(), out = spec.fanOut(0), in = spec.fanIn(0);
        // the first layer by 4-row blocks of its outputs (its input, the batch, is the widest), the others as the
        // panel step splits them
        int i0 = WorkerPool.split(w, threads, out, 4), i1 = WorkerPool.split(w + 1, threads, out, 4);
        if (i0 < i1) {
            VectorKernels.gemmTN(delta[0], out, x, grads[0], i0, i1, in, stepRows);
            VectorKernels.biasGrad(delta[0], grads[1], stepRows, out, i0, i1);
            update(0, i0 * in, i1 * in);
            update(1, i0, i1);
        }
        for (int l = 1; l < layers; l++) hiddenLayerGradient(w, l);
    }

    private void update(int t, int from, int to) {
        int g = optimizer.groupOfTensor()[t];
        SgdConfig c = optimizer.groups()[g];
        VectorKernels.sgdUpdate(params[t], grads[t], buffers[t], from, to, stepLr[g], stepMomentum[g], c.dampening(),
                c.nesterov(), stepWeightDecay[g], !bufferReady[t]);
    }

    @Override
    public double lastLoss() {
        return lastLoss;
    }

    /** Mean train loss over the steps since the previous call (or since {@link #init}); NaN when there were none. */
    @Override
    public double drainMeanLoss() {
        double mean = markSteps == 0 ? Double.NaN : markLossSum / markSteps;
        markLossSum = 0;
        markSteps = 0;
        return mean;
    }

    @Override
    public double endEpoch() {
        order = null;
        return epochSteps == 0 ? Double.NaN : epochLossSum / epochSteps;
    }

    @Override
    public Evaluation evaluate(Split split) {
        requireInit();
        if (data == null) throw new IllegalStateException("upload() must come before evaluate()");
        Dataset d = switch (split) {
            case TRAIN -> data.train();
            case VALIDATION -> data.validation();
            case TEST -> data.test();
        };
        if (d.count() == 0) return new Evaluation(Double.NaN, Double.NaN, 0);
        if (evalLoss.length < d.count()) evalLoss = new double[d.count()];
        evalSet = d;
        run(EVAL_PASS);
        evalSet = null;
        double sum = 0;
        for (int r = 0; r < d.count(); r++) sum += evalLoss[r];
        int correct = 0;
        for (int c : evalCorrect) correct += c;
        return new Evaluation(sum / d.count(), (double) correct / d.count(), d.count());
    }

    private double[] evalLoss = new double[0];

    private void evalPass(int w) {
        Dataset d = evalSet;
        int threads = pool.threads();
        int r0 = WorkerPool.split(w, threads, d.count(), 1), r1 = WorkerPool.split(w + 1, threads, d.count(), 1);
        int bufRow = w * EVAL_ROWS_PER_WORKER;
        int classes = spec.classes(), in = spec.inputs();
        int correct = 0;
        for (int c0 = r0; c0 < r1; c0 += EVAL_ROWS_PER_WORKER) {
            int rows = Math.min(EVAL_ROWS_PER_WORKER, r1 - c0);
            int[] rowOff = evalRowOffsets[w];
            for (int i = 0; i < rows; i++) rowOff[i] = (c0 + i) * in;
            forward(w, d.features(), c0 * in, rowOff, bufRow, rows, 0);
            correct += VectorKernels.softmaxCrossEntropy(act[layers - 1], d.labels(), c0 - bufRow, null, evalLoss,
                    c0 - bufRow, bufRow, bufRow + rows, classes, rows, null);
        }
        evalCorrect[w] = correct;
    }

    @Override
    public Parameters parameters() {
        requireInit();
        return new Parameters(spec, rowMajor(params));
    }

    /** Copies of {@code tensors} in {@link Parameters}' layout (layer 0's weight out of its panels). */
    private float[][] rowMajor(float[][] tensors) {
        float[][] t = new float[tensors.length][];
        for (int i = 0; i < t.length; i++) t[i] = tensors[i].clone();
        if (panelFirst) {
            t[0] = new float[spec.fanOut(0) * spec.fanIn(0)];
            Panels.unpack(tensors[0], t[0], spec.fanOut(0), spec.fanIn(0));
        }
        return t;
    }

    /** A copy of the gradients computed by the last {@link #trainStep}, in tensor order (for tests). */
    public Parameters lastGradients() {
        requireInit();
        return new Parameters(spec, rowMajor(grads));
    }

    private void requireInit() {
        if (spec == null) throw new IllegalStateException("init() must come first");
    }

    @Override
    public void close() {
        pool.close();
    }
}
