package anneal.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import anneal.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code anneal gpu-check} where there is no GPU: exit code 2 and one line naming what is missing. (On a
 * GPU box this test is skipped: there, running gpu-check itself is the check.)
 */
class GpuCheckCommandTest {
    @Test
    void withoutAGpuItIsOneLineAndExitCodeTwo(@TempDir Path out) {
        assumeTrue(CudaBackend.probe().isPresent(), "a GPU is present: run 'anneal gpu-check OUTDIR' instead");
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run("gpu-check", out.toString());
        } finally {
            System.setErr(err);
        }
        String msg = captured.toString(StandardCharsets.UTF_8).strip();
        assertEquals(2, code, msg);
        assertEquals("anneal gpu-check: no GPU to check: " + CudaBackend.probe().get(), msg);
    }

    @Test
    void badStepsIsAUsageError(@TempDir Path out) {
        assertEquals(2, Main.run("gpu-check", out.toString(), "--steps", "3"));
    }

    @Test
    void kernelCasesIncludeOddSizesAndEveryKernel() {
        var cases = KernelCases.all(1);
        for (String op : new String[] {"gather_batch", "matmul_forward", "matmul_backward_input", "matmul_backward_weight",
            "softmax_xent", "bias_grad", "sgd_update"})
            assertTrue(cases.stream().anyMatch(c -> c.op().equals(op)), op);
        assertTrue(cases.stream().anyMatch(c -> c.name().equals("forward_1x1x1")));
        assertTrue(cases.stream().anyMatch(c -> c.name().equals("forward_33x17x65_relu")));
    }
}
