package anneal.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The host reads the kernels' constants from the kernel sources packed in the jar; this checks that it reads
 * every {@code #define} of {@code kernels/*.cu, *.cuh} with the value the preprocessor gives it, here computed
 * independently: the literal text, and the two derived ones by hand from the sources' formulas.
 */
class KernelConstantsTest {
    @Test
    void everyDefineOfTheKernelSourcesIsReadWithItsValue() throws Exception {
        Map<String, Integer> read = KernelConstants.all();
        Pattern literal = Pattern.compile("^#define\\s+([A-Z_][A-Z0-9_]*)\\s+(\\d+)\\b", Pattern.MULTILINE);
        int literals = 0;
        try (var files = Files.list(Path.of("kernels"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".cu") || p.toString().endsWith(".cuh")).toList()) {
                Matcher m = literal.matcher(Files.readString(f));
                while (m.find()) {
                    assertEquals(Integer.valueOf(m.group(2)), read.get(m.group(1)), m.group(1) + " in " + f);
                    literals++;
                }
            }
        }
        assertEquals(15, literals, "literal #defines in kernels/ (update this test when adding one)");
        assertEquals(256 / 32, read.get("ROWS_PER_BLOCK"));   // (ANNEAL_BLOCK / 32)
        assertEquals(256 / 32, read.get("BIAS_ROW_PHASES"));  // (ANNEAL_BLOCK / BIAS_COLS)
        assertEquals(64 * 64 + 64, read.get("RT_PARTIAL"));   // (RT_BM * RT_BN + RT_BM)
        assertEquals(32 * 2, read.get("XENT_MAX_CLASSES"));   // (32 * XENT_SLOTS)
        assertEquals(256 / 32, read.get("XENT_ROWS_PER_BLOCK"));  // (ANNEAL_BLOCK / 32)
        assertEquals(20, read.size(), read.toString());
    }

    @Test
    void expressionsAreIntegerArithmetic() {
        assertEquals(3, KernelConstants.evaluate("(7 / 2)", Map.of()));
        assertEquals(14, KernelConstants.evaluate("2 * (A + 4)", Map.of("A", 3)));
        assertNull(KernelConstants.evaluate("0xffffffffu", Map.of()));
        assertNull(KernelConstants.evaluate("B + 1", Map.of()));
    }
}
