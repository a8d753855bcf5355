package anneal.data;

/**
 * A labelled image classification split held in memory: {@code count} rows of {@code features}
 * floats (row-major, already normalised) and one class label per row.
 */
public record Dataset(String name, float[] features, byte[] labels, int count, int featureCount, int classes) {
    public Dataset {
        if (features.length != (long) count * featureCount)
            throw new IllegalArgumentException(name + ": features has " + features.length + " floats, expected "
                    + count + " x " + featureCount);
        if (labels.length != count)
            throw new IllegalArgumentException(name + ": labels has " + labels.length + " entries, expected " + count);
    }

    public int label(int row) {
        return labels[row];
    }
}
