package anneal.schedule;

import anneal.schedule.spec.Schedules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every PyTorch golden case: param_groups[g]['lr'] (and momentum where cycled) after construction and after each
 * step agree with PyTorch 1.13 to 1e-12 relative; where PyTorch raised, the Java raises at the same step.
 */
class PyTorchFixtureTest {
    static List<Fixtures.Case> cases() {
        return Fixtures.cases();
    }

    static List<Fixtures.Case> torch2Cases() {
        return Fixtures.torch2Cases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPyTorch(Fixtures.Case c) {
        check(c, TorchVersion.V1_13);
    }

    /** The same specs (and the 2.x-specific ones) against PyTorch 2.x's own lr_scheduler.py, with torch='2'. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("torch2Cases")
    void matchesPyTorch2(Fixtures.Case c) {
        check(c, TorchVersion.V2);
    }

    static void check(Fixtures.Case c, TorchVersion torch) {
        ParamGroups groups = ParamGroups.of(c.baseLrs());
        if (c.raisesAtRow() == 0) {
            assertThrows(IllegalArgumentException.class, () -> Schedules.build(c.spec(), groups, torch), c.error());
            return;
        }
        LrScheduler s = Schedules.build(c.spec(), groups, torch);
        assertEquals(c.momentum() != null, s.schedules(Hyperparameter.MOMENTUM), "schedulesMomentum");
        assertRow(c, s, 0);
        for (int row = 1; row < c.steps(); row++) {
            if (row == c.raisesAtRow()) {
                assertRaisesAsPyTorch(c, s, row);
                return;
            }
            c.step(s, row);
            assertRow(c, s, row);
        }
        assertEquals(-1, c.raisesAtRow(), "PyTorch raised, the Java did not");
    }

    /**
     * PyTorch's ValueError past OneCycleLR's total_steps is an IllegalStateException; Python's own ZeroDivisionError
     * and OverflowError are ArithmeticExceptions whose message names PyTorch's error.
     */
    static void assertRaisesAsPyTorch(Fixtures.Case c, LrScheduler s, int row) {
        if (c.error().startsWith("ValueError: Tried to step")) { // 1.13 counts the step PyTorch refused, 2.x not
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.step(s, row));
            assertTrue(e.getMessage().contains("tried to step " + (row + 1) + " times"), e.getMessage());
            return;
        }
        String pythonError = c.error().substring(0, c.error().indexOf(':'));
        ArithmeticException e = assertThrows(ArithmeticException.class, () -> c.step(s, row), c.error());
        assertTrue(e.getMessage().contains(pythonError), pythonError + " expected in: " + e.getMessage());
    }

    static void assertRow(Fixtures.Case c, LrScheduler s, int row) {
        for (int g = 0; g < c.baseLrs().length; g++) {
            if (!Fixtures.close(c.lr()[row][g], s.lr(g))) {
                fail("row " + row + " group " + g + ": PyTorch lr " + c.lr()[row][g] + ", Java " + s.lr(g));
            }
            if (c.momentum() != null && !Fixtures.close(c.momentum()[row][g], s.value(Hyperparameter.MOMENTUM, g))) {
                fail("row " + row + " group " + g + ": PyTorch momentum " + c.momentum()[row][g] + ", Java "
                        + s.value(Hyperparameter.MOMENTUM, g));
            }
        }
    }
}
