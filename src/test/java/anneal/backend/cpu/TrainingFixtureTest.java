package anneal.backend.cpu;

import anneal.schedule.HyperparameterTable;
import anneal.schedule.Hyperparameter;
import anneal.backend.ReferenceOps;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import anneal.data.Dataset;
import anneal.data.Splits;
import anneal.model.MlpSpec;
import anneal.model.Parameters;
import anneal.optim.OptimizerSetup;
import anneal.optim.SgdConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The CPU backend and the SGD kernels against PyTorch 1.13 (fixtures from tools/gen_training_fixtures.py). */
class TrainingFixtureTest {
    static JsonNode fixture(String name) throws IOException {
        try (InputStream in = TrainingFixtureTest.class.getResourceAsStream("/fixtures/" + name)) {
            return new ObjectMapper().readTree(in);
        }
    }

    static float[] floats(JsonNode array) {
        float[] f = new float[array.size()];
        for (int i = 0; i < f.length; i++) f[i] = (float) array.get(i).asDouble();
        return f;
    }

    /** fp32 results of different summation orders: agree to a few ulps of the values' scale. */
    static void assertClose(float[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++)
            assertEquals(expected[i], actual[i], tol * Math.max(1, Math.abs(expected[i])), what + "[" + i + "]");
    }

    /**
     * 37-33-17-5 at batch 9 runs the row-major kernels of every layer; 37-128-10 at batch 13 runs the first layer
     * through {@link Panels} (128 is a multiple of the panel width on AVX2 and AVX-512).
     */
    @ParameterizedTest(name = "{0}, {1} threads")
    @CsvSource({"training_step.json,1", "training_step.json,2", "training_step.json,3",
        "training_step_panels.json,1", "training_step_panels.json,2", "training_step_panels.json,3"})
    void twoTrainingStepsMatchPyTorch(String file, int threads) throws IOException {
        JsonNode f = fixture(file);
        int[] sizes = new int[f.get("sizes").size()];
        for (int i = 0; i < sizes.length; i++) sizes[i] = f.get("sizes").get(i).asInt();
        int[] hidden = java.util.Arrays.copyOfRange(sizes, 1, sizes.length - 1);
        MlpSpec spec = new MlpSpec(sizes[0], hidden, sizes[sizes.length - 1]);
        int batch = f.get("batch").asInt();
        float[][] init = new float[2 * spec.layers()][];
        for (int t = 0; t < init.length; t++) init[t] = floats(f.get("initial").get(t));
        JsonNode sgd = f.get("sgd");
        SgdConfig cfg = new SgdConfig(sgd.get("momentum").asDouble(), sgd.get("dampening").asDouble(),
                sgd.get("nesterov").asBoolean(), sgd.get("weight_decay").asDouble());
        // both batches as one training set of 2 * batch rows; step s uses rows [s * batch, (s + 1) * batch)
        float[] x = new float[2 * batch * spec.inputs()];
        byte[] y = new byte[2 * batch];
        for (int s = 0; s < 2; s++) {
            System.arraycopy(floats(f.get("x").get(s)), 0, x, s * batch * spec.inputs(), batch * spec.inputs());
            for (int i = 0; i < batch; i++) y[s * batch + i] = (byte) f.get("y").get(s).get(i).asInt();
        }
        Dataset train = new Dataset("fixture", x, y, 2 * batch, spec.inputs(), spec.classes());
        Dataset empty = new Dataset("empty", new float[0], new byte[0], 0, spec.inputs(), spec.classes());
        try (CpuBackend b = new CpuBackend(threads)) {
            b.init(spec, new Parameters(spec, init), OptimizerSetup.single(cfg, init.length));
            b.upload(new Splits(train, empty, train));
            int[] order = new int[2 * batch];
            for (int i = 0; i < order.length; i++) order[i] = i;
            b.beginEpoch(order);
            HyperparameterTable step = OptimizerSetup.single(cfg, init.length).configured();
            step.set(Hyperparameter.LR, 0, f.get("lrs").get(0).asDouble());
            b.trainStep(0, batch, step);
            assertEquals(f.get("loss").get(0).asDouble(), b.lastLoss(), 1e-6, "loss of step 1");
            Parameters grads = b.lastGradients();
            for (int t = 0; t < init.length; t++)
                assertClose(floats(f.get("grads_step1").get(t)), grads.tensor(t), 1e-5, "grad " + grads.name(t));
            Parameters p1 = b.parameters();
            for (int t = 0; t < init.length; t++)
                assertClose(floats(f.get("params_step1").get(t)), p1.tensor(t), 1e-6, "step-1 " + p1.name(t));
            step.set(Hyperparameter.LR, 0, f.get("lrs").get(1).asDouble());
            b.trainStep(batch, batch, step);
            assertEquals(f.get("loss").get(1).asDouble(), b.lastLoss(), 1e-6, "loss of step 2");
            Parameters p2 = b.parameters();
            for (int t = 0; t < init.length; t++)
                assertClose(floats(f.get("params_step2").get(t)), p2.tensor(t), 1e-6, "step-2 " + p2.name(t));
            assertEquals((f.get("loss").get(0).asDouble() + f.get("loss").get(1).asDouble()) / 2, b.endEpoch(), 1e-6);
        }
    }

    @Test
    void sgdKernelAndReferenceMatchTorchOptimSgdOverChangingLrMomentumAndWeightDecay() throws IOException {
        JsonNode f = fixture("sgd_updates.json");
        for (JsonNode c : f.get("cases")) {
            String name = c.toString().substring(0, 90);
            double momentum0 = c.get("momentum").asDouble(), dampening = c.get("dampening").asDouble();
            boolean nesterov = c.get("nesterov").asBoolean();
            float[] p = floats(c.get("initial")), pRef = p.clone();
            float[] buf = new float[p.length], bufRef = new float[p.length];
            for (int s = 0; s < c.get("lrs").size(); s++) {
                double lr = c.get("lrs").get(s).asDouble(), mu = c.get("momenta").get(s).asDouble();
                double wd = c.get("weight_decays").get(s).asDouble();
                float[] g = floats(c.get("grads").get(s));
                VectorKernels.sgdUpdate(p, g, buf, 0, p.length, lr, mu, dampening, nesterov, wd, s == 0);
                ReferenceOps.sgdUpdate(pRef, g, bufRef, p.length, lr, mu, dampening, nesterov, wd, s == 0);
                // PyTorch's CPU add(alpha=) is a fused multiply-add in its vectorised loop; Anneal rounds the product
                // first (as the CUDA kernel does, bit for bit), so the two differ by one rounding of an intermediate
                // such as g + weight_decay * p, whose magnitude reaches 4 with these N(0, 1) gradients: 1 ulp(4) = 4.8e-7
                float[] expected = floats(c.get("params").get(s));
                assertClose(expected, p, 5e-7, name + " kernel step " + s);
                assertClose(expected, pRef, 5e-7, name + " reference step " + s);
                JsonNode b = c.get("buffers").get(s);
                if (momentum0 == 0) assertNull(b.isNull() ? null : b, name);
                else assertClose(floats(b), buf, 5e-7, name + " buffer step " + s);
            }
            assertArrayEquals(pRef, p, name);
        }
    }
}
