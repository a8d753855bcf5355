package anneal.bench;

import anneal.ConfigurationException;
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
 * Peak learning rates are 0.1 (0.05 for the constant baseline): {@code anneal lr-find} on this model and optimizer
 * shows the raw loss falling until about lr 0.1 and turning ragged above it (smoothed minimum near 0.2), and a
 * 3-epoch OneCycleLR with max_lr 0.1 ended above one with 0.2 on the same seed. The shapes follow each schedule's
 * usual recipe (warmup 10% of the run, decay points at 1/3 or 1/2 and 3/4, and so on).
 *
 * <p>Each spec is written in the cadence the schedule library steps it at ({@link anneal.schedule.LrScheduler#interval()}):
 * PyTorch's epoch schedulers (StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, PolynomialLR, ConstantLR,
 * ReduceLROnPlateau) in epochs; CyclicLR, OneCycleLR, SGDR with {@code steps_per_epoch} and Anneal's own schedules
 * (WarmupCosineLR, WarmupLR, InverseSqrtLR, WarmupStableDecayLR) in optimizer steps.
 */
public final class ScheduleCatalogue {
    private static final Map<String, CatalogueEntry> ENTRIES = new LinkedHashMap<>();

    static {
        add("constant", "constant lr", "The baseline: the optimizer's lr for the whole run.", 0.05,
                b -> "ConstantLR(factor=1.0, total_iters=1)");
        add("step", "StepLR", "lr x 0.1 every third of the run (at least every epoch).", 0.1,
                b -> "StepLR(step_size=" + b.epochs(1.0 / 3) + ", gamma=0.1)");
        add("multistep", "MultiStepLR", "lr x 0.1 at 50% and 75% of the epochs (the ResNet recipe; only the first when "
                + "the second would fall on the run's end).", 0.1,
                b -> "MultiStepLR(milestones=" + milestones(b) + ", gamma=0.1)");
        add("exponential", "ExponentialLR", "Decays every epoch so that the last epoch runs at 1/100 of the start.",
                0.1, b -> "ExponentialLR(gamma=" + num(Math.pow(0.01, 1.0 / Math.max(1, b.epochs() - 1))) + ")");
        add("cosine", "CosineAnnealingLR", "Half a cosine from the lr to 0 over the epochs.", 0.1,
                b -> "CosineAnnealingLR(T_max=" + b.epochs() + ", eta_min=0.0)");
        add("cyclic", "CyclicLR", "triangular2 between 0.025 and 0.1 (Smith: base = max / 4), four half-cycles per run, "
                + "momentum cycled 0.8-0.9.", 0.025, b -> "CyclicLR(base_lr=0.025, max_lr=0.1, step_size_up=" + b.steps(0.25)
                        + ", mode='triangular2', cycle_momentum=True, base_momentum=0.8, max_momentum=0.9)");
        add("onecycle", "OneCycleLR", "Smith's super-convergence: cosine from 0.1/25 up to 0.1 in 30% of the steps, then "
                + "down to 0.1/(25*1e4); momentum cycled 0.95-0.85.", 0.1,
                b -> "OneCycleLR(max_lr=0.1, total_steps=" + b.totalSteps() + ")");
        add("sgdr", "CosineAnnealingWarmRestarts", "SGDR: cosine restarts growing by T_mult (2 where it fits), the last "
                + "cycle ending with the run (3 epochs: T_0 = 1, T_mult = 2), stepped per batch with fractional epochs.", 0.1,
                b -> {
                    int[] restarts = sgdrCycles(b.epochs());
                    return "CosineAnnealingWarmRestarts(T_0=" + restarts[0] + ", T_mult=" + restarts[1]
                            + ", eta_min=0.0, steps_per_epoch=" + b.stepsPerEpoch() + ")";
                });
        add("plateau", "ReduceLROnPlateau", "Halves the lr when the validation loss stops improving (patience 0).", 0.1,
                b -> "ReduceLROnPlateau(mode='min', factor=0.5, patience=0, threshold=0.001)");
        add("warmup-linear", "linear warmup + cosine", "Linear ramp from 1% to 100% over 10% of the steps, then cosine to 0.",
                0.1, b -> "WarmupCosineLR(warmup_steps=" + warmup(b) + ", total_steps=" + b.totalSteps()
                        + ", warmup_start_factor=0.01)");
        add("warmup-exp", "exponential warmup + cosine", "Geometric ramp from 1% to 100% over 10% of the steps, then cosine to 0.",
                0.1, b -> warmupThenCosine(b, "exponential"));
        add("warmup-cos", "cosine warmup + cosine", "Half-cosine ramp from 1% to 100% over 10% of the steps, then cosine to 0.",
                0.1, b -> warmupThenCosine(b, "cosine"));
        add("inverse-sqrt", "inverse square root", "The Transformer schedule: linear warmup from 0 over W = 10% of the "
                + "steps, then lr * sqrt(W / k) at step k.", 0.1, b -> "InverseSqrtLR(warmup_steps=" + warmup(b) + ")");
        add("wsd", "warmup-stable-decay", "WSD: warmup 10%, constant to 80%, linear decay to 1% over the last 20% of the steps.",
                0.1, b -> {
                    int w = warmup(b);
                    int d = b.steps(0.2);
                    return "WarmupStableDecayLR(warmup_steps=" + w + ", stable_steps=" + Math.max(0, b.totalSteps() - w - d)
                            + ", decay_steps=" + d + ", decay_type='linear', min_lr_ratio=0.01)";
                });
        add("polynomial", "PolynomialLR", "lr * (1 - epoch / epochs)^2, stepped per epoch (PyTorch's cadence), to 0 at the end.",
                0.1, b -> "PolynomialLR(total_iters=" + b.epochs() + ", power=2.0)");
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

    /** A WarmupLR ramp of {@code ramp} shape over 10% of the steps in front of a per-step cosine to 0. */
    private static String warmupThenCosine(Budget b, String ramp) {
        int w = warmup(b);
        return "WarmupLR(warmup='" + ramp + "', warmup_steps=" + w + ", start_factor=0.01, scheduler=WarmupCosineLR("
                + "warmup_steps=0, total_steps=" + Math.max(1, b.totalSteps() - w) + "))";
    }

    /** 50% and 75% of the epochs; a milestone at or past the last epoch would never take effect and is left out. */
    private static String milestones(Budget b) {
        int first = b.epochs(0.5);
        int second = Math.max(first + 1, b.epochs(0.75));
        return second < b.epochs() ? "[" + first + ", " + second + "]" : "[" + first + "]";
    }

    /**
     * SGDR's {@code {T_0, T_mult}} for a run of {@code epochs}: cycles T_0, T_0 T_mult, T_0 T_mult^2, ... whose sum is
     * exactly the run, so it ends at the bottom of a cycle, not part-way up a restarted one (which would hand SGDR a
     * high final lr in the comparison). The smallest T_mult in 2..4 with at least two cycles wins, then the most
     * cycles; a run no such series fits restarts every epoch ({@code T_mult = 1}) or, in one epoch, never.
     */
    static int[] sgdrCycles(int epochs) {
        for (int mult = 2; mult <= 4; mult++) {
            int[] best = null;
            long cycleEpochs = 1 + mult;  // (mult^k - 1) / (mult - 1) for k = 2, 3, ...
            for (long power = (long) mult * mult; cycleEpochs <= epochs; cycleEpochs += power, power *= mult) {
                if (epochs % cycleEpochs == 0) best = new int[] {(int) (epochs / cycleEpochs), mult};
            }
            if (best != null) return best;
        }
        return new int[] {1, 1};
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
     * @throws ConfigurationException naming the value and listing the known names
     */
    public static CatalogueEntry get(String name) {
        CatalogueEntry e = ENTRIES.get(name);
        if (e == null)
            throw ConfigurationException.of("catalogue", "schedules", name, "one of "
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
            throw new ConfigurationException("--schedules: no schedule named in '" + csv + "'; known: "
                    + String.join(", ", ENTRIES.keySet()));
        return out;
    }
}
