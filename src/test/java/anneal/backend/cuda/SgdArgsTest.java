package anneal.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import anneal.optim.OptimizerSetup;
import anneal.optim.SgdConfig;
import anneal.schedule.Hyperparameter;
import anneal.schedule.HyperparameterTable;
import org.junit.jupiter.api.Test;

/** The host packing of the SGD kernel's by-value structs against the compiled C layout, and the per-step words. */
class SgdArgsTest {
    private static final int STEP_LR = SgdArgs.stepRow(Hyperparameter.LR);
    private static final int STEP_MOMENTUM = SgdArgs.stepRow(Hyperparameter.MOMENTUM);
    private static final int STEP_WEIGHT_DECAY = SgdArgs.stepRow(Hyperparameter.WEIGHT_DECAY);

    /**
     * The harness prints each struct field's offset from the compiled C; SgdStep's rows must be the
     * {@link Hyperparameter} constants in order (field name: the key in camel case), then firstStep.
     */
    @Test
    void wordOffsetsMatchTheCompiledStructs() throws Exception {
        KernelEmulationTest.HarnessRun run = KernelEmulationTest.HarnessRun.make("emu-layout");
        assertEquals(0, run.exitCode(), run.output());
        StringBuilder rows = new StringBuilder();
        for (Hyperparameter h : Hyperparameter.values()) {
            rows.append(' ').append(camelCase(h.key())).append('=').append(4 * SgdArgs.stepRow(h));
        }
        String expected = String.format(
                "SgdLayout size=%d tensorEnd=%d tensorGroup=%d tensors=%d oneMinusDampening=%d nesterov=%d%n"
                        + "SgdStep size=%d%s firstStep=%d",
                4 * SgdArgs.LAYOUT_WORDS, 4 * SgdArgs.LAYOUT_TENSOR_END, 4 * SgdArgs.LAYOUT_TENSOR_GROUP,
                4 * SgdArgs.LAYOUT_TENSORS, 4 * SgdArgs.LAYOUT_ONE_MINUS_DAMPENING,
                4 * SgdArgs.LAYOUT_NESTEROV, 4 * SgdArgs.STEP_WORDS, rows, 4 * SgdArgs.STEP_FIRST);
        String out = run.output().lines().filter(l -> l.startsWith("Sgd")).reduce((a, b) -> a + System.lineSeparator() + b).orElse("");
        assertEquals(expected, out);
    }

    private static String camelCase(String key) {
        StringBuilder out = new StringBuilder();
        for (String part : key.split("_")) {
            out.append(out.length() == 0 ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
        }
        return out.toString();
    }

    /** A step table: lr, momentum and weight decay per group. */
    private static HyperparameterTable step(double[] lr, double[] momentum, double[] weightDecay) {
        return new HyperparameterTable(lr.length).with(Hyperparameter.LR, lr).with(Hyperparameter.MOMENTUM, momentum)
                .with(Hyperparameter.WEIGHT_DECAY, weightDecay);
    }

    @Test
    void layoutHoldsTensorEndsGroupsAndFloatConfigs() {
        SgdConfig cfg = new SgdConfig(0.9, 0.1, false, 5e-4);
        SgdArgs a = new SgdArgs(new int[] {6, 2, 4, 2}, OptimizerSetup.noDecayOnBias(cfg, 4));
        int[] w = a.layoutWords();
        assertEquals(14, a.totalFloats());
        assertEquals(6, w[SgdArgs.LAYOUT_TENSOR_END]);
        assertEquals(8, w[SgdArgs.LAYOUT_TENSOR_END + 1]);
        assertEquals(12, w[SgdArgs.LAYOUT_TENSOR_END + 2]);
        assertEquals(14, w[SgdArgs.LAYOUT_TENSOR_END + 3]);
        assertEquals(1, w[SgdArgs.LAYOUT_TENSOR_GROUP + 3]);
        assertEquals(4, w[SgdArgs.LAYOUT_TENSORS]);
        assertEquals((float) (1 - 0.1), Float.intBitsToFloat(w[SgdArgs.LAYOUT_ONE_MINUS_DAMPENING]));
        assertEquals(0, w[SgdArgs.LAYOUT_NESTEROV]);
    }

    @Test
    void firstStepIsEachGroupsFirstStepWithNonZeroMomentum() {
        SgdArgs a = new SgdArgs(new int[] {4, 2}, OptimizerSetup.noDecayOnBias(new SgdConfig(0.9, 0, true, 0), 2));
        int[] s = a.stepWords();
        a.setStep(step(new double[] {0.1, 0.2}, new double[] {0.9, 0}, new double[] {5e-4, 0}));
        assertEquals(1, s[SgdArgs.STEP_FIRST]);
        assertEquals(5e-4f, Float.intBitsToFloat(s[STEP_WEIGHT_DECAY]));
        assertEquals(0f, Float.intBitsToFloat(s[STEP_WEIGHT_DECAY + 1]));
        assertEquals(0, s[SgdArgs.STEP_FIRST + 1]);  // momentum 0: no buffer created (torch.optim.SGD)
        assertEquals(0.1f, Float.intBitsToFloat(s[STEP_LR]));
        assertEquals(0.2f, Float.intBitsToFloat(s[STEP_LR + 1]));
        a.setStep(step(new double[] {0.1, 0.2}, new double[] {0.85, 0.95}, new double[] {2.5e-4, 0}));  // scheduled decay
        assertEquals(0, s[SgdArgs.STEP_FIRST]);
        assertEquals(2.5e-4f, Float.intBitsToFloat(s[STEP_WEIGHT_DECAY]));
        assertEquals(1, s[SgdArgs.STEP_FIRST + 1]);
        assertEquals(0.95f, Float.intBitsToFloat(s[STEP_MOMENTUM + 1]));
        a.setStep(step(new double[] {0.1, 0.2}, new double[] {0.85, 0.95}, new double[] {0, 0}));
        assertEquals(0, s[SgdArgs.STEP_FIRST + 1]);
    }

    @Test
    void tooManyGroupsOrTensorsIsAClearError() {
        var e = assertThrows(IllegalArgumentException.class, () -> new SgdArgs(new int[34], OptimizerSetup.single(new SgdConfig(0, 0, false, 0), 34)));
        assertEquals("the CUDA backend takes at most 32 parameter tensors (16 layers), got 34", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SgdArgs(new int[] {1, 1}, OptimizerSetup.single(new SgdConfig(0, 0, false, 0), 2))
                .setStep(new HyperparameterTable(2)));  // a table of two groups for a one-group optimizer
    }
}
