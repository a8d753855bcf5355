package anneal.check;

import anneal.backend.cuda.LrDelivery;
import anneal.backend.cuda.KernelCases;
import anneal.backend.cuda.KernelCase;
import anneal.backend.cuda.DeviceKernelCheck;
import anneal.backend.cuda.StepKernels;
import anneal.backend.cuda.CudaBackend;
import anneal.backend.Backend;
import anneal.backend.cpu.CpuBackend;
import anneal.data.Splits;
import anneal.model.Initialization;
import anneal.model.MlpSpec;
import anneal.model.Parameters;
import anneal.data.EpochOrder;
import anneal.optim.OptimizerSetup;
import anneal.train.RunResult;
import anneal.optim.SgdConfig;
import anneal.schedule.Hyperparameter;
import anneal.schedule.HyperparameterTable;
import anneal.train.TrainConfig;
import anneal.train.TrainListener;
import anneal.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The first-contact check of a GPU box ({@code anneal gpu-check OUTDIR}): (1) every kernel against the CPU
 * reference on the device, (2) one epoch of the default MLP on the CPU and CUDA backends from the same
 * weights and sample order, loss curves compared, (3) a timing table: GPU microseconds per training step
 * for each lr delivery with the default kernels and for each kernel variant ({@code StepKernels}) with the default
 * delivery, kernels per step, the CPU backend, PyTorch eager (and CUDA-graph) on the same GPU
 * via {@code tools/gpu_torch_peer.py}, and the time to 0.88 validation accuracy. Everything goes to OUTDIR.
 *
 * <p>Pass criteria: every kernel case within its tolerance; over the epoch, the per-step training losses
 * of the two backends (sampled every 10 steps) differ by at most {@value #LOSS_CURVE_TOL} and the final
 * test accuracies by at most {@value #ACCURACY_TOL} (fp32 summation orders differ, so the curves drift
 * apart slowly; bit-equality is not expected).
 */
public final class GpuCheck {
    static final double LOSS_CURVE_TOL = 0.05;
    static final double ACCURACY_TOL = 0.01;
    private static final int BATCH = 128;
    private static final int LOSS_EVERY = 10;
    /** The constant lr of every step the check takes, per optimizer group (weights, biases). */
    private static final double[] LR = {0.05, 0.05};

    private final int ordinal;
    private final Splits data;
    private final long seed;
    private final Path out;
    private final PrintStream log;
    private final StringBuilder report = new StringBuilder();
    private boolean failed;

    public GpuCheck(int ordinal, Splits data, long seed, Path out, PrintStream log) {
        this.ordinal = ordinal;
        this.data = data;
        this.seed = seed;
        this.out = out;
        this.log = log;
    }

    /** Seeds of the time-to-accuracy part (best and median reported; one unlucky seed is not a failure). */
    private int accuracySeeds = 3;
    private boolean standIn;

    /** Sets how many seeds the time-to-accuracy part trains (at least 1). */
    public GpuCheck accuracySeeds(int seeds) {
        if (seeds < 1) throw new anneal.ConfigurationException("--seeds must be >= 1, got " + seeds);
        accuracySeeds = seeds;
        return this;
    }

    /**
     * Runs all three parts; returns true when every check passed. Writes OUTDIR/gpu-check.md. A part that
     * meets an error fails with it (the device is closed, which resets a failed context), and the next part
     * starts on a clean context.
     */
    public boolean run(Path torchPeer, String python, int timingSteps) throws IOException {
        Files.createDirectories(out);
        try (CudaBackend probe = CudaBackend.open(ordinal, LrDelivery.DEFAULT)) {
            standIn = probe.onStandInDriver();
            line("# anneal gpu-check\n\n" + probe.description() + "\n");
        }
        if (standIn)
            line("**Driver: Anneal's CPU stand-in (no GPU). This run rehearses gpu-check: parts 1 and 2 check the host code and "
                    + "the kernels under emulation; every timing in part 3 measures the CPU emulation, not a GPU, and is not "
                    + "meaningful.**\n");
        part("1. kernels", this::kernels);
        part("2. epoch comparison", this::epochComparison);
        part("3. timing", () -> timing(torchPeer, python, timingSteps));
        line("\nOverall: " + (failed ? "FAIL" : "PASS"));
        Files.writeString(out.resolve("gpu-check.md"), report, StandardCharsets.UTF_8);
        return !failed;
    }

    private interface Part {
        void run() throws IOException;
    }

    private void part(String name, Part p) throws IOException {
        try {
            p.run();
        } catch (RuntimeException e) {
            failed = true;
            line("\nPart " + name + " FAILED: " + e.getClass().getSimpleName() + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private void line(String s) {
        report.append(s).append('\n');
        log.println(s);
    }

    private void kernels() throws IOException {
        line("## 1. Kernels against the CPU reference (ReferenceOps) on the device\n");
        // the whole step is CudaBackend's own, checked by part 2
        List<KernelCase> cases = KernelCases.all(20261129);
        List<DeviceKernelCheck.Result> results = DeviceKernelCheck.run(ordinal, cases);
        StringBuilder txt = new StringBuilder();
        int passed = 0;
        for (DeviceKernelCheck.Result r : results) {
            txt.append(String.format(Locale.ROOT, "%s %s max_abs_err=%.3g %s%n", r.passed() ? "PASS" : "FAIL", r.name(),
                    r.maxAbsError(), r.firstMiss()));
            if (r.passed()) passed++;
            else line("FAIL " + r.name() + ": " + r.firstMiss());
        }
        Files.writeString(out.resolve("kernels.txt"), txt, StandardCharsets.UTF_8);
        line(passed + "/" + results.size() + " kernel cases pass (details: kernels.txt)");
        if (passed != results.size()) failed = true;
    }

    private MlpSpec spec() {
        return new MlpSpec(data.train().featureCount(), new int[] {256}, data.train().classes());
    }

    /**
     * Puts the check's model (seeded weights), optimizer (SGD momentum 0.9 Nesterov, weight decay 5e-4 on the
     * weights, none on the biases) and data on {@code b} and begins epoch 0; returns the optimizer, whose momentum and
     * weight decay every step sends (with {@link #LR}).
     */
    private OptimizerSetup start(Backend b) {
        MlpSpec spec = spec();
        Parameters init = Initialization.pytorchDefault(spec, seed);
        OptimizerSetup optimizer = OptimizerSetup.noDecayOnBias(new SgdConfig(0.9, 0, true, 5e-4), init.count());
        b.init(spec, init, optimizer);
        b.upload(data);
        b.beginEpoch(EpochOrder.of(data.train().count(), seed, 0));
        return optimizer;
    }

    /** Every step's hyperparameters: {@link #LR} per group, the optimizer's momentum and weight decay. */
    private static HyperparameterTable steps(OptimizerSetup optimizer) {
        return optimizer.configured().with(Hyperparameter.LR, LR);
    }

    /** One epoch, constant lr 0.05, same weights and order; returns the sampled step losses. */
    private double[] epoch(Backend b, List<Double> accuracy) {
        OptimizerSetup optimizer = start(b);
        int steps = data.train().count() / BATCH;
        HyperparameterTable step = steps(optimizer);
        double[] losses = new double[(steps + LOSS_EVERY - 1) / LOSS_EVERY];
        for (int s = 0; s < steps; s++) {
            b.trainStep(s * BATCH, BATCH, step);
            if (s % LOSS_EVERY == 0) losses[s / LOSS_EVERY] = b.lastLoss();
        }
        b.endEpoch();
        accuracy.add(b.evaluate(Backend.Split.TEST).accuracy());
        return losses;
    }

    private void epochComparison() throws IOException {
        line("\n## 2. One epoch on both backends (784-256-10, batch 128, SGD lr 0.05 momentum 0.9 Nesterov, wd 5e-4 on weights)\n");
        List<Double> acc = new ArrayList<>();
        double[] cpu, gpu;
        try (Backend b = new CpuBackend()) {
            cpu = epoch(b, acc);
        }
        try (Backend b = CudaBackend.open(ordinal, LrDelivery.DEFAULT)) {
            gpu = epoch(b, acc);
        }
        StringBuilder csv = new StringBuilder("step,cpu_loss,cuda_loss\n");
        double maxDiff = 0;
        for (int i = 0; i < cpu.length; i++) {
            csv.append(i * LOSS_EVERY).append(',').append(cpu[i]).append(',').append(gpu[i]).append('\n');
            double d = Math.abs(cpu[i] - gpu[i]);
            maxDiff = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(maxDiff, d);
        }
        Files.writeString(out.resolve("loss_curves.csv"), csv, StandardCharsets.UTF_8);
        boolean ok = maxDiff <= LOSS_CURVE_TOL && Math.abs(acc.get(0) - acc.get(1)) <= ACCURACY_TOL;
        line(String.format(Locale.ROOT, "| | CPU | CUDA |%n|---|---|---|%n| first step loss | %.5f | %.5f |%n| last sampled loss | %.5f | %.5f |%n"
                        + "| test accuracy after 1 epoch | %.4f | %.4f |%n%nmax |loss difference| over %d sampled steps: %.4g (limit %.2g); %s (curves: loss_curves.csv)",
                cpu[0], gpu[0], cpu[cpu.length - 1], gpu[gpu.length - 1], acc.get(0), acc.get(1), cpu.length, maxDiff,
                LOSS_CURVE_TOL, ok ? "PASS" : "FAIL"));
        if (!ok) failed = true;
    }

    private double gpuMicrosPerStep(LrDelivery delivery, StepKernels variant, int steps, int[] kernelsPerStep) {
        try (CudaBackend b = CudaBackend.open(ordinal, delivery, variant)) {
            OptimizerSetup optimizer = start(b);
            kernelsPerStep[0] = b.kernelsPerStep(BATCH);
            return b.microsecondsPerStep(steps, BATCH, steps(optimizer));
        }
    }

    private double cpuMicrosPerStep(int steps) {
        try (Backend b = new CpuBackend()) {
            OptimizerSetup optimizer = start(b);
            HyperparameterTable step = steps(optimizer);
            int batches = Math.max(1, data.train().count() / BATCH);  // cycle within the epoch's order
            for (int s = 0; s < 20; s++) b.trainStep((s % batches) * BATCH, BATCH, step);
            long t0 = System.nanoTime();
            for (int s = 0; s < steps; s++) b.trainStep((s % batches) * BATCH, BATCH, step);
            b.lastLoss();
            return (System.nanoTime() - t0) / 1e3 / steps;
        }
    }

    private void timing(Path torchPeer, String python, int steps) throws IOException {
        line("\n## 3. Time per training step (784-256-10, batch 128; GPU time from CUDA events over " + steps + " steps)"
                + (standIn ? " -- CPU stand-in driver: these figures time the emulation and are not meaningful" : "") + "\n");
        line("| implementation | us / step | kernels / step |\n|---|---|---|");
        int[] kernels = new int[1];
        double argUs = 0;
        for (StepKernels v : StepKernels.values())  // every kernel variant with the default delivery, the default variant with each
            for (LrDelivery d : LrDelivery.values()) {
                if (v != StepKernels.DEFAULT && d != LrDelivery.DEFAULT) continue;
                double us = gpuMicrosPerStep(d, v, steps, kernels);
                if (d == LrDelivery.DEFAULT && v == StepKernels.DEFAULT) argUs = us;
                line(String.format(Locale.ROOT, "| anneal CUDA, kernel variant %d, lr %s | %.1f | %d |", v.number(), d.cliName(), us, kernels[0]));
            }
        line(String.format(Locale.ROOT, "| anneal CPU backend (%d threads, wall clock) | %.1f | - |",
                Runtime.getRuntime().availableProcessors(), cpuMicrosPerStep(Math.min(steps, 200))));
        torchPeer(torchPeer, python, steps, argUs);
        timeToAccuracy();
    }

    private void torchPeer(Path script, String python, int steps, double anneal) throws IOException {
        if (script == null || !Files.isRegularFile(script)) {
            line("| PyTorch eager | not run: peer script " + script + " not found | |");
            return;
        }
        Path json = out.resolve("torch_peer.json");
        List<String> cmd = List.of(python, script.toString(), "--batch", Integer.toString(BATCH), "--steps",
                Integer.toString(steps), "--device", "cuda:" + ordinal, "--json", json.toString());
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.resolve("torch_peer.log").toFile()).start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                line("| PyTorch | not run: timed out after 180 s (torch_peer.log) | |");
                return;
            }
            if (p.exitValue() != 0) {
                line("| PyTorch | not run: peer exited " + p.exitValue() + " (see torch_peer.log) | |");
                return;
            }
        } catch (IOException | InterruptedException e) {
            line("| PyTorch | not run: " + e.getMessage() + " | |");
            return;
        }
        var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile());
        double eager = node.path("eager_us_per_step").asDouble(Double.NaN);
        line(String.format(Locale.ROOT, "| PyTorch %s eager (CUDA events) | %.1f | %s |", node.path("torch").asText("?"), eager,
                node.path("kernels_per_step").asText("?")));
        if (node.has("graph_us_per_step"))
            line(String.format(Locale.ROOT, "| PyTorch CUDA graph (torch.cuda.graphs) | %.1f | |", node.path("graph_us_per_step").asDouble()));
        line(String.format(Locale.ROOT, "%nanneal (" + LrDelivery.DEFAULT.cliName() + ", the default) vs PyTorch eager: %.2fx (goal: >= 5x, <= 30 us/step)", eager / anneal));
    }

    /**
     * Time to 0.88 test accuracy on CUDA over {@link #accuracySeeds} seeds (seed, seed+1, ...): each seed's
     * status and time, then the best and the median time (a seed that does not reach the target counts as
     * infinitely slow), so one unlucky seed does not decide the figure.
     */
    private void timeToAccuracy() {
        int stepsPerEpoch = TrainConfig.stepsPerEpoch(data.train().count(), BATCH);
        String schedule = "OneCycleLR(max_lr=0.1, total_steps=" + 3 * stepsPerEpoch + ")";
        line(String.format(Locale.ROOT, "%nTime to 0.88 validation accuracy on CUDA (%s, 3 epochs, evaluation every 100 steps), %d seeds%s:",
                schedule, accuracySeeds, standIn ? " (CPU stand-in: not meaningful)" : ""));
        double[] times = new double[accuracySeeds];
        double bestAccuracy = 0;
        for (int i = 0; i < accuracySeeds; i++) {
            long s = seed + i;
            TrainConfig cfg = new TrainConfig(schedule, 0.1, 3, BATCH, 0.88, s, new int[] {256},
                    new SgdConfig(0.9, 0, true, 5e-4), true, data.validation().count(), 100, true);
            try (Backend b = CudaBackend.open(ordinal, LrDelivery.DEFAULT)) {
                RunResult r = new Trainer(b, data).run(cfg, new TrainListener() {
                });
                times[i] = Double.isNaN(r.timeToTarget()) ? Double.POSITIVE_INFINITY : r.timeToTarget();
                bestAccuracy = Math.max(bestAccuracy, r.bestTestAccuracy());
                line(String.format(Locale.ROOT, "- seed %d: %s%s, best test accuracy %.4f", s, r.status(),
                        Double.isNaN(r.timeToTarget()) ? "" : String.format(Locale.ROOT, ", %.3f s", r.timeToTarget()), r.bestTestAccuracy()));
            }
        }
        double[] sorted = times.clone();
        java.util.Arrays.sort(sorted);
        double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        line(String.format(Locale.ROOT, "best %s, median %s over %d seeds; best test accuracy %.4f (goal: median < 1 s)",
                seconds(sorted[0]), seconds(median), accuracySeeds, bestAccuracy));
    }

    private static String seconds(double s) {
        return Double.isInfinite(s) ? "not reached" : String.format(Locale.ROOT, "%.3f s", s);
    }
}
