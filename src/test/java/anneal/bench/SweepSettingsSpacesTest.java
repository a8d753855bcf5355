package anneal.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import anneal.tuning.SpaceOverride;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A tuned sweep's recorded search spaces decide its trials' hyperparameters, in the sweep and in each cell's JVM. */
class SweepSettingsSpacesTest {
    private static final SweepSettings BASE = SweepSettings.defaults(Path.of("/data"));

    @Test
    void aTrialDrawsItsPointFromTheRecordedSpace() {
        SweepSettings s = BASE.withSpaces(ScheduleCatalogue.spaces(List.of(SpaceOverride.parse("onecycle.lr=0.05"),
                SpaceOverride.parse("onecycle.pct_start=0.25"), SpaceOverride.parse("onecycle.div=10")), List.of("onecycle")));
        // every parameter fixed: trial 3 trains OneCycleLR(max_lr=0.05, pct_start=0.25, div_factor=10) whatever its Sobol point
        String spec = s.trainConfig(new SweepCell("onecycle@3", 0, 3, "cpu"), 100).scheduleSpec();
        assertEquals("OneCycleLR(max_lr=0.05, total_steps=300, pct_start=0.25, div_factor=10.0)", spec);
        assertEquals(0.05, s.entry("onecycle@3").baseLr());
        // the untuned recipe is not a point of the space: unchanged by it
        assertEquals("OneCycleLR(max_lr=0.1, total_steps=300)", s.trainConfig(new SweepCell("onecycle", 0, 3, "cpu"), 100)
                .scheduleSpec());
        // without recorded spaces (untuned sweeps, older journals) trials use the catalogue's
        assertEquals(ScheduleCatalogue.get("onecycle@3").point(), BASE.entry("onecycle@3").point());
        assertNull(BASE.spaces());
    }

    @Test
    void spacesCoverTheCatalogueAndOverridesNameSweptSchedules() {
        var spaces = ScheduleCatalogue.spaces(List.of(SpaceOverride.parse("all.warmup=0.05:0.2")),
                List.of("warmup-linear", "warmup-cos", "cosine"));
        assertEquals(ScheduleCatalogue.names(), List.copyOf(spaces.keySet()));
        assertEquals(0.05, spaces.get("warmup-linear").dimension("warmup").orElseThrow().low());
        assertEquals(0.05, spaces.get("warmup-cos").dimension("warmup").orElseThrow().low());
        // not swept: keeps the catalogue's bounds
        assertEquals(ScheduleCatalogue.get("warmup-exp").space(), spaces.get("warmup-exp"));
        String notSwept = assertThrows(IllegalArgumentException.class, () -> ScheduleCatalogue.spaces(
                List.of(SpaceOverride.parse("onecycle.lr=0.01:0.3")), List.of("cosine"))).getMessage();
        assertTrue(notSwept.startsWith("--space onecycle.lr=0.01:0.3: onecycle is not swept"), notSwept);
    }
}
