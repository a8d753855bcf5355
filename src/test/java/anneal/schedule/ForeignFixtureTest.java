package anneal.schedule;

import anneal.schedule.spec.Schedules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Configs pasted from optax, Keras, transformers and timm give each library's own values (to 1e-12 relative, fixtures from
 * the libraries' code: tools/gen_foreign_fixtures.py), and each refuses what that library refuses.
 */
class ForeignFixtureTest {
    static List<Fixtures.Case> optax() {
        return Fixtures.cases("/fixtures/foreign-optax.json");
    }

    static List<Fixtures.Case> keras() {
        return Fixtures.cases("/fixtures/foreign-keras.json");
    }

    static List<Fixtures.Case> transformers() {
        return Fixtures.cases("/fixtures/foreign-transformers.json");
    }

    static List<Fixtures.Case> timm() {
        return Fixtures.cases("/fixtures/foreign-timm.json");
    }

    @Test
    void atLeastTwentyValueCasesPerLibrary() {
        for (List<Fixtures.Case> cases : List.of(optax(), keras(), transformers(), timm())) {
            assertTrue(cases.stream().filter(c -> c.raisesAtRow() != 0).count() >= 20, cases.get(0).spec());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optax")
    void optaxValues(Fixtures.Case c) {
        check(c, "optax");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keras")
    void kerasValues(Fixtures.Case c) {
        check(c, "Keras");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transformers")
    void transformersValues(Fixtures.Case c) {
        check(c, "transformers");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("timm")
    void timmValues(Fixtures.Case c) {
        check(c, "timm");
    }

    /** Values row by row; where the library raised at construction, one message naming the library's error. */
    private static void check(Fixtures.Case c, String library) {
        if (c.raisesAtRow() == 0) {
            String e = assertThrows(IllegalArgumentException.class,
                    () -> Schedules.fromSpec(c.spec(), c.baseLrs()), c.error()).getMessage();
            assertTrue(e.startsWith(c.spec().substring(0, c.spec().indexOf('('))), e);
            assertTrue(e.contains(library + " raises " + c.error().substring(0, c.error().indexOf(':'))), e);
            assertTrue(!e.contains("\n"), e);
            return;
        }
        PyTorchFixtureTest.check(c, TorchVersion.V2);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "optax.cosine_decay_schedule(init_value=0.1, decay_steps=10, T_max=10)|optax.cosine_decay_schedule: unknown "
            + "argument T_max=10; allowed arguments: init_value, decay_steps, alpha, exponent",
        "keras.CosineDecay(initial_learning_rate=0.1, decay_steps=10, eta_min=0.0)|keras.CosineDecay: unknown argument "
            + "eta_min=0.0; allowed arguments: initial_learning_rate, decay_steps, alpha, warmup_target, warmup_steps, name",
        "transformers.get_cosine_schedule_with_warmup(num_warmup_steps=1, num_training_steps=9, warmup_steps=1)|"
            + "transformers.get_cosine_schedule_with_warmup: unknown argument warmup_steps=1; allowed arguments: "
            + "num_warmup_steps, num_training_steps, num_cycles",
        "optax.cosine_schedule(init_value=0.1)|unknown optax schedule 'optax.cosine_schedule'",
        "timm.CosineLRScheduler(t_initial=10, noise_type='uniform')|timm.CosineLRScheduler: unknown argument "
            + "noise_type='uniform'; allowed arguments: t_initial, lr_min",
        "timm.TanhLRScheduler(t_initial=5, lb=3.0, ub=-7.0)|timm.TanhLRScheduler: lb=3.0 is not allowed; allowed: < ub "
            + "(timm raises AssertionError: assert lb < ub)",
        "transformers.get_scheduler(name='cosine_annealing', num_warmup_steps=1)|transformers.get_scheduler: "
            + "name='cosine_annealing' is not allowed; allowed: one of 'linear', 'cosine', 'cosine_with_restarts'",
    })
    void anArgumentTheLibraryDoesNotHaveIsOneLineExit2(String spec, String expected) {
        ScheduleCommandTest.Result r = ScheduleCommandTest.run("schedule", spec, "--base-lr", "0.1", "--steps", "3");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("anneal schedule: " + expected), r.err());
        assertEquals(1, r.err().strip().split("\n").length, r.err());
        assertEquals("", r.out());
    }
}
