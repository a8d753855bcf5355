import anneal.backend.Backend;
import anneal.jmh.TrainStepBench;
import java.lang.reflect.Field;

/**
 * One build's side of tools/build_ab.sh: loaded once per build, each in its own class loader, so the two builds'
 * {@code anneal.*} classes never meet. It drives that build's own JMH {@link TrainStepBench} (CPU backend, batch 128,
 * hidden 256, {@code order=shuffled}), so the A/B measures exactly the step the README's JMH figures measure, in
 * its setting, and the setting lives in one place.
 */
public class AbRunner {
    static TrainStepBench bench;
    /** A running hash of every step's loss bits, to check that both builds train the same trajectory. */
    static long lossBits;

    public static void setup(int threads) {
        bench = new TrainStepBench();
        bench.backend = "cpu";
        bench.batch = 128;
        bench.hidden = 256;
        bench.threads = threads;
        bench.order = "shuffled";
        bench.setUp();
    }

    /** {@code steps} training steps on the next batches (wrapping at the epoch's end); nanoseconds taken. */
    public static long run(int steps) {
        long t0 = System.nanoTime();
        for (int s = 0; s < steps; s++) lossBits = 31 * lossBits + Double.doubleToLongBits(bench.step());
        return System.nanoTime() - t0;
    }

    public static long lossChecksum() {
        return lossBits;
    }

    /** The benchmark's backend has no accessor (and older builds' benchmark cannot be given one). */
    public static float[] parameter(int tensor) throws ReflectiveOperationException {
        Field device = TrainStepBench.class.getDeclaredField("device");
        device.setAccessible(true);
        return ((Backend) device.get(bench)).parameters().tensor(tensor);
    }
}
