package anneal.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import anneal.schedule.Clock;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

class SchedulePlotTest {
    /** {@code n} rows of lr = 0.1 * 0.5^i and momentum 0.9. */
    private static List<double[]> rows(int n) {
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) rows.add(new double[] {0.1 * Math.pow(0.5, i), 0.9});
        return rows;
    }

    @Test
    void perStepScheduleOfAKnownRunIsPlottedInEpochs() {
        XYChart c = SchedulePlot.chart("OneCycleLR(...)", List.of("lr", "momentum"), rows(30 * 469 + 1), Clock.STEP, 469);
        assertEquals("epoch (469 optimizer steps each)", c.getXAxisTitle());
        XYSeries lr = c.getSeriesMap().get("lr");
        assertEquals(14071, lr.getXData().length);
        assertEquals(30.0, lr.getXData()[14070], 0);
        assertEquals(1.0, lr.getXData()[469], 0);
        assertEquals(1, c.getSeriesMap().get("momentum").getYAxisGroup());
        assertEquals("momentum", c.getYAxisGroupTitle(1));
    }

    @Test
    void withoutAPlanTheAxisIsTheClock() {
        XYChart steps = SchedulePlot.chart("S", List.of("lr"), rows(5), Clock.STEP, 0);
        assertEquals("optimizer step", steps.getXAxisTitle());
        assertArrayEquals(new double[] {0, 1, 2, 3, 4}, steps.getSeriesMap().get("lr").getXData(), 0);
        XYChart epochs = SchedulePlot.chart("S", List.of("lr"), rows(5), Clock.EPOCH, 469);
        assertEquals("epoch", epochs.getXAxisTitle());
        assertEquals(4.0, epochs.getSeriesMap().get("lr").getXData()[4], 0);
        assertFalse(epochs.getStyler().isLegendVisible());
        String longSpec = "x".repeat(150);
        assertEquals("x".repeat(97) + "...", SchedulePlot.chart(longSpec, List.of("lr"), rows(3), Clock.EPOCH, 0).getTitle());
    }

    @Test
    void writesAPngOfTheStatedSize(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("p.png");
        SchedulePlot.write("ExponentialLR(gamma=0.5)", List.of("lr", "momentum"), rows(2000), Clock.STEP, 100, png);
        byte[] b = Files.readAllBytes(png);
        assertTrue(b[1] == 'P' && b[2] == 'N' && b[3] == 'G');
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(SchedulePlot.WIDTH, image.getWidth());
        assertEquals(SchedulePlot.HEIGHT, image.getHeight());
        assertThrows(IOException.class, () -> SchedulePlot.write("S", List.of("lr"), rows(3), Clock.STEP, 0,
                dir.resolve("missing-folder").resolve("p.png")));
    }
}
