package anneal.bench;

import anneal.ConfigurationException;
import anneal.schedule.Budget;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import anneal.tuning.Dimension;
import anneal.tuning.Domain;
import anneal.tuning.SpaceOverride;
import anneal.tuning.SearchSpace;

/**
 * The sweep's catalogue: every schedule of the chapter as a named, documented template in PyTorch's spec
 * syntax, resolved per run for its {@link Budget}. This is the one place where the sweep's specs live.
 *
 * <p>All entries train the same model with the same optimizer (SGD, momentum 0.9, Nesterov, weight decay
 * 5e-4, batch 128); only the schedule and the optimizer's lr ({@link CatalogueEntry#baseLr()}) differ. Each entry
 * also declares its search space ({@link CatalogueEntry#space()}): the peak lr on a log scale and its own shape
 * parameters as fractions of the run; {@code sweep --tune} trains every schedule at the same number of Sobol points
 * of its space. The untuned values below are one point of that space each (the single-lr comparison).
 * Peak learning rates are 0.1 (0.05 for the constant baseline): {@code anneal lr-find} on this model and optimizer
 * shows the raw loss falling until about lr 0.1 and turning ragged above it (smoothed minimum near 0.2), and a
 * 3-epoch OneCycleLR with max_lr 0.1 ended above one with 0.2 on the same seed. The shapes follow each schedule's
 * usual recipe (warmup 10% of the run, decay points at 1/3 or 1/2 and 3/4, and so on).
 *
 * <p>Each spec is written in the cadence the schedule library steps it at ({@link anneal.schedule.LrScheduler#clock()}):
 * PyTorch's epoch schedulers (StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, PolynomialLR, ConstantLR,
 * ReduceLROnPlateau) in epochs; CyclicLR, OneCycleLR, SGDR with {@code steps_per_epoch} and Anneal's own schedules
 * (WarmupCosineLR, WarmupLR, InverseSqrtLR, WarmupStableDecayLR) in optimizer steps.
 */
public final class ScheduleCatalogue {
    private static final Map<String, CatalogueEntry> ENTRIES = new LinkedHashMap<>();

    /** Peak lr range of every search space: a decade around lr-find's 0.1 on each side, log scale. */
    static final Dimension LR = Dimension.log("lr", 0.02, 0.5, Domain.POSITIVE);
    /** Warmup length as a fraction of the run. */
    static final Dimension WARMUP = Dimension.linear("warmup", 0.02, 0.3, Domain.FRACTION_OF_RUN);

