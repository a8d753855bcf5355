package anneal.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {
    /**
     * XChart draws each box (1 - s) of the plot wide and gives each of n boxes s / n of it (s: plot content size), so
     * the box fills (1 - s) n / s of its slot: 0.6 for 15 boxes, where the default s = 0.92 gave 1.30 (overlap).
     */
    @Test
    void boxesFillSixTenthsOfTheirSlot() {
        for (int n : new int[] {3, 5, 15, 40}) {
            double s = Charts.plotContentSizeForBoxes(n);
            assertEquals(0.6, (1 - s) * n / s, 1e-12, "n = " + n);
        }
        assertEquals(1.30, (1 - 0.92) * 15 / 0.92, 0.01);
        // one or two boxes: the size stays at 0.8 so the margins stay small; the box is narrower than 0.6 of its slot
        assertEquals(0.8, Charts.plotContentSizeForBoxes(1), 0);
        assertEquals(0.8, Charts.plotContentSizeForBoxes(2), 0);
    }

    @Test
    void timeToTargetDrawsFifteenSchedulesAndSkipsThoseThatNeverReached(@TempDir Path dir) throws Exception {
        Map<String, double[]> ttt = new LinkedHashMap<>();
        for (int i = 0; i < 15; i++) ttt.put("schedule-" + i, new double[] {4 + i * 0.1, 5, Double.NaN, 6, 7});
        ttt.put("never", new double[] {Double.NaN, Double.NaN});
        Path png = dir.resolve("ttt.png");
        assertTrue(Charts.timeToTarget(ttt, "t", png));
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(900, image.getWidth());
        assertEquals(560, image.getHeight());
        Map<String, double[]> none = Map.of("never", new double[] {Double.NaN});
        assertFalse(Charts.timeToTarget(none, "t", dir.resolve("none.png")));
        assertFalse(Files.exists(dir.resolve("none.png")));
    }
}
