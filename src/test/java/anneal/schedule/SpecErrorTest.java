package anneal.schedule;

import anneal.schedule.spec.Schedules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad specs fail with one message naming the schedule, the argument, the value and what is allowed. */
class SpecErrorTest {

    private static String error(String spec, double... lrs) {
        return assertThrows(IllegalArgumentException.class, () -> Schedules.fromSpec(spec, lrs)).getMessage();
    }

    private static void assertMentions(String message, String... parts) {
        for (String p : parts) assertTrue(message.contains(p), "'" + p + "' missing from: " + message);
        assertTrue(!message.contains("\n"), "one line: " + message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "StepLR(step_size=0)|StepLR|step_size=0|>= 1",
        "StepLR(step_size=3, gamma=0)|StepLR|gamma=0.0|> 0",
        "StepLR(step_size=2.5)|StepLR|step_size=2.5|an integer",
        "StepLR(step_size='3')|StepLR|step_size='3'|an integer",
        "ExponentialLR(gamma=-0.5)|ExponentialLR|gamma=-0.5|> 0",
        "CosineAnnealingLR(T_max=0)|CosineAnnealingLR|T_max=0.0|> 0",
        "CosineAnnealingLR(T_max=10, eta_min=-1)|CosineAnnealingLR|eta_min=-1.0|>= 0",
        "MultiStepLR(milestones=[3, -1])|MultiStepLR|milestones|integers >= 0",
        "MultiStepLR(milestones=5)|MultiStepLR|milestones=5|list of integers",
        "ConstantLR(factor=1.5)|ConstantLR|factor=1.5|<= 1",
        "ConstantLR(factor=0)|ConstantLR|factor=0.0|> 0",
        "LinearLR(start_factor=0)|LinearLR|start_factor=0.0|> 0",
        "LinearLR(end_factor=2)|LinearLR|end_factor=2.0|<= 1",
        "PolynomialLR(total_iters=-1)|PolynomialLR|total_iters=-1|>= 0",
        "OneCycleLR(max_lr=0.1, total_steps=0)|OneCycleLR|total_steps=0|>= 1",
        "OneCycleLR(max_lr=0.1)|OneCycleLR|total_steps|epochs and steps_per_epoch",
        "OneCycleLR(max_lr=0.1, total_steps=10, pct_start=1.5)|OneCycleLR|pct_start=1.5|<= 1",
        "OneCycleLR(max_lr=0.1, total_steps=10, anneal_strategy='cosine')|OneCycleLR|anneal_strategy='cosine'|'cos', 'linear'",
        "OneCycleLR(max_lr=[0.1, 0.2, 0.3], total_steps=10)|OneCycleLR|max_lr|2 numbers",
        "OneCycleLR(max_lr=0.1, total_steps=10, three_phase=1)|OneCycleLR|three_phase=1|True or False",
        "CyclicLR(max_lr=0.1)|CyclicLR|missing required argument base_lr|",
        "CyclicLR(base_lr=0.01, max_lr=0.1, mode='sawtooth')|CyclicLR|mode='sawtooth'|'triangular', 'triangular2', 'exp_range'",
        "CyclicLR(base_lr=0.01, max_lr=0.1, step_size_up=0)|CyclicLR|step_size_up=0.0|> 0",
        "CosineAnnealingWarmRestarts(T_0=0)|CosineAnnealingWarmRestarts|T_0=0|>= 1",
        "CosineAnnealingWarmRestarts(T_0=2, T_mult=1.5)|CosineAnnealingWarmRestarts|T_mult=1.5|an integer",
        "ReduceLROnPlateau(factor=1.0)|ReduceLROnPlateau|factor=1.0|< 1",
        "ReduceLROnPlateau(mode='minimum')|ReduceLROnPlateau|mode='minimum'|'min', 'max'",
        "ReduceLROnPlateau(threshold_mode='relative')|ReduceLROnPlateau|threshold_mode='relative'|'rel', 'abs'",
        "ReduceLROnPlateau(min_lr=[0.1, 0.2, 0.3])|ReduceLROnPlateau|min_lr|2 numbers",
        "SequentialLR(schedulers=[StepLR(step_size=2)], milestones=[3])|SequentialLR|milestones=[3]|one milestone fewer",
        "SequentialLR(schedulers=[StepLR(step_size=2), WarmupLR(warmup_steps=2)], milestones=[3])|SequentialLR|WarmupLR|step(0)",
        "LambdaLR(lr_lambda='0.95 ** epoch // 2')|LambdaLR|lr_lambda|//",
        "LambdaLR(lr_lambda='0.95 ** epochs')|LambdaLR|lr_lambda='0.95 ** epochs'|expression of epoch",
        "LambdaLR(lr_lambda=['1', '2', '3'])|LambdaLR|lr_lambda|one per parameter group",
        "LambdaLR(lr_lambda='1 if epoch < 3 else 0.1')|LambdaLR|lr_lambda|if",
        "StepLR(step_size=2, last_epoch=-3)|StepLR|last_epoch=-3|>= -1",
        "StepLR(step_size=2, gama=0.5)|StepLR|unknown argument gama=0.5|step_size, gamma",
        "WarmupLR(warmup_steps=0)|WarmupLR|warmup_steps=0|>= 1",
        "WarmupLR(warmup_steps=3, warmup='exponential', start_factor=0)|WarmupLR|start_factor=0.0|> 0",
        "WarmupCosineLR(warmup_steps=10, total_steps=10)|WarmupCosineLR|total_steps=10|> warmup_steps",
        "InverseSqrtLR(warmup_steps=0)|InverseSqrtLR|warmup_steps=0|>= 1",
        "WarmupStableDecayLR(warmup_steps=1, stable_steps=1, decay_steps=1, decay_type='exp')|WarmupStableDecayLR|decay_type='exp'|'linear', 'cosine', '1-sqrt'",
        "CosineDecayRestartsLR(first_decay_steps=5, t_mul=0.5)|CosineDecayRestartsLR|t_mul=0.5|>= 1",
        "GradualWarmupLR(multiplier=0.5, warmup_steps=3)|GradualWarmupLR|multiplier=0.5|>= 1",
    })
    void namesScheduleArgumentValueAndAllowed(String spec, String schedule, String argAndValue, String allowed) {
        String m = error(spec, 0.1, 0.01);
        assertMentions(m, schedule, argAndValue);
        if (allowed != null) assertMentions(m, allowed);
    }

