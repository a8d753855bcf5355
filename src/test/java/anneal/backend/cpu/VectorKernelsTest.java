package anneal.backend.cpu;

import anneal.backend.ReferenceOps;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every fast kernel against its {@link ReferenceOps} loop, on odd sizes (1, 7, 129, ...) and block edges. */
class VectorKernelsTest {
    static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (2 * r.nextDouble() - 1);
        return a;
    }

    /** fp32 accumulation of k products of magnitude <= 1: error well below 1e-6 * k relative to the scale. */
    static void assertClose(float[] expected, float[] actual, int k) {
        double tol = 2e-6 * Math.max(1, k);
        for (int i = 0; i < expected.length; i++)
            assertEquals(expected[i], actual[i], tol, "element " + i);
    }

    @ParameterizedTest
    @CsvSource({"1,1,1", "1,7,3", "7,1,9", "3,4,8", "5,9,17", "7,13,129", "64,256,784", "129,10,256", "6,8,16"})
    void gemmNTMatchesReferenceWithAndWithoutBiasRelu(int m, int n, int k) {
        int aOff = 5;
        float[] aFull = random(aOff + m * k, 1), b = random(n * k, 2), bias = random(n, 3);
        float[] a = java.util.Arrays.copyOfRange(aFull, aOff, aFull.length);
        float[] expected = new float[m * n];
        ReferenceOps.matmulNT(a, b, expected, m, n, k);
        float[] c = new float[3 + m * n];
        VectorKernels.gemmNT(aFull, aOff, b, c, 3, m, n, k, null, false);
        assertClose(expected, java.util.Arrays.copyOfRange(c, 3, c.length), k);

        ReferenceOps.biasActivation(expected, bias, m, n, true);
        VectorKernels.gemmNT(aFull, aOff, b, c, 3, m, n, k, bias, true);
        assertClose(expected, java.util.Arrays.copyOfRange(c, 3, c.length), k);
    }

    /** The panel step's split of a small layer's weight gradient: by ranges of columns, each a multiple of 16. */
    @ParameterizedTest
    @CsvSource({"1,1,1", "10,256,128", "10,256,129", "13,129,7", "5,33,17", "3,80,2", "6,784,128"})
    void gemmTNOnColumnRangesGivesTheWholeProductsBits(int m, int n, int k) {
        float[] a = random(k * m, 6), b = random(k * n, 7);
        float[] expected = new float[m * n];
        ReferenceOps.matmulTN(a, b, expected, m, n, k);
        float[] whole = new float[m * n];
        VectorKernels.gemmTN(a, m, b, whole, 0, m, n, k);
        assertClose(expected, whole, k);
        for (int parts = 1; parts <= 3; parts++) {
            float[] c = new float[m * n];
            java.util.Arrays.fill(c, Float.NaN);
            for (int w = 0; w < parts; w++)
                VectorKernels.gemmTN(a, m, b, c, 0, m, n, k, WorkerPool.split(w, parts, n, VectorKernels.L),
                        WorkerPool.split(w + 1, parts, n, VectorKernels.L));
            assertArrayEquals(whole, c, parts + " column ranges must give the whole product's bits, every element");
        }
    }

    @ParameterizedTest
    @CsvSource({"1,1,1", "1,7,3", "7,1,9", "4,24,5", "5,33,17", "13,129,7", "256,784,128", "10,256,129", "9,8,1"})
    void gemmTNMatchesReferenceOnAnyRowRange(int m, int n, int k) {
        float[] a = random(k * m, 4), b = random(k * n, 5);
        float[] expected = new float[m * n];
        ReferenceOps.matmulTN(a, b, expected, m, n, k);
        float[] c = new float[m * n];
        int mid = m / 3;
        VectorKernels.gemmTN(a, m, b, c, 0, mid, n, k);
        VectorKernels.gemmTN(a, m, b, c, mid, m, n, k);
        assertClose(expected, c, k);
        float[] whole = new float[m * n];
        VectorKernels.gemmTN(a, m, b, whole, 0, m, n, k);
        assertArrayEquals(whole, c, "split into row ranges must not change a single bit");
    }

    @ParameterizedTest
    @CsvSource({"1,1,1", "1,7,3", "7,1,9", "3,33,10", "5,129,7", "128,256,10", "2,64,1"})
    void gemmNNMatchesReferenceWithReluMask(int m, int n, int k) {
        float[] a = random(m * k, 6), b = random(k * n, 7), h = random(m * n, 8);
        for (int i = 0; i < h.length; i += 3) h[i] = 0f;
        float[] expected = new float[m * n];
        ReferenceOps.matmulNN(a, b, expected, m, n, k);
        float[] c = new float[m * n];
        VectorKernels.gemmNN(a, 0, b, c, 0, m, n, k, null);
        assertClose(expected, c, k);
        ReferenceOps.reluBackward(expected, h, m * n);
        VectorKernels.gemmNN(a, 0, b, c, 0, m, n, k, h);
        assertClose(expected, c, k);
    }

    @ParameterizedTest
    @CsvSource({"1,1", "7,3", "128,256", "129,10"})
    void biasGradMatchesReference(int rows, int cols) {
        float[] dy = random(rows * cols, 9);
        float[] expected = new float[cols], db = new float[cols];
        ReferenceOps.biasGrad(dy, expected, rows, cols);
        VectorKernels.biasGrad(dy, db, rows, cols, 0, cols / 2);
        VectorKernels.biasGrad(dy, db, rows, cols, cols / 2, cols);
        assertClose(expected, db, rows);
    }

    @ParameterizedTest
    @CsvSource({"1,2", "7,3", "129,10"})
    void softmaxCrossEntropyMatchesReference(int rows, int cols) {
        float[] logits = random(rows * cols, 10);
        for (int i = 0; i < logits.length; i++) logits[i] *= 20;
        byte[] labels = new byte[rows];
        for (int i = 0; i < rows; i++) labels[i] = (byte) ((i * 7) % cols);
        float[] expectedGrad = new float[rows * cols], grad = new float[rows * cols];
        double expectedLoss = ReferenceOps.softmaxCrossEntropy(logits, labels, null, expectedGrad, rows, cols);
        double[] rowLoss = new double[rows];
        int correct = VectorKernels.softmaxCrossEntropy(logits, labels, 0, grad, rowLoss, 0, 0, rows, cols, rows,
                new double[cols]);
        double sum = 0;
        for (double l : rowLoss) sum += l;
        assertEquals(expectedLoss, sum / rows, 1e-12 * Math.max(1, expectedLoss));
        assertClose(expectedGrad, grad, 1);
        int expectedCorrect = 0;
        for (int i = 0; i < rows; i++) {
            int arg = 0;
            for (int j = 1; j < cols; j++) if (logits[i * cols + j] > logits[i * cols + arg]) arg = j;
            if (arg == labels[i]) expectedCorrect++;
        }
        assertEquals(expectedCorrect, correct);
    }

    @ParameterizedTest
    @CsvSource({
        "1,0.1,0,0,false,0", "7,0.1,0.9,0,false,0", "129,0.05,0.9,0,true,0.0005", "33,0.2,0.8,0.3,false,0.01",
        "17,0.01,0,0,false,0.1", "8,0.3,0.5,0.5,false,0"})
    void sgdUpdateIsBitIdenticalToReferenceOverSeveralSteps(int n, double lr, double momentum, double dampening,
                                                             boolean nesterov, double weightDecay) {
        float[] p = random(n, 11), pRef = p.clone(), buf = new float[n], bufRef = new float[n];
        for (int step = 0; step < 4; step++) {
            float[] g = random(n, 20 + step);
            double stepLr = lr * (1 + step), stepMomentum = momentum == 0 ? 0 : momentum - 0.1 * step;
            ReferenceOps.sgdUpdate(pRef, g, bufRef, n, stepLr, stepMomentum, dampening, nesterov, weightDecay, step == 0);
            int mid = n / 2;
            VectorKernels.sgdUpdate(p, g, buf, 0, mid, stepLr, stepMomentum, dampening, nesterov, weightDecay, step == 0);
            VectorKernels.sgdUpdate(p, g, buf, mid, n, stepLr, stepMomentum, dampening, nesterov, weightDecay, step == 0);
            assertArrayEquals(pRef, p, "parameters after step " + step);
            assertArrayEquals(bufRef, buf, "momentum buffer after step " + step);
        }
    }
}
