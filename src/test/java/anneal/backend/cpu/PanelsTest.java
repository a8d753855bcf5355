package anneal.backend.cpu;

import anneal.ConfigurationException;
import anneal.backend.ReferenceOps;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The panel layout and its two products against {@link ReferenceOps} and, bit for bit, against a scalar chain of
 * {@code Math.fma} per element, on odd row counts and reductions, with this JVM's micro-kernel shape (the build also
 * runs this class with each shape forced: pom.xml, execution {@code micro-kernel-shapes}).
 */
class PanelsTest {
    private static final int W = Panels.WIDTH;

    @ParameterizedTest
    @CsvSource({"1,1", "1,3", "2,37", "4,784", "1,16"})
    void packPutsWeightJInputPAtPanelRowPWithZeroRowsToWholeVectorsAndUnpackInvertsIt(int panels, int k) {
        int n = panels * W, kp = (k + VectorKernels.L - 1) / VectorKernels.L * VectorKernels.L;
        float[] w = VectorKernelsTest.random(n * k, 1), p = new float[Panels.panelLength(n, k)], back = new float[n * k];
        assertEquals(n * kp, p.length);
        Arrays.fill(p, Float.NaN);
        Panels.pack(w, p, n, k);
        for (int j = 0; j < n; j++)
            for (int c = 0; c < kp; c++)
                assertEquals(c < k ? w[j * k + c] : 0f, p[(j / W) * (kp * W) + c * W + (j % W)], "W[" + j + "][" + c + "]");
        Panels.unpack(p, back, n, k);
        assertArrayEquals(w, back);
    }

    /** Row offsets of {@code m} rows picked out of order from a set of {@code count} rows of {@code k} floats. */
    static int[] scattered(int m, int count, int k) {
        int[] off = new int[m];
        for (int i = 0; i < m; i++) off[i] = (int) ((i * 7L + 3) % count) * k;
        return off;
    }

    static float[] gather(float[] set, int[] rowOff, int k) {
        float[] a = new float[rowOff.length * k];
        for (int i = 0; i < rowOff.length; i++) System.arraycopy(set, rowOff[i], a, i * k, k);
        return a;
    }

    /**
     * {@code C[i][j] = act(chain + bias[j])} where the chain is {@code Math.fma} over {@code p} ascending from +0: the
     * exact sequence of roundings every lane of the micro-kernels performs, whatever their shape.
     */
    static float[] scalarForward(float[] a, float[] w, float[] bias, int m, int n, int k, boolean relu) {
        float[] c = new float[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                float acc = 0f;
                for (int p = 0; p < k; p++) acc = Math.fma(a[i * k + p], w[j * k + p], acc);
                if (bias != null) acc += bias[j];
                c[i * n + j] = relu && acc < 0f ? 0f : acc;
            }
        return c;
    }

    /** {@code G[j][p] = chain of Math.fma over the batch rows i ascending from +0 of X[i][p] * dY[i][j]}, row-major. */
    static float[] scalarGradient(float[] x, float[] dy, int rows, int n, int k) {
        float[] g = new float[n * k];
        for (int j = 0; j < n; j++)
            for (int p = 0; p < k; p++) {
                float acc = 0f;
                for (int i = 0; i < rows; i++) acc = Math.fma(x[i * k + p], dy[i * n + j], acc);
                g[j * k + p] = acc;
            }
        return g;
    }

    /**
     * The batch as this JVM's weight gradient reads it, packed as a step packs it: the forward's {@link Panels#packRows}
     * (into an array of NaNs, so that a float it does not write shows), then {@link Panels#packForGradient}, each in
     * two calls as two workers would write them.
     */
    static float[] gradientInput(float[] set, int[] rowOff, int rows, int k) {
        float[] xa = new float[Panels.packedRowsLength(rows, k)], xt = new float[Panels.groupedLength(rows, k)];
        Arrays.fill(xa, Float.NaN);
        int rowGroups = Panels.groups(rows), inputGroups = Panels.groups(k);
        Panels.packRows(set, rowOff, xa, rows, k, 0, rowGroups / 2);
        Panels.packRows(set, rowOff, xa, rows, k, rowGroups / 2, rowGroups);
        Panels.packForGradient(set, rowOff, xa, xt, rows, k, 0, inputGroups / 2);
        return Panels.packForGradient(set, rowOff, xa, xt, rows, k, inputGroups / 2, inputGroups);
    }

