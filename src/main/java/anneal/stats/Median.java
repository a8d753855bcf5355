package anneal.stats;

import java.util.Arrays;

/** The sample median of a plain array, infinities included. */
public final class Median {
    private Median() {
    }

    /**
     * The middle value of a sorted copy of {@code x}; an even count averages the two middle values (infinity when
     * either is). {@code x} is left as it is.
     */
    public static double of(double[] x) {
        if (x.length == 0) throw new IllegalArgumentException("the median of no values");
        double[] s = x.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