    static {
        add("constant", "constant lr", "The baseline: the optimizer's lr for the whole run.",
                space(Dimension.log("lr", 0.01, 0.3, Domain.POSITIVE)), Map.of("lr", 0.05), (b, p) -> "ConstantLR(factor=1.0, total_iters=1)");
        add("step", "StepLR", "lr x gamma (0.1) every interval (a third) of the run, at least every epoch.",
                space(LR, Dimension.log("gamma", 0.05, 0.5, Domain.FACTOR), Dimension.linear("interval", 0.2, 0.5, Domain.FRACTION_OF_RUN)),
                Map.of("lr", 0.1, "gamma", 0.1, "interval", 1.0 / 3),
                (b, p) -> "StepLR(step_size=" + b.epochs(p.get("interval")) + ", gamma=" + num(p.get("gamma")) + ")");
        add("multistep", "MultiStepLR", "lr x gamma (0.1) at fractions first (50%) and second (75%) of the epochs (the "
                        + "ResNet recipe; only the first when the second would fall on the run's end).",
                space(LR, Dimension.log("gamma", 0.05, 0.5, Domain.FACTOR), Dimension.linear("first", 0.3, 0.6, Domain.FRACTION_OF_RUN), Dimension.linear("second", 0.6, 0.9, Domain.FRACTION_OF_RUN)),
                Map.of("lr", 0.1, "gamma", 0.1, "first", 0.5, "second", 0.75),
                (b, p) -> "MultiStepLR(milestones=" + milestones(b, p.get("first"), p.get("second")) + ", gamma="
                        + num(p.get("gamma")) + ")");
        add("exponential", "ExponentialLR", "Decays every epoch so that the last epoch runs at end (1/100) of the start.",
                space(LR, Dimension.log("end", 0.001, 0.1, Domain.FACTOR)), Map.of("lr", 0.1, "end", 0.01),
                (b, p) -> "ExponentialLR(gamma=" + num(Math.pow(p.get("end"), 1.0 / Math.max(1, b.epochs() - 1))) + ")");
        add("cosine", "CosineAnnealingLR", "Half a cosine from the lr to floor x lr (0) over the epochs.",
                space(LR, Dimension.linear("floor", 0, 0.1, Domain.SHARE)), Map.of("lr", 0.1, "floor", 0.0),
                (b, p) -> "CosineAnnealingLR(T_max=" + b.epochs() + ", eta_min=" + num(p.get("floor") * p.get("lr")) + ")");
        add("cyclic", "CyclicLR", "triangular2 between base x lr and lr (0.025 and 0.1; Smith: base = max / 4), half-cycles "
                        + "of half (a quarter) of the run, momentum cycled 0.8-0.9.",
                space(LR, Dimension.linear("base", 0.1, 0.5, Domain.FACTOR), Dimension.linear("half", 0.1, 0.5, Domain.FRACTION_OF_RUN)),
                Map.of("lr", 0.1, "base", 0.25, "half", 0.25),
                (b, p) -> "CyclicLR(base_lr=" + num(p.get("base") * p.get("lr")) + ", max_lr=" + num(p.get("lr"))
                        + ", step_size_up=" + b.steps(p.get("half"))
                        + ", mode='triangular2', cycle_momentum=True, base_momentum=0.8, max_momentum=0.9)",
                p -> p.get("base") * p.get("lr"));
        add("onecycle", "OneCycleLR", "Smith's super-convergence: cosine from lr/div (25) up to lr in pct_start (30%) of "
                        + "the steps, then down to lr/(div*1e4); momentum cycled 0.95-0.85.",
                space(LR, Dimension.linear("pct_start", 0.1, 0.5, Domain.FRACTION_OF_RUN), Dimension.log("div", 5, 100, Domain.POSITIVE)),
                Map.of("lr", 0.1, "pct_start", 0.3, "div", 25.0), (b, p) -> {
                    boolean torchDefaults = p.get("pct_start") == 0.3 && p.get("div") == 25.0;
                    return "OneCycleLR(max_lr=" + num(p.get("lr")) + ", total_steps=" + b.totalSteps()
                            + (torchDefaults ? "" : ", pct_start=" + num(p.get("pct_start")) + ", div_factor=" + num(p.get("div")))
                            + ")";
                });
        add("sgdr", "CosineAnnealingWarmRestarts", "SGDR: cosine restarts from lr to floor x lr (0) growing by T_mult (2 "
                        + "where it fits), the last cycle ending with the run (3 epochs: T_0 = 1, T_mult = 2), stepped per "
                        + "batch with fractional epochs.",
                space(LR, Dimension.linear("floor", 0, 0.1, Domain.SHARE)), Map.of("lr", 0.1, "floor", 0.0), (b, p) -> {
                    int[] restarts = sgdrCycles(b.epochs());
                    return "CosineAnnealingWarmRestarts(T_0=" + restarts[0] + ", T_mult=" + restarts[1]
                            + ", eta_min=" + num(p.get("floor") * p.get("lr")) + ", steps_per_epoch=" + b.stepsPerEpoch() + ")";
                });
        add("plateau", "ReduceLROnPlateau", "Multiplies the lr by factor (0.5) when the validation loss stops improving "
                        + "for more than patience (0) evaluations.",
                space(LR, Dimension.linear("factor", 0.1, 0.8, Domain.FACTOR), Dimension.linear("patience", 0, 4, Domain.COUNT)),
                Map.of("lr", 0.1, "factor", 0.5, "patience", 0.0),
                (b, p) -> "ReduceLROnPlateau(mode='min', factor=" + num(p.get("factor")) + ", patience="
                        + Math.round(p.get("patience")) + ", threshold=0.001)");
        add("warmup-linear", "linear warmup + cosine", "Linear ramp from 1% to 100% over warmup (10%) of the steps, then "
                        + "cosine to 0.", space(LR, WARMUP), Map.of("lr", 0.1, "warmup", 0.1),
                (b, p) -> "WarmupCosineLR(warmup_steps=" + b.steps(p.get("warmup")) + ", total_steps=" + b.totalSteps()
                        + ", warmup_start_factor=0.01)");
        add("warmup-exp", "exponential warmup + cosine", "Geometric ramp from 1% to 100% over warmup (10%) of the steps, "
                        + "then cosine to 0.", space(LR, WARMUP), Map.of("lr", 0.1, "warmup", 0.1),
                (b, p) -> warmupThenCosine(b, "exponential", p.get("warmup")));
        add("warmup-cos", "cosine warmup + cosine", "Half-cosine ramp from 1% to 100% over warmup (10%) of the steps, then "
                        + "cosine to 0.", space(LR, WARMUP), Map.of("lr", 0.1, "warmup", 0.1),
                (b, p) -> warmupThenCosine(b, "cosine", p.get("warmup")));
        add("inverse-sqrt", "inverse square root", "The Transformer schedule: linear warmup from 0 over W = warmup (10%) of "
                        + "the steps, then lr * sqrt(W / k) at step k.", space(LR, WARMUP), Map.of("lr", 0.1, "warmup", 0.1),
                (b, p) -> "InverseSqrtLR(warmup_steps=" + b.steps(p.get("warmup")) + ")");
        add("wsd", "warmup-stable-decay", "WSD: warmup (10%), constant, linear decay to 1% over the last decay (20%) of the "
                        + "steps.", space(LR, Dimension.linear("warmup", 0.02, 0.2, Domain.FRACTION_OF_RUN), Dimension.linear("decay", 0.1, 0.5, Domain.FRACTION_OF_RUN)),
                Map.of("lr", 0.1, "warmup", 0.1, "decay", 0.2), (b, p) -> {
                    int w = b.steps(p.get("warmup"));
                    int d = b.steps(p.get("decay"));
                    return "WarmupStableDecayLR(warmup_steps=" + w + ", stable_steps=" + Math.max(0, b.totalSteps() - w - d)
                            + ", decay_steps=" + d + ", decay_type='linear', min_lr_ratio=0.01)";
                });
        add("polynomial", "PolynomialLR", "lr * (1 - epoch / epochs)^power (2), stepped per epoch (PyTorch's cadence), "
                        + "to 0 at the end.", space(LR, Dimension.linear("power", 0.5, 3, Domain.POSITIVE)), Map.of("lr", 0.1, "power", 2.0),
                (b, p) -> "PolynomialLR(total_iters=" + b.epochs() + ", power=" + num(p.get("power")) + ")");
    }

