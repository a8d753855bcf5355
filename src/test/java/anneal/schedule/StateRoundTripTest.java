package anneal.schedule;

import anneal.schedule.spec.Schedules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Save at step k, write the state as JSON, read it back into a freshly built scheduler, continue: every row
 * afterwards equals the uninterrupted run bit for bit, for every fixture case (all PyTorch schedules and
 * composites) and every Anneal schedule, at several k.
 */
class StateRoundTripTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String[] ANNEAL_SPECS = {
        "WarmupLR(scheduler=CosineAnnealingLR(T_max=20), warmup_steps=5)",
        "WarmupLR(scheduler=ReduceLROnPlateau(patience=1), warmup_steps=3, warmup='cosine')",
        "WarmupLR(scheduler=OneCycleLR(max_lr=0.3, total_steps=40), warmup_steps=4, warmup='exponential')",
        "WarmupLR(warmup_steps=6)",
        "GradualWarmupLR(multiplier=8, warmup_steps=5, after_scheduler=MultiStepLR(milestones=[10, 20]))",
        "WarmupCosineLR(warmup_steps=5, total_steps=30, min_lr_ratio=0.1)",
        "InverseSqrtLR(warmup_steps=4)",
        "WarmupStableDecayLR(warmup_steps=3, stable_steps=10, decay_steps=10, decay_type='1-sqrt')",
        "CosineDecayRestartsLR(first_decay_steps=5, t_mul=1.5, m_mul=0.8, alpha=0.05)",
        "SequentialLR(schedulers=[WarmupCosineLR(warmup_steps=3, total_steps=10), ExponentialLR(gamma=0.9)], "
            + "milestones=[10])",
        "SequentialLR(schedulers=[LinearLR(start_factor=0.1, total_iters=4), ReduceLROnPlateau(patience=1)], "
            + "milestones=[4])",
        "ChainedScheduler(schedulers=[OneCycleLR(max_lr=0.3, total_steps=60), ReduceLROnPlateau(patience=1, "
            + "factor=0.5)])",
        "CosineCycleLR(t_initial=7, cycle_mul=1.5, cycle_decay=0.7, cycle_limit=4, k_decay=1.5, warmup_t=3)",
        "TanhCycleLR(t_initial=9, cycle_limit=3, warmup_t=2, warmup_prefix=True)",
        "NoisyLR(scheduler=CosineAnnealingLR(T_max=30), noise_range=[2, 35])",
        "HorizonLR(scheduler=OneCycleLR(max_lr=0.3, total_steps=12), horizon=12, policy='cycle')",
        "HorizonLR(scheduler=CosineAnnealingLR(T_max=12), horizon=12, policy='hold')",
        "WarmupLR(scheduler=ExponentialLR(gamma=0.95), warmup_steps=6, warmup='cosine', inside=True)",
        "GroupScaleLR(scheduler=CyclicLR(base_lr=0.01, max_lr=0.1, step_size_up=4), layer_decay=0.7)",
        "CoScheduleLR(scheduler=ChainedScheduler(schedulers=[ExponentialLR(gamma=0.95), ReduceLROnPlateau(patience=0)]), "
            + "momentum=CosineAnnealingLR(T_max=13, eta_min=0.8), weight_decay=ExponentialLR(gamma=0.9), "
            + "base_weight_decay=0.001)",
        "NoisyLR(scheduler=WarmupLR(scheduler=ReduceLROnPlateau(patience=1), warmup_steps=3), noise_type='uniform', "
            + "noise_pct=0.2, noise_seed=5)",
    };

    static Stream<Arguments> runs() {
        List<Arguments> out = new ArrayList<>();
        for (Fixtures.Case c : Fixtures.cases()) {
            int last = c.raisesAtRow() > 0 ? c.raisesAtRow() - 1 : c.steps() - 1;
            double[] metrics = c.metrics();
            out.add(Arguments.of(c.name(), c.spec(), c.baseLrs(), last, metrics, c.epochs()));
        }
        for (String library : new String[] {"optax", "keras", "transformers", "timm"}) { // other libraries' configs
            for (Fixtures.Case c : Fixtures.cases("/fixtures/foreign-" + library + ".json")) {
                if (c.raisesAtRow() == 0) continue;
                out.add(Arguments.of(library + " " + c.name(), c.spec(), c.baseLrs(), c.steps() - 1, c.metrics(), null));
            }
        }
        double[] plateauMetrics = new double[40];
        for (int i = 0; i < plateauMetrics.length; i++) plateauMetrics[i] = 1.0 / (1 + i % 7);
        for (String spec : ANNEAL_SPECS) {
            boolean metric = spec.contains("Plateau");
            out.add(Arguments.of(spec, spec, new double[] {0.1, 0.02}, 40, metric ? plateauMetrics : null, null));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runs")
    void restoreEqualsUninterrupted(String name, String spec, double[] baseLrs, int lastRow, double[] metrics,
            double[] epochs) throws Exception {
        List<double[]> reference = run(spec, baseLrs, lastRow, metrics, epochs, -1);
        for (int k : new int[] {0, 1, lastRow / 3, lastRow / 2 + 1, lastRow - 1}) {
            if (k < 0 || k >= lastRow) continue;
            List<double[]> resumed = run(spec, baseLrs, lastRow, metrics, epochs, k);
            for (int row = 0; row <= lastRow; row++) {
                for (int g = 0; g < baseLrs.length; g++) {
                    assertEquals(reference.get(row)[g], resumed.get(row)[g], "saved at " + k + ", row " + row);
                    assertEquals(reference.get(row)[baseLrs.length + g], resumed.get(row)[baseLrs.length + g],
                            "momentum saved at " + k + ", row " + row);
                }
            }
        }
    }

    /** Rows of lr and momentum; when {@code saveAt >= 0}, swap in a fresh scheduler restored from JSON there. */
    static List<double[]> run(String spec, double[] baseLrs, int lastRow, double[] metrics, double[] epochs,
            int saveAt) throws Exception {
        LrScheduler s = Schedules.fromSpec(spec, baseLrs);
        List<double[]> rows = new ArrayList<>();
        for (int row = 0; row <= lastRow; row++) {
            if (row > 0) {
                if (metrics != null) s.step(metrics[row - 1]);
                else if (epochs != null) ((CosineAnnealingWarmRestarts) s).stepToEpoch(epochs[row - 1]);
                else s.step();
            }
            if (row == saveAt) {
                String json = JSON.writeValueAsString(s.stateDict());
                Map<String, Object> state = JSON.readValue(json, new TypeReference<Map<String, Object>>() { });
                LrScheduler fresh = Schedules.fromSpec(spec, baseLrs);
                fresh.step(metrics != null ? 0.5 : 0.0); // disturb it, the load must overwrite everything
                fresh.loadStateDict(state);
                assertEquals(s.lastEpoch(), fresh.lastEpoch());
                s = fresh;
            }
            double[] r = new double[2 * baseLrs.length];
            for (int g = 0; g < baseLrs.length; g++) {
                r[g] = s.lr(g);
                r[baseLrs.length + g] = s.value(Hyperparameter.MOMENTUM, g);
            }
            rows.add(r);
        }
        return rows;
    }

    @Test
    void stateOfAnotherScheduleIsRejected() {
        LrScheduler step = Schedules.fromSpec("StepLR(step_size=2)", 0.1);
        LrScheduler cosine = Schedules.fromSpec("CosineAnnealingLR(T_max=5)", 0.1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cosine.loadStateDict(step.stateDict()));
        assertTrue(e.getMessage().contains("StepLR"), e.getMessage());
    }

    @Test
    void plateauStateKeepsInfiniteBestThroughJson() throws Exception {
        LrScheduler s = Schedules.fromSpec("ReduceLROnPlateau(mode='max')", 0.1);
        String json = JSON.writeValueAsString(s.stateDict());
        assertTrue(json.contains("\"-Infinity\""), json);
    }
}
