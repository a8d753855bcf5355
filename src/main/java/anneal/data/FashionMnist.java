package anneal.data;

import anneal.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Fashion-MNIST (Xiao et al. 2017) from its four IDX files, gzipped or not: 60,000 training and 10,000 test
 * images of 28x28 pixels, 10 classes.
 *
 * <p>Preparation, in this order:
 * <ol>
 *   <li>A validation split of {@code validationSize} images is held out of the 60,000 training images: the
 *       first {@code validationSize} indices of a Fisher-Yates permutation drawn with {@code SplittableRandom(seed)}.
 *       Both parts keep the file's order (each epoch's shuffle is the trainer's job).</li>
 *   <li>Pixels are scaled to [0, 1] and normalised with one mean and one standard deviation (population std,
 *       as {@code torchvision.transforms.Normalize} is usually fed) computed over <b>the training part only</b>
 *       (the 55,000 images left after the hold-out, not all 60,000), so no statistic leaks from validation or
 *       test. The same two numbers are applied to all three splits.</li>
 * </ol>
 */
public final class FashionMnist {
    /** Where Debian's {@code dataset-fashion-mnist} installs the files. */
    public static final String DEFAULT_DIR_NAME = "/usr/share/datasets/fashion-mnist";
    /** {@link #DEFAULT_DIR_NAME} as a path. */
    public static final Path DEFAULT_DIR = Path.of(DEFAULT_DIR_NAME);
    /** Number of classes. */
    public static final int CLASSES = 10;

    private FashionMnist() {
    }

    /** Load train/test, hold out {@code validationSize} seeded train images, normalise with train mean/std. */
    public static Splits load(Path dir, int validationSize, long seed) {
        if (!Files.isDirectory(dir))
            throw new ConfigurationException("Fashion-MNIST directory " + dir + " " + anneal.InputFiles.whatItIs(dir) + ": install it with"
                    + " 'apt-get install dataset-fashion-mnist' or point --data DIR at the four IDX files");
        IdxReader.IdxData trainImages = IdxReader.read(find(dir, "train-images-idx3-ubyte"), IdxReader.IMAGES_MAGIC);
        IdxReader.IdxData trainLabels = IdxReader.read(find(dir, "train-labels-idx1-ubyte"), IdxReader.LABELS_MAGIC);
        IdxReader.IdxData testImages = IdxReader.read(find(dir, "t10k-images-idx3-ubyte"), IdxReader.IMAGES_MAGIC);
        IdxReader.IdxData testLabels = IdxReader.read(find(dir, "t10k-labels-idx1-ubyte"), IdxReader.LABELS_MAGIC);
        check(dir, "train", trainImages, trainLabels);
        check(dir, "t10k", testImages, testLabels);
        return split(trainImages, trainLabels.data(), testImages, testLabels.data(), validationSize, seed);
    }

    /** The file {@code base.gz} or {@code base} in {@code dir}; a one-line error naming both when neither exists. */
    private static Path find(Path dir, String base) {
        Path gz = dir.resolve(base + ".gz");
        if (Files.isRegularFile(gz)) return anneal.InputFiles.regularFile("Fashion-MNIST file", gz);
        Path plain = dir.resolve(base);
        if (Files.isRegularFile(plain)) return anneal.InputFiles.regularFile("Fashion-MNIST file", plain);
        for (Path p : new Path[] {gz, plain}) {
            String what = anneal.InputFiles.whatItIs(p);
            if (!what.equals("does not exist")) {
                throw new ConfigurationException("Fashion-MNIST file " + p + " " + what + "; allowed: an IDX file, "
                        + "gzipped or not");
            }
        }
        throw new ConfigurationException("Fashion-MNIST file " + gz + " (or " + plain + ") is missing: install the data"
                + " with 'apt-get install dataset-fashion-mnist' or point --data DIR at the four IDX files");
    }

    private static void check(Path dir, String prefix, IdxReader.IdxData images, IdxReader.IdxData labels) {
        if (images.dims().length != 3 || images.dims()[1] != 28 || images.dims()[2] != 28)
            throw new ConfigurationException(dir.resolve(prefix + "-images-idx3-ubyte") + ": images are "
                    + Arrays.toString(images.dims()) + ", expected N x 28 x 28");
        if (images.count() != labels.count())
            throw new ConfigurationException(dir + ": " + prefix + " has " + images.count() + " images but "
                    + labels.count() + " labels");
        for (int i = 0; i < labels.count(); i++)
            if (labels.data()[i] < 0 || labels.data()[i] >= CLASSES)
                throw new ConfigurationException(dir.resolve(prefix + "-labels-idx1-ubyte") + ": label " + i + " is "
                        + (labels.data()[i] & 0xff) + ", expected 0.." + (CLASSES - 1));
    }

    /** Holds out the validation split and normalises; package-visible for tests on small synthetic IDX data. */
    static Splits split(IdxReader.IdxData trainImages, byte[] trainLabels, IdxReader.IdxData testImages,
                        byte[] testLabels, int validationSize, long seed) {
        int n = trainImages.count();
        int features = trainImages.itemSize();
        if (validationSize < 0 || validationSize >= n)
            throw ConfigurationException.of("data", "validation", validationSize, "an integer in 0.." + (n - 1)
                    + " (the training set has " + n + " images)");
        int[] perm = EpochOrder.permutation(n, new SplittableRandom(seed)::nextInt);
        boolean[] held = new boolean[n];
        for (int i = 0; i < validationSize; i++) held[perm[i]] = true;
        int[] trainRows = new int[n - validationSize];
        int[] valRows = new int[validationSize];
        for (int i = 0, t = 0, v = 0; i < n; i++) {
            if (held[i]) valRows[v++] = i;
            else trainRows[t++] = i;
        }
        double sum = 0, sumSq = 0;
        byte[] px = trainImages.data();
        for (int r : trainRows)
            for (int j = r * features, end = j + features; j < end; j++) {
                double x = (px[j] & 0xff) / 255.0;
                sum += x;
                sumSq += x * x;
            }
        long count = (long) trainRows.length * features;
        double mean = sum / count;
        double std = Math.sqrt(Math.max(sumSq / count - mean * mean, 1e-12));
        int[] allTest = new int[testImages.count()];
        Arrays.setAll(allTest, i -> i);
        return new Splits(
                normalised("fashion-mnist/train", trainImages, trainLabels, trainRows, mean, std),
                normalised("fashion-mnist/validation", trainImages, trainLabels, valRows, mean, std),
                normalised("fashion-mnist/test", testImages, testLabels, allTest, mean, std));
    }

    private static Dataset normalised(String name, IdxReader.IdxData images, byte[] labels, int[] rows, double mean,
                                      double std) {
        int features = images.itemSize();
        float[] x = new float[rows.length * features];
        byte[] y = new byte[rows.length];
        byte[] px = images.data();
        float scale = (float) (1.0 / (255.0 * std));
        float shift = (float) (mean / std);
        for (int i = 0; i < rows.length; i++) {
            int src = rows[i] * features, dst = i * features;
            for (int j = 0; j < features; j++) x[dst + j] = (px[src + j] & 0xff) * scale - shift;
            y[i] = labels[rows[i]];
        }
        return new Dataset(name, x, y, rows.length, features, CLASSES);
    }
}
