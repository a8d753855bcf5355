package anneal.backend.cuda;

import anneal.schedule.HyperparameterTable;
import anneal.schedule.Hyperparameter;
import anneal.backend.Backend;
import anneal.backend.BackendUnavailableException;
import anneal.backend.cpu.CpuBackend;
import anneal.data.Dataset;
import anneal.data.Splits;
import anneal.model.Initialization;
import anneal.model.MlpSpec;
import anneal.model.Parameters;
import anneal.data.EpochOrder;
import anneal.optim.OptimizerSetup;
import anneal.optim.SgdConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Scenarios that {@link StandInDriverTest} runs in a forked JVM whose {@code LD_LIBRARY_PATH} starts with the
 * CPU stand-in driver ({@code kernels/build/standin/libcuda.so.1}), so that JCuda loads it as
 * {@code libcuda.so.1}. Each scenario throws {@link AssertionError} on a failed check; {@code main} prints
 * {@code SCENARIO-OK name} for each that passed and exits 1 at the first that did not. No JUnit here: the
 * forked JVM's class path need only hold the project and its dependencies.
 */
public final class StandInScenarios {
    /** Steps each lr delivery trains against the CPU backend. */
    static final int STEPS = 24;
    static final int BATCH = 128;
    /** Per-step loss and final parameters of CUDA vs CPU: the fp32 matrix-product tolerance of KernelCases. */
    static final double TOL = KernelCases.MATMUL_TOL;

    private StandInScenarios() {
    }

    public static void main(String[] args) throws Exception {
        for (String s : args) {
            switch (s) {
                case "kernels" -> kernels();
                case "deliveries" -> deliveries();
                case "second-thread" -> secondThread();
                case "unavailable" -> unavailable();
                case "fault" -> fault();
                case "descriptions" -> descriptions();
                case "step-time" -> stepTime();
                case "describe" -> describe();
                default -> throw new IllegalArgumentException("unknown scenario " + s);
            }
            System.out.println("SCENARIO-OK " + s);
        }
    }

    static void check(boolean ok, String what) {
        if (!ok) throw new AssertionError(what);
    }

    /** Every device kernel case (KernelCases, minus the emulation-only whole-step chains) through DeviceKernelCheck. */
    static void kernels() {
        List<KernelCase> cases = KernelCases.all(20261129);
        List<DeviceKernelCheck.Result> results = DeviceKernelCheck.run(0, cases);
        int passed = 0;
        for (DeviceKernelCheck.Result r : results) {
            if (r.passed()) passed++;
            else System.out.println("FAIL " + r.name() + ": " + r.firstMiss());
        }
        System.out.println("kernel cases through the stand-in: " + passed + "/" + results.size() + " pass");
        check(results.size() == cases.size() && passed == results.size(), passed + "/" + results.size() + " kernel cases pass");
    }

    /** A small Fashion-MNIST-shaped data set: 784 features, 10 classes, labels from a random linear teacher. */
    static Splits data(long seed) {
        Random r = new Random(seed);
        int features = 784, classes = 10;
        float[] teacher = new float[features * classes];
        for (int i = 0; i < teacher.length; i++) teacher[i] = (float) r.nextGaussian();
        return new Splits(split("train", 1024, r, teacher), split("validation", 300, r, teacher), split("test", 500, r, teacher));
    }

