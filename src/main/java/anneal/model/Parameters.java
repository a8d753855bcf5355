package anneal.model;

/**
 * The trainable tensors of an {@link MlpSpec}, in PyTorch's order and layout:
 * {@code [W0, b0, W1, b1, ...]} where {@code W_l} is {@code fanOut x fanIn} row-major
 * (as {@code nn.Linear.weight}) and {@code b_l} has {@code fanOut} entries.
 */
public final class Parameters {
    private final MlpSpec spec;
    private final float[][] tensors;

    public Parameters(MlpSpec spec, float[][] tensors) {
        if (tensors.length != 2 * spec.layers())
            throw new IllegalArgumentException("expected " + 2 * spec.layers() + " tensors for " + spec + ", got " + tensors.length);
        for (int l = 0; l < spec.layers(); l++) {
            check(tensors[2 * l], (long) spec.fanOut(l) * spec.fanIn(l), "W" + l);
            check(tensors[2 * l + 1], spec.fanOut(l), "b" + l);
        }
        this.spec = spec;
        this.tensors = tensors;
    }

    private static void check(float[] t, long expected, String name) {
        if (t.length != expected)
            throw new IllegalArgumentException(name + " has " + t.length + " floats, expected " + expected);
    }

    /** Zero-filled parameters of the right shapes. */
    public static Parameters zeros(MlpSpec spec) {
        float[][] t = new float[2 * spec.layers()][];
        for (int l = 0; l < spec.layers(); l++) {
            t[2 * l] = new float[spec.fanOut(l) * spec.fanIn(l)];
            t[2 * l + 1] = new float[spec.fanOut(l)];
        }
        return new Parameters(spec, t);
    }

    public MlpSpec spec() {
        return spec;
    }

    public int count() {
        return tensors.length;
    }

    /** Tensor {@code i} (live array, not a copy). */
    public float[] tensor(int i) {
        return tensors[i];
    }

    public float[] weight(int layer) {
        return tensors[2 * layer];
    }

    public float[] bias(int layer) {
        return tensors[2 * layer + 1];
    }

    /** Whether tensor {@code i} is a bias (odd index). */
    public static boolean isBias(int i) {
        return (i & 1) == 1;
    }

    public String name(int i) {
        return (isBias(i) ? "b" : "W") + (i / 2);
    }

    public long totalFloats() {
        long n = 0;
        for (float[] t : tensors) n += t.length;
        return n;
    }

    public Parameters copy() {
        float[][] t = new float[tensors.length][];
        for (int i = 0; i < t.length; i++) t[i] = tensors[i].clone();
        return new Parameters(spec, t);
    }
}