    /**
     * Schedules the sweep runs when none are named: every schedule of the seed chapter (StepLR, MultiStepLR,
     * ExponentialLR, CosineAnnealingLR, CyclicLR, OneCycleLR, SGDR, ReduceLROnPlateau, linear / exponential / cosine
     * warmup + cosine) and the constant baseline.
     */
    public static final String DEFAULT_SCHEDULES = "constant,step,multistep,exponential,cosine,cyclic,onecycle,sgdr,"
            + "plateau,warmup-linear,warmup-exp,warmup-cos";

    /** {@link #DEFAULT_SCHEDULES} as a list (the one source: that constant, which help texts can quote). */
    public static final List<String> DEFAULT_NAMES = List.of(DEFAULT_SCHEDULES.split(","));

    private ScheduleCatalogue() {
    }

    private static SearchSpace space(Dimension... dims) {
        return SearchSpace.of(dims);
    }

    private static void add(String name, String family, String description, SearchSpace space, Map<String, Double> point,
                            CatalogueEntry.Template template) {
        add(name, family, description, space, point, template, p -> p.get("lr"));
    }

    private static void add(String name, String family, String description, SearchSpace space, Map<String, Double> point,
                            CatalogueEntry.Template template, java.util.function.ToDoubleFunction<Map<String, Double>> lr) {
        ENTRIES.put(name, new CatalogueEntry(name, family, description, space, point, template, lr));
    }