    @ParameterizedTest
    @CsvSource({"1,1", "4,16", "5,17", "7,784", "9,3"})
    void packRowsWritesEveryFloatOfItsGroupsTheRowsPastTheBatchAndTheInputsPastKAsZeros(int m, int k) {
        int count = m + 3, L = VectorKernels.L, R = Panels.ROWS, group = Panels.packedGroupLength(k);
        float[] set = VectorKernelsTest.random(count * k, 9);
        int[] rowOff = scattered(m, count, k);
        float[] xa = new float[Panels.packedRowsLength(m, k)];
        Arrays.fill(xa, Float.NaN);
        Panels.packRows(set, rowOff, xa, m, k, 0, Panels.groups(m));
        for (int g = 0; g < Panels.groups(m); g++)
            for (int r = 0; r < R; r++)
                for (int p = 0; p < Panels.paddedInputs(k); p++) {
                    int i = g * R + r;
                    float expected = i < m && p < k ? set[rowOff[i] + p] : 0f;
                    assertEquals(expected, xa[g * group + p / L * L * R + r * L + p % L], "row " + i + ", input " + p);
                }
    }

    @ParameterizedTest
    @CsvSource({"1,1", "2,6", "7,13", "3,8", "128,784", "5,17", "2,1", "9,12", "4,16"})
    void packGroupsWritesEveryInputOfItsGroupsAndNothingOfTheNextGroups(int rows, int k) {
        // with a vector per row, each store reaches into the next rows' places: written last to first, as two workers
        // may, a group's store into the next group would show
        int count = rows + 4, R = Panels.ROWS, groups = Panels.groups(k);
        float[] set = VectorKernelsTest.random(count * k, 11);
        int[] rowOff = scattered(rows, count, k);
        float[] xt = new float[Panels.groupedLength(rows, k)];
        Arrays.fill(xt, Float.NaN);
        for (int b = groups - 1; b >= 0; b--) Panels.packGroups(set, rowOff, xt, rows, k, b, b + 1);
        for (int b = 0; b < groups; b++)
            for (int i = 0; i < rows; i++)
                for (int pp = 0; pp < R; pp++) {
                    int p = Math.min(b * R + pp, k - 1); // past k: the last input again
                    assertEquals(set[rowOff[i] + p], xt[(b * rows + i) * R + pp], "group " + b + ", row " + i + ", input "
                            + (b * R + pp));
                }
    }

