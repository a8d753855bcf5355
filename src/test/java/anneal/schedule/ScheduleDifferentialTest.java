package anneal.schedule;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The differential test: 420 seeded random PyTorch configurations (every class, 1-3 groups, composites, plateaus,
 * resumption with last_epoch), run by PyTorch 1.13 and by PyTorch 2.x's lr_scheduler.py
 * (tools/gen_schedule_differential.py), against Anneal with torch='1.13' and torch='2'. The suite checks a seeded
 * sample of 40 per version; {@code -Danneal.differential=all} (tools/schedule_differential.sh) checks every case.
 */
class ScheduleDifferentialTest {
    private static final int SAMPLE = 40;

    static List<Fixtures.Case> sample(String resource) {
        List<Fixtures.Case> all = new ArrayList<>(Fixtures.cases(resource));
        if ("all".equals(System.getProperty("anneal.differential"))) return all;
        Collections.shuffle(all, new Random(16));
        return all.subList(0, SAMPLE);
    }

    static List<Fixtures.Case> torch113() {
        return sample("/fixtures/differential-torch1.13.json");
    }

    static List<Fixtures.Case> torch2() {
        return sample("/fixtures/differential-torch2.json");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("torch113")
    void matchesPyTorch113(Fixtures.Case c) {
        PyTorchFixtureTest.check(c, TorchVersion.V1_13);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("torch2")
    void matchesPyTorch2(Fixtures.Case c) {
        PyTorchFixtureTest.check(c, TorchVersion.V2);
    }
}
