package anneal.cli;

import anneal.report.SchedulePlot;
import anneal.schedule.Budget;
import anneal.schedule.Clock;
import anneal.schedule.Hyperparameter;
import anneal.schedule.LrScheduler;
import anneal.schedule.spec.Schedules;
import anneal.schedule.TorchScheduler;
import anneal.schedule.TorchVersion;
import anneal.schedule.spec.Lint;
import anneal.schedule.spec.ScheduleCheckpoint;
import anneal.schedule.spec.ScheduleConfig;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code anneal schedule SPEC --base-lr X --steps N [--metrics v1,v2,...] [--format csv|json]}: prints the lr
 * (per parameter group, and momentum where the schedule cycles it) right after construction (row 0) and after
 * each of the following {@code step()} calls; metric-driven schedules receive {@code v_i} at step {@code i}.
 * Numbers are printed as Python's {@code repr(float)} prints them, so the output diffs cleanly against PyTorch.
 *
 * <p>{@code --plot FILE.png} draws the same rows (lr per group, momentum on a second axis where scheduled) instead
 * of printing them. {@code --lint --epochs E --steps-per-epoch S [--jump-fraction F] [--strict]} checks the spec
 * against that run ({@link Lint}) and prints one line per finding; exit 0, or 1 with {@code --strict} when
 * there are findings. Without {@code --steps}, the rows cover the planned run ({@code E * S} steps for a per-step
 * schedule, {@code E} for a per-epoch one).
 */
@Command(name = "schedule", mixinStandardHelpOptions = true,
        description = {"Print a schedule's learning rate per step, identical to PyTorch's param_groups[i]['lr'].",
            "Known schedules: StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, ConstantLR, LinearLR, "
                + "PolynomialLR, LambdaLR, MultiplicativeLR, CyclicLR, OneCycleLR, CosineAnnealingWarmRestarts, "
                + "ReduceLROnPlateau, SequentialLR, ChainedScheduler, WarmupLR, GradualWarmupLR, WarmupCosineLR, "
                + "InverseSqrtLR, WarmupStableDecayLR, CosineDecayRestartsLR, CosineCycleLR, TanhCycleLR, NoisyLR, "
                + "GroupScaleLR, CoScheduleLR, HorizonLR."},
        footer = {"", "Examples:", "  anneal schedule \"OneCycleLR(max_lr=0.1, total_steps=100)\" --base-lr 0.1 --steps 101",
            "  anneal schedule \"CosineAnnealingLR(T_max=30)\" --base-lr 0.1 --lint --epochs 30 --steps-per-epoch 469",
            "  anneal schedule \"OneCycleLR(max_lr=0.1, epochs=30, steps_per_epoch=469)\" --base-lr 0.1 --epochs 30 "
                + "--steps-per-epoch 469 --plot onecycle.png"})
