package anneal.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Where PyTorch 1.13's step raises OverflowError (issue #16: CyclicLR triangular2 in cycle 1025, at step 2048, per
 * the fixture "cyclic triangular2 overflow"), {@code anneal schedule} stops there with one line and exit 2 instead
 * of printing base_lr on.
 */
class PythonRefusalCommandTest {
    @Test
    void triangular2OverflowFailsAtPyTorchsStep() {
        Fixtures.Case c = Fixtures.cases().stream().filter(x -> x.name().equals("cyclic triangular2 overflow"))
                .findFirst().orElseThrow();
        assertEquals(2048, c.raisesAtRow());
        ScheduleCommandTest.Result r = ScheduleCommandTest.run("schedule", c.spec(), "--base-lr", "0.1", "--steps", "2400");
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().split("\n").length, r.err());
        assertTrue(r.err().contains("OverflowError") && r.err().contains("at step 2048"), r.err());
    }
}
