import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The CPU training step of two builds, A and B, in one JVM (tools/build_ab.sh): each build's classes in a class
 * loader of their own, 200-step chunks alternating (A B, then B A), 10 warm-up rounds, then ROUNDS measured; the
 * ratio B/A is taken per round, so the machine's drift from one minute to the next cancels out of it.
 * Arguments: THREADS ROUNDS CLASSES_A CLASSES_B RUNNER_DIR JAR.
 */
public class BuildAb {
    static final int CHUNK = 200, WARMUP = 10;

    public static void main(String[] a) throws Exception {
        int threads = Integer.parseInt(a[0]), rounds = Integer.parseInt(a[1]);
        Method[] run = new Method[2], parameter = new Method[2], losses = new Method[2];
        for (int v = 0; v < 2; v++) {
            URL[] urls = {Path.of(a[2 + v]).toUri().toURL(), Path.of(a[4]).toUri().toURL(), Path.of(a[5]).toUri().toURL()};
            Class<?> c = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader()).loadClass("AbRunner");
            c.getMethod("setup", int.class).invoke(null, threads);
            run[v] = c.getMethod("run", int.class);
            parameter[v] = c.getMethod("parameter", int.class);
            losses[v] = c.getMethod("lossChecksum");
        }
        double[][] us = new double[2][rounds];
        for (int round = -WARMUP; round < rounds; round++)
            for (int k = 0; k < 2; k++) {
                int v = (round & 1) == 0 ? k : 1 - k;
                long ns = (Long) run[v].invoke(null, CHUNK);
                if (round >= 0) us[v][round] = ns / 1e3 / CHUNK;
            }
        double[] ratio = new double[rounds];
        for (int i = 0; i < rounds; i++) ratio[i] = us[1][i] / us[0][i];
        for (int v = 0; v < 2; v++) {
            double[] s = us[v].clone();
            Arrays.sort(s);
            System.out.printf("%s: median %.1f us per step, fastest %.1f%n", v == 0 ? "A" : "B", s[rounds / 2], s[0]);
        }
        Arrays.sort(ratio);
        System.out.printf("B/A per round: median %.3f [quartiles %.3f, %.3f], %d rounds of %d steps, %d thread%s%n",
                ratio[rounds / 2], ratio[rounds / 4], ratio[3 * rounds / 4], rounds, CHUNK, threads, threads == 1 ? "" : "s");
        boolean same = true;
        for (int t = 0; t < 4; t++)
            same &= Arrays.equals((float[]) parameter[0].invoke(null, t), (float[]) parameter[1].invoke(null, t));
        System.out.println("parameters after equal steps: " + (same ? "bit-identical" : "DIFFERENT"));
        System.out.println("every step's loss: "
                + (losses[0].invoke(null).equals(losses[1].invoke(null)) ? "bit-identical" : "DIFFERENT"));
    }
}
