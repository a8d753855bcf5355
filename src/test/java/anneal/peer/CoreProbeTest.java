package anneal.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link CoreProbe}'s accounting against hand-worked timelines (a chunk is one reference chunk of work, spread over
 * its duration), its summary against closed forms, and one real single-thread probe, which cannot report more than
 * one core's work.
 */
class CoreProbeTest {
    @Test
    void twoThreadsAtFullAndHalfSpeedGetOneAndAHalfCoresPerSlice() {
        // reference chunk 10 ns, slices of 100 ns from 0: thread 0 ends a chunk every 10 ns, thread 1 every 20 ns
        long[][] ends = {new long[20], new long[10]};
        for (int i = 0; i < 20; i++) ends[0][i] = 10L * (i + 1);
        for (int i = 0; i < 10; i++) ends[1][i] = 20L * (i + 1);
        double[] cores = CoreProbe.effectiveCores(new long[] {0, 0}, ends, new int[] {20, 10}, 10, 0, 100, 2);
        assertArrayEquals(new double[] {1.5, 1.5}, cores, 1e-12);
    }

    @Test
    void aChunkAcrossSliceBoundariesIsSharedByTheTimeItSpentInEach() {
        // one chunk from 0 to 150 ns, reference 100 ns: 100/150 of its work in [0, 100), 50/150 in [100, 200)
        double[] two = CoreProbe.effectiveCores(new long[] {0}, new long[][] {{150}}, new int[] {1}, 100, 0, 100, 2);
        assertArrayEquals(new double[] {2.0 / 3, 1.0 / 3}, two, 1e-12);
        // the same chunk when only the first slice is counted
        double[] one = CoreProbe.effectiveCores(new long[] {0}, new long[][] {{150}}, new int[] {1}, 100, 0, 100, 1);
        assertArrayEquals(new double[] {2.0 / 3}, one, 1e-12);
    }

    @Test
    void workBeforeTheFirstSliceIsNotCounted() {
        // a thread that started 50 ns before t0: its first chunk (-50 to 50) puts half its work in slice 0
        double[] cores = CoreProbe.effectiveCores(new long[] {-50}, new long[][] {{50, 150}}, new int[] {2}, 100, 0, 100, 1);
        assertArrayEquals(new double[] {0.5 + 0.5}, cores, 1e-12);
    }

    @Test
    void summaryIsTheMeanMedianAndShareOfSlicesShortOfCores() {
        CoreProbe.Result r = new CoreProbe.Result(2, 0.08, 53.0, new double[] {1.0, 2.0, 1.4, 1.6});
        assertEquals(1.5, r.mean(), 1e-12);
        assertEquals(1.5, r.median(), 1e-12); // (1.4 + 1.6) / 2
        assertEquals(0.5, r.shortFraction(), 1e-12); // 1.0 and 1.4 are below 2 - 0.5
        Map<String, Object> json = r.toJson();
        assertEquals(4, json.get("slices"));
        assertEquals(1.0, (double) json.get("min_cores"), 1e-12);
        assertEquals(1.4, new CoreProbe.Result(1, 1, 1, new double[] {1.4, 0.2, 3.0}).median(), 1e-12);
    }

    @Test
    void aSingleThreadNeverReportsMoreThanOneCore() throws InterruptedException {
        CoreProbe.Result r = CoreProbe.measure(1, 0.1);
        assertTrue(r.cores().length >= 4, Arrays.toString(r.cores()));
        assertTrue(r.referenceChunkMicros() > 0, "reference " + r.referenceChunkMicros());
        for (double c : r.cores()) assertTrue(c > 0 && c < 1.3, Arrays.toString(r.cores())); // 1 + timing slack
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> CoreProbe.measure(0, 1));
        assertThrows(IllegalArgumentException.class, () -> CoreProbe.measure(2, 0.01));
        assertThrows(IllegalArgumentException.class, () -> CoreProbe.measure(2, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new CoreProbe.Result(2, 1, 1, new double[0]));
    }
}