    /** A WarmupLR ramp of {@code ramp} shape over {@code fraction} of the steps in front of a per-step cosine to 0. */
    private static String warmupThenCosine(Budget b, String ramp, double fraction) {
        int w = b.steps(fraction);
        return "WarmupLR(warmup='" + ramp + "', warmup_steps=" + w + ", start_factor=0.01, scheduler=WarmupCosineLR("
                + "warmup_steps=0, total_steps=" + Math.max(1, b.totalSteps() - w) + "))";
    }

    /** Milestones at fractions of the epochs; one at or past the last epoch would never take effect and is left out. */
    private static String milestones(Budget b, double firstFraction, double secondFraction) {
        int first = b.epochs(firstFraction);
        int second = Math.max(first + 1, b.epochs(secondFraction));
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

    /**
     * The search space of every catalogue entry with {@code overrides} applied (catalogue order): what a tuned sweep
     * records in its journal header ({@link SweepSettings#spaces()}), so that trial points are read from the journal,
     * not from whatever the catalogue says later.
     *
     * @param swept the schedules the sweep tunes: an override must name one of them (or {@code all}: every one of
     *              them that has the parameter)
     * @throws ConfigurationException naming {@code --space} and the value
     */
    public static Map<String, SearchSpace> spaces(List<SpaceOverride> overrides, List<String> swept) {
        Map<String, SearchSpace> out = new LinkedHashMap<>();
        for (CatalogueEntry e : ENTRIES.values()) out.put(e.name(), e.space());
        for (SpaceOverride o : overrides) {
            if (o.schedule().equals(SpaceOverride.ALL)) {
                int applied = 0;
                for (String name : swept) {
                    SearchSpace space = out.get(name);
                    if (space.dimension(o.param()).isEmpty()) continue;
                    out.put(name, o.applyTo(name, space));
                    applied++;
                }
                if (applied == 0)
                    throw new ConfigurationException(SpaceOverride.OPTION + " " + o.text() + ": no tuned schedule has a "
                            + "parameter '" + o.param() + "'; allowed: a parameter of one of " + String.join(", ", swept));
                continue;
            }
            if (!ENTRIES.containsKey(o.schedule()))
                throw new ConfigurationException(SpaceOverride.OPTION + " " + o.text() + ": no schedule '" + o.schedule()
                        + "'; allowed: one of " + String.join(", ", ENTRIES.keySet()) + " or all");
            if (!swept.contains(o.schedule()))
                throw new ConfigurationException(SpaceOverride.OPTION + " " + o.text() + ": " + o.schedule() + " is not "
                        + "swept; allowed: one of the sweep's --schedules (" + String.join(", ", swept) + ") or all");
            out.put(o.schedule(), o.applyTo(o.schedule(), out.get(o.schedule())));
        }
        return Collections.unmodifiableMap(out);
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
        int at = name.indexOf(CatalogueEntry.TRIAL_SEPARATOR);
        if (at >= 0) {
            CatalogueEntry base = get(name.substring(0, at));
            int k;
            try {
                k = Integer.parseInt(name.substring(at + 1));
            } catch (NumberFormatException e) {
                k = 0;
            }
            if (k < 1)
                throw new ConfigurationException("--schedules: '" + name + "' names no trial (NAME@K with K >= 1)");
            return base.trial(k);
        }
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
