package anneal.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import anneal.schedule.Budget;
import anneal.schedule.LrScheduler;
import anneal.schedule.spec.Schedules;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduleCatalogueTest {
    /** Fashion-MNIST with 5,000 validation images at batch 128: ceil(55000 / 128) = 430 steps per epoch. */
    private static final Budget THREE_EPOCHS = new Budget(3, anneal.train.TrainConfig.stepsPerEpoch(55_000, 128));

    @Test
    void budgetCountsAPartialLastBatch() {
        assertEquals(430, THREE_EPOCHS.stepsPerEpoch());
        assertEquals(1290, THREE_EPOCHS.totalSteps());
    }

    @Test
    void templatesResolveAgainstTheBudget() {
        assertEquals("OneCycleLR(max_lr=0.1, total_steps=1290)", ScheduleCatalogue.get("onecycle").spec(THREE_EPOCHS));
        // warmup = round(0.1 * 1290) = 129 steps, cosine over the remaining 1161
        assertEquals("WarmupCosineLR(warmup_steps=129, total_steps=1290, warmup_start_factor=0.01)",
                ScheduleCatalogue.get("warmup-linear").spec(THREE_EPOCHS));
        assertEquals("WarmupLR(warmup='cosine', warmup_steps=129, start_factor=0.01, scheduler=WarmupCosineLR("
                + "warmup_steps=0, total_steps=1161))", ScheduleCatalogue.get("warmup-cos").spec(THREE_EPOCHS));
        // 0.01 ** (1 / (3 - 1)) = 0.1
        assertEquals("ExponentialLR(gamma=0.1)", ScheduleCatalogue.get("exponential").spec(THREE_EPOCHS));
        // 10 epochs: milestones at round(5) and round(7.5) = 8
        assertEquals("MultiStepLR(milestones=[5, 8], gamma=0.1)",
                ScheduleCatalogue.get("multistep").spec(new Budget(10, 430)));
        // WSD over 1290 steps: warmup 129, decay round(0.2 * 1290) = 258, stable 1290 - 129 - 258 = 903
        assertEquals("WarmupStableDecayLR(warmup_steps=129, stable_steps=903, decay_steps=258, decay_type='linear', "
                + "min_lr_ratio=0.01)", ScheduleCatalogue.get("wsd").spec(THREE_EPOCHS));
    }

    @Test
    void coversEveryScheduleOfTheChapter() {
        List<String> families = ScheduleCatalogue.all().stream().map(CatalogueEntry::family).toList();
        for (String f : List.of("StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "CyclicLR", "OneCycleLR",
                "CosineAnnealingWarmRestarts", "ReduceLROnPlateau", "constant lr", "linear warmup + cosine",
                "exponential warmup + cosine", "cosine warmup + cosine", "inverse square root", "warmup-stable-decay",
                "PolynomialLR"))
            assertTrue(families.contains(f), f);
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScheduleCatalogue.parse("cosine,foo"));
        assertTrue(e.getMessage().contains("'foo'"), e.getMessage());
        assertTrue(e.getMessage().contains("onecycle"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ScheduleCatalogue.parse(" , "));
    }

    @Test
    void parseKeepsOrderDropsDuplicatesAndExpandsAll() {
        assertEquals(List.of("cosine", "step"),
                ScheduleCatalogue.parse("cosine, step,cosine").stream().map(CatalogueEntry::name).toList());
        assertEquals(ScheduleCatalogue.names(), ScheduleCatalogue.parse("all").stream().map(CatalogueEntry::name).toList());
    }

    /** Every resolved spec must build with the schedule library (skipped until the parser of issue #2 is merged). */
    @Test
    void everySpecParses() {
        for (CatalogueEntry e : ScheduleCatalogue.all())
            for (Budget b : List.of(new Budget(1, 430), THREE_EPOCHS, new Budget(15, 430))) {
                LrScheduler s = Schedules.fromSpec(e.spec(b), e.baseLr());
                assertEquals(1, s.groups(), e.name());
                assertTrue(s.lr(0) >= 0 && s.lr(0) <= 0.1 + 1e-12, e.name() + " starts at " + s.lr(0));
            }
    }

    @Test
    void everyCatalogueSpecFitsItsBudgetByTheLintTheTrainerRuns() {
        // train checks its schedule against the planned run; the sweep's own specs must pass that check
        for (int epochs : new int[] {3, 10, 30}) {  // per-epoch decays cannot fit a 1-epoch run
            Budget budget = new Budget(epochs, anneal.train.TrainConfig.stepsPerEpoch(55_000, 128));
            for (CatalogueEntry e : ScheduleCatalogue.all()) {
                String spec = e.spec(budget);
                var findings = anneal.schedule.spec.Lint.check(spec, new double[] {e.baseLr()}, budget);
                assertTrue(findings.isEmpty(), epochs + " epochs, " + spec + ": " + findings);
            }
        }
    }

    @Test
    void sgdrCyclesEndWithTheRun() {
        // {T_0, T_mult}: 3 = 1 + 2; 10 = 2 + 8; 30 = 2 + 4 + 8 + 16; 7 = 1 + 2 + 4; 5 = 1 + 4 (no T_mult 2 series)
        assertEquals(List.of(1, 2), List.of(ScheduleCatalogue.sgdrCycles(3)[0], ScheduleCatalogue.sgdrCycles(3)[1]));
        assertEquals(List.of(2, 4), List.of(ScheduleCatalogue.sgdrCycles(10)[0], ScheduleCatalogue.sgdrCycles(10)[1]));
        assertEquals(List.of(2, 2), List.of(ScheduleCatalogue.sgdrCycles(30)[0], ScheduleCatalogue.sgdrCycles(30)[1]));
        assertEquals(List.of(1, 2), List.of(ScheduleCatalogue.sgdrCycles(7)[0], ScheduleCatalogue.sgdrCycles(7)[1]));
        assertEquals(List.of(1, 4), List.of(ScheduleCatalogue.sgdrCycles(5)[0], ScheduleCatalogue.sgdrCycles(5)[1]));
        assertEquals(List.of(1, 1), List.of(ScheduleCatalogue.sgdrCycles(1)[0], ScheduleCatalogue.sgdrCycles(1)[1]));
        for (int e = 1; e <= 60; e++) {
            int[] c = ScheduleCatalogue.sgdrCycles(e);
            long sum = 0;
            for (long len = c[0]; sum < e; len *= c[1]) sum += len;
            assertEquals(e, sum, "cycles of " + java.util.Arrays.toString(c) + " for " + e + " epochs");
        }
    }

    @Test
    void everyRecipeIsAPointOfItsSearchSpaceAndEveryTrialBuilds() {
        for (CatalogueEntry e : ScheduleCatalogue.all()) {
            for (anneal.tuning.Dimension d : e.space().dimensions())
                assertTrue(d.contains(e.point().get(d.name())), e.name() + "." + d.name() + " = " + e.point().get(d.name())
                        + " outside its search space");
            assertEquals("lr", e.space().dimensions().get(0).name(), e.name() + ": the peak lr is the first dimension");
            assertTrue(e.space().dimensions().get(0).log(), e.name() + ": the peak lr is searched on a log scale");
            for (int k = 1; k <= 8; k++) {
                CatalogueEntry t = ScheduleCatalogue.get(e.name() + "@" + k);
                assertEquals(e.name() + "@" + k, t.name());
                assertEquals(k, t.trialNumber());
                assertEquals(e.space().point(k), t.point());
                for (Budget b : List.of(THREE_EPOCHS, new Budget(10, 430))) {
                    LrScheduler s = Schedules.fromSpec(t.spec(b), t.baseLr());
                    assertTrue(s.lr(0) >= 0 && s.lr(0) <= 0.5 + 1e-12, t.name() + " starts at " + s.lr(0));
                }
            }
        }
        // trial 1 is the centre of the unit cube: the log-midpoint of the lr range, the middle of each linear range
        CatalogueEntry one = ScheduleCatalogue.get("onecycle@1");
        // (pct_start = 0.1 + 0.5 * (0.5 - 0.1), which is 0.30000000000000004 in doubles, so the explicit form is written)
        assertEquals("OneCycleLR(max_lr=0.1, total_steps=1290, pct_start=" + (0.1 + 0.5 * (0.5 - 0.1)) + ", div_factor="
                + 5 * Math.pow(100.0 / 5, 0.5) + ")", one.spec(THREE_EPOCHS));
        assertThrows(IllegalArgumentException.class, () -> ScheduleCatalogue.get("onecycle@0"));
        assertThrows(IllegalArgumentException.class, () -> ScheduleCatalogue.get("onecycle@x"));
    }
}
