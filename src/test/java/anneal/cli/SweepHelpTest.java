package anneal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import anneal.bench.ScheduleCatalogue;
import anneal.bench.SweepSettings;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Help texts tell the truth: no picocli warning (an unescaped {@code %} in a description), and the defaults they
 * print are the defaults the commands use (the sweep's schedules, seed count, target, batch).
 */
class SweepHelpTest {
    record Help(int code, String out, String err) {
        /** stdout with picocli's line wrapping undone: one space per run of whitespace. */
        String flat() {
            return out.replaceAll("\\s+", " ");
        }
    }

    static Help help(String... args) {
        BadInputTableTest.Outcome o = BadInputTableTest.run(List.of(args));
        return new Help(o.code(), o.out(), o.err());
    }

    @Test
    void everyCommandsHelpPrintsWithoutAPicocliWarning() { // bench is left out: it hands --help to JMH
        for (String command : List.of("sweep", "report", "train", "lr-find", "schedule", "gpu-check")) {
            Help h = help(command, "--help");
            assertEquals(0, h.code(), command + ": " + h.err());
            assertEquals("", h.err(), command + " --help wrote to stderr");
            assertFalse(h.out().contains("WARN"), command + ": " + h.out());
            assertFalse(h.out().contains("%n"), command + " printed an unformatted description: " + h.out());
        }
        assertTrue(help("sweep", "--help").flat().contains("(--array=...%N)"), "the escaped % prints as one");
    }

    @Test
    void theSweepsHelpListsTheDefaultsItUses() {
        String flat = help("sweep", "--help").flat();
        // --schedules: the list is the one the sweep runs (picocli wraps after commas; flat() rejoins with a space)
        String schedules = flat.replace(", ", ",");
        assertTrue(schedules.contains("(default: " + String.join(",", ScheduleCatalogue.DEFAULT_NAMES) + ";"), flat);
        assertEquals(12, ScheduleCatalogue.DEFAULT_NAMES.size());
        // --seeds: the rule and its two examples agree with what the sweep computes
        Matcher m = Pattern.compile("can reach p < 0\\.05: (\\d+) for the (\\d+) default schedules, (\\d+) for 2").matcher(flat);
        assertTrue(m.find(), flat);
        int defaultSchedules = ScheduleCatalogue.DEFAULT_NAMES.size();
        assertEquals(defaultSchedules, Integer.parseInt(m.group(2)));
        assertEquals(SweepCommand.defaultSeeds(defaultSchedules, false), Integer.parseInt(m.group(1)));
        assertEquals(SweepCommand.defaultSeeds(2, false), Integer.parseInt(m.group(3)));
        assertTrue(flat.contains("--target=<target> Validation accuracy that counts as reached, in (0, 1) (default: "
                + SweepCommand.DEFAULT_TARGET + "; --full: " + SweepSettings.DEFAULT_TARGET + ")"), flat);
        assertTrue(flat.contains("Batch size (default: " + SweepSettings.DEFAULT_BATCH + ")"), flat);
        assertTrue(flat.contains("first " + SweepCommand.DEFAULT_TRAIN_SIZE + " training images"), flat);
        assertTrue(flat.contains("(default: " + SweepSettings.DEFAULT_EVALS_PER_EPOCH + ")"), flat);
    }

    @Test
    void theDefaultSeedCountIsTheFewestWithWhichHolmCanReachSignificance() {
        // Holm over m comparisons with the best schedule: the smallest adjusted p is m * 2 / 2^n (closed form)
        for (int schedules = 1; schedules <= 40; schedules++) {
            int m = Math.max(1, schedules - 1);
            int n = SweepCommand.defaultSeeds(schedules, false);
            assertTrue(m * 2 / Math.pow(2, n) < 0.05, schedules + " schedules, " + n + " seeds");
            assertTrue(m * 2 / Math.pow(2, n - 1) >= 0.05, schedules + " schedules: " + (n - 1) + " seeds would do");
        }
        assertEquals(9, SweepCommand.defaultSeeds(12, false)); // 11 x 2/512 = 0.043; 11 x 2/256 = 0.086
        assertEquals(6, SweepCommand.defaultSeeds(2, false));  // 2/64 = 0.031; 2/32 = 0.0625
        assertEquals(10, SweepCommand.defaultSeeds(15, true)); // --full: 14 x 2/1024 = 0.027, and MLPerf's 10 runs
        assertEquals(10, SweepCommand.defaultSeeds(2, true));
    }
}
