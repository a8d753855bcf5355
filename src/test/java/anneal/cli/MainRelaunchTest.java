package anneal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainRelaunchTest {
    private static String filtered(String stderr, int chunk) {
        byte[] all = stderr.getBytes(StandardCharsets.UTF_8);
        // delivers at most `chunk` bytes per read, as a pipe may
        InputStream in = new ByteArrayInputStream(all) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Main.copyWithoutIncubatorWarning(in, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void dropsTheJvmsIncubatorWarningOnlyWhenItIsTheFirstLine() {
        String nl = System.lineSeparator();
        String warning = Main.INCUBATOR_WARNING + nl;
        for (int chunk : new int[] {1, 7, 8192}) {
            assertEquals("anneal train: --hidden must be >= 1, got 0" + nl,
                    filtered(warning + "anneal train: --hidden must be >= 1, got 0" + nl, chunk));
            assertEquals("", filtered(warning, chunk));
            assertEquals("WARNING: Using something else" + nl, filtered("WARNING: Using something else" + nl, chunk));
            assertEquals("WARN", filtered("WARN", chunk));
            assertEquals("x" + nl + warning, filtered("x" + nl + warning, chunk));
            assertEquals("\rsweep 10% [==>   ]", filtered(warning + "\rsweep 10% [==>   ]", chunk));
        }
    }
}
