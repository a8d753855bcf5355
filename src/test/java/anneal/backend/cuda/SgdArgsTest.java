package anneal.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import anneal.optim.OptimizerSetup;
import anneal.optim.SgdConfig;
import org.junit.jupiter.api.Test;

/** The host packing of the SGD kernel's by-value structs against the compiled C layout, and the per-step words. */
class SgdArgsTest {
    @Test
    void wordOffsetsMatchTheCompiledStructs() throws Exception {
        KernelEmulationTest.HarnessRun run = KernelEmulationTest.HarnessRun.make("emu-layout");
        assertEquals(0, run.exitCode(), run.output());
        String expected = String.format(
                "SgdLayout size=%d tensorEnd=%d tensorGroup=%d tensors=%d oneMinusDampening=%d nesterov=%d%n"
                        + "SgdStep size=%d lr=%d momentum=%d weightDecay=%d firstStep=%d",
                4 * SgdArgs.LAYOUT_WORDS, 4 * SgdArgs.LAYOUT_TENSOR_END, 4 * SgdArgs.LAYOUT_TENSOR_GROUP,
                4 * SgdArgs.LAYOUT_TENSORS, 4 * SgdArgs.LAYOUT_ONE_MINUS_DAMPENING,
                4 * SgdArgs.LAYOUT_NESTEROV, 4 * SgdArgs.STEP_WORDS, 4 * SgdArgs.STEP_LR, 4 * SgdArgs.STEP_MOMENTUM,
                4 * SgdArgs.STEP_WEIGHT_DECAY, 4 * SgdArgs.STEP_FIRST);
        String out = run.output().lines().filter(l -> l.startsWith("Sgd")).reduce((a, b) -> a + System.lineSeparator() + b).orElse("");
        assertEquals(expected, out);
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
        a.setStep(new double[] {0.1, 0.2}, new double[] {0.9, 0}, new double[] {5e-4, 0});
        assertEquals(1, s[SgdArgs.STEP_FIRST]);
        assertEquals(5e-4f, Float.intBitsToFloat(s[SgdArgs.STEP_WEIGHT_DECAY]));
        assertEquals(0f, Float.intBitsToFloat(s[SgdArgs.STEP_WEIGHT_DECAY + 1]));
        assertEquals(0, s[SgdArgs.STEP_FIRST + 1]);  // momentum 0: no buffer created (torch.optim.SGD)
        assertEquals(0.1f, Float.intBitsToFloat(s[SgdArgs.STEP_LR]));
        assertEquals(0.2f, Float.intBitsToFloat(s[SgdArgs.STEP_LR + 1]));
        a.setStep(new double[] {0.1, 0.2}, new double[] {0.85, 0.95}, new double[] {2.5e-4, 0});  // scheduled decay
        assertEquals(0, s[SgdArgs.STEP_FIRST]);
        assertEquals(2.5e-4f, Float.intBitsToFloat(s[SgdArgs.STEP_WEIGHT_DECAY]));
        assertEquals(1, s[SgdArgs.STEP_FIRST + 1]);
        assertEquals(0.95f, Float.intBitsToFloat(s[SgdArgs.STEP_MOMENTUM + 1]));
        a.setStep(new double[] {0.1, 0.2}, new double[] {0.85, 0.95}, new double[] {0, 0});
        assertEquals(0, s[SgdArgs.STEP_FIRST + 1]);
    }

    @Test
    void tooManyGroupsOrTensorsIsAClearError() {
        var e = assertThrows(IllegalArgumentException.class, () -> new SgdArgs(new int[34], OptimizerSetup.single(new SgdConfig(0, 0, false, 0), 34)));
        assertEquals("the CUDA backend takes at most 32 parameter tensors (16 layers), got 34", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SgdArgs(new int[] {1, 1}, OptimizerSetup.single(new SgdConfig(0, 0, false, 0), 2))
                .setStep(new double[] {0.1, 0.1}, new double[] {0}, new double[] {0}));
    }
}
