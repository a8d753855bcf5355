package anneal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** One reading of numbers everywhere: Python's float() spellings of nan and inf, in any case (issue #10). */
class NumberSpellingTest {
    @Test
    void pythonsSpecialValuesInAnyCase() {
        for (String nan : new String[] {"nan", "NaN", "NAN", "+nan", " nan "}) assertEquals(Double.NaN, Inputs.number(nan));
        for (String inf : new String[] {"inf", "Inf", "infinity", "Infinity", "+inf"}) {
            assertEquals(Double.POSITIVE_INFINITY, Inputs.number(inf));
        }
        assertEquals(Double.NEGATIVE_INFINITY, Inputs.number("-inf"));
        assertEquals(Double.NEGATIVE_INFINITY, Inputs.number("-Infinity"));
        assertEquals(1000.0, Inputs.number("1_000"));
        assertEquals(0.5, Inputs.number(".5"));
        assertEquals(1e-3, Inputs.number("1e-3"));
        assertEquals(-2.0, Inputs.number("-2."));
    }

    @Test
    void javaOnlySpellingsAreNotNumbers() {
        // Double.parseDouble takes these; Python's float() does not
        for (String s : new String[] {"0x1p3", "1d", "2f", "", "1e", "--1", "nan1"}) {
            assertThrows(CommandLine.TypeConversionException.class, () -> Inputs.number(s), s);
        }
    }

    private static String schedule(String metrics) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Main.run("schedule", "ReduceLROnPlateau(patience=0)", "--base-lr", "0.1", "--steps", "4",
                    "--metrics", metrics));
        } finally {
            System.setOut(old);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void metricsNanAndNaNMeanTheSame() {
        // before: --metrics nan was refused ("'nan' is not a double") while NaN was accepted
        String lower = schedule("1.0,nan,nan");
        assertEquals(lower, schedule("1.0,NaN,NaN"));
        // PyTorch: a NaN metric is never an improvement, so with patience=0 each one cuts the lr by 10x
        assertEquals("step,lr\n0,0.1\n1,0.1\n2,0.010000000000000002\n3,0.0010000000000000002\n", lower);
    }
}
