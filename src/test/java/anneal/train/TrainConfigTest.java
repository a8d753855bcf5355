package anneal.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import anneal.optim.SgdConfig;
import org.junit.jupiter.api.Test;

/** Issue #11: "equal configs" compared the hidden widths by identity (a record's default equals on an array). */
class TrainConfigTest {
    private static TrainConfig config(int[] hidden) {
        return new TrainConfig("StepLR(step_size=1)", 0.1, 3, 128, 0.88, 7, hidden, new SgdConfig(0.9, 0, true, 5e-4),
                false, 5000, 0, true);
    }

    @Test
    void configsWithEqualHiddenWidthsAreEqual() {
        TrainConfig a = config(new int[] {256}), b = config(new int[] {256});
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, config(new int[] {128}));
    }

    @Test
    void theHiddenWidthsCannotBeChangedThroughTheRecord() {
        int[] given = {256};
        TrainConfig a = config(given);
        given[0] = 1;
        a.hidden()[0] = 2;
        assertEquals(256, a.hidden()[0]);
    }

    @Test
    void stepsPerEpochKeepsTheLastPartialBatch() {
        assertEquals(430, TrainConfig.stepsPerEpoch(55_000, 128)); // 429.7 -> 430, as DataLoader(drop_last=False)
        assertEquals(1, TrainConfig.stepsPerEpoch(1, 128));
        assertEquals(16_777_216, TrainConfig.stepsPerEpoch(Integer.MAX_VALUE, 128)); // no int overflow in n + b - 1
    }
}
