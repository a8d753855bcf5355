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

    @ParameterizedTest
    @CsvSource({"1,1,1", "3,1,7", "4,1,784", "5,2,37", "7,1,129", "67,4,784", "13,2,1"})
    void forwardMatchesReferenceAndDoesNotDependOnTheRowSplit(int m, int panels, int k) {
        int n = panels * W, aOff = 3, cOff = 5;
        float[] aFull = VectorKernelsTest.random(aOff + m * k, 2), w = VectorKernelsTest.random(n * k, 3), bias = VectorKernelsTest.random(n, 4), p = new float[n * k];
        Panels.pack(w, p, n, k);
        float[] a = Arrays.copyOfRange(aFull, aOff, aFull.length);
        float[] expected = new float[m * n];
        ReferenceOps.matmulNT(a, w, expected, m, n, k);
        float[] c = new float[cOff + m * n];
        Panels.forward(aFull, aOff, p, null, c, cOff, m, n, k, false);
        VectorKernelsTest.assertClose(expected, Arrays.copyOfRange(c, cOff, c.length), k);

        ReferenceOps.biasActivation(expected, bias, m, n, true);
        Panels.forward(aFull, aOff, p, bias, c, cOff, m, n, k, true);
        VectorKernelsTest.assertClose(expected, Arrays.copyOfRange(c, cOff, c.length), k);
        int mid = m / 2;
        float[] split = new float[cOff + m * n];
        Panels.forward(aFull, aOff, p, bias, split, cOff, mid, n, k, true);
        Panels.forward(aFull, aOff + mid * k, p, bias, split, cOff + mid * n, m - mid, n, k, true);
        assertArrayEquals(c, split, "rows split between workers must not change a single bit");
    }

    @ParameterizedTest
    @CsvSource({"1,1,1", "1,7,3", "2,37,9", "4,784,128", "1,5,129", "2,13,1"})
    void weightGradientMatchesReferenceAndVisitsEveryBlockOnce(int panels, int k, int rows) {
        int n = panels * W;
        float[] x = VectorKernelsTest.random(rows * k, 5), dy = VectorKernelsTest.random(rows * n, 6);
        float[] expected = new float[n * k];
        ReferenceOps.matmulTN(dy, x, expected, n, k, rows);
        float[] g = new float[n * k], visits = new float[n * k];
        int mid = (k / 2) / Panels.ROWS * Panels.ROWS + (k > 2 ? 1 : 0);
        Panels.RangeUpdate count = (from, to) -> {
            for (int i = from; i < to; i++) visits[i]++;
        };
        Panels.weightGradient(x, dy, g, 0, Math.min(mid, k), n, k, rows, count);
        Panels.weightGradient(x, dy, g, Math.min(mid, k), k, n, k, rows, count);
        float[] rowMajor = new float[n * k];
        Panels.unpack(g, rowMajor, n, k);
        VectorKernelsTest.assertClose(expected, rowMajor, rows);
        float[] ones = new float[n * k];
        Arrays.fill(ones, 1f);
        assertArrayEquals(ones, visits, "the update hook sees every gradient element exactly once");
        float[] whole = new float[n * k];
        Panels.weightGradient(x, dy, whole, 0, k, n, k, rows, null);
        assertArrayEquals(whole, g, "split into input ranges must not change a single bit");
    }

    @ParameterizedTest
    @CsvSource({"1,1", "3,17", "128,256", "9,35"})
    void weightGradientEqualsTheRowMajorKernelBitForBit(int rows, int k) {
        // both are one fused multiply-add chain per element over the batch, ascending: identical results
        int n = 2 * W;
        float[] x = VectorKernelsTest.random(rows * k, 7), dy = VectorKernelsTest.random(rows * n, 8);
        float[] rowMajor = new float[n * k], panels = new float[n * k], unpacked = new float[n * k];
        VectorKernels.gemmTN(dy, n, x, rowMajor, 0, n, k, rows);
        Panels.weightGradient(x, dy, panels, 0, k, n, k, rows, null);
        Panels.unpack(panels, unpacked, n, k);
        assertArrayEquals(rowMajor, unpacked);
    }
}
