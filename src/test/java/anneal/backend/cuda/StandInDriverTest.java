package anneal.backend.cuda;

import anneal.backend.JvmOptions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CUDA backend's host code (JCuda calls, argument packing, grids, streams, events, graphs, context
 * handling, error paths) run end to end through the CPU stand-in for the CUDA driver
 * ({@code kernels/standin/}, built by {@code make -C kernels standin}; the pom builds it before the tests).
 * Each check runs in a forked JVM whose {@code LD_LIBRARY_PATH} starts with the stand-in, so JCuda's native
 * library binds to it as {@code libcuda.so.1}, with a private {@code java.io.tmpdir} (JCuda unpacks its
 * native library there). Nothing here runs on a GPU.
 *
 * <p>Skipped, with a message saying so, only when g++ is missing (CI installs it).
 */
class StandInDriverTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path STANDIN = ROOT.resolve("kernels/build/standin");
    private static final Path WORK = ROOT.resolve("target/standin-test");

    @BeforeAll
    static void buildStandIn() throws Exception {
        Assumptions.assumeTrue(hasCompiler(), "g++ is missing: the CPU stand-in CUDA driver cannot be built, so the CUDA host "
                + "code is not run (apt-get install g++)");
        Proc make = Proc.run(List.of("make", "--no-print-directory", "-s", "-C", "kernels", "standin"), Map.of(), 600);
        assertEquals(0, make.exit, "make -C kernels standin failed:\n" + make.out);
        assertTrue(Files.isRegularFile(STANDIN.resolve("libcuda.so.1")), "no " + STANDIN.resolve("libcuda.so.1"));
        Files.createDirectories(WORK);
    }

    private static boolean hasCompiler() {
        try {
            return new ProcessBuilder("g++", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Output (stdout and stderr together, or apart) and exit code of a finished process. */
    record Proc(int exit, String out, String err) {
        static Proc run(List<String> cmd, Map<String, String> env, int timeoutSeconds) throws IOException, InterruptedException {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("ANNEAL_STANDIN_") || k.startsWith("ANNEAL_CUDA_"));
            pb.environment().putAll(env);
            Path errFile = Files.createTempFile("standin", ".err");
            pb.redirectError(errFile.toFile());
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) p.destroyForcibly();
            p.waitFor();
            String err = Files.readString(errFile);
            Files.delete(errFile);
            return new Proc(p.exitValue(), new String(out, StandardCharsets.UTF_8), err);
        }
    }

    /** A JVM with the stand-in first on LD_LIBRARY_PATH and its own temp directory. */
    private static List<String> jvm(String tmpName, String mainClass) throws IOException {
        Path tmp = Files.createDirectories(WORK.resolve("tmp-" + tmpName));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                JvmOptions.VECTOR_MODULE, JvmOptions.TRAP_LIMIT, "-Xmx2g", "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"),
                mainClass));
        return cmd;
    }

    private static Map<String, String> env(String... kv) {
        Map<String, String> m = new java.util.HashMap<>();
        String old = System.getenv("LD_LIBRARY_PATH");
        m.put("LD_LIBRARY_PATH", STANDIN + (old == null || old.isEmpty() ? "" : ":" + old));
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    private static Proc scenario(String name, Map<String, String> env) throws Exception {
        List<String> cmd = jvm(name, StandInScenarios.class.getName());
        cmd.add(name);
        Proc p = Proc.run(cmd, env, 900);
        System.out.println("--- stand-in scenario " + name + " " + env + "\n" + p.out + p.err);
        return p;
    }

    private static void passes(String name, Map<String, String> env) throws Exception {
        Proc p = scenario(name, env);
        assertEquals(0, p.exit, "scenario " + name + " failed:\n" + p.out + p.err);
        assertTrue(p.out.contains("SCENARIO-OK " + name), p.out);
    }

    @Test
    void everyDeviceKernelCasePassesThroughDeviceKernelCheck() throws Exception {
        passes("kernels", env());
    }

    @Test
    void everyLrDeliveryMatchesTheCpuBackendForTwentyFourStepsAndEvaluation() throws Exception {
        passes("deliveries", env());
    }

    @Test
    void trainStepFromASecondThread() throws Exception {
        passes("second-thread", env());
    }

    @Test
    void oneStepDescriptionMatchesWhatIsLaunched() throws Exception {
        passes("descriptions", env());
    }

    @Test
    void aKernelFaultFailsOneCaseAndTheNextCheckStillRuns() throws Exception {
        // launch 5 is the 5th kernel case's launch: the cases before it pass, it faults, the later ones pass
        passes("fault", env("ANNEAL_STANDIN_FAULT_AT_LAUNCH", "5"));
    }

    private static String openFailure(Map<String, String> env) throws Exception {
        Proc p = scenario("unavailable", env);
        assertEquals(0, p.exit, p.out + p.err);
        return p.out.lines().filter(l -> l.startsWith("OPEN-FAILED ")).findFirst().orElseThrow(() -> new AssertionError(p.out));
    }

    @Test
    void noDevice() throws Exception {
        assertEquals("OPEN-FAILED BackendUnavailableException: CUDA backend unavailable: no CUDA device (CUDA_ERROR_NO_DEVICE)",
                openFailure(env("ANNEAL_STANDIN_DEVICES", "0")));
    }

    @Test
    void anOldDriverRejectsTheFatbinAndTheCompatibilityPtxTakesOver() throws Exception {
        // r550 (12.4): the CUDA 13 fatbin fails with UNSUPPORTED_PTX_VERSION; the ISA 7.0 PTX loads
        Proc p = scenario("describe", env("ANNEAL_STANDIN_DRIVER_VERSION", "12040"));
        assertEquals(0, p.exit, p.out + p.err);
        assertTrue(p.out.contains("driver CUDA 12.4") && p.out.contains(
                "kernels: packed compatibility PTX (ISA 7.0, sm_80; the fatbin gave CUDA_ERROR_UNSUPPORTED_PTX_VERSION)"), p.out);
    }

    @Test
    void aDriverOlderThanEveryPackedModuleFailsWithOneLine() throws Exception {
        String line = openFailure(env("ANNEAL_STANDIN_DRIVER_VERSION", "10020"));
        assertEquals("OPEN-FAILED BackendUnavailableException: the CUDA kernels do not load on Anneal CPU stand-in driver (no GPU: "
                + "kernels emulated on the CPU) (sm_90, driver 10.2): CUDA_ERROR_UNSUPPORTED_PTX_VERSION, compatibility PTX: "
                + "CUDA_ERROR_UNSUPPORTED_PTX_VERSION. The packed kernels need driver r525+ (compatibility PTX) and r580+ for the "
                + "fatbin; on an older driver build them with the box's nvcc ('make -C kernels fatbin') and set "
                + "ANNEAL_CUDA_MODULE=kernels/build/anneal_kernels.fatbin", line);
    }

    @Test
    void outOfMemoryNamesTheAllocation() throws Exception {
        // allocation 1-4 are the model buffers (parameters, gradients, momentum, counters): the 2nd fails
        String line = openFailure(env("ANNEAL_STANDIN_OOM_AT", "2"));
        assertTrue(line.startsWith("OPEN-FAILED BackendUnavailableException: out of device memory on Anneal CPU stand-in driver "
                + "(no GPU: kernels emulated on the CPU): allocating 0.8 MiB for gradients after 0.8 MiB already allocated by this run; "
                + "the device has "), line);
    }

    /**
     * kernels/standin/jcuda_symbols.txt (the stand-in implements or stubs each) is exactly the cu* symbols that
     * JCuda's native driver library on this class path leaves undefined, read with nm from the natives jar.
     */
    @Test
    void theStandInCoversEverySymbolJCudasNativeLibraryReferences() throws Exception {
        String jar = java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> e.contains("jcuda-natives") && e.contains("linux-x86_64")).findFirst()
                .orElseThrow(() -> new AssertionError("no jcuda-natives linux-x86_64 jar on the class path"));
        Path so = WORK.resolve("libJCudaDriver.so");
        try (var zip = new java.util.zip.ZipFile(jar)) {
            var entry = zip.stream().filter(e -> e.getName().matches("lib/libJCudaDriver-.*-linux-x86_64\\.so")).findFirst().orElseThrow();
            try (var in = zip.getInputStream(entry)) {
                Files.copy(in, so, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Proc nm = Proc.run(List.of("nm", "-D", "--undefined-only", so.toString()), Map.of(), 60);
        assertEquals(0, nm.exit, nm.err);
        List<String> referenced = nm.out.lines().map(l -> l.trim().split("\\s+")).map(f -> f[f.length - 1].replaceAll("@.*", ""))
                .filter(n -> n.matches("cu[A-Z].*")).distinct().sorted().toList();
        List<String> committed = Files.readAllLines(ROOT.resolve("kernels/standin/jcuda_symbols.txt"));
        assertEquals(committed, referenced);
        // and the built stand-in defines every one of them
        Proc defined = Proc.run(List.of("nm", "-D", "--defined-only", STANDIN.resolve("libcuda.so.1").toString()), Map.of(), 60);
        java.util.Set<String> have = new java.util.HashSet<>();
        defined.out.lines().map(l -> l.trim().split("\\s+")).forEach(f -> have.add(f[f.length - 1]));
        for (String sym : referenced) assertTrue(have.contains(sym), sym + " is not defined by the stand-in");
    }

    // ---- the command line under the stand-in ----------------------------------------------------------

    /** A small Fashion-MNIST-format data directory: 1280 training and 256 test images (gzipped IDX files). */
    private static Path tinyData() throws IOException {
        Path dir = WORK.resolve("tiny-fashion-mnist");
        if (Files.exists(dir.resolve("t10k-labels-idx1-ubyte.gz"))) return dir;
        Files.createDirectories(dir);
        Random r = new Random(13);
        writeIdx(dir, "train", 1280, r);
        writeIdx(dir, "t10k", 256, r);
        return dir;
    }

    private static void writeIdx(Path dir, String prefix, int n, Random r) throws IOException {
        byte[] labels = new byte[n];
        byte[] images = new byte[n * 784];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) r.nextInt(10);
            for (int p = 0; p < 784; p++) images[i * 784 + p] = (byte) ((p % 10 == labels[i] ? 200 : 0) + r.nextInt(40));
        }
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(dir.resolve(prefix + "-images-idx3-ubyte.gz")))) {
            o.write(java.nio.ByteBuffer.allocate(16).putInt(0x803).putInt(n).putInt(28).putInt(28).array());
            o.write(images);
        }
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(dir.resolve(prefix + "-labels-idx1-ubyte.gz")))) {
            o.write(java.nio.ByteBuffer.allocate(8).putInt(0x801).putInt(n).array());
            o.write(labels);
        }
    }

    private static Proc train(Map<String, String> env) throws Exception {
        List<String> cmd = jvm("cli", "anneal.cli.Main");
        cmd.addAll(List.of("train", "--backend", "cuda", "--schedule", "StepLR(step_size=1, gamma=0.5)", "--epochs", "1",
                "--validation", "256", "--data", tinyData().toString(), "--quiet"));
        Proc p = Proc.run(cmd, env, 900);
        System.out.println("--- anneal train --backend cuda " + env + "\n" + p.out + p.err);
        return p;
    }

    @Test
    void trainWithTheCudaBackendRunsAndSaysTheDriverIsTheStandIn() throws Exception {
        Proc p = train(env());
        assertEquals(0, p.exit, p.out + p.err);
        assertTrue(p.out.contains("Anneal CPU stand-in driver") && p.out.contains("[the CPU stand-in driver: nothing runs on a GPU"),
                p.out);
    }

    /**
     * The whole gpu-check, rehearsed through the stand-in on the small data set: every part runs, the check
     * passes, and the report says the driver is the stand-in and that its timings are not meaningful. (The
     * PyTorch peer finds no CUDA here and is reported as not run.)
     */
    @Test
    void gpuCheckRehearsesEndToEnd() throws Exception {
        Path out = WORK.resolve("gpu-check");
        List<String> cmd = jvm("gpu-check", "anneal.cli.Main");
        cmd.addAll(List.of("gpu-check", out.toString(), "--data", tinyData().toString(), "--validation", "256", "--steps", "10",
                "--seeds", "2"));
        Proc p = Proc.run(cmd, env(), 1800);
        System.out.println("--- anneal gpu-check through the stand-in\n" + p.out + p.err);
        String report = Files.readString(out.resolve("gpu-check.md"));
        assertEquals(0, p.exit, report + p.err);
        assertTrue(report.contains("**Driver: Anneal's CPU stand-in (no GPU)."), report);
        assertTrue(report.contains("122/122 kernel cases pass"), report);
        assertTrue(report.contains("CPU stand-in driver: these figures time the emulation and are not meaningful"), report);
        assertTrue(report.contains("median") && report.contains("over 2 seeds"), report);
        assertTrue(report.contains("Overall: PASS"), report);
    }

    private static void badInput(Map<String, String> env, String expectedLine) throws Exception {
        Proc p = train(env);
        assertEquals(2, p.exit, p.out + p.err);
        List<String> lines = p.err.lines().filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList();
        assertEquals(List.of("anneal train: " + expectedLine), lines);
    }

    @Test
    void aBadStandInModeValueIsOneLineAndExitTwo() throws Exception {
        badInput(env("ANNEAL_STANDIN_OOM_AT", "soon"),
                "ANNEAL_STANDIN_OOM_AT must be a positive integer (the device allocation that fails), got 'soon' (CPU stand-in driver)");
        badInput(env("ANNEAL_STANDIN_NO_EXECUTE", "yes"), "ANNEAL_STANDIN_NO_EXECUTE must be 0 or 1, got 'yes' (CPU stand-in driver)");
    }

    @Test
    void anUnknownLrDeliveryIsOneLineAndExitTwo() throws Exception {
        badInput(env("ANNEAL_CUDA_LR", "pinned"), "ANNEAL_CUDA_LR: lr delivery must be kernel-arg, device-scalar or graph, got 'pinned'");
    }

    @Test
    void aMissingOrCorruptModuleIsOneLineAndExitTwo() throws Exception {
        Path missing = WORK.resolve("no-such-module.fatbin");
        badInput(env("ANNEAL_CUDA_MODULE", missing.toString()), "ANNEAL_CUDA_MODULE: cannot read '" + missing
                + "' (NoSuchFileException); must name a fatbin, cubin or PTX file built from kernels/ (make -C kernels fatbin)");
        Path corrupt = WORK.resolve("corrupt.fatbin");
        Files.write(corrupt, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        badInput(env("ANNEAL_CUDA_MODULE", corrupt.toString()), "ANNEAL_CUDA_MODULE: '" + corrupt
                + "' is not a CUDA module (CUDA_ERROR_INVALID_IMAGE); must name a fatbin, cubin or PTX file built from kernels/"
                + " (make -C kernels fatbin)");
    }
}