    @ParameterizedTest
    @CsvSource({"1,1,1", "3,1,7", "4,1,784", "5,2,37", "7,1,129", "67,4,784", "13,2,1", "9,3,300", "128,2,784",
        "25,1,16", "6,1,8", "12,2,135"})
    void forwardEqualsTheScalarFmaChainBitForBitAndDoesNotDependOnTheSplitOfRowsOrPanels(int m, int panels, int k) {
        int n = panels * W, cOff = 5, count = m + 11;
        float[] set = VectorKernelsTest.random(count * k, 2), w = VectorKernelsTest.random(n * k, 3);
        float[] bias = VectorKernelsTest.random(n, 4), p = new float[Panels.panelLength(n, k)];
        Panels.pack(w, p, n, k);
        int[] rowOff = scattered(m, count, k);
        float[] a = gather(set, rowOff, k);
        float[] expected = new float[m * n];
        ReferenceOps.matmulNT(a, w, expected, m, n, k);
        float[] c = new float[cOff + m * n];
        float[] packed = new float[Panels.packedRowsLength(m, k)];
        float[] part = new float[Panels.scratchLength(m)];
        Panels.forward(set, rowOff, p, null, c, cOff, m, n, k, 0, panels, false, packed, part);
        VectorKernelsTest.assertClose(expected, Arrays.copyOfRange(c, cOff, c.length), k);
        assertArrayEquals(scalarForward(a, w, null, m, n, k, false), Arrays.copyOfRange(c, cOff, c.length),
                Panels.KERNEL + ": one fma chain per element, p ascending");

        Panels.forward(set, rowOff, p, bias, c, cOff, m, n, k, 0, panels, true, packed, part);
        assertArrayEquals(scalarForward(a, w, bias, m, n, k, true), Arrays.copyOfRange(c, cOff, c.length),
                Panels.KERNEL + ": with bias and ReLU");
        int mid = m / 2;
        float[] byRows = new float[cOff + m * n], byPanels = new float[cOff + m * n];
        Panels.forward(set, Arrays.copyOfRange(rowOff, 0, mid), p, bias, byRows, cOff, mid, n, k, 0, panels, true,
                packed, part);
        Panels.forward(set, Arrays.copyOfRange(rowOff, mid, m), p, bias, byRows, cOff + mid * n, m - mid, n, k, 0, panels,
                true, packed, part);
        assertArrayEquals(c, byRows, "rows split between workers must not change a single bit");
        for (int q = 0; q < panels; q++)
            Panels.forward(set, rowOff, p, bias, byPanels, cOff, m, n, k, q, q + 1, true, packed, part);
        assertArrayEquals(c, byPanels, "panels split between workers must not change a single bit");
        float[] byTasks = new float[cOff + m * n];
        int groups = Panels.groups(m);
        Arrays.fill(packed, Float.NaN);
        for (int g0 = 0; g0 < groups; g0 += 2) Panels.packRows(set, rowOff, packed, m, k, g0, Math.min(groups, g0 + 2));
        for (int q = 0; q < panels; q++)
            for (int g0 = 0; g0 < groups; g0 += 2)
                Panels.forwardGroups(packed, p, bias, byTasks, cOff, m, g0, Math.min(groups, g0 + 2), n, k, q, true,
                        new float[2 * Panels.ROWS * W]);
        assertArrayEquals(c, byTasks, "tasks of 2 row groups of a panel must not change a single bit");
    }

    @ParameterizedTest
    @CsvSource({"1,1,1", "1,7,3", "2,37,9", "4,784,128", "1,5,129", "2,13,1", "3,10,6", "2,784,7"})
    void weightGradientEqualsTheScalarFmaChainBitForBitAndVisitsEveryBlockOnce(int panels, int k, int rows) {
        int n = panels * W, count = rows + 5;
        float[] set = VectorKernelsTest.random(count * k, 5), dy = VectorKernelsTest.random(rows * n, 6);
        int[] rowOff = scattered(rows, count, k);
        float[] x = gather(set, rowOff, k);
        float[] expected = new float[n * k];
        ReferenceOps.matmulTN(dy, x, expected, n, k, rows);
        float[] g = new float[Panels.panelLength(n, k)], visits = new float[Panels.panelLength(n, k)];
        float[] scratch = new float[Panels.scratchLength(rows)];
        Arrays.fill(scratch, Float.NaN); // the rows past the batch's must be cleared, not assumed clean
        float[] xt = gradientInput(set, rowOff, rows, k);
        int groups = Panels.groups(k);
        Panels.RangeUpdate count1 = (from, to) -> {
            for (int i = from; i < to; i++) visits[i]++;
        };
        int mid = panels / 2;
        Panels.weightGradient(xt, dy, g, 0, mid, n, k, rows, scratch, count1);
        Panels.weightGradient(xt, dy, g, mid, panels, n, k, rows, scratch, count1);
        float[] rowMajor = new float[n * k];
        Panels.unpack(g, rowMajor, n, k);
        VectorKernelsTest.assertClose(expected, rowMajor, rows);
        assertArrayEquals(scalarGradient(x, dy, rows, n, k), rowMajor, Panels.KERNEL + ": one fma chain per element");
        float[] once = new float[visits.length], ones = new float[n * k];
        Arrays.fill(ones, 1f);
        Panels.pack(ones, once, n, k);
        assertArrayEquals(once, visits, "the update hook sees every gradient element exactly once, and no zero row");
        float[] whole = new float[g.length];
        Panels.weightGradient(xt, dy, whole, 0, panels, n, k, rows, scratch, null);
        assertArrayEquals(whole, g, "split into panels: not a single bit may change");
        float[] byTasks = new float[g.length];
        int third = Math.max(1, groups / 3);
        for (int q = 0; q < panels; q++) {
            Panels.copyPanelColumns(dy, scratch, q, n, rows);
            for (int b0 = 0; b0 < Math.max(groups, 1); b0 += third)
                Panels.gradientGroups(xt, scratch, byTasks, q, b0, Math.min(groups, b0 + third), k, rows, null);
        }
        assertArrayEquals(whole, byTasks, "split into ranges of input groups: not a single bit may change");
    }

