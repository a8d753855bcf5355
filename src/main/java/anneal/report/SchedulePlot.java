package anneal.report;

import anneal.schedule.Clock;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The PNG of {@code anneal schedule SPEC --plot FILE.png}: one line per column (lr per group on the left axis,
 * momentum and weight decay on axes of their own), against the row index. Row {@code i} is the value after the
 * {@code i}-th {@code step()}; for a per-step schedule of a known run ({@code stepsPerEpoch > 0}) the x axis is in
 * epochs ({@code i / stepsPerEpoch}), so the gridlines fall on epoch boundaries. Tick labels are {@link TickLabels}.
 */
public final class SchedulePlot {
    /** Size of the PNG in pixels. */
    public static final int WIDTH = 900;
    public static final int HEIGHT = 500;
    private static final int TITLE_CHARS = 100;
    /** Up to this many rows on a row-index axis, every row gets a label (round ticks would fall between rows). */
    private static final int ALL_ROWS_LABELLED = 20;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private SchedulePlot() {
    }

    /**
     * Writes the plot.
     *
     * @param spec the schedule spec, the chart's title (cut to 100 characters)
     * @param columns the column names, as {@code lr}, {@code lr0}, {@code momentum}, {@code weight_decay1}
     * @param rows one value per column per row; row 0 is before the first {@code step()}
     * @param clock how often the schedule is stepped
     * @param stepsPerEpoch optimizer steps per epoch of the planned run, or 0 when unknown
     * @param png the file to write
     */
    public static void write(String spec, List<String> columns, List<double[]> rows, Clock clock, long stepsPerEpoch,
            Path png) throws IOException {
        XYChart chart = chart(spec, columns, rows, clock, stepsPerEpoch);
        anneal.util.AtomicFiles.write(png, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }

    /** The chart {@link #write} draws. */
    static XYChart chart(String spec, List<String> columns, List<double[]> rows, Clock clock, long stepsPerEpoch) {
        boolean inEpochs = clock.perStep() && stepsPerEpoch > 0;
        String xTitle = !clock.perStep() ? "epoch"
                : inEpochs ? "epoch (" + stepsPerEpoch + " optimizer steps each)" : "optimizer step";
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(spec.length() > TITLE_CHARS ? spec.substring(0, TITLE_CHARS - 3) + "..." : spec)
                .xAxisTitle(xTitle).yAxisTitle("lr").build();
        chart.getStyler().setXAxisTickMarkSpacingHint(70).setLegendVisible(columns.size() > 1).setToolTipsEnabled(false);
        double[] x = new double[rows.size()];
        for (int i = 0; i < x.length; i++) x[i] = inEpochs ? (double) i / stepsPerEpoch : i;
        double yScale = 0;
        for (int c = 0; c < columns.size(); c++) {
            double[] y = new double[rows.size()];
            for (int i = 0; i < y.length; i++) {
                y[i] = rows.get(i)[c];
                if (Double.isFinite(y[i])) yScale = Math.max(yScale, Math.abs(y[i]));
            }
            XYSeries series = chart.addSeries(columns.get(c), x, y);
            series.setMarker(SeriesMarkers.NONE);
            if (columns.get(c).startsWith("momentum")) series.setYAxisGroup(1);
            if (columns.get(c).startsWith("weight_decay")) series.setYAxisGroup(2);
        }
        if (columns.stream().anyMatch(c -> c.startsWith("momentum"))) chart.setYAxisGroupTitle(1, "momentum");
        if (columns.stream().anyMatch(c -> c.startsWith("weight_decay"))) chart.setYAxisGroupTitle(2, "weight decay");
        if (x.length > 2 && (inEpochs || x.length > ALL_ROWS_LABELLED)) roundTicks(chart, x, rows.get(0)[0]);
        chart.setCustomXAxisTickLabelsFormatter(TickLabels.forScale(x.length == 0 ? 0 : x[x.length - 1]));
        chart.setCustomYAxisTickLabelsFormatter(TickLabels.forScale(yScale));
        return chart;
    }

    /**
     * Makes XChart place the x ticks at round values. For x values that are equally spaced (as rows always are)
     * XChart labels every k-th value instead, for the smallest k whose labels fit (ticks at 0, 1173, 2346, ... or at
     * every one of 40 epochs); one hidden point between the first two rows turns that off without moving the axis.
     * Round steps are 1, 2 or 5 times a power of ten, fractions only where the axis spans fewer than about 10.
     */
    private static void roundTicks(XYChart chart, double[] x, double y0) {
        XYSeries hidden = chart.addSeries(" ", new double[] {(x[0] + x[1]) / 2}, new double[] {y0});
        hidden.setMarker(SeriesMarkers.NONE);
        hidden.setLineStyle(SeriesLines.NONE);
        hidden.setShowInLegend(false);
    }
}
