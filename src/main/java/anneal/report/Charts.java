package anneal.report;

import anneal.bench.RunRecord;
import anneal.train.EpochRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BoxChart;
import org.knowm.xchart.BoxChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report's PNG plots (XChart, headless). */
public final class Charts {
    /** Width of a box in the time-to-target plot as a fraction of the space each schedule gets. */
    static final double BOX_FILL = 0.6;

    private Charts() {
    }

    static {
        System.setProperty("java.awt.headless", "true");
    }

    /**
     * A grid with one small chart per schedule: group 0's lr against the epoch, from the schedule's first run.
     * {@code runs} maps schedule name to that run.
     */
    public static void lrGrid(Map<String, RunRecord> runs, Path png) throws IOException {
        List<XYChart> charts = new ArrayList<>();
        for (Map.Entry<String, RunRecord> e : runs.entrySet()) {
            RunRecord r = e.getValue();
            if (r.lrs().length == 0) continue;
            double stepsPerEpoch = stepsPerEpoch(r);
            double[] x = new double[r.lrs().length];
            for (int i = 0; i < x.length; i++) x[i] = (double) i * r.lrStride() / stepsPerEpoch;
            XYChart c = new XYChartBuilder().width(360).height(240).title(e.getKey()).xAxisTitle("epoch")
                    .yAxisTitle("lr").build();
            c.getStyler().setLegendVisible(false).setMarkerSize(0).setChartTitleFont(c.getStyler().getChartTitleFont()
                    .deriveFont(12f));
            c.addSeries("lr", x, r.lrs()).setMarker(SeriesMarkers.NONE);
            c.setCustomYAxisTickLabelsFormatter(TickLabels.forScale(Arrays.stream(r.lrs()).map(Math::abs).max().orElse(0)));
            charts.add(c);
        }
        if (charts.isEmpty()) return;
        int cols = Math.min(4, charts.size());
        int rows = (charts.size() + cols - 1) / cols;
        java.awt.image.BufferedImage grid = new java.awt.image.BufferedImage(cols * 360, rows * 240,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = grid.createGraphics();
        g.setColor(charts.get(0).getStyler().getChartBackgroundColor()); // empty cells as the charts' margins
        g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
        for (int i = 0; i < charts.size(); i++)
            g.drawImage(BitmapEncoder.getBufferedImage(charts.get(i)), (i % cols) * 360, (i / cols) * 240, null);
        g.dispose();
        anneal.util.AtomicFiles.write(png, o -> javax.imageio.ImageIO.write(grid, "png", o));
    }

    /** Mean test accuracy (over seeds) at each evaluation, one line per schedule. */
    public static void accuracyPerEpoch(Map<String, List<RunRecord>> bySchedule, double target, String title, Path png)
            throws IOException {
        XYChart c = new XYChartBuilder().width(1040).height(560).title(title).xAxisTitle("epoch")
                .yAxisTitle("test accuracy (mean over seeds)").build();
        // beside the plot: inside, a legend of 15 schedules covers the last epochs, where the lines matter most
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE).setMarkerSize(5);
        double lo = target;
        double xmax = 1;
        for (Map.Entry<String, List<RunRecord>> e : bySchedule.entrySet()) {
            Map<Double, double[]> sums = new LinkedHashMap<>();
            for (RunRecord r : e.getValue())
                for (EpochRecord p : r.records()) {
                    if (!Double.isFinite(p.testAccuracy())) continue;
                    double[] s = sums.computeIfAbsent(p.epoch(), k -> new double[2]);
                    s[0] += p.testAccuracy();
                    s[1]++;
                }
            if (sums.isEmpty()) continue;
            double[] x = sums.keySet().stream().mapToDouble(Double::doubleValue).toArray();
            double[] y = sums.values().stream().mapToDouble(s -> s[0] / s[1]).toArray();
            for (double v : y) lo = Math.min(lo, v);
            for (double v : x) xmax = Math.max(xmax, v);
            c.addSeries(e.getKey(), x, y);
        }
        if (c.getSeriesMap().isEmpty()) return;
        XYSeries t = c.addSeries("target " + target, new double[] {0, xmax}, new double[] {target, target});
        t.setMarker(SeriesMarkers.NONE);
        t.setLineStyle(new java.awt.BasicStroke(1f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER, 1f,
                new float[] {6f, 4f}, 0f));
        t.setLineColor(java.awt.Color.GRAY);
        c.getStyler().setYAxisMin(Math.max(0, Math.floor((lo - 0.01) * 50) / 50)).setYAxisMax(Math.min(1.0, target + 0.04));
        save(c, png);
    }

