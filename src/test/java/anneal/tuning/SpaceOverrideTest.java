package anneal.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.random.SobolSequenceGenerator;
import org.junit.jupiter.api.Test;

/** {@code --space} values: their forms, the checks against a parameter's scale and domain, and the points they give. */
class SpaceOverrideTest {
    private static final SearchSpace ONECYCLE = SearchSpace.of(Dimension.log("lr", 0.02, 0.5, Domain.POSITIVE),
            Dimension.linear("pct_start", 0.1, 0.5, Domain.FRACTION_OF_RUN), Dimension.log("div", 5, 100, Domain.POSITIVE));

    @Test
    void parsesRangesFixedValuesAndAll() {
        assertEquals(new SpaceOverride("onecycle.lr=0.01:0.3", "onecycle", "lr", 0.01, 0.3),
                SpaceOverride.parse(" onecycle.lr=0.01:0.3 "));
        assertEquals(new SpaceOverride("warmup-linear.warmup=0.05", "warmup-linear", "warmup", 0.05, 0.05),
                SpaceOverride.parse("warmup-linear.warmup=0.05"));
        assertEquals(new SpaceOverride("all.lr=1e-2:3E-1", "all", "lr", 0.01, 0.3), SpaceOverride.parse("all.lr=1e-2:3E-1"));
    }

    @Test
    void overriddenPointsAreCommonsMathsSobolPointsOnTheNewBounds() {
        SearchSpace s = SpaceOverride.parse("onecycle.lr=0.01:0.3").applyTo("onecycle",
                SpaceOverride.parse("onecycle.pct_start=0.25").applyTo("onecycle", ONECYCLE));
        SobolSequenceGenerator g = new SobolSequenceGenerator(3);
        g.nextVector(); // the origin, which trials skip
        for (int k = 1; k <= 8; k++) {
            double[] u = g.nextVector();
            Map<String, Double> p = s.point(k);
            assertEquals(0.01 * Math.pow(30, u[0]), p.get("lr"), 1e-15);
            assertEquals(0.25, p.get("pct_start"));
            assertEquals(5 * Math.pow(20, u[2]), p.get("div"), 1e-12);
        }
        // the other parameters keep the catalogue's bounds, scale and domain
        assertEquals(ONECYCLE.dimensions().get(2), s.dimensions().get(2));
        assertEquals(Domain.FRACTION_OF_RUN, s.dimension("pct_start").orElseThrow().domain());
    }

    @Test
    void refusesWhatTheParameterDoesNotAllow() {
        String inverted = assertThrows(IllegalArgumentException.class, () -> SpaceOverride.parse("onecycle.lr=0.3:0.01"))
                .getMessage();
        assertEquals("--space onecycle.lr=0.3:0.01: the low bound 0.3 is above the high bound 0.01; allowed: LOW <= HIGH",
                inverted);
        String log = assertThrows(IllegalArgumentException.class,
                () -> SpaceOverride.parse("onecycle.div=0:10").applyTo("onecycle", ONECYCLE)).getMessage();
        assertEquals("--space onecycle.div=0:10: onecycle's div is sampled on a log scale; allowed: bounds > 0", log);
        String fraction = assertThrows(IllegalArgumentException.class,
                () -> SpaceOverride.parse("onecycle.pct_start=0.5:1.01").applyTo("onecycle", ONECYCLE)).getMessage();
        assertTrue(fraction.contains("fraction of the run in (0, 1]"), fraction);
        // 1 is a fraction of the run (the whole of it); 0 is not
        SpaceOverride.parse("onecycle.pct_start=0.5:1").applyTo("onecycle", ONECYCLE);
        assertThrows(IllegalArgumentException.class, () -> SpaceOverride.parse("onecycle.pct_start=0:0.5")
                .applyTo("onecycle", ONECYCLE));
        String unknown = assertThrows(IllegalArgumentException.class,
                () -> SpaceOverride.parse("onecycle.gamma=0.1:0.2").applyTo("onecycle", ONECYCLE)).getMessage();
        assertEquals("--space onecycle.gamma=0.1:0.2: onecycle has no parameter 'gamma'; its parameters: lr, pct_start, div",
                unknown);
        for (String bad : List.of("onecycle", "onecycle.lr", "onecycle.lr=", ".lr=0.1", "onecycle.=0.1", "onecycle.lr=0.1:",
                "onecycle.lr=inf:1", "onecycle.lr=0x1p3", "onecycle.lr=1:2:3"))
            assertTrue(assertThrows(IllegalArgumentException.class, () -> SpaceOverride.parse(bad)).getMessage()
                    .startsWith("--space "), bad);
        String twice = assertThrows(IllegalArgumentException.class, () -> SpaceOverride.parseAll(
                List.of("onecycle.lr=0.01:0.3", "onecycle.lr=0.02:0.2"))).getMessage();
        assertTrue(twice.contains("is already set by --space onecycle.lr=0.01:0.3"), twice);
    }

    @Test
    void domainsHaveTheEndpointsTheirPhrasesSay() {
        assertTrue(Domain.FRACTION_OF_RUN.contains(1) && !Domain.FRACTION_OF_RUN.contains(0));
        assertTrue(!Domain.FACTOR.contains(1) && !Domain.FACTOR.contains(0) && Domain.FACTOR.contains(0.5));
        assertTrue(Domain.SHARE.contains(0) && Domain.SHARE.contains(1) && !Domain.SHARE.contains(-1e-9));
        assertTrue(Domain.COUNT.contains(0) && !Domain.COUNT.contains(-1));
        assertTrue(!Domain.POSITIVE.contains(0) && Domain.POSITIVE.contains(1e-300) && !Domain.POSITIVE.contains(Double.NaN));
    }

    @Test
    void theJsonFormNamesEachBoundAndReadsBack() throws Exception {
        ObjectMapper json = new ObjectMapper();
        String text = json.writeValueAsString(ONECYCLE);
        assertEquals("{\"lr\":{\"low\":0.02,\"high\":0.5,\"scale\":\"log\",\"domain\":\"positive\"},"
                + "\"pct_start\":{\"low\":0.1,\"high\":0.5,\"scale\":\"linear\",\"domain\":\"fraction_of_run\"},"
                + "\"div\":{\"low\":5.0,\"high\":100.0,\"scale\":\"log\",\"domain\":\"positive\"}}", text);
        assertEquals(ONECYCLE, json.readValue(text, SearchSpace.class));
    }
}
