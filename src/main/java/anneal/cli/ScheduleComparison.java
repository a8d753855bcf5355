package anneal.cli;

import anneal.report.SchedulePlot;
import anneal.schedule.Clock;
import anneal.schedule.LrScheduler;
import anneal.schedule.spec.Schedules;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code anneal schedule --compare SPEC_A SPEC_B --steps N}: both schedules on the same optimizer lrs, side by side
 * ({@code step,a,b,a-b} per group), then the largest difference and the step where it occurs; with {@code --plot}
 * both curves in one chart. Made for "the same schedule" in two libraries (PyTorch's CosineAnnealingLR against
 * optax's cosine_decay_schedule, transformers' cosine_with_restarts against SGDR).
 */
final class ScheduleComparison {
    private ScheduleComparison() {
    }

    /** The largest {@code |a - b|} over the rows and groups, where it is, and the two values there. */
    record Largest(double difference, int step, int group, double a, double b) { }

    static Largest largest(List<double[]> a, List<double[]> b) {
        Largest best = new Largest(0, 0, 0, a.get(0)[0], b.get(0)[0]);
        for (int i = 0; i < a.size(); i++) {
            for (int g = 0; g < a.get(i).length; g++) {
                double d = Math.abs(a.get(i)[g] - b.get(i)[g]);
                if (d > best.difference() || Double.isNaN(d) && !Double.isNaN(best.difference())) {
                    best = new Largest(d, i, g, a.get(i)[g], b.get(i)[g]);
                }
            }
        }
        return best;
    }

    private static List<double[]> rows(LrScheduler s, int rows) {
        List<double[]> out = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            if (i > 0) {
                if (s.needsMetric()) {
                    throw new UsageException("--compare: a schedule that steps on a metric (ReduceLROnPlateau) is not "
                            + "allowed; allowed: schedules stepped without one");
                }
                s.step();
            }
            out.add(s.lastLr());
        }
        return out;
    }

    static int run(PrintWriter out, String specA, String specB, double[] lrs, int rowCount, Path plot, long stepsPerEpoch)
            throws java.io.IOException {
        LrScheduler a = Schedules.fromSpec(specA, lrs);
        LrScheduler b = Schedules.fromSpec(specB, lrs);
        List<double[]> ra = rows(a, rowCount);
        List<double[]> rb = rows(b, rowCount);
        int groups = lrs.length;
        Largest largest = largest(ra, rb);
        if (plot != null) {
            List<String> columns = new ArrayList<>();
            for (int g = 0; g < groups; g++) {
                columns.add("a" + (groups == 1 ? "" : Integer.toString(g))); // the specs are printed below
                columns.add("b" + (groups == 1 ? "" : Integer.toString(g)));
            }
            List<double[]> rows = new ArrayList<>();
            for (int i = 0; i < rowCount; i++) {
                double[] r = new double[2 * groups];
                for (int g = 0; g < groups; g++) {
                    r[2 * g] = ra.get(i)[g];
                    r[2 * g + 1] = rb.get(i)[g];
                }
                rows.add(r);
            }
            Clock clock = Clock.of(a.clock().perStep() || b.clock().perStep());
            SchedulePlot.write("a vs b", columns, rows, clock, stepsPerEpoch, plot);
            out.println("wrote " + plot + " (" + rows.size() + " rows)");
        } else {
            StringBuilder head = new StringBuilder("step");
            for (int g = 0; g < groups; g++) {
                String suffix = groups == 1 ? "" : Integer.toString(g);
                head.append(",a").append(suffix).append(",b").append(suffix).append(",a-b").append(suffix);
            }
            out.println(head);
            for (int i = 0; i < rowCount; i++) {
                StringBuilder line = new StringBuilder().append(i);
                for (int g = 0; g < groups; g++) {
                    double x = ra.get(i)[g];
                    double y = rb.get(i)[g];
                    line.append(',').append(ScheduleCommand.PyFloat.repr(x)).append(',')
                            .append(ScheduleCommand.PyFloat.repr(y)).append(',').append(ScheduleCommand.PyFloat.repr(x - y));
                }
                out.println(line);
            }
        }
        out.println("a: " + specA);
        out.println("b: " + specB);
        double scale = Math.max(Math.abs(largest.a()), Math.abs(largest.b()));
        out.println("largest |a - b| = " + ScheduleCommand.PyFloat.repr(largest.difference()) + " at step "
                + largest.step() + (groups == 1 ? "" : " group " + largest.group()) + " (a "
                + ScheduleCommand.PyFloat.repr(largest.a()) + ", b " + ScheduleCommand.PyFloat.repr(largest.b())
                + (scale > 0 ? ", " + String.format(java.util.Locale.ROOT, "%.3g", largest.difference() / scale)
                + " of the larger" : "") + ")");
        out.flush();
        return 0;
    }
}
