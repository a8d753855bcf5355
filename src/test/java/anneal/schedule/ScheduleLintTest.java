package anneal.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import anneal.schedule.spec.Lint;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each lint rule fires on a spec built to trip it (and only it, where possible) and stays quiet on a good one. */
class ScheduleLintTest {
    private static final Budget PLAN = new Budget(30, 100);

    private static List<String> findings(String spec, Budget plan) {
        return findings(spec, plan, 0.1);
    }

    private static List<String> findings(String spec, Budget plan, double jumpFraction) {
        return Lint.check(spec, new double[] {0.1}, plan, jumpFraction).stream().map(Lint.Finding::toString)
                .collect(Collectors.toList());
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        // joins: a ConstantLR(0.1) segment then a cosine from the base: a 90% jump at epoch 5
        "jump|SequentialLR(schedulers=[ConstantLR(factor=0.1, total_iters=5), CosineAnnealingLR(T_max=25)], "
            + "milestones=[5])|epoch 5 (SequentialLR milestone)",
        // timm's warmup_prefix=False: the warmup reaches the base, the decay then starts where it would have been
        "jump|SequentialLR(schedulers=[LinearLR(start_factor=0.1, total_iters=5), LambdaLR(lr_lambda='0.5')], "
            + "milestones=[5])|0.082 -> 0.05",
        "value|LambdaLR(lr_lambda='1 - epoch / 20')|negative at row 21",
        "value|LambdaLR(lr_lambda='sqrt(10 - epoch)')|NaN at row 11",
        "value|CosineAnnealingLR(T_max=30, eta_min=0.5)|above the peak 0.1",
        "horizon|CosineAnnealingLR(T_max=20)|T_max=20 is shorter than its 30 epochs",
        "horizon|CosineAnnealingLR(T_max=40)|never reaches eta_min",
        "horizon|MultiStepLR(milestones=[10, 30])|milestone 30 is not before the end",
        "horizon|OneCycleLR(max_lr=0.1, total_steps=2000)|step 2001 of 3000 steps raises",
        "horizon|OneCycleLR(max_lr=0.1, total_steps=4000)|never anneals to its minimum",
        "horizon|CosineAnnealingWarmRestarts(T_0=8, T_mult=2, eta_min=0.001)|inside the restart cycle that ends at epoch 56",
        "horizon|WarmupLR(scheduler=StepLR(step_size=40), warmup_steps=2)|step_size=40 is not shorter than its 28 epochs",
        "clock|CosineAnnealingLR(T_max=3000)|T_max=3000 looks like a step count",
        "clock|NoisyLR(scheduler=CosineAnnealingLR(T_max=2990))|T_max=2990 looks like a step count",
        "clock|OneCycleLR(max_lr=0.1, total_steps=30)|total_steps=30 looks like an epoch count",
        "clock|CosineAnnealingWarmRestarts(T_0=10, steps_per_epoch=50)|steps_per_epoch=50 but the run has 100",
    })
    void ruleFires(String rule, String spec, String expected) {
        List<String> found = findings(spec, PLAN);
        assertTrue(found.stream().anyMatch(f -> f.startsWith(rule + ": ") && f.contains(expected)),
                rule + " / '" + expected + "' not in " + found);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "SequentialLR(schedulers=[LinearLR(start_factor=0.01, total_iters=5), CosineAnnealingLR(T_max=25)], milestones=[5])",
        "CosineAnnealingLR(T_max=30, eta_min=0.001)",
        "MultiStepLR(milestones=[10, 20])",
        "OneCycleLR(max_lr=0.5, total_steps=3000)",
        "OneCycleLR(max_lr=0.5, epochs=30, steps_per_epoch=100)",
        "CosineAnnealingWarmRestarts(T_0=10, T_mult=2)",
        "CosineAnnealingWarmRestarts(T_0=10, steps_per_epoch=100)",
        "WarmupLR(scheduler=CosineAnnealingLR(T_max=27), warmup_steps=3)",
        "WarmupLR(scheduler=CosineAnnealingLR(T_max=30), warmup_steps=3, inside=True)",
        "WarmupCosineLR(warmup_steps=100, total_steps=3000)",
        "SequentialLR(schedulers=[LinearLR(start_factor=0.1, total_iters=4), ReduceLROnPlateau(patience=2)], milestones=[4])",
    })
    void goodSpecsHaveNoFindings(String spec) {
        assertEquals(List.of(), findings(spec, PLAN));
    }

    @Test
    void aScheduledMomentumOrWeightDecayThatTurnsNegativeIsAValueFinding() {
        String decay = "CoScheduleLR(scheduler=CosineAnnealingLR(T_max=30), base_weight_decay=0.001, weight_decay=";
        // 0.001 * (1 - epoch / 20) < 0 from epoch 21
        assertEquals(List.of("value: weight decay is NaN or negative at row 21"),
                findings(decay + "LambdaLR(lr_lambda='1 - epoch / 20'))", PLAN));
        assertEquals(List.of(), findings(decay + "LambdaLR(lr_lambda='1 - epoch / 30'))", PLAN));  // reaches 0, no lower
        // 0.9 * (0.5 - epoch / 20) < 0 from epoch 11
        assertEquals(List.of("value: momentum is NaN or negative at row 11"),
                findings("CoScheduleLR(scheduler=CosineAnnealingLR(T_max=30), base_momentum=0.9, "
                        + "momentum=LambdaLR(lr_lambda='0.5 - epoch / 20'))", PLAN));
    }

    @Test
    void jumpFractionIsTheThreshold() {
        String spec = "SequentialLR(schedulers=[ConstantLR(factor=0.8, total_iters=5), CosineAnnealingLR(T_max=25)], "
                + "milestones=[5])";
        assertEquals(1, findings(spec, PLAN).size()); // 0.08 -> 0.1 is a 20% jump
        assertEquals(List.of(), findings(spec, PLAN, 0.25));
    }

    @Test
    void cliWarnsWithExitZeroAndStrictExitsOne() {
        String[] args = {"schedule", "CosineAnnealingLR(T_max=20)", "--base-lr", "0.1", "--lint", "--epochs", "30",
            "--steps-per-epoch", "100"};
        ScheduleCommandTest.Result warn = ScheduleCommandTest.run(args);
        assertEquals(0, warn.code(), warn.err());
        assertEquals(1, warn.out().strip().split("\n").length, warn.out());
        assertTrue(warn.out().startsWith("horizon: CosineAnnealingLR: T_max=20"), warn.out());
        String[] strict = java.util.Arrays.copyOf(args, args.length + 1);
        strict[args.length] = "--strict";
        assertEquals(1, ScheduleCommandTest.run(strict).code());
        ScheduleCommandTest.Result clean = ScheduleCommandTest.run("schedule", "CosineAnnealingLR(T_max=30)", "--base-lr",
                "0.1", "--lint", "--epochs", "30", "--steps-per-epoch", "100", "--strict");
        assertEquals(0, clean.code(), clean.err());
        assertEquals("no findings", clean.out().strip());
        ScheduleCommandTest.Result noPlan = ScheduleCommandTest.run("schedule", "CosineAnnealingLR(T_max=30)",
                "--base-lr", "0.1", "--lint");
        assertEquals(2, noPlan.code());
        assertTrue(noPlan.err().contains("--epochs"), noPlan.err());
    }

    @Test
    void plotWritesAPng(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("onecycle.png");
        ScheduleCommandTest.Result r = ScheduleCommandTest.run("schedule", "OneCycleLR(max_lr=0.1, epochs=10, "
                + "steps_per_epoch=20)", "--base-lr", "0.1", "--epochs", "10", "--steps-per-epoch", "20", "--plot",
                png.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("201 rows"), r.err());
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(900, image.getWidth());
        assertEquals(500, image.getHeight());
        assertTrue(Files.size(png) > 5000);
    }

    @Test
    void unwritablePlotIsAOneLineErrorNamingTheOption(@TempDir Path dir) {
        Path png = dir.resolve("no-such-folder").resolve("p.png");
        ScheduleCommandTest.Result r = ScheduleCommandTest.run("schedule", "StepLR(step_size=2)", "--base-lr", "0.1",
                "--steps", "10", "--plot", png.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--plot=" + png + ": folder " + png.getParent() + " does not exist"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
