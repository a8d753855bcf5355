package anneal.train;

import anneal.optim.SgdConfig;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import anneal.backend.cpu.CpuBackend;
import anneal.data.FashionMnist;
import anneal.data.Splits;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * Integration: one epoch of the default MLP on the real Fashion-MNIST reaches >= 0.80 test accuracy. Needs
 * /usr/share/datasets/fashion-mnist (Debian dataset-fashion-mnist; .ci/run installs it); skipped without it.
 */
class FashionMnistTrainingTest {
    @Test
    void oneEpochReachesEightyPercent() {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "Fashion-MNIST is not installed");
        Splits data = FashionMnist.load(FashionMnist.DEFAULT_DIR, 5000, 1);
        TrainConfig c = new TrainConfig("constant", 0.05, 1, 128, 0.80, 1, new int[] {256},
                new SgdConfig(0.9, 0, true, 5e-4), false, 5000, 0, false);
        try (CpuBackend b = new CpuBackend()) {
            RunResult r = new Trainer(b, data).warmupJitQuiet(0).run(c, TestSchedules.constant(0.05, 1), TrainListener.NONE);
            assertTrue(r.finalTestAccuracy() >= 0.80, "test accuracy after one epoch: " + r.finalTestAccuracy());
            assertTrue(r.status() == RunStatus.REACHED);
        }
    }
}