    private static Dataset split(String name, int n, Random r, float[] teacher) {
        int features = 784, classes = 10;
        float[] x = new float[n * features];
        byte[] y = new byte[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int f = 0; f < features; f++) x[i * features + f] = (float) Math.max(0, r.nextGaussian());
            for (int c = 0; c < classes; c++) {
                double score = 0;
                for (int f = 0; f < features; f++) score += x[i * features + f] * teacher[c * features + f];
                if (score > bestScore) {
                    bestScore = score;
                    best = c;
                }
            }
            y[i] = (byte) best;
        }
        return new Dataset(name, x, y, n, features, classes);
    }

    static OptimizerSetup start(Backend b, Splits data, long seed) {
        return start(b, data, seed, new MlpSpec(784, new int[] {256}, 10));
    }

    static OptimizerSetup start(Backend b, Splits data, long seed, MlpSpec spec) {
        Parameters init = Initialization.pytorchDefault(spec, seed);
        OptimizerSetup optimizer = OptimizerSetup.noDecayOnBias(new SgdConfig(0.9, 0, true, 5e-4), init.count());
        b.init(spec, init, optimizer);
        b.upload(data);
        b.beginEpoch(EpochOrder.of(data.train().count(), seed, 0));
        return optimizer;
    }

    /** The lr of step s: a cycle, so that every step sends a different value. */
    static double[] lr(int s) {
        double v = 0.02 + 0.03 * Math.abs(Math.sin(0.7 * s));
        return new double[] {v, v};
    }

    /** A step's hyperparameters: lr, momentum and weight decay per group. */
    static HyperparameterTable step(double[] lr, double[] momentum, double[] weightDecay) {
        return new HyperparameterTable(lr.length).with(Hyperparameter.LR, lr).with(Hyperparameter.MOMENTUM, momentum)
                .with(Hyperparameter.WEIGHT_DECAY, weightDecay);
    }

    /** Losses of STEPS steps (crossing an epoch boundary), then the test-split evaluation and the parameters. */
    record Run(double[] losses, Backend.Evaluation test, Parameters params, double drained) {
    }

    static Run train(Backend b, Splits data, long seed) {
        return train(b, data, seed, new MlpSpec(784, new int[] {256}, 10));
    }

    static Run train(Backend b, Splits data, long seed, MlpSpec spec) {
        OptimizerSetup opt = start(b, data, seed, spec);
        int perEpoch = data.train().count() / BATCH;
        double[] losses = new double[STEPS];
        for (int s = 0; s < STEPS; s++) {
            if (s > 0 && s % perEpoch == 0) {
                b.endEpoch();
                b.beginEpoch(EpochOrder.of(data.train().count(), seed, s / perEpoch));
            }
            HyperparameterTable step = opt.configured().with(Hyperparameter.LR, lr(s));
            double cycled = step.get(Hyperparameter.MOMENTUM, 0) * (1 - 0.1 * Math.cos(s));
            step.set(Hyperparameter.MOMENTUM, 0, cycled);  // a cycled momentum on the weights' group
            b.trainStep((s % perEpoch) * BATCH, BATCH, step);
            losses[s] = b.lastLoss();
        }
        double drained = b.drainMeanLoss();
        return new Run(losses, b.evaluate(Backend.Split.TEST), b.parameters(), drained);
    }

    static void compare(String what, Run cpu, Run cuda) {
        for (int s = 0; s < STEPS; s++)
            check(close(cuda.losses[s], cpu.losses[s]), what + ": step " + s + " loss " + cuda.losses[s] + ", CPU " + cpu.losses[s]);
        check(close(cuda.drained, cpu.drained), what + ": drained mean loss " + cuda.drained + ", CPU " + cpu.drained);
        check(close(cuda.test.loss(), cpu.test.loss()), what + ": test loss " + cuda.test.loss() + ", CPU " + cpu.test.loss());
        check(Math.abs(cuda.test.accuracy() - cpu.test.accuracy()) <= 1.0 / cpu.test.count() + 1e-12,
                what + ": test accuracy " + cuda.test.accuracy() + ", CPU " + cpu.test.accuracy());
        double worst = 0;
        for (int t = 0; t < cpu.params.count(); t++) {
            float[] a = cuda.params.tensor(t), e = cpu.params.tensor(t);
            for (int i = 0; i < e.length; i++) {
                check(close(a[i], e[i]), what + ": tensor " + t + "[" + i + "] = " + a[i] + ", CPU " + e[i]);
                worst = Math.max(worst, Math.abs(a[i] - e[i]));
            }
        }
        System.out.printf(Locale.ROOT, "%s: %d steps match the CPU backend; max |param diff| %.3g, first/last loss %.6f/%.6f, test acc %.4f%n",
                what, STEPS, worst, cuda.losses[0], cuda.losses[STEPS - 1], cuda.test.accuracy());
    }

    static boolean close(double got, double expected) {
        return Math.abs(got - expected) <= TOL + TOL * Math.abs(expected);
    }

    /** Each lr delivery for STEPS steps against CpuBackend, with evaluation, on the default model. */
    static void deliveries() {
        Splits data = data(7);
        Run cpu;
        try (Backend b = new CpuBackend()) {
            cpu = train(b, data, 11);
        }
        for (LrDelivery d : LrDelivery.values()) {
            long t0 = System.nanoTime();
            try (CudaBackend b = CudaBackend.open(0, d)) {
                check(b.onStandInDriver(), "the driver is the stand-in: " + b.description());
                compare("lr delivery " + d.cliName(), cpu, train(b, data, 11));
            }
            System.out.printf(Locale.ROOT, "  (%s: %.0f ms per step through the stand-in, including evaluation)%n", d.cliName(),
                    (System.nanoTime() - t0) / 1e6 / STEPS);
        }
        try (CudaBackend b = CudaBackend.open(0, LrDelivery.DEFAULT, StepKernels.V1_SEPARATE)) {  // the old kernels stay right
            compare("kernel variant 1, lr delivery " + LrDelivery.DEFAULT.cliName(), cpu, train(b, data, 11));
        }
        // two hidden layers: variant 2's step then also has a linear_backward_input launch
        MlpSpec deep = new MlpSpec(784, new int[] {96, 40}, 10);
        Run deepCpu;
        try (Backend b = new CpuBackend()) {
            deepCpu = train(b, data, 13, deep);
        }
        try (CudaBackend b = CudaBackend.open(0, LrDelivery.DEFAULT)) {
            compare("784-96-40-10, kernel variant 2, lr delivery " + LrDelivery.DEFAULT.cliName(), deepCpu, train(b, data, 13, deep));
        }
    }

    /** trainStep, lastLoss and evaluate from a thread other than the one that opened the backend. */
    static void secondThread() throws Exception {
        Splits data = data(3);
        Run cpu;
        try (Backend b = new CpuBackend()) {
            cpu = train(b, data, 5);
        }
        try (CudaBackend b = CudaBackend.open(0, LrDelivery.KERNEL_ARGUMENT)) {
            AtomicReference<Object> out = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    out.set(train(b, data, 5));
                } catch (Throwable e) {
                    out.set(e);
                }
            }, "second-thread");
            t.start();
            t.join();
            if (out.get() instanceof Throwable e) throw new AssertionError("training from a second thread failed: " + e, e);
            compare("trainStep from a second thread", cpu, (Run) out.get());
            check(b.evaluate(Backend.Split.TEST).count() == data.test().count(), "evaluate back on the first thread");
        }
    }

    /**
     * Opening the backend with the stand-in in one of its failure modes (chosen by the parent through the
     * environment): prints the one-line message for the parent to check.
     */
    static void unavailable() {
        try (CudaBackend b = CudaBackend.open()) {
            start(b, data(1), 1);
            throw new AssertionError("the backend opened: " + b.description());
        } catch (BackendUnavailableException | IllegalArgumentException e) {
            System.out.println("OPEN-FAILED " + e.getClass().getSimpleName() + ": " + e.getMessage());
            check(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        }
    }

    /**
     * With ANNEAL_STANDIN_FAULT_AT_LAUNCH set by the parent, one kernel case fails with a CUDA error; every
     * later case, and a training run after the check, still runs on a clean context.
     */
    static void fault() {
        List<KernelCase> cases = KernelCases.all(20261129).stream().limit(12).toList();
        List<DeviceKernelCheck.Result> results = DeviceKernelCheck.run(0, cases);
        List<String> failed = new ArrayList<>();
        for (DeviceKernelCheck.Result r : results) if (!r.passed()) failed.add(r.name() + ": " + r.firstMiss());
        System.out.println("failed cases: " + failed);
        check(failed.size() == 1 && failed.get(0).contains("CUDA_ERROR_ILLEGAL_ADDRESS"), "exactly one case fails, with the fault: " + failed);
        check(results.size() == cases.size(), "every case ran");
        try (CudaBackend b = CudaBackend.open(0, LrDelivery.KERNEL_ARGUMENT)) {
            start(b, data(2), 2);
            b.trainStep(0, BATCH, step(lr(0), new double[] {0.9, 0.9}, new double[] {5e-4, 0}));
            check(Double.isFinite(b.lastLoss()), "a training step after the fault: loss " + b.lastLoss());
        }
    }

    /** Prints the backend's description after one training step (the module that loaded, the driver). */
    static void describe() {
        try (CudaBackend b = CudaBackend.open(0, LrDelivery.KERNEL_ARGUMENT)) {
            start(b, data(5), 5);
            b.trainStep(0, BATCH, step(lr(0), new double[] {0.9, 0.9}, new double[] {5e-4, 0}));
            check(Double.isFinite(b.lastLoss()), "one step: loss " + b.lastLoss());
            System.out.println("DESCRIPTION " + b.description());
        }
    }

    /** Wall time of one 784-256-10 training step (batch 128) through the stand-in: median of 15, after 3 warm-up steps. */
    static void stepTime() {
        Splits data = data(9);
        try (CudaBackend b = CudaBackend.open(0, LrDelivery.KERNEL_ARGUMENT)) {
            OptimizerSetup opt = start(b, data, 9);
            double[] ms = new double[15], cpu = new double[15];
            var mx = java.lang.management.ManagementFactory.getThreadMXBean();
            for (int s = -3; s < ms.length; s++) {
                long t0 = System.nanoTime(), c0 = mx.getCurrentThreadCpuTime();
                b.trainStep(((s + 3) % 8) * BATCH, BATCH, opt.configured().with(Hyperparameter.LR, lr(s + 3)));
                b.lastLoss();  // waits for the step (the stand-in runs it on this thread)
                if (s >= 0) {
                    ms[s] = (System.nanoTime() - t0) / 1e6;
                    cpu[s] = (mx.getCurrentThreadCpuTime() - c0) / 1e6;
                }
            }
            java.util.Arrays.sort(ms);
            java.util.Arrays.sort(cpu);
            System.out.printf(Locale.ROOT, "STEP-TIME wall median %.1f ms (min %.1f), thread CPU median %.1f ms (min %.1f) per 784-256-10 "
                    + "step (batch 128) through the CPU stand-in%n", ms[ms.length / 2], ms[0], cpu[cpu.length / 2], cpu[0]);
        }
    }

    /** The step's one launch description: kernel names, grids and argument bytes, as the backend launches them. */
    static void descriptions() {
        for (StepKernels v : StepKernels.values())
            try (CudaBackend b = CudaBackend.open(0, LrDelivery.KERNEL_ARGUMENT, v)) {
                start(b, data(4), 4);
                List<KernelLaunch> step = b.stepLaunches(BATCH);
                StringBuilder names = new StringBuilder();
                for (KernelLaunch k : step) names.append(k.name).append(' ');
                System.out.println("kernel variant " + v.number() + ", step launches: " + names.toString().trim());
                check(step.size() == b.kernelsPerStep(BATCH), "kernelsPerStep agrees with the plan");
                int expected = v == StepKernels.V1_SEPARATE ? 10 : 5;
                check(step.size() == expected, "variant " + v.number() + ": " + step.size() + " launches per 784-256-10 step, expected " + expected);
                KernelLaunch first = step.get(0);
                b.trainStep(3 * BATCH, BATCH, step(lr(0), new double[] {0.9, 0.9}, new double[] {5e-4, 0}));
                java.nio.ByteBuffer g = java.nio.ByteBuffer.wrap(first.argumentBytes()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                // gather_batch(X, labels, perm, offset, ...): bytes 24..27; linear_forward(X, perm, offset, ...): bytes 16..19
                int at = v == StepKernels.V1_SEPARATE ? 24 : 16;
                check(g.getInt(at) == 3 * BATCH, "the first launch's offset argument (bytes " + at + "..) is the step's offset: " + g.getInt(at));
                if (v == StepKernels.V2_FUSED) {
                    check(first.gridZ == 17, "layer-1 forward splits k = 784 into 17 chunks: " + first.gridZ);
                    check(step.get(3).gridZ == 3, "the layer-1 weight gradient splits k = 128 into 3 chunks: " + step.get(3).gridZ);
                }
            }
    }
}
