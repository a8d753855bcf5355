package anneal.report;

import anneal.bench.RunRecord;
import anneal.stats.KaplanMeier;
import anneal.stats.PerformanceProfile;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The chapter's plots of censored time to target: Kaplan-Meier curves and validation accuracy as small multiples
 * (one panel per schedule, the reference schedule drawn grey in every panel for comparison), the target-sensitivity
 * curve and the performance profile. Everything comes from journal records; nothing is measured here.
 */
public final class ChapterCharts {
    static final int PANEL_W = 300;
    static final int PANEL_H = 220;
    private static final Color REFERENCE = new Color(150, 150, 150);
    private static final Color MAIN = new Color(31, 119, 180);
    private static final Color BAND = new Color(31, 119, 180, 90);
    private static final BasicStroke DASHED = new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f,
            new float[] {5f, 3f}, 0f);

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private ChapterCharts() {
    }

    /** The KM estimate of P(reached by t) as a step curve up to {@code tau}: x and y arrays. */
    static double[][] stepCurve(KaplanMeier km, double tau) {
        List<double[]> pts = new ArrayList<>();
        pts.add(new double[] {0, 0});
        double f = 0;
        double[] t = km.eventTimes();
        double[] s = km.survivalAtEvents();
        for (int i = 0; i < t.length && t[i] <= tau; i++) {
            pts.add(new double[] {t[i], f});
            f = 1 - s[i];
            pts.add(new double[] {t[i], f});
        }
        pts.add(new double[] {tau, f});
        double[][] out = new double[2][pts.size()];
        for (int i = 0; i < pts.size(); i++) {
            out[0][i] = pts.get(i)[0];
            out[1][i] = pts.get(i)[1];
        }
        return out;
    }

    /** One panel per schedule: its Kaplan-Meier curve of P(target reached by t), the reference's dashed grey. */
    public static void kaplanMeierGrid(BudgetTable t, String target, Path png) throws IOException {
        if (t.reference() == null || !Double.isFinite(t.tau())) return;
        List<XYChart> panels = new ArrayList<>();
        double[][] ref = stepCurve(t.reference().km(), t.tau());
        for (ScheduleSummary r : t.rows()) {
            if (r.km() == null) continue;
            XYChart c = panel(r.schedule() + " (" + r.reached() + "/" + r.completed() + ")", "training seconds",
                    "P(reached " + target + ")");
            if (r != t.reference()) line(c, "reference", ref, REFERENCE, DASHED);
            line(c, r.schedule(), stepCurve(r.km(), t.tau()), MAIN, new BasicStroke(2f));
            c.getStyler().setYAxisMin(0.0).setYAxisMax(1.0).setXAxisMin(0.0).setXAxisMax(t.tau());
            panels.add(c);
        }
        grid(panels, png);
    }

    /**
     * One panel per schedule: validation accuracy against training seconds, the median over seeds with the band from the
     * lowest to the highest seed at each evaluation, the target as a dashed line and the reference's median grey.
     */
    public static void validationGrid(BudgetTable t, Map<String, List<RunRecord>> runs, boolean evalOnClock, Path png)
            throws IOException {
        List<XYChart> panels = new ArrayList<>();
        double[][] ref = t.reference() == null ? null : medianCurve(runs.get(t.reference().schedule()), evalOnClock)[0];
        double lo = t.target() - 0.06;
        for (Map.Entry<String, List<RunRecord>> e : runs.entrySet()) {
            double[][][] curves = medianCurve(e.getValue(), evalOnClock);
            if (curves == null) continue;
            XYChart c = panel(e.getKey(), "training seconds", "validation accuracy");
            double xmax = curves[0][0][curves[0][0].length - 1];
            line(c, "target", new double[][] {{0, xmax}, {t.target(), t.target()}}, Color.DARK_GRAY, DASHED);
            if (ref != null && !e.getKey().equals(t.reference().schedule())) line(c, "reference", ref, REFERENCE, new BasicStroke(1.2f));
            line(c, "lowest seed", curves[1], BAND, new BasicStroke(1f));
            line(c, "highest seed", curves[2], BAND, new BasicStroke(1f));
            line(c, "median", curves[0], MAIN, new BasicStroke(2f));
            c.getStyler().setYAxisMin(Math.max(0, lo)).setYAxisMax(Math.min(1, t.target() + 0.04)).setXAxisMin(0.0);
            panels.add(c);
        }
        grid(panels, png);
    }

    /** Per evaluation index: {median, min, max} curves of validation accuracy against the median clock; null if empty. */
    static double[][][] medianCurve(List<RunRecord> runs, boolean evalOnClock) {
        if (runs == null) return null;
        List<RunRecord> done = runs.stream().filter(r -> !r.records().isEmpty()).toList();
        int n = done.stream().mapToInt(r -> r.records().size()).min().orElse(0);
        if (n == 0) return null;
        double[][][] out = new double[3][2][n];
        for (int i = 0; i < n; i++) {
            int k = i;
            double[] x = done.stream().mapToDouble(r -> r.records().get(k).timedSeconds(evalOnClock)).toArray();
            double[] y = done.stream().mapToDouble(r -> r.records().get(k).valAccuracy()).toArray();
            double xm = Stats.median(x);
            out[0][0][i] = out[1][0][i] = out[2][0][i] = xm;
            out[0][1][i] = Stats.median(y);
            out[1][1][i] = java.util.Arrays.stream(y).min().orElse(Double.NaN);
            out[2][1][i] = java.util.Arrays.stream(y).max().orElse(Double.NaN);
        }
        return out;
    }

    /** Restricted mean time to target against the target, one line per schedule. */
    public static void targetSensitivity(double[] targets, Map<String, double[]> rmstBySchedule, String title, Path png)
            throws IOException {
        XYChart c = new XYChartBuilder().width(1000).height(560).title(title).xAxisTitle("validation accuracy target")
                .yAxisTitle("restricted mean seconds to target").build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE).setMarkerSize(4);
        for (Map.Entry<String, double[]> e : rmstBySchedule.entrySet()) c.addSeries(e.getKey(), targets, e.getValue());
        if (c.getSeriesMap().isEmpty()) return;
        anneal.util.AtomicFiles.write(png, out -> BitmapEncoder.saveBitmap(c, out, BitmapEncoder.BitmapFormat.PNG));
    }

    /** {@code rho_s(tau)} for tau in [1, TAU_MAX], one step line per schedule. */
    public static void performanceProfile(PerformanceProfile p, String title, Path png) throws IOException {
        if (p.settings() == 0) return;
        XYChart c = new XYChartBuilder().width(1000).height(520).title(title).xAxisTitle("tau (time / best time)")
                .yAxisTitle("share of settings within tau").build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE).setMarkerSize(0);
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisMax(1.0);
        int steps = 300;
        double[] x = new double[steps + 1];
        for (int i = 0; i <= steps; i++) x[i] = 1 + (PerformanceProfile.TAU_MAX - 1) * i / steps;
        for (String s : p.candidates()) {
            double[] y = new double[x.length];
            for (int i = 0; i < x.length; i++) y[i] = p.rho(s, x[i]);
            c.addSeries(s + String.format(java.util.Locale.ROOT, " (%.2f)", p.score(s)), x, y).setMarker(SeriesMarkers.NONE);
        }
        anneal.util.AtomicFiles.write(png, out -> BitmapEncoder.saveBitmap(c, out, BitmapEncoder.BitmapFormat.PNG));
    }

    private static XYChart panel(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(PANEL_W).height(PANEL_H).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setLegendVisible(false).setMarkerSize(0);
        c.getStyler().setChartTitleFont(c.getStyler().getChartTitleFont().deriveFont(12f));
        c.getStyler().setAxisTitleFont(c.getStyler().getAxisTitleFont().deriveFont(10f));
        return c;
    }

    private static void line(XYChart c, String name, double[][] xy, Color color, BasicStroke stroke) {
        XYSeries s = c.addSeries(name, xy[0], xy[1]);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
        s.setLineStyle(stroke);
    }

    /** Draws {@code panels} into a grid of at most 4 columns. */
    static void grid(List<XYChart> panels, Path png) throws IOException {
        if (panels.isEmpty()) return;
        int cols = Math.min(4, panels.size());
        int rows = (panels.size() + cols - 1) / cols;
        BufferedImage img = new BufferedImage(cols * PANEL_W, rows * PANEL_H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(panels.get(0).getStyler().getChartBackgroundColor());
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        for (int i = 0; i < panels.size(); i++)
            g.drawImage(BitmapEncoder.getBufferedImage(panels.get(i)), (i % cols) * PANEL_W, (i / cols) * PANEL_H, null);
        g.dispose();
        anneal.util.AtomicFiles.write(png, out -> javax.imageio.ImageIO.write(img, "png", out));
    }
}
