package anneal.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks every CUDA kernel without a GPU: writes the inputs of the {@link KernelCases} into
 * {@code target/cuda-emu/cases}, builds and runs {@code make -C kernels emu-check}, which compiles the kernels
 * as C++ against the emulator ({@code kernels/emu/cuda_emu.h}) under ASan + UBSan and runs them, then judges
 * what they wrote with {@link KernelJudge} against the outputs of {@link anneal.backend.ReferenceOps} (the CPU
 * backend's reference; tolerances stated in KernelCases): the same judge as the device runs.
 */
class KernelEmulationTest {
    private static final Path CASES = Path.of("target", "cuda-emu", "cases");

    @BeforeAll
    static void clean() throws IOException {
        if (Files.exists(CASES))
            try (var walk = Files.walk(CASES)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        Files.createDirectories(CASES);
    }

    @Test
    void everyKernelMatchesTheReferenceUnderEmulation() throws Exception {
        List<KernelCase> cases = KernelCases.all(20261129);
        for (KernelCase c : cases) EmulationCase.write(CASES, c);
        int written = cases.size();
        HarnessRun run = HarnessRun.make("emu-check", "CASES=" + CASES.toAbsolutePath());
        long ran = run.output.lines().filter(l -> l.startsWith("RAN ")).count();
        if (run.exitCode != 0 || ran != written)
            fail("kernel emulation harness failed (exit " + run.exitCode + ", " + ran + "/" + written + " cases ran):\n" + run.output);
        StringBuilder misses = new StringBuilder();
        int passed = 0;
        for (KernelCase c : cases) {
            DeviceKernelCheck.Result r = KernelJudge.judge(c, EmulationCase.readOutputs(CASES, c));
            if (r.passed()) passed++;
            else misses.append("FAIL ").append(r.name()).append(": ").append(r.firstMiss()).append('\n');
            System.out.printf(java.util.Locale.ROOT, "%s %s max_abs_err=%.3g%n", r.passed() ? "PASS" : "FAIL", r.name(), r.maxAbsError());
        }
        assertEquals(written, passed, "kernel cases judged under emulation:\n" + misses);
        assertTrue(run.output.contains(written + " cases, 0 could not run"), run.output);
    }

    /** Output and exit code of {@code make -C kernels ...}. */
    record HarnessRun(int exitCode, String output) {
        static HarnessRun make(String... args) throws IOException, InterruptedException {
            var cmd = new java.util.ArrayList<>(java.util.List.of("make", "--no-print-directory", "-C", "kernels"));
            cmd.addAll(java.util.List.of(args));
            Process p;
            try {
                p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new IOException("the kernel emulation check needs make and g++ (apt-get install make g++): " + e.getMessage(), e);
            }
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(20, TimeUnit.MINUTES)) p.destroyForcibly();
            return new HarnessRun(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        }
    }
}
