package anneal.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The sweep's catalogue: every schedule of the chapter as a named, documented template in PyTorch's spec
 * syntax, resolved per run for its {@link Budget}. This is the one place where the sweep's specs live.
 *
 * <p>All entries train the same model with the same optimizer (SGD, momentum 0.9, Nesterov, weight decay
 * 5e-4, batch 128); only the schedule and the optimizer's lr ({@link CatalogueEntry#baseLr()}) differ.
 * Peak learning rates are the usual ones for SGD with momentum 0.9 on a small MLP (0.1, and 0.2 for the
 * cyclic schedules, whose peak is brief); {@code anneal lr-find} checks them against this model. The shapes
 * follow each schedule's usual recipe (warmup 10% of the run, decay points at 1/3 or 1/2 and 3/4, and so on).
 *
 * <p>Epoch-cadence schedules (StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, SGDR, ReduceLROnPlateau)
 * are written in epochs; batch-cadence ones (CyclicLR, OneCycleLR, the warmups, WSD, polynomial) in steps,
 * as PyTorch users write them.
 */
public final class ScheduleCatalogue {
    private static final Map<String, CatalogueEntry> ENTRIES = new LinkedHashMap<>();

    static {
        add("constant", "constant lr", "The baseline: the optimizer's lr for the whole run.", 0.05,
                b -> "ConstantLR(factor=1.0, total_iters=0)");
        add("step", "StepLR", "lr x 0.1 every third of the run (at least every epoch).", 0.1,
                b -> "StepLR(step_size=" + b.epochs(1.0 / 3) + ", gamma=0.1)");
        add("multistep", "MultiStepLR", "lr x 0.1 at 50% and 75% of the epochs (the ResNet recipe).", 0.1,
                b -> "MultiStepLR(milestones=" + milestones(b) + ", gamma=0.1)");
        add("exponential", "ExponentialLR", "Decays every epoch so that the last epoch runs at 1/100 of the start.",
                0.1, b -> "ExponentialLR(gamma=" + num(Math.pow(0.01, 1.0 / Math.max(1, b.epochs() - 1))) + ")");
        add("cosine", "CosineAnnealingLR", "Half a cosine from the lr to 0 over the epochs.", 0.1,
                b -> "CosineAnnealingLR(T_max=" + b.epochs() + ", eta_min=0.0)");
        add("cyclic", "CyclicLR", "triangular2 between 0.01 and 0.2, four half-cycles per run, momentum cycled 0.8-0.9.",
                0.01, b -> "CyclicLR(base_lr=0.01, max_lr=0.2, step_size_up=" + b.steps(0.25)
                        + ", mode='triangular2', cycle_momentum=True, base_momentum=0.8, max_momentum=0.9)");
        add("onecycle", "OneCycleLR", "Smith's super-convergence: cosine up to 0.2 in 30% of the steps, then down to 0.2/(25*1e4).",
                0.2, b -> "OneCycleLR(max_lr=0.2, total_steps=" + b.totalSteps() + ")");
        add("sgdr", "CosineAnnealingWarmRestarts", "SGDR: cosine restarts with T_0 = 1 epoch (fractional epochs per step), T_mult = 2.",
                0.1, b -> "CosineAnnealingWarmRestarts(T_0=" + b.stepsPerEpoch() + ", T_mult=2, eta_min=0.0)");
        add("plateau", "ReduceLROnPlateau", "Halves the lr when the validation loss stops improving (patience 0).", 0.1,
                b -> "ReduceLROnPlateau(mode='min', factor=0.5, patience=0, threshold=0.001)");
        add("warmup-linear", "linear warmup + cosine", "LinearLR from 1% to 100% over 10% of the steps, then cosine to 0.",
                0.1, b -> warmupThenCosine(b, "LinearLR(start_factor=0.01, end_factor=1.0, total_iters=" + warmup(b) + ")"));
        add("warmup-exp", "exponential warmup + cosine", "Geometric ramp from 1% to 100% over 10% of the steps, then cosine to 0.",
                0.1, b -> warmupThenCosine(b, "LambdaLR(lr_lambda='0.01 ^ (1 - epoch / " + warmup(b) + ")')"));
        add("warmup-cos", "cosine warmup + cosine", "Half-cosine ramp from 1% to 100% over 10% of the steps, then cosine to 0.",
                0.1, b -> warmupThenCosine(b, "LambdaLR(lr_lambda='0.01 + 0.99 * 0.5 * (1 - cos(pi * epoch / "
                        + warmup(b) + "))')"));
        add("inverse-sqrt", "inverse square root", "The Transformer schedule: linear warmup over 10% of the steps, then lr * sqrt(W / (W + k)).",
                0.1, b -> "SequentialLR(schedulers=[LinearLR(start_factor=0.01, end_factor=1.0, total_iters=" + warmup(b)
                        + "), LambdaLR(lr_lambda='sqrt(" + warmup(b) + " / (" + warmup(b) + " + epoch))')], milestones=["
                        + warmup(b) + "])");
        add("wsd", "warmup-stable-decay", "WSD: warmup 10%, constant to 80%, linear decay to 1% over the last 20% of the steps.",
                0.1, b -> {
                    int w = warmup(b);
                    int d = b.steps(0.2);
                    return "SequentialLR(schedulers=[LinearLR(start_factor=0.01, end_factor=1.0, total_iters=" + w
                            + "), ConstantLR(factor=1.0, total_iters=0), LinearLR(start_factor=1.0, end_factor=0.01, total_iters="
                            + d + ")], milestones=[" + w + ", " + (b.totalSteps() - d) + "])";
                });
        add("polynomial", "PolynomialLR", "lr * (1 - k / total_steps)^2 per step, to 0 at the end.", 0.1,
                b -> "PolynomialLR(total_iters=" + b.totalSteps() + ", power=2.0)");
    }

