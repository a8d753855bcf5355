package anneal.backend.cpu;

import anneal.backend.ReferenceOps;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The panel layout and its two products against {@link ReferenceOps}, on odd row counts and reductions. */
class PanelsTest {
    private static final int W = Panels.WIDTH;

    @ParameterizedTest
    @CsvSource({"1,1", "1,3", "2,37", "4,784"})
    void packPutsWeightJInputPAtPanelRowPAndUnpackInvertsIt(int panels, int k) {
        int n = panels * W;
        float[] w = VectorKernelsTest.random(n * k, 1), p = new float[n * k], back = new float[n * k];
        Panels.pack(w, p, n, k);
        for (int j = 0; j < n; j++)
            for (int c = 0; c < k; c++)
                assertEquals(w[j * k + c], p[(j / W) * (k * W) + c * W + (j % W)], "W[" + j + "][" + c + "]");
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

    @ParameterizedTest
    @CsvSource({"1,1,1", "3,1,7", "4,1,784", "5,2,37", "7,1,129", "67,4,784", "13,2,1", "9,3,300"})
    void forwardMatchesReferenceAndDoesNotDependOnTheSplitOfRowsOrPanels(int m, int panels, int k) {
        int n = panels * W, cOff = 5, count = m + 11;
        float[] set = VectorKernelsTest.random(count * k, 2), w = VectorKernelsTest.random(n * k, 3);
        float[] bias = VectorKernelsTest.random(n, 4), p = new float[n * k];
        Panels.pack(w, p, n, k);
        int[] rowOff = scattered(m, count, k);
        float[] a = gather(set, rowOff, k);
        float[] expected = new float[m * n];
        ReferenceOps.matmulNT(a, w, expected, m, n, k);
        float[] c = new float[cOff + m * n];
        float[] part = new float[m * W];
        Panels.forward(set, rowOff, p, null, c, cOff, m, n, k, 0, panels, false, part);
        VectorKernelsTest.assertClose(expected, Arrays.copyOfRange(c, cOff, c.length), k);

        ReferenceOps.biasActivation(expected, bias, m, n, true);
        Panels.forward(set, rowOff, p, bias, c, cOff, m, n, k, 0, panels, true, part);
        VectorKernelsTest.assertClose(expected, Arrays.copyOfRange(c, cOff, c.length), k);
        int mid = m / 2;
        float[] byRows = new float[cOff + m * n], byPanels = new float[cOff + m * n];
        Panels.forward(set, Arrays.copyOfRange(rowOff, 0, mid), p, bias, byRows, cOff, mid, n, k, 0, panels, true, part);
        Panels.forward(set, Arrays.copyOfRange(rowOff, mid, m), p, bias, byRows, cOff + mid * n, m - mid, n, k, 0, panels,
                true, part);
        assertArrayEquals(c, byRows, "rows split between workers must not change a single bit");
        for (int q = 0; q < panels; q++)
            Panels.forward(set, rowOff, p, bias, byPanels, cOff, m, n, k, q, q + 1, true, new float[m * W]);
        assertArrayEquals(c, byPanels, "panels split between workers must not change a single bit");
        float[] byTasks = new float[cOff + m * n];
        for (int q = 0; q < panels; q++)
            for (int i0 = 0; i0 < m; i0 += 3)
                Panels.forwardRows(set, rowOff, p, bias, byTasks, cOff, i0, Math.min(m, i0 + 3), n, k, q, true,
                        new float[3 * W]);
        assertArrayEquals(c, byTasks, "tasks of 3 rows of a panel must not change a single bit");
    }

    @ParameterizedTest
    @CsvSource({"1,1,1", "1,7,3", "2,37,9", "4,784,128", "1,5,129", "2,13,1", "3,10,6"})
    void weightGradientMatchesReferenceAndVisitsEveryBlockOnce(int panels, int k, int rows) {
        int n = panels * W, count = rows + 5;
        float[] set = VectorKernelsTest.random(count * k, 5), dy = VectorKernelsTest.random(rows * n, 6);
        int[] rowOff = scattered(rows, count, k);
        float[] x = gather(set, rowOff, k);
        float[] expected = new float[n * k];
        ReferenceOps.matmulTN(dy, x, expected, n, k, rows);
        float[] g = new float[n * k], visits = new float[n * k], scratch = new float[rows * W], xt = new float[rows * k];
        int groups = Panels.groups(k);
        Panels.packGroups(set, rowOff, xt, rows, 0, groups / 2);
        Panels.packGroups(set, rowOff, xt, rows, groups / 2, groups);
        Panels.RangeUpdate count1 = (from, to) -> {
            for (int i = from; i < to; i++) visits[i]++;
        };
        int mid = panels / 2;
        Panels.weightGradient(set, rowOff, xt, dy, g, 0, mid, n, k, rows, scratch, count1);
        Panels.weightGradient(set, rowOff, xt, dy, g, mid, panels, n, k, rows, scratch, count1);
        float[] rowMajor = new float[n * k];
        Panels.unpack(g, rowMajor, n, k);
        VectorKernelsTest.assertClose(expected, rowMajor, rows);
        float[] ones = new float[n * k];
        Arrays.fill(ones, 1f);
        assertArrayEquals(ones, visits, "the update hook sees every gradient element exactly once");
        float[] whole = new float[n * k];
        Panels.weightGradient(set, rowOff, xt, dy, whole, 0, panels, n, k, rows, scratch, null);
        assertArrayEquals(whole, g, "split into panels: not a single bit may change");
        float[] byTasks = new float[n * k];
        int third = Math.max(1, groups / 3);
        for (int q = 0; q < panels; q++) {
            Panels.copyPanelColumns(dy, scratch, q, n, rows);
            for (int b0 = 0; b0 < Math.max(groups, 1); b0 += third)
                Panels.gradientGroups(set, rowOff, xt, scratch, byTasks, q, b0, Math.min(groups, b0 + third), k, rows, null);
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
        float[] rowMajor = new float[n * k], panels = new float[n * k], unpacked = new float[n * k];
        VectorKernels.gemmTN(dy, n, x, rowMajor, 0, n, k, rows);
        float[] xt = new float[rows * k];
        Panels.packGroups(x, rowOff, xt, rows, 0, Panels.groups(k));
        Panels.weightGradient(x, rowOff, xt, dy, panels, 0, 2, n, k, rows, new float[rows * W], null);
        Panels.unpack(panels, unpacked, n, k);
        assertArrayEquals(rowMajor, unpacked);
    }
}
