package anneal.backend.cuda;

import java.util.Arrays;
import java.util.Map;

/**
 * The one judge of a kernel case's outputs, whichever ran them: {@link DeviceKernelCheck} (a GPU, or the CPU
 * stand-in driver) and the sanitizer emulation harness ({@code kernels/harness/emu_check.cpp}, which only replays
 * the case's launches and writes the output buffers; {@code KernelEmulationTest} reads them back and calls this). A value
 * passes when {@code |got - expected| <= atol + rtol |expected|} (the case's tolerances); an output missing from
 * {@code got} fails.
 */
public final class KernelJudge {
    private KernelJudge() {
    }

    /** Judges {@code got} (output name to Double, float[], double[], int[] or byte[]) against {@code c}'s expected values. */
    public static DeviceKernelCheck.Result judge(KernelCase c, Map<String, Object> got) {
        Comparison cmp = new Comparison(c.atol(), c.rtol());
        for (Map.Entry<String, Object> e : c.expected().entrySet()) cmp.check(e.getKey(), got.get(e.getKey()), e.getValue());
        return new DeviceKernelCheck.Result(c.name(), cmp.ok, cmp.maxAbs, cmp.firstMiss);
    }

    /** |got - expected| <= atol + rtol |expected| for every value. */
    static final class Comparison {
        final double atol, rtol;
        boolean ok = true;
        double maxAbs;
        String firstMiss = "";

        Comparison(double atol, double rtol) {
            this.atol = atol;
            this.rtol = rtol;
        }

        void check(String what, Object got, Object expected) {
            double[] g = values(got), e = values(expected);
            if (g == null || g.length != e.length) {
                miss(what + ": " + (g == null ? "missing" : g.length + " values") + ", expected " + e.length);
                return;
            }
            for (int i = 0; i < g.length; i++) {
                double err = Math.abs(g[i] - e[i]);
                if (!(err <= atol + rtol * Math.abs(e[i]))) miss(what + "[" + i + "] = " + g[i] + ", expected " + e[i]);
                if (err > maxAbs || Double.isNaN(err)) maxAbs = err;
            }
        }

        void miss(String m) {
            if (ok) firstMiss = m;
            ok = false;
        }

        static double[] values(Object o) {
            if (o == null) return null;
            if (o instanceof Double d) return new double[] {d};
            if (o instanceof float[] f) {
                double[] v = new double[f.length];
                for (int i = 0; i < f.length; i++) v[i] = f[i];
                return v;
            }
            if (o instanceof double[] d) return d.clone();
            if (o instanceof int[] a) return Arrays.stream(a).asDoubleStream().toArray();
            if (o instanceof byte[] b) {
                double[] v = new double[b.length];
                for (int i = 0; i < b.length; i++) v[i] = b[i];
                return v;
            }
            throw new IllegalArgumentException("cannot compare " + o.getClass());
        }
    }
}