    @ParameterizedTest
    @CsvSource({"1,1", "3,17", "128,256", "9,35"})
    void weightGradientEqualsTheRowMajorKernelBitForBit(int rows, int k) {
        // both are one fused multiply-add chain per element over the batch, ascending: identical results
        int n = 2 * W;
        float[] x = VectorKernelsTest.random(rows * k, 7), dy = VectorKernelsTest.random(rows * n, 8);
        int[] rowOff = new int[rows];
        for (int i = 0; i < rows; i++) rowOff[i] = i * k;
        float[] rowMajor = new float[n * k], panels = new float[Panels.panelLength(n, k)], unpacked = new float[n * k];
        VectorKernels.gemmTN(dy, n, x, rowMajor, 0, n, k, rows);
        Panels.weightGradient(gradientInput(x, rowOff, rows, k), dy, panels, 0, 2, n, k, rows,
                new float[Panels.scratchLength(rows)], null);
        Panels.unpack(panels, unpacked, n, k);
        assertArrayEquals(rowMajor, unpacked);
    }

    @ParameterizedTest
    @CsvSource({"aarch64,128,32", "amd64,512,32", "amd64,256,16", "amd64,128,16", "x86_64,256,16"})
    void theMicroKernelFitsTheVectorRegisters(String arch, int vectorBits, int registers) {
        assertEquals(registers, Panels.MicroKernel.vectorRegisters(arch, vectorBits));
        Panels.MicroKernel k = Panels.MicroKernel.forRegisters(registers);
        // accumulators + the panel row's vectors + one broadcast must fit, or C2 spills accumulators in the loop
        assertTrue(k.rows * k.vectors + k.vectors + 1 <= registers, k + " in " + registers + " registers");
        assertEquals(registers == 32 ? "4x4" : "6x2", k.toString());
    }

    @Test
    void aMicroKernelPropertyThatIsNoShapeIsBadInputThatNamesIt() {
        String before = System.getProperty(Panels.MicroKernel.PROPERTY);
        try {
            System.setProperty(Panels.MicroKernel.PROPERTY, "8x8");
            ConfigurationException e = assertThrows(ConfigurationException.class, () -> new CpuBackend(1).close());
            assertEquals("-Danneal.cpu.microKernel=8x8: not a micro-kernel shape; allowed: 4x4, 6x2, or unset (4x4 where "
                    + "there are 32 vector registers, 6x2 where there are 16)", e.getMessage());
            System.setProperty(Panels.MicroKernel.PROPERTY, "6x2");
            assertEquals(Panels.MicroKernel.SIX_BY_TWO, Panels.MicroKernel.selected());
        } finally {
            if (before == null) System.clearProperty(Panels.MicroKernel.PROPERTY);
            else System.setProperty(Panels.MicroKernel.PROPERTY, before);
        }
    }
}