    /** Schedules the sweep runs when none are named: the classics a first look compares. */
    public static final List<String> DEFAULT_NAMES = List.of("constant", "step", "cosine", "onecycle", "warmup-linear");

    private ScheduleCatalogue() {
    }

    private static void add(String name, String family, String description, double baseLr,
                            java.util.function.Function<Budget, String> template) {
        ENTRIES.put(name, new CatalogueEntry(name, family, description, baseLr, template));
    }

    private static int warmup(Budget b) {
        return b.steps(0.1);
    }

    private static String warmupThenCosine(Budget b, String warmupSpec) {
        int w = warmup(b);
        return "SequentialLR(schedulers=[" + warmupSpec + ", CosineAnnealingLR(T_max=" + Math.max(1, b.totalSteps() - w)
                + ", eta_min=0.0)], milestones=[" + w + "])";
    }

    private static String milestones(Budget b) {
        int first = b.epochs(0.5);
        int second = Math.max(first + 1, b.epochs(0.75));
        return "[" + first + ", " + second + "]";
    }

    /** Shortest decimal that reads back as the same double. */
    static String num(double x) {
        String s = Double.toString(x);
        return s.contains("E") ? String.format(Locale.ROOT, "%.17g", x) : s;
    }

    /** Every entry, in the catalogue's order. */
    public static List<CatalogueEntry> all() {
        return Collections.unmodifiableList(new ArrayList<>(ENTRIES.values()));
    }

    /** Every name, in the catalogue's order. */
    public static List<String> names() {
        return List.copyOf(ENTRIES.keySet());
    }

    /**
     * The entry called {@code name}.
     *
     * @throws IllegalArgumentException naming the value and listing the known names
     */
    public static CatalogueEntry get(String name) {
        CatalogueEntry e = ENTRIES.get(name);
        if (e == null)
            throw new IllegalArgumentException("--schedules: unknown schedule '" + name + "'; known: "
                    + String.join(", ", ENTRIES.keySet()) + " (or 'all')");
        return e;
    }

    /** Parses a comma-separated list of names ({@code all} = the whole catalogue); duplicates are dropped. */
    public static List<CatalogueEntry> parse(String csv) {
        List<CatalogueEntry> out = new ArrayList<>();
        for (String raw : csv.split(",")) {
            String name = raw.trim();
            if (name.isEmpty()) continue;
            if (name.equals("all")) {
                for (CatalogueEntry e : ENTRIES.values()) if (!out.contains(e)) out.add(e);
                continue;
            }
            CatalogueEntry e = get(name);
            if (!out.contains(e)) out.add(e);
        }
        if (out.isEmpty())
            throw new IllegalArgumentException("--schedules: no schedule named in '" + csv + "'; known: "
                    + String.join(", ", ENTRIES.keySet()));
        return out;
    }
}