    /** Box plot of seconds to target per schedule (reached runs only; schedules without any are left out). */
    public static boolean timeToTarget(Map<String, double[]> tttBySchedule, String title, Path png) throws IOException {
        BoxChart c = new BoxChartBuilder().width(900).height(560).title(title).yAxisTitle("seconds to target").build();
        c.getStyler().setLegendVisible(false);
        for (Map.Entry<String, double[]> e : tttBySchedule.entrySet()) {
            double[] v = Stats.finite(e.getValue());
            if (v.length > 0) c.addSeries(e.getKey(), v);
        }
        int boxes = c.getSeriesMap().size();
        if (boxes == 0) return false;
        // XChart draws every box (1 - plotContentSize) of the plot wide, whatever their number: at the default 0.92
        // 15 boxes are wider than their slots and overlap; this size makes each box 0.6 of its slot (at most 0.2 of
        // the plot: the size also sets the margins, the vertical one too)
        c.getStyler().setPlotContentSize(plotContentSizeForBoxes(boxes));
        // names side by side overlap beyond about 8 schedules (slots under 100 px); slanted they need 60 px each
        c.getStyler().setXAxisLabelRotation(boxes > 8 ? 45 : 0);
        save(c, png);
        return true;
    }

    /** The plot content size at which XChart draws each of {@code boxes} boxes {@link #BOX_FILL} of its slot wide. */
    static double plotContentSizeForBoxes(int boxes) {
        return Math.max(0.8, 1 / (1 + BOX_FILL / boxes));
    }

    /** The range test's loss (raw and smoothed) against the lr on a log axis, with the suggested max_lr marked. */
    public static void lrFind(List<anneal.bench.LrRangeTest.Point> points, anneal.bench.LrRangeTest.Suggestion s, Path png)
            throws IOException {
        List<anneal.bench.LrRangeTest.Point> ok = points.stream().filter(p -> Double.isFinite(p.smoothed())).toList();
        if (ok.isEmpty()) return;
        XYChart c = new XYChartBuilder().width(900).height(560).title("LR range test").xAxisTitle("learning rate (log)")
                .yAxisTitle("training loss").build();
        c.getStyler().setXAxisLogarithmic(true).setLegendPosition(Styler.LegendPosition.InsideNW).setMarkerSize(0);
        double[] x = ok.stream().mapToDouble(anneal.bench.LrRangeTest.Point::lr).toArray();
        double[] raw = ok.stream().mapToDouble(anneal.bench.LrRangeTest.Point::loss).toArray();
        double[] smooth = ok.stream().mapToDouble(anneal.bench.LrRangeTest.Point::smoothed).toArray();
        XYSeries r = c.addSeries("loss", x, raw);
        r.setLineColor(new java.awt.Color(180, 180, 220));
        r.setMarker(SeriesMarkers.NONE);
        c.addSeries("smoothed loss", x, smooth).setMarker(SeriesMarkers.NONE);
        double lo = java.util.Arrays.stream(smooth).min().orElse(0);
        double hi = Math.min(java.util.Arrays.stream(raw).max().orElse(1), 4 * lo + smooth[0]);
        c.getStyler().setYAxisMin(Math.max(0, lo * 0.8)).setYAxisMax(hi);
        if (Double.isFinite(s.maxLr())) {
            c.addSeries("suggested max_lr " + String.format(java.util.Locale.ROOT, "%.2g", s.maxLr()), new double[] {s.maxLr(), s.maxLr()},
                    new double[] {Math.max(0, lo * 0.8), hi}).setMarker(SeriesMarkers.NONE);
            c.addSeries(String.format(java.util.Locale.ROOT, "min of smoothed loss %.2g", s.lrAtMinimum()),
                    new double[] {s.lrAtMinimum(), s.lrAtMinimum()}, new double[] {Math.max(0, lo * 0.8), hi})
                    .setMarker(SeriesMarkers.NONE);
        }
        save(c, png);
    }

    private static double stepsPerEpoch(RunRecord r) {
        for (EpochRecord p : r.records())
            if (p.epoch() > 0 && p.step() > 0) return p.step() / p.epoch();
        return Math.max(1, (double) r.lrs().length * r.lrStride() / Math.max(1, r.epochs()));
    }

    private static void save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path png) throws IOException {
        anneal.util.AtomicFiles.write(png, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }
}