    @Test
    void unknownScheduleListsTheKnownOnes() {
        String m = error("StepLr(step_size=2)", 0.1);
        assertMentions(m, "unknown schedule 'StepLr'", "StepLR", "OneCycleLR", "WarmupCosineLR");
    }

    @Test
    void syntaxErrorsSayWhereAndWhat() {
        assertMentions(error("StepLR(step_size=2", 0.1), "column 19", "',' or ')'");
        assertMentions(error("StepLR(2)", 0.1), "StepLR", "name=value");
        assertMentions(error("StepLR(optimizer, step_size=2)", 0.1), "StepLR", "optimizer is implicit");
        assertMentions(error("StepLR(step_size=2, step_size=3)", 0.1), "step_size given twice");
        assertMentions(error("StepLR(step_size=2) extra", 0.1), "end of spec");
        assertMentions(error("", 0.1), "empty");
        assertMentions(error("CyclicLR(base_lr=0.1, max_lr=1, mode=triangular)", 0.1), "strings need quotes");
    }

    @Test
    void badBaseLrIsRejected() {
        assertMentions(error("StepLR(step_size=2)", -0.1), "base lr of group 0=-0.1", ">= 0");
        assertMentions(error("StepLR(step_size=2)"), "at least one parameter group");
    }

    @Test
    void oneCyclePastTotalStepsThrowsLikePyTorch() {
        LrScheduler s = Schedules.fromSpec("OneCycleLR(max_lr=0.1, total_steps=3)", 0.1);
        for (int i = 0; i < 3; i++) s.step();
        IllegalStateException e = assertThrows(IllegalStateException.class, s::step);
        assertMentions(e.getMessage(), "OneCycleLR", "tried to step 5 times", "total steps is 3");
    }

    @Test
    void plateauNeedsAMetric() {
        LrScheduler s = Schedules.fromSpec("ReduceLROnPlateau()", 0.1);
        assertTrue(s.needsMetric());
        assertThrows(IllegalStateException.class, s::step);
    }

    @Test
    void pythonPowerPrecedenceAndAssociativity() {
        // Python: -2 ** 2 == -4, 2 ** 3 ** 2 == 512, 2 ** -1 == 0.5
        assertEquals(-0.4, Schedules.fromSpec("LambdaLR(lr_lambda='-2 ** 2')", 0.1).lr(0), 1e-15);
        assertEquals(51.2, Schedules.fromSpec("LambdaLR(lr_lambda='2 ** 3 ** 2')", 0.1).lr(0), 1e-12);
        assertEquals(0.05, Schedules.fromSpec("LambdaLR(lr_lambda='2 ** -1')", 0.1).lr(0), 1e-15);
        assertEquals(0.1 * Math.cos(Math.PI / 4),
                Schedules.fromSpec("LambdaLR(lr_lambda='math.cos(math.pi / 4) * max(1, min(2, 0))')", 0.1).lr(0), 1e-15);
    }
}
