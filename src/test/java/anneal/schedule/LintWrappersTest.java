package anneal.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import anneal.schedule.spec.Lint;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Lint checks what the built schedule says of itself ({@link OptimizerBound#shape()}): each wrapper answers for what
 * it wraps over the calls it steps it for, composites from their children, and every length is the built value
 * (the registry's defaults), never re-read from the spec. One test per wrapper, and one that fires and one that
 * does not per horizon fit. The expected messages follow from the run's length by hand (E epochs of S steps).
 */
class LintWrappersTest {
    private static final Budget RUN = new Budget(30, 100);

    private static List<String> findings(String spec, Budget plan) {
        return Lint.check(spec, new double[] {0.1}, plan).stream().map(Lint.Finding::toString)
                .collect(Collectors.toList());
    }

    private static List<String> findings(String spec) {
        return findings(spec, RUN);
    }

    @Test
    void horizonHoldChecksTheHeldScheduleOverTheHorizonOnly() {
        // issue #11's false positive: the cosine reaches eta_min at step 2 and is held there, it never rises back
        String spec = "HorizonLR(scheduler=CosineAnnealingLR(T_max=2), horizon=2, policy='hold')";
        assertEquals(List.of(), findings(spec, new Budget(4, 1)));
        assertEquals(List.of(), findings(spec, new Budget(4, 100)));
        // held at 3, the cosine of T_max=2 has already risen for a step
        assertEquals(List.of("horizon: CosineAnnealingLR: T_max=2 is shorter than its 3 epochs; past T_max the lr "
                + "rises back along the cosine (PyTorch)"),
                findings("HorizonLR(scheduler=CosineAnnealingLR(T_max=2), horizon=3, policy='hold')", new Budget(4, 1)));
    }

    @Test
    void horizonHoldCommandLineHasNoFindings() {
        ScheduleCommandTest.Result r = ScheduleCommandTest.run("schedule",
                "HorizonLR(scheduler=CosineAnnealingLR(T_max=2), horizon=2, policy='hold')", "--base-lr", "0.1", "--lint",
                "--epochs", "4",
                "--steps-per-epoch", "1");
        assertEquals(0, r.code(), r.err());
        assertEquals("no findings", r.out().strip());
    }

    @Test
    void horizonContinueChecksTheWrappedScheduleOverTheWholeRun() {
        assertEquals(List.of("horizon: CosineAnnealingLR: T_max=2 is shorter than its 4 epochs; past T_max the lr "
                + "rises back along the cosine (PyTorch)"),
                findings("HorizonLR(scheduler=CosineAnnealingLR(T_max=2), horizon=2, policy='continue')", new Budget(4, 1)));
        assertEquals(List.of(),
                findings("HorizonLR(scheduler=CosineAnnealingLR(T_max=4), horizon=2, policy='continue')", new Budget(4, 1)));
    }

    @Test
    void horizonRaiseIsTheRaiseNotTheWrappedLength() {
        assertEquals(List.of("horizon: step 3 of 4 epochs raises: HorizonLR: step 3 is past horizon=2 (policy 'raise')"),
                findings("HorizonLR(scheduler=CosineAnnealingLR(T_max=2), horizon=2, policy='raise')", new Budget(4, 1)));
        assertEquals(List.of(),
                findings("HorizonLR(scheduler=CosineAnnealingLR(T_max=4), horizon=4, policy='raise')", new Budget(4, 1)));
    }

    @Test
    void horizonCycleChecksOneCycle() {
        assertEquals(List.of(),
                findings("HorizonLR(scheduler=CosineAnnealingLR(T_max=10), horizon=10, policy='cycle')"));
        assertEquals(List.of("horizon: CosineAnnealingLR: T_max=12 is longer than its 10 epochs; the lr never reaches "
                + "eta_min"), findings("HorizonLR(scheduler=CosineAnnealingLR(T_max=12), horizon=10, policy='cycle')"));
    }

    @Test
    void sequentialChecksEachChildOverItsSegmentAndSkipsOneThatNeverRuns() {
        assertEquals(List.of("horizon: CosineAnnealingLR (from epoch 5): T_max=20 is shorter than its 25 epochs; past "
                + "T_max the lr rises back along the cosine (PyTorch)"), findings("SequentialLR(schedulers=["
                + "LinearLR(start_factor=0.5, end_factor=1.0, total_iters=5), CosineAnnealingLR(T_max=20)], milestones=[5])"));
        // the cosine never runs: only the milestone is reported (before: 'T_max=25 is longer than its -10 epochs')
        assertEquals(List.of("horizon: SequentialLR: milestone 40 is not before the end of its 30 epochs; schedulers[1] "
                + "never runs"), findings("SequentialLR(schedulers=[LinearLR(start_factor=0.5, total_iters=5), "
                + "CosineAnnealingLR(T_max=25)], milestones=[40])"));
    }

    @Test
    void chainedChecksEveryChildOverTheWholeRun() {
        assertEquals(List.of("horizon: CosineAnnealingLR: T_max=20 is shorter than its 30 epochs; past T_max the lr rises"
                + " back along the cosine (PyTorch)"), findings("ChainedScheduler(schedulers=[LinearLR(start_factor=0.5, "
                + "total_iters=5), CosineAnnealingLR(T_max=20)])"));
        assertEquals(List.of(), findings("ChainedScheduler(schedulers=[LinearLR(start_factor=0.5, total_iters=5), "
                + "CosineAnnealingLR(T_max=30)])"));
    }

    @Test
    void warmupOutsideStartsTheWrappedScheduleAtTheJoinAndInsideAtZero() {
        assertEquals(List.of(), findings("WarmupLR(scheduler=CosineAnnealingLR(T_max=27), warmup_steps=3)"));
        assertEquals(List.of("horizon: CosineAnnealingLR (from epoch 3): T_max=30 is longer than its 27 epochs; the lr "
                + "never reaches eta_min"), findings("WarmupLR(scheduler=CosineAnnealingLR(T_max=30), warmup_steps=3)"));
        assertEquals(List.of(), findings("WarmupLR(scheduler=CosineAnnealingLR(T_max=30), warmup_steps=3, inside=True)"));
        assertEquals(List.of("horizon: CosineAnnealingLR: T_max=27 is shorter than its 30 epochs; past T_max the lr rises "
                + "back along the cosine (PyTorch)"),
                findings("WarmupLR(scheduler=CosineAnnealingLR(T_max=27), warmup_steps=3, inside=True)"));
        // a warmup as long as the run: the wrapped schedule never runs and is not checked
        assertEquals(List.of("horizon: WarmupLR: warmup_steps=30 is not shorter than its 30 epochs; the warmup never "
                + "ends"), findings("WarmupLR(scheduler=CosineAnnealingLR(T_max=27), warmup_steps=30)"));
    }

    @Test
    void gradualWarmupsPeakIsTheMultiplierTimesTheBase() {
        // the warmup reaches 2 x 0.1 = 0.2: not above its own peak; a lambda factor of 3 after it is
        assertEquals(List.of(), findings("GradualWarmupLR(multiplier=2, warmup_steps=300, "
                + "after_scheduler=LambdaLR(lr_lambda='1'))"));
        List<String> above = findings("GradualWarmupLR(multiplier=2, warmup_steps=300, "
                + "after_scheduler=LambdaLR(lr_lambda='1.5'))");
        assertTrue(above.stream().anyMatch(f -> f.startsWith("value: lr is above the peak 0.2")), above.toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "NoisyLR(scheduler=CosineAnnealingLR(T_max=20), noise_pct=0.01, noise_range=[5])|NoisyLR(scheduler=CosineAnnealingLR(T_max=30), noise_pct=0.01, noise_range=[5])",
        "GroupScaleLR(scheduler=CosineAnnealingLR(T_max=20), scales=[1.0])|GroupScaleLR(scheduler=CosineAnnealingLR(T_max=30), scales=[1.0])",
        "CoScheduleLR(scheduler=CosineAnnealingLR(T_max=20), momentum=LambdaLR(lr_lambda='1'))|CoScheduleLR(scheduler=CosineAnnealingLR(T_max=30), momentum=LambdaLR(lr_lambda='1'))",
    })
    void onTopWrappersAnswerForTheWrappedSchedule(String short20, String fits30) {
        assertEquals(List.of("horizon: CosineAnnealingLR: T_max=20 is shorter than its 30 epochs; past T_max the lr rises "
                + "back along the cosine (PyTorch)"), findings(short20));
        assertEquals(List.of(), findings(fits30));
    }

    @Test
    void defaultsComeFromTheBuiltSchedule() {
        // LinearLR's and PolynomialLR's total_iters default (5, PyTorch's) is the one the registry builds with
        assertEquals(List.of("horizon: LinearLR: total_iters=5 is longer than its 4 epochs; it never completes"),
                findings("LinearLR()", new Budget(4, 1)));
        assertEquals(List.of(), findings("LinearLR()", new Budget(5, 1)));
        assertEquals(List.of("horizon: PolynomialLR: total_iters=5 is longer than its 4 epochs; it never completes"),
                findings("PolynomialLR()", new Budget(4, 1)));
    }

    @Test
    void totalLengthMustEqualTheRun() {
        assertEquals(List.of("horizon: WarmupCosineLR: total_steps=2000 but it runs 3000 steps"),
                findings("WarmupCosineLR(warmup_steps=100, total_steps=2000)"));
        assertEquals(List.of(), findings("WarmupCosineLR(warmup_steps=100, total_steps=3000)"));
        assertEquals(List.of("horizon: WarmupStableDecayLR: warmup_steps + stable_steps + decay_steps = 2900 but it runs "
                + "3000 steps"), findings("WarmupStableDecayLR(warmup_steps=100, stable_steps=2000, decay_steps=800)"));
        assertEquals(List.of(), findings("WarmupStableDecayLR(warmup_steps=100, stable_steps=2000, decay_steps=900)"));
    }

    @Test
    void periodsAndMilestonesMustFallInsideTheRun() {
        assertEquals(List.of("horizon: StepLR: step_size=30 is not shorter than its 30 epochs; the lr never decays"),
                findings("StepLR(step_size=30)"));
        assertEquals(List.of(), findings("StepLR(step_size=10)"));
        assertEquals(List.of("horizon: MultiStepLR: milestone 30 is not before the end of its 30 epochs; it never takes "
                + "effect"), findings("MultiStepLR(milestones=[30, 10])"));
        assertEquals(List.of(), findings("MultiStepLR(milestones=[10, 29])"));
    }

    @Test
    void stepsPerEpochAScheduleAssumesIsAClockFinding() {
        // OneCycleLR from epochs x steps_per_epoch; was a horizon finding, it is the schedule's clock that differs
        assertEquals(List.of("clock: OneCycleLR: steps_per_epoch=50 but the run has 100 steps per epoch"),
                findings("OneCycleLR(max_lr=0.5, epochs=60, steps_per_epoch=50)"));
        assertEquals(List.of(), findings("OneCycleLR(max_lr=0.5, epochs=30, steps_per_epoch=100)"));
        // with total_steps given PyTorch ignores steps_per_epoch, and so does lint
        assertEquals(List.of(), findings("OneCycleLR(max_lr=0.5, total_steps=3000, epochs=60, steps_per_epoch=50)"));
        assertEquals(List.of("clock: CosineAnnealingWarmRestarts: steps_per_epoch=50 but the run has 100 steps per epoch;"
                + " its epochs are not the run's"), findings("CosineAnnealingWarmRestarts(T_0=10, steps_per_epoch=50)"));
        assertEquals(List.of(), findings("CosineAnnealingWarmRestarts(T_0=10, steps_per_epoch=100)"));
    }

    @Test
    void restartCyclesMustEndWithTheRun() {
        assertEquals(List.of("horizon: CosineAnnealingWarmRestarts: the run ends at epoch 30, inside the restart cycle "
                + "that ends at epoch 56 (T_0=8, T_mult=2)"), findings("CosineAnnealingWarmRestarts(T_0=8, T_mult=2)"));
        assertEquals(List.of(), findings("CosineAnnealingWarmRestarts(T_0=2, T_mult=2)")); // 2 + 4 + 8 + 16 = 30
    }

    @Test
    void maxLrIsThePeak() {
        assertEquals(List.of(), findings("CyclicLR(base_lr=0.01, max_lr=0.5, step_size_up=500)"));
        List<String> above = findings("CyclicLR(base_lr=0.01, max_lr=0.5, step_size_up=500, "
                + "scale_fn='2', scale_mode='iterations')");
        assertTrue(above.stream().anyMatch(f -> f.startsWith("value: lr is above the peak 0.5")), above.toString());
    }
}
