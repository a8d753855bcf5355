package anneal.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link Panels#primeGradientKernel}: in a fresh JVM, constructing a {@link CpuBackend} leaves the weight gradient's
 * micro-kernel compiled by C2, so the first real call (the benchmark's shape: 784 inputs, batch
 * 128, 64 trips of its loop per group) already runs without boxing a vector, that is without allocating; uncompiled
 * (the interpreter or C1) it boxes every vector it touches, megabytes per call. Without the priming this fails: the
 * kernel has not been called before. A fresh JVM because any earlier test in this one compiles the kernel anyway.
 */
class GradientKernelPrimingTest {
    @Test
    void theFirstRealCallAfterConstructionAllocatesNothing() throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "-cp", System.getProperty("java.class.path")));
        String shape = System.getProperty(Panels.MicroKernel.PROPERTY);
        if (shape != null) command.add("-D" + Panels.MicroKernel.PROPERTY + "=" + shape);
        command.add(FirstCall.class.getName());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child did not end: " + out);
        assertEquals(0, p.exitValue(), out);
        String line = out.lines().filter(l -> l.startsWith("allocated ")).findFirst().orElseThrow(() -> new AssertionError(out));
        long bytes = Long.parseLong(line.substring("allocated ".length()).trim());
        assertTrue(bytes < 1024, "the first gradient call after new CpuBackend(1) allocated " + bytes + " bytes");
    }

    /** The child: one backend constructed, then one weight gradient of the benchmark's shape, its bytes allocated. */
    static final class FirstCall {
        public static void main(String[] args) {
            int rows = 128, in = 784, hidden = 256;
            float[] features = new float[rows * in];
            java.util.Random r = new java.util.Random(1);
            for (int i = 0; i < features.length; i++) features[i] = (float) r.nextGaussian();
            int[] rowOffsets = new int[rows];
            for (int i = 0; i < rows; i++) rowOffsets[i] = i * in;
            float[] xa = new float[Panels.packedRowsLength(rows, in)], xt = new float[Panels.groupedLength(rows, in)];
            float[] dh = new float[rows * hidden], g = new float[hidden * Panels.paddedInputs(in)];
            float[] scratch = new float[Panels.scratchLength(rows)];
            for (int i = 0; i < dh.length; i++) dh[i] = (float) (0.05 * r.nextGaussian());
            new CpuBackend(1).close();
            Panels.packRows(features, rowOffsets, xa, rows, in, 0, Panels.groups(rows));
            float[] xg = Panels.packForGradient(features, rowOffsets, xa, xt, rows, in, 0, Panels.groups(in));
            Panels.copyPanelColumns(dh, scratch, 0, hidden, rows);
            com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = bean.getCurrentThreadAllocatedBytes();
            Panels.gradientGroups(xg, scratch, g, 0, 0, 4, in, rows, null); // four groups of inputs of panel 0
            long allocated = bean.getCurrentThreadAllocatedBytes() - before;
            System.out.println("allocated " + allocated);
            System.out.println("checksum " + g[0]);
        }
    }
}
