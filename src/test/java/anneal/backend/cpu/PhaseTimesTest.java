package anneal.backend.cpu;

import anneal.backend.JvmOptions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import anneal.data.Splits;
import anneal.data.SyntheticData;
import anneal.model.Initialization;
import anneal.model.MlpSpec;
import anneal.optim.OptimizerSetup;
import anneal.optim.SgdConfig;
import anneal.schedule.Hyperparameter;
import anneal.schedule.HyperparameterTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code -Danneal.cpu.phaseTimes=true} (read once, at class initialisation, so in a child JVM): the step's phase
 * table and the FMA ceiling probes between steps ({@link FmaCeiling} on every worker after every 8th step) report,
 * and neither changes a bit of the training: the same steps give the same parameters as with the timers off.
 */
class PhaseTimesTest {
    /** Steps of {@link #train}: 101 after {@code init}, so 13 probes (steps 0, 8, ..., 96). */
    static final int STEPS = 101;

    @Test
    void timedStepsReportTheirPhasesAndTheCeilingOfTheSameSecondsAndTrainTheSameBits() throws Exception {
        String kernel = System.getProperty(Panels.MicroKernel.PROPERTY); // this run's shape, forced or not
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                JvmOptions.VECTOR_MODULE, JvmOptions.TRAP_LIMIT, "-Danneal.cpu.phaseTimes=true",
                "-D" + Panels.MicroKernel.PROPERTY + "=" + (kernel == null ? "" : kernel), "-cp",
                System.getProperty("java.class.path"), Child.class.getName()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        List<String> lines = out.lines().toList();
        String table = String.join("\n", lines.subList(0, lines.size() - 2));
        assertTrue(table.contains(STEPS + " steps (" + STEPS + " of batch 32), 2 workers"), table);
        assertTrue(table.contains("layer-1 weight gradient dH^T X + fused SGD of W0, b0"), table);
        assertTrue(table.contains("FMA ceiling of the same seconds: "), table);
        assertTrue(table.contains("(13 probes of 16384 FmaCeiling rounds on every worker, one after every 8th step;"), table);
        double ceiling = Double.parseDouble(lines.get(lines.size() - 2));
        assertTrue(ceiling > 0 && Double.isFinite(ceiling), "ceiling " + ceiling);
        // the same steps with the timers off, in this JVM: bit-identical parameters
        try (CpuBackend untimed = train()) {
            assertEquals(parameterBits(untimed), lines.get(lines.size() - 1));
        }
    }

    @Test
    void theCeilingLoopDoesTheFlopItCounts() {
        // a = 1, b = 0.5: each chain is 0.5 + n * 0.5 after n rounds, exactly; twelve chains of every lane summed
        for (int rounds : new int[] {0, 1, 7, 1000})
            assertEquals(FmaCeiling.CHAINS * FmaCeiling.lanes() * 0.5f * (rounds + 1), FmaCeiling.run(rounds, 1f, 0.5f),
                    rounds + " rounds");
        assertEquals(2.0 * FmaCeiling.CHAINS * FmaCeiling.lanes(), FmaCeiling.flopPerRound());
    }

    /** A backend that has trained {@link #STEPS} steps of a 64-128-10 MLP at batch 32, 2 threads (the caller closes it). */
    static CpuBackend train() {
        Splits data = SyntheticData.blobs(64, 10, 2000, 0, 100, 1.0, 3);
        MlpSpec spec = new MlpSpec(64, new int[] {128}, 10);
        CpuBackend b = new CpuBackend(2);
        OptimizerSetup optimizer = OptimizerSetup.single(new SgdConfig(0.9, 0, true, 5e-4), 4);
        b.init(spec, Initialization.pytorchDefault(spec, 1), optimizer);
        b.upload(data);
        int[] order = new int[data.train().count()];
        for (int i = 0; i < order.length; i++) order[i] = (i * 7) % order.length;
        b.beginEpoch(order);
        HyperparameterTable step = optimizer.configured().with(Hyperparameter.LR, 0.05);
        for (int s = 0; s < STEPS; s++) b.trainStep((s * 32) % 1968, 32, step);
        return b;
    }

    /** Every parameter's float bits, as one string. */
    static String parameterBits(CpuBackend b) {
        StringBuilder sb = new StringBuilder();
        var params = b.parameters();
        for (int t = 0; t < params.count(); t++)
            for (float v : params.tensor(t)) sb.append(Integer.toHexString(Float.floatToRawIntBits(v))).append(',');
        return Integer.toHexString(sb.toString().hashCode()) + ":" + sb.length();
    }

    /** The child JVM: the phase table, then the ceiling in GFLOP/s, then the parameters' bits. */
    public static final class Child {
        public static void main(String[] args) {
            try (CpuBackend b = train()) {
                CpuBackend.PhaseTimes t = b.phaseTimes();
                System.out.print(t.table());
                System.out.println(t.ceilingGflops());
                System.out.println(parameterBits(b));
            }
        }
    }
}
