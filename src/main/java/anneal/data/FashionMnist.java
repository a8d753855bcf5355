package anneal.data;

import java.nio.file.Path;

/** Fashion-MNIST from IDX files. (Being built under issue #3.) */
public final class FashionMnist {
    /** Where Debian's {@code dataset-fashion-mnist} installs the files. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    private FashionMnist() {
    }

    /** Load train/test, hold out {@code validationSize} seeded train images, normalise with train mean/std. */
    public static Splits load(Path dir, int validationSize, long seed) {
        throw new UnsupportedOperationException("Fashion-MNIST loading is not built yet (issue #3)");
    }
}