final class ScheduleCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SPEC",
            description = "Schedule in PyTorch syntax, e.g. \"StepLR(step_size=30, gamma=0.1)\", or another library's "
                    + "(optax., keras., transformers., timm. prefix).")
    String scheduleSpec;

    @Option(names = "--compare", arity = "2", paramLabel = "SPEC", description = "Two schedules side by side "
            + "(step,a,b,a-b) with their largest difference and where it occurs; with --plot, both curves.")
    List<String> compare;

    @Option(names = "--base-lr", required = true, split = ",", paramLabel = "LR",
            description = "Initial lr of each parameter group (repeat the option or give a comma list).")
    List<Double> baseLrs;

    @Option(names = "--weight-decay", split = ",", paramLabel = "WD",
            description = "The optimizer's weight decay: one number for every group or one per group (default 0, as "
                    + "torch.optim.SGD). A co-scheduled weight decay without base_weight_decay starts here.")
    List<Double> weightDecay;

    @Option(names = "--steps", paramLabel = "N",
            description = "Number of rows: row 0 after construction, row i after the i-th step() (default with "
                    + "--epochs: the planned run, plus row 0).")
    Integer steps;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Draw lr (and momentum) over the rows into a PNG "
            + "instead of printing them.")
    Path plot;

    @Option(names = "--lint", description = "Check the spec against the run given by --epochs and --steps-per-epoch: "
            + "jumps at joins, NaN/negative/above-peak values, horizons that do not match the run, clock mismatches.")
    boolean lint;

    @Option(names = "--epochs", paramLabel = "E", description = "Epochs of the planned run (--lint, --plot).")
    Long epochs;

    @Option(names = "--steps-per-epoch", paramLabel = "S", description = "Optimizer steps per epoch of the planned run.")
    Long stepsPerEpoch;

    @Option(names = "--jump-fraction", defaultValue = "0.1", paramLabel = "F",
            description = "--lint: largest jump allowed at a join, as a fraction of the lr there, beyond the change "
                    + "of the step before (default 0.1).")
    double jumpFraction;

    @Option(names = "--strict", description = "--lint: exit 1 when there are findings (default: warnings, exit 0).")
    boolean strict;

    @Option(names = "--metrics", split = ",", paramLabel = "V",
            description = "Metric passed to step() of row 1, 2, ... (ReduceLROnPlateau and schedules holding one); "
                    + "nan and inf in any case, as Python's float() (a NaN metric is never an improvement).")
    List<Double> metrics;

    @Option(names = "--format", defaultValue = "csv", paramLabel = "FMT", description = "csv, json, or config (the "
            + "schedule's versioned JSON config, every argument resolved; usable as @FILE wherever a SPEC is) "
            + "(default csv).")
    String format;

    @Option(names = "--save-state", paramLabel = "FILE.json", description = "After the last row, write a checkpoint: "
            + "the config and the runtime state, apart.")
    Path saveState;

    @Option(names = "--resume", paramLabel = "FILE.json", description = "Start from a checkpoint written by "
            + "--save-state (row 0 is the saved point); its config must equal SPEC unless --prefer says which wins.")
    Path resume;

    @Option(names = "--prefer", paramLabel = "SIDE", description = "With --resume, when the configs differ: checkpoint "
            + "or given (default: an error naming the differing arguments).")
    String prefer;

    @Option(names = "--torch", defaultValue = "2", paramLabel = "VERSION", description = "PyTorch whose lr_scheduler.py "
            + "PyTorch-named schedules reproduce: 1.13 or 2 (default: ${DEFAULT-VALUE}); a spec's torch= argument wins.")
    String torch;

    @Override
    public Integer call() throws Exception {
        TorchVersion version = TorchVersion.parse("--torch", torch);
        return TorchScheduler.calling(new TorchScheduler.Options(version, -1), this::run);
    }

    private Integer run() throws Exception {
        if (compare != null) {
            if (scheduleSpec != null) throw new UsageException("--compare takes both specs; drop the SPEC before it");
            double[] lrs = new double[baseLrs.size()];
            for (int i = 0; i < lrs.length; i++) lrs[i] = baseLrs.get(i);
            if (steps == null) throw new UsageException("--compare needs --steps N");
            int rowCount = rowCount(null, null);
            return ScheduleComparison.run(spec.commandLine().getOut(), compare.get(0), compare.get(1), lrs, rowCount,
                    plot, stepsPerEpoch == null ? 0 : stepsPerEpoch);
        }
        if (scheduleSpec == null) throw new UsageException("SPEC is required (or --compare SPEC_A SPEC_B)");
        if (!format.equals("csv") && !format.equals("json") && !format.equals("config")) {
            throw new UsageException("--format=" + format + " is not allowed; allowed: csv, json or config");
        }
        double[] lrs = new double[baseLrs.size()];
        for (int i = 0; i < lrs.length; i++) {
            lrs[i] = baseLrs.get(i);
            if (!(lrs[i] >= 0) || Double.isInfinite(lrs[i])) {
                throw new UsageException("--base-lr=" + lrs[i] + " is not allowed; allowed: a finite number >= 0");
            }
        }
        if (!(jumpFraction >= 0) || Double.isInfinite(jumpFraction)) {
            throw new UsageException("--jump-fraction=" + jumpFraction + " is not allowed; allowed: a finite number >= 0");
        }
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        if (format.equals("config")) {
            spec.commandLine().getOut().println(json.writeValueAsString(ScheduleConfig.of(scheduleSpec, lrs)));
            spec.commandLine().getOut().flush();
            return 0;
        }
        Budget plan = plan();
        if (lint) return lint(lrs, plan);
        if (prefer != null && resume != null) prefer(); // an unknown --prefer is bad input before anything runs
        if (prefer != null && resume == null) throw new UsageException("--prefer is only allowed with --resume");
        Map<String, Object> checkpoint = resume == null ? null : readJson(json, resume);
        double[] given = lrs;
        java.util.function.Supplier<ScheduleCheckpoint.Restored> build = () -> {
            if (checkpoint != null) return ScheduleCheckpoint.restore(checkpoint, scheduleSpec, given, prefer());
            return new ScheduleCheckpoint.Restored(Schedules.fromSpec(scheduleSpec, given, weightDecays(given.length)),
                    scheduleSpec, given);
        };
        // pass 1: step through every row without printing, so that bad input (a schedule refusing a step, an
        // expression undefined at some step, a NaN lr) is one line on stderr with nothing on stdout
        ScheduleCheckpoint.Restored first = stepped(build);
        int rowCount = rowCount(first.scheduler(), plan);
        checkMetrics(first.scheduler(), rowCount);
        if (plot != null && rowCount > MAX_PLOT_ROWS) {
            throw new UsageException("--plot with " + rowCount + " rows is not allowed; allowed: at most " + MAX_PLOT_ROWS
                    + " rows (lower --steps)");
        }
        writableFile("--plot", plot);
        writableFile("--save-state", saveState);
        LrScheduler s = first.scheduler();
        double[] row = new double[columns(s).size()];
        for (int i = 1; i < rowCount; i++) step(s, i, rowCount, row);
        // pass 2: the same rows again, streamed (constant memory for CSV and JSON)
        ScheduleCheckpoint.Restored restored = stepped(build);
        s = restored.scheduler();
        lrs = restored.baseLrs();
        List<String> columns = columns(s);
        PrintWriter out = spec.commandLine().getOut();
        if (plot != null) {
            List<double[]> rows = new ArrayList<>(rowCount);
            rows.add(row(s, new double[columns.size()]));
            for (int i = 1; i < rowCount; i++) rows.add(step(s, i, rowCount, new double[columns.size()]).clone());
            writePlot(columns, rows, s.clock());
            spec.commandLine().getErr().println("wrote " + plot + " (" + rows.size() + " rows)");
        } else if (format.equals("csv")) {
            out.println("step," + String.join(",", columns));
            csvRow(out, 0, row(s, row));
            for (int i = 1; i < rowCount; i++) csvRow(out, i, step(s, i, rowCount, row));
        } else {
            printJson(out, columns, s, rowCount, lrs, row);
        }
        out.flush();
        if (out.checkError()) throw new java.io.IOException("cannot write to stdout (closed pipe or full disk)");
        if (saveState != null) {
            try {
                json.writeValue(saveState.toFile(), ScheduleCheckpoint.save(restored.spec(), lrs, s));
            } catch (java.io.IOException e) {
                throw new UsageException("--save-state=" + saveState + ": cannot write (" + e.getMessage() + ")", e);
            }
        }
        return 0;
    }

    /** A file option's folder must exist and be writable before anything is printed (null: not given). */
    private static void writableFile(String option, Path file) {
        if (file == null) return;
        Path dir = file.toAbsolutePath().getParent();
        if (java.nio.file.Files.isDirectory(file)) {
            throw new UsageException(option + "=" + file + " is a directory; allowed: a file in a writable folder");
        }
        if (dir == null || !java.nio.file.Files.isDirectory(dir) || !java.nio.file.Files.isWritable(dir)) {
            throw new UsageException(option + "=" + file + ": folder " + dir + " " + (dir != null
                    && java.nio.file.Files.isDirectory(dir) ? "is not writable" : anneal.InputFiles.whatItIs(dir))
                    + "; allowed: a file in a writable folder");
        }
    }

    /** Most rows {@code --plot} draws (the plot holds every row in memory). */
    static final int MAX_PLOT_ROWS = 2_000_000;

    /** Builds the schedule; a schedule that refuses its construction step is bad input naming step 0. */
    private ScheduleCheckpoint.Restored stepped(java.util.function.Supplier<ScheduleCheckpoint.Restored> build) {
        try {
            ScheduleCheckpoint.Restored r = build.get();
            checkFinite(r.scheduler(), 0);
            return r;
        } catch (IllegalStateException | ArithmeticException e) {
            throw new UsageException(e.getMessage() + " (at step 0, construction)", e);
        }
    }

    /** Steps {@code s} to row {@code i} and fills {@code into}; a schedule's refusal names the step. */
    private double[] step(LrScheduler s, int i, int rowCount, double[] into) {
        try {
            if (s.needsMetric()) s.step(metrics.get(i - 1));
            else s.step();
        } catch (IllegalStateException | ArithmeticException e) {
            throw new UsageException(e.getMessage() + " (at step " + i + " of --steps " + rowCount + ")", e);
        } catch (anneal.ConfigurationException e) {
            throw new UsageException(e.getMessage() + " (at step " + i + " of --steps " + rowCount + ")", e);
        }
        checkFinite(s, i);
        return row(s, into);
    }

    /** An lr that is NaN where no metric is NaN means the arguments overflowed: refuse it rather than print nan. */
    private void checkFinite(LrScheduler s, int i) {
        boolean nanMetric = metrics != null && metrics.stream().anyMatch(m -> Double.isNaN(m));
        for (int g = 0; g < s.groups(); g++) {
            if (Double.isNaN(s.lr(g)) && !nanMetric) {
                throw new UsageException(scheduleName() + ": the lr of group " + g + " is NaN at step " + i
                        + " (an argument overflows the arithmetic, e.g. two 1e308 added, or an expression is undefined there); allowed: arguments whose "
                        + "lr is a number at every step");
            }
        }
    }

    private String scheduleName() {
        String t = scheduleSpec.strip();
        int paren = t.indexOf('(');
        return paren > 0 ? t.substring(0, paren).strip() : t;
    }

    private ScheduleCheckpoint.Prefer prefer() {
        if (prefer == null) return ScheduleCheckpoint.Prefer.NEITHER;
        switch (prefer) {
            case "checkpoint": return ScheduleCheckpoint.Prefer.CHECKPOINT;
            case "given": return ScheduleCheckpoint.Prefer.GIVEN;
            default: throw new UsageException("--prefer=" + prefer + " is not allowed; allowed: checkpoint or given");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readJson(ObjectMapper json, Path file) {
        try {
            return json.readValue(file.toFile(), Map.class);
        } catch (java.io.IOException e) {
            throw new UsageException("--resume=" + file + ": cannot read a checkpoint (" + e.getMessage().split("\n")[0]
                    + ")", e);
        }
    }

    /** {@code --weight-decay} per group: absent is 0, one number applies to every group. */
    private double[] weightDecays(int groups) {
        double[] out = new double[groups];
        if (weightDecay == null) return out;
        if (weightDecay.size() != 1 && weightDecay.size() != groups) {
            throw new UsageException("--weight-decay=" + weightDecay.stream().map(String::valueOf)
                    .collect(java.util.stream.Collectors.joining(",")) + " is not allowed; allowed: one number, or one per "
                    + "parameter group (" + groups + ", as --base-lr)");
        }
        for (int g = 0; g < groups; g++) {
            double wd = weightDecay.get(weightDecay.size() == 1 ? 0 : g);
            if (!(wd >= 0) || Double.isInfinite(wd)) {
                throw new UsageException("--weight-decay=" + wd + " is not allowed; allowed: a finite number >= 0");
            }
            out[g] = wd;
        }
        return out;
    }

    private Budget plan() {
        if (epochs == null && stepsPerEpoch == null) {
            if (lint) throw new UsageException("--lint needs the planned run: --epochs E --steps-per-epoch S");
            return null;
        }
        if (epochs == null || stepsPerEpoch == null) {
            throw new UsageException("--epochs and --steps-per-epoch go together; allowed: both or neither");
        }
        if (epochs < 1) throw new UsageException("--epochs=" + epochs + " is not allowed; allowed: an integer >= 1");
        if (stepsPerEpoch < 1) {
            throw new UsageException("--steps-per-epoch=" + stepsPerEpoch + " is not allowed; allowed: an integer >= 1");
        }
        if (!(jumpFraction >= 0)) {
            throw new UsageException("--jump-fraction=" + jumpFraction + " is not allowed; allowed: a number >= 0");
        }
        if (lint && epochs > Lint.MAX_STEPS / stepsPerEpoch) {
            throw new UsageException("--lint --epochs " + epochs + " --steps-per-epoch " + stepsPerEpoch + " is not allowed; "
                    + "allowed: at most " + Lint.MAX_STEPS + " planned steps (epochs x steps per epoch)");
        }
        if (!Double.isFinite(jumpFraction)) {
            throw new UsageException("--jump-fraction=" + jumpFraction + " is not allowed; allowed: a finite number >= 0");
        }
        // rows use epochs and stepsPerEpoch; lint's plan fits an int (at most Lint.MAX_STEPS steps, checked above)
        return lint ? new Budget(Math.toIntExact(epochs), Math.toIntExact(stepsPerEpoch)) : null;
    }

    private int lint(double[] lrs, Budget plan) {
        List<Lint.Finding> findings = Lint.check(scheduleSpec, lrs, plan, jumpFraction);
        PrintWriter out = spec.commandLine().getOut();
        for (Lint.Finding f : findings) out.println(f);
        if (findings.isEmpty()) out.println("no findings");
        out.flush();
        return strict && !findings.isEmpty() ? 1 : 0;
    }

    private int rowCount(LrScheduler s, Budget plan) {
        long n;
        if (steps != null) {
            n = steps;
            if (n < 1 || n > MAX_ROWS) {
                throw new UsageException("--steps=" + n + " is not allowed; allowed: an integer >= 1 and <= " + MAX_ROWS);
            }
            return (int) n;
        }
        if (epochs == null) throw new UsageException("--steps is required (or --epochs and --steps-per-epoch for the planned run)");
        boolean perStep = s.clock().perStep();
        long length = perStep ? multiplyOrMax(epochs, stepsPerEpoch) : epochs;
        if (length >= MAX_ROWS) {
            String planned = perStep && length == Long.MAX_VALUE ? "more than " + Long.MAX_VALUE + " steps"
                    : length + (perStep ? " steps" : " epochs (the schedule steps per epoch)");
            throw new UsageException("--epochs " + epochs + " --steps-per-epoch " + stepsPerEpoch
                    + " plan " + planned + "; allowed: at most " + (MAX_ROWS - 1) + " after row 0 (or --steps N for "
                    + "the first N rows)");
        }
        return (int) (length + 1);
    }

    /** {@code a * b}, or {@link Long#MAX_VALUE} where that overflows. */
    private static long multiplyOrMax(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }

    /** Most rows printed (the documented maximum of {@code --steps}). */
    static final int MAX_ROWS = 50_000_000;

    private void writePlot(List<String> columns, List<double[]> rows, Clock clock) {
        try {
            SchedulePlot.write(scheduleSpec, columns, rows, clock, stepsPerEpoch == null ? 0 : stepsPerEpoch, plot);
        } catch (java.io.IOException e) {
            throw new UsageException("--plot=" + plot + ": cannot write (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")", e);
        }
    }

    private void checkMetrics(LrScheduler s, int steps) {
        int have = metrics == null ? 0 : metrics.size();
        if (s.needsMetric() && have < steps - 1) {
            throw new UsageException("--metrics has " + have + " values; allowed: at least " + (steps - 1)
                    + " (one per step after row 0), because this schedule steps on a metric");
        }
        if (!s.needsMetric() && have > 0) {
            throw new UsageException("--metrics is not allowed here: this schedule does not use a metric "
                    + "(only ReduceLROnPlateau and schedules wrapping one)");
        }
    }

    private static List<String> columns(LrScheduler s) {
        List<String> cols = new ArrayList<>();
        int n = s.groups();
        for (Hyperparameter h : Hyperparameter.values()) {
            if (s.schedules(h)) for (int g = 0; g < n; g++) cols.add(n == 1 ? h.key() : h.key() + g);
        }
        return cols;
    }

    /** The row's values into {@code r}: per scheduled {@link Hyperparameter} (lr first), one value per group. */
    private static double[] row(LrScheduler s, double[] r) {
        int n = s.groups(), i = 0;
        for (Hyperparameter h : Hyperparameter.values()) {
            if (s.schedules(h)) for (int g = 0; g < n; g++) r[i++] = s.value(h, g);
        }
        return r;
    }

    private static void csvRow(PrintWriter out, int i, double[] row) {
        StringBuilder line = new StringBuilder().append(i);
        for (double v : row) line.append(',').append(PyFloat.repr(v));
        out.println(line);
    }

    /** The JSON document, streamed row by row (the same document an ObjectMapper would indent). */
    private void printJson(PrintWriter out, List<String> columns, LrScheduler s, int rowCount, double[] lrs,
            double[] row) throws java.io.IOException {
        com.fasterxml.jackson.core.JsonGenerator g = new ObjectMapper().getFactory().createGenerator(out)
                .useDefaultPrettyPrinter();
        g.disable(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        g.writeStartObject();
        g.writeStringField("spec", scheduleSpec);
        g.writeFieldName("base_lrs");
        g.writeArray(lrs, 0, lrs.length);
        g.writeFieldName("columns");
        g.writeStartArray();
        for (String c : columns) g.writeString(c);
        g.writeEndArray();
        g.writeFieldName("rows");
        g.writeStartArray();
        for (int i = 0; i < rowCount; i++) {
            double[] v = i == 0 ? row(s, row) : step(s, i, rowCount, row);
            g.writeStartObject();
            g.writeNumberField("step", i);
            for (int c = 0; c < columns.size(); c++) g.writeNumberField(columns.get(c), v[c]);
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
        g.flush();
        out.println();
    }

    /**
     * Formats a double as Python's {@code repr(float)}: the shortest digits that read back to the same double,
     * positional for exponents -4..15 ({@code 0.001}, {@code 100.0}) and scientific otherwise ({@code 1e-05},
     * {@code 1.5e+16}), so the CLI's numbers diff cleanly against PyTorch's printed values.
     */
    static final class PyFloat {
        private PyFloat() {
        }

        static String repr(double v) {
            if (Double.isNaN(v)) return "nan";
            if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
            if (v == 0) return (1 / v < 0) ? "-0.0" : "0.0";
            BigDecimal d = new BigDecimal(shortest(v)).stripTrailingZeros();
            String digits = d.unscaledValue().abs().toString();
            int exponent = digits.length() - 1 - d.scale(); // decimal exponent of the first digit
            String sign = v < 0 ? "-" : "";
            if (exponent >= -5 + 1 && exponent < 16) {
                String plain = d.abs().toPlainString();
                if (!plain.contains(".")) plain += ".0";
                return sign + plain;
            }
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            String exp = String.format("%02d", Math.abs(exponent));
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + exp;
        }

        /** Shortest round-tripping decimal: Double.toString, shortened further where Java 17's is not minimal. */
        private static String shortest(double v) {
            String s = Double.toString(v);
            BigDecimal d = new BigDecimal(s);
            for (int precision = 1; precision < 17; precision++) {
                BigDecimal r = d.round(new java.math.MathContext(precision));
                if (r.doubleValue() == v) return r.toString();
            }
            return s;
        }
    }
}
