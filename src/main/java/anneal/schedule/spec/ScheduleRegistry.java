package anneal.schedule.spec;

import anneal.ConfigurationException;
import anneal.schedule.ChainedScheduler;
import anneal.schedule.CoScheduleLR;
import anneal.schedule.Hyperparameter;
import anneal.schedule.GroupScaleLR;
import anneal.schedule.HorizonLR;
import anneal.schedule.WarmupInsideLR;
import anneal.schedule.ConstantLR;
import anneal.schedule.CosineAnnealingLR;
import anneal.schedule.CosineAnnealingWarmRestarts;
import anneal.schedule.CyclicLR;
import anneal.schedule.ExponentialLR;
import anneal.schedule.Clock;
import anneal.schedule.LambdaLR;
import anneal.schedule.LinearLR;
import anneal.schedule.MultiStepLR;
import anneal.schedule.MultiplicativeLR;
import anneal.schedule.NoisyLR;
import anneal.schedule.OneCycleLR;
import anneal.schedule.OptimizerBound;
import anneal.schedule.ParamGroups;
import anneal.schedule.PolynomialLR;
import anneal.schedule.ReduceLROnPlateau;
import anneal.schedule.Schedule;
import anneal.schedule.SequentialLR;
import anneal.schedule.Shape;
import anneal.schedule.StepLR;
import anneal.schedule.TorchScheduler;
import anneal.schedule.TorchVersion;
import anneal.schedule.Check;
import anneal.schedule.WarmupLR;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Spec names and how each builds its schedule. PyTorch names take PyTorch's arguments and defaults, plus
 * {@code torch='1.13'|'2'} (which PyTorch to reproduce, inherited by nested schedules; default
 * {@link TorchScheduler#options()}), {@code last_epoch} where PyTorch has it (resuming the PyTorch way, with the
 * chosen version's semantics) and {@code verbose} where that version has it; Anneal's own schedules are listed in
 * {@link #ANNEAL_NAMES}. Nested schedules are built in the order they appear, on the same groups, exactly as a
 * PyTorch user constructs them before passing them to SequentialLR or ChainedScheduler.
 */
public final class ScheduleRegistry {
    @FunctionalInterface
    private interface Factory {
        OptimizerBound build(Args args, ParamGroups groups);
    }

    private static final Map<String, Factory> FACTORIES = new LinkedHashMap<>();
    /** Schedules of Anneal's own (not in PyTorch). */
    public static final Set<String> ANNEAL_NAMES = Set.of("WarmupLR", "GradualWarmupLR", "WarmupCosineLR",
            "InverseSqrtLR", "WarmupStableDecayLR", "CosineDecayRestartsLR", "CosineCycleLR", "TanhCycleLR", "NoisyLR",
            "GroupScaleLR", "CoScheduleLR", "HorizonLR");

    /** PyTorch classes without a {@code last_epoch} argument. */
    private static final Set<String> NO_LAST_EPOCH = Set.of("ReduceLROnPlateau", "ChainedScheduler");
    /** PyTorch classes whose {@code last_epoch >= 0} reads keys an earlier run of theirs put into the optimizer. */
    private static final Set<String> NEEDS_RESUMED_OPTIMIZER = Set.of("CyclicLR", "OneCycleLR");

    static {
        FACTORIES.put("StepLR", (a, g) -> new StepLR(g, a.integer("step_size"), a.number("gamma", 0.1)));
        FACTORIES.put("MultiStepLR", (a, g) -> new MultiStepLR(g, a.integers("milestones"), a.number("gamma", 0.1)));
        FACTORIES.put("ExponentialLR", (a, g) -> new ExponentialLR(g, a.number("gamma")));
        FACTORIES.put("CosineAnnealingLR", (a, g) -> new CosineAnnealingLR(g, a.number("T_max"),
                a.number("eta_min", 0.0)));
        FACTORIES.put("ConstantLR", (a, g) -> new ConstantLR(g, a.number("factor", 1.0 / 3), a.integer("total_iters", 5)));
        FACTORIES.put("LinearLR", (a, g) -> new LinearLR(g, a.number("start_factor", 1.0 / 3),
                a.number("end_factor", 1.0), a.integer("total_iters", 5)));
        FACTORIES.put("PolynomialLR", (a, g) -> new PolynomialLR(g, a.integer("total_iters", 5), a.number("power", 1.0)));
        FACTORIES.put("LambdaLR", (a, g) -> new LambdaLR(g, lambdas(a)));
        FACTORIES.put("MultiplicativeLR", (a, g) -> new MultiplicativeLR(g, lambdas(a)));
        FACTORIES.put("CyclicLR", ScheduleRegistry::cyclic);
        FACTORIES.put("OneCycleLR", ScheduleRegistry::oneCycle);
        FACTORIES.put("CosineAnnealingWarmRestarts", (a, g) -> new CosineAnnealingWarmRestarts(g, a.integer("T_0"),
                a.integer("T_mult", 1), a.number("eta_min", 0.0), a.integer("steps_per_epoch", 0)));
        FACTORIES.put("ReduceLROnPlateau", (a, g) -> new ReduceLROnPlateau(g,
                a.choice("mode", "min", "min", "max").equals("min"), a.number("factor", 0.1),
                a.integer("patience", 10), a.number("threshold", 1e-4),
                a.choice("threshold_mode", "rel", "rel", "abs").equals("rel"), a.integer("cooldown", 0),
                a.perGroup("min_lr", 0.0), a.number("eps", 1e-8)));
        FACTORIES.put("SequentialLR", (a, g) -> {
            List<TorchScheduler> parts = children(a, g);
            return new SequentialLR(g, parts, a.integers("milestones"));
        });
        FACTORIES.put("ChainedScheduler", (a, g) -> new ChainedScheduler(g, children(a, g)));
        FACTORIES.put("WarmupLR", ScheduleRegistry::warmup);
        FACTORIES.put("GradualWarmupLR", (a, g) -> {
            Call after = a.call("after_scheduler");
            return WarmupLR.goyal(g, a.number("multiplier"), a.integer("warmup_steps"),
                    after == null ? null : inner -> a.build(after, inner));
        });
        FACTORIES.put("WarmupCosineLR", (a, g) -> {
            long warmup = a.integer("warmup_steps");
            long total = a.integer("total_steps");
            return factorSchedule(a, g, Schedule.warmupCosine(warmup, total,
                    a.number("warmup_start_factor", 0.0), a.number("min_lr_ratio", 0.0)),
                    Shape.Length.total("total_steps", total));
        });
        FACTORIES.put("InverseSqrtLR", (a, g) -> {
            long warmup = a.integer("warmup_steps");
            return factorSchedule(a, g, Schedule.inverseSqrt(warmup, a.integer("timescale", warmup)));
        });
        FACTORIES.put("WarmupStableDecayLR", (a, g) -> {
            String shape = a.choice("decay_type", "cosine", "linear", "cosine", "1-sqrt");
            Schedule.DecayShape decay = Schedule.DecayShape.COSINE;
            for (Schedule.DecayShape d : Schedule.DecayShape.values()) if (d.spelling.equals(shape)) decay = d;
            long warmup = a.integer("warmup_steps");
            long stable = a.integer("stable_steps");
            long decaySteps = a.integer("decay_steps");
            return factorSchedule(a, g, Schedule.warmupStableDecay(warmup, stable, decaySteps, decay,
                    a.number("min_lr_ratio", 0.0)), Shape.Length.total("warmup_steps + stable_steps + decay_steps",
                    (double) warmup + stable + decaySteps));
        });
        FACTORIES.put("CosineCycleLR", (a, g) -> timmCycles(a, g, Schedule.CycleShape.COSINE));
        FACTORIES.put("TanhCycleLR", (a, g) -> timmCycles(a, g, Schedule.CycleShape.TANH));
        FACTORIES.put("NoisyLR", ScheduleRegistry::noisy);
        FACTORIES.put("GroupScaleLR", ScheduleRegistry::groupScale);
        FACTORIES.put("CoScheduleLR", ScheduleRegistry::coSchedule);
        FACTORIES.put("HorizonLR", (a, g) -> {
            Call inner = requiredCall(a, "scheduler");
            String policy = a.choice("policy", "continue", "continue", "hold", "raise", "cycle");
            return new HorizonLR(g, p -> a.build(inner, p), a.integer("horizon"),
                    HorizonLR.Policy.valueOf(policy.toUpperCase(java.util.Locale.ROOT)));
        });
        FACTORIES.put("CosineDecayRestartsLR", (a, g) -> factorSchedule(a, g, Schedule.cosineDecayRestarts(
                a.integer("first_decay_steps"), a.number("t_mul", 2.0), a.number("m_mul", 1.0), a.number("alpha", 0.0))));
    }

    private ScheduleRegistry() {
    }

    /** Whether spec {@code name} takes the {@code torch} argument (PyTorch's and Anneal's names, not foreign ones). */
    public static boolean takesTorch(String name) {
        return FACTORIES.containsKey(name);
    }

    /** Every spec name, PyTorch's first. */
    public static List<String> names() {
        return Collections.unmodifiableList(new ArrayList<>(FACTORIES.keySet()));
    }

    /** Builds the schedule {@code call} describes on {@code groups} (its nested schedules first, in order). */
    public static OptimizerBound build(Call call, ParamGroups groups) {
        return build(call, groups, null);
    }

    /** As {@link #build(Call, ParamGroups)}, putting every call's resolved arguments into {@code resolved} (or not: null). */
    static OptimizerBound build(Call call, ParamGroups groups, Map<Call, Map<String, Object>> resolved) {
        if (ForeignSchedules.isForeign(call.name())) return ForeignSchedules.build(call, groups, resolved);
        Factory factory = FACTORIES.get(call.name());
        if (factory == null) {
            throw new ConfigurationException("unknown schedule '" + call.name() + "'; known schedules: "
                    + String.join(", ", FACTORIES.keySet()));
        }
        Args args = new Args(call, groups.size(), resolved);
        boolean torchName = !ANNEAL_NAMES.contains(call.name());
        TorchVersion torch = args.torch(TorchScheduler.options().torch());
        long lastEpoch = -1;
        if (torchName && !NO_LAST_EPOCH.contains(call.name())) {
            lastEpoch = args.integer("last_epoch", -1);
            if (lastEpoch != -1 && NEEDS_RESUMED_OPTIMIZER.contains(call.name())) {
                throw Check.bad(call.name(), "last_epoch", lastEpoch, "-1 (" + call.name() + " resumes from the group "
                        + "values its earlier run wrote into the optimizer; resume with --resume / loadStateDict)");
            }
        }
        long resume = lastEpoch;
        OptimizerBound built = TorchScheduler.with(new TorchScheduler.Options(torch, resume),
                () -> factory.build(args, groups));
        args.finish(torchName && !call.name().equals("ChainedScheduler"), torch);
        args.record(false);
        return built;
    }

    /** Every other library's spec name ({@code optax.cosine_decay_schedule}, ...). */
    public static List<String> foreignNames() {
        return ForeignSchedules.names();
    }

    /**
     * The arguments every call of the tree uses, defaults filled in, found by building the schedule on
     * {@code groups} fresh groups (so per-group lists are checked as for a real optimizer); identity keys, since
     * calls may repeat.
     */
    static Map<Call, Map<String, Object>> resolve(Call call, double[] baseLrs) {
        Map<Call, Map<String, Object>> resolved = new java.util.IdentityHashMap<>();
        build(call, ParamGroups.of(baseLrs), resolved);
        return resolved;
    }

    private static Schedule[] lambdas(Args a) {
        List<String> texts = a.strings("lr_lambda", "an expression of epoch, or a list of one per parameter group");
        Schedule[] out = new Schedule[texts.size()];
        for (int i = 0; i < out.length; i++) out[i] = Expressions.compile(a.schedule(), "lr_lambda", texts.get(i), "epoch", "step");
        return out;
    }

    private static List<TorchScheduler> children(Args a, ParamGroups g) {
        List<TorchScheduler> out = new ArrayList<>();
        for (Call c : a.calls("schedulers")) {
            OptimizerBound s = a.build(c, g);
            if (!(s instanceof TorchScheduler)) {
                throw new ConfigurationException(a.schedule() + ": schedulers=" + c + " is not allowed; allowed: "
                        + "PyTorch-style schedulers (TorchScheduler)");
            }
            out.add((TorchScheduler) s);
        }
        return out;
    }

    private static OptimizerBound factorSchedule(Args a, ParamGroups g, Schedule factor, Shape.Length... lengths) {
        return new LambdaLR(g, a.schedule(), Clock.STEP, List.of(lengths), factor);
    }

    private static OptimizerBound timmCycles(Args a, ParamGroups g, Schedule.CycleShape shape) {
        boolean cosine = shape == Schedule.CycleShape.COSINE;
        Schedule f = Schedule.timmCycles(shape, a.number("t_initial"), a.number("cycle_mul", 1.0),
                a.number("cycle_decay", 1.0), a.integer("cycle_limit", 1), cosine ? a.number("k_decay", 1.0) : 1.0,
                cosine ? -7 : a.number("lb", -7.0), cosine ? 3 : a.number("ub", 3.0), a.number("lr_min_ratio", 0.0),
                a.integer("warmup_t", 0), a.number("warmup_lr_init_ratio", 0.0), a.bool("warmup_prefix", false));
        Clock clock = a.bool("t_in_epochs", true) ? Clock.EPOCH : Clock.STEP;
        return new LambdaLR(g, a.schedule(), clock, f);
    }

    private static Call requiredCall(Args a, String arg) {
        Call c = a.call(arg);
        if (c == null) throw new ConfigurationException(a.schedule() + ": missing required argument " + arg
                + " (a schedule such as CosineAnnealingLR(T_max=30))");
        return c;
    }

    private static OptimizerBound groupScale(Args a, ParamGroups g) {
        Call inner = requiredCall(a, "scheduler");
        boolean layer = a.has("layer_decay");
        if (layer == a.has("scales")) {
            throw new ConfigurationException("GroupScaleLR: give exactly one of scales (one factor per group) and "
                    + "layer_decay (the factor between consecutive groups)");
        }
        double[] scales = layer ? GroupScaleLR.layerDecay(a.number("layer_decay"), g.size()) : a.perGroup("scales", null);
        return new GroupScaleLR(g, p -> a.build(inner, p), scales);
    }

    /**
     * {@code CoScheduleLR(scheduler=..., KEY=schedule, base_KEY=...)} for every {@link Hyperparameter} but the lr
     * ({@code momentum}, {@code weight_decay}): a hyperparameter added there is co-schedulable with no change here.
     */
    private static OptimizerBound coSchedule(Args a, ParamGroups g) {
        Call inner = requiredCall(a, "scheduler");
        List<CoScheduleLR.Part> parts = new ArrayList<>();
        for (Hyperparameter h : Hyperparameter.values()) {
            if (h == Hyperparameter.LR) continue;
            String baseKey = "base_" + h.key();
            Double fallback = coScheduleBase(h);
            double[] base = a.has(baseKey) || fallback != null ? a.perGroup(baseKey, fallback) : null;
            Call schedule = a.call(h.key());
            if (schedule != null) parts.add(new CoScheduleLR.Part(h, p -> a.build(schedule, p), base));
        }
        return new CoScheduleLR(g, p -> a.build(inner, p), parts);
    }

    /**
     * Where a co-scheduled hyperparameter starts without {@code base_KEY}: momentum at 0.9 (PyTorch SGD's usual
     * momentum; the groups carry none until a scheduler sets it), any other at the optimizer's own value (null).
     */
    private static Double coScheduleBase(Hyperparameter h) {
        return h == Hyperparameter.MOMENTUM ? 0.9 : null;
    }

    private static OptimizerBound noisy(Args a, ParamGroups g) {
        Call inner = requiredCall(a, "scheduler");
        NoisyLR.Type type = a.choice("noise_type", "normal", "normal", "uniform").equals("normal") ? NoisyLR.Type.NORMAL
                : NoisyLR.Type.UNIFORM;
        long start = 0;
        long end = Long.MAX_VALUE;
        if (a.has("noise_range")) {
            long[] range = a.integers("noise_range");
            if (range.length < 1 || range.length > 2) {
                throw anneal.schedule.Check.bad("NoisyLR", "noise_range", range, "[start] or [start, end]");
            }
            start = range[0];
            if (range.length == 2) end = range[1];
        }
        return new NoisyLR(g, p -> a.build(inner, p), type, a.number("noise_pct", 0.67), a.number("noise_std", 1.0),
                a.integer("noise_seed", 42), start, end);
    }

    private static OptimizerBound warmup(Args a, ParamGroups g) {
        String shape = a.choice("warmup", "linear", "linear", "exponential", "cosine");
        WarmupLR.Ramp ramp = WarmupLR.Ramp.valueOf(shape.toUpperCase(java.util.Locale.ROOT));
        double start = a.number("start_factor", ramp == WarmupLR.Ramp.EXPONENTIAL ? 0.01 : 0.0);
        Call inner = a.call("scheduler");
        if (a.bool("inside", false)) {
            if (inner == null) throw new ConfigurationException("WarmupLR: inside=True needs a scheduler to count "
                    + "the warmup inside");
            return new WarmupInsideLR(g, a.integer("warmup_steps"), ramp, start, p -> a.build(inner, p));
        }
        return new WarmupLR(g, a.integer("warmup_steps"), ramp, start, inner == null ? null : p -> a.build(inner, p));
    }

    private static OptimizerBound cyclic(Args a, ParamGroups g) {
        double[] base = a.perGroup("base_lr", null);
        double[] max = a.perGroup("max_lr", null);
        double up = a.number("step_size_up", 2000);
        double down = a.has("step_size_down") ? a.number("step_size_down", up) : up;
        String scaleText = a.string("scale_fn", "an expression of x, e.g. '1/(2.0**(x-1))'");
        String scaleMode = a.choice("scale_mode", "cycle", "cycle", "iterations");
        CyclicLR.Mode mode = CyclicLR.Mode.TRIANGULAR;
        if (scaleText == null) {
            String m = a.choice("mode", "triangular", "triangular", "triangular2", "exp_range");
            mode = CyclicLR.Mode.valueOf(m.toUpperCase(java.util.Locale.ROOT));
        } else {
            a.string("mode", "a string (ignored when scale_fn is given, as PyTorch)");
        }
        Schedule scale = scaleText == null ? null : Expressions.compile("CyclicLR", "scale_fn", scaleText, "x");
        boolean cycleMomentum = a.bool("cycle_momentum", true);
        return new CyclicLR(g, base, max, up, down, mode, a.number("gamma", 1.0), scale, scaleMode.equals("cycle"),
                cycleMomentum, a.perGroup("base_momentum", 0.8), a.perGroup("max_momentum", 0.9));
    }

    private static OptimizerBound oneCycle(Args a, ParamGroups g) {
        double[] max = a.perGroup("max_lr", null);
        long total;
        long perEpoch = 0;
        if (a.has("total_steps")) {
            total = a.integer("total_steps");
            a.accepted(List.of("epochs", "steps_per_epoch")); // PyTorch: total_steps given, epochs and steps_per_epoch unused
        } else if (a.has("epochs") && a.has("steps_per_epoch")) {
            long epochs = anneal.schedule.Check.atLeast("OneCycleLR", "epochs", a.integer("epochs"), 1);
            perEpoch = anneal.schedule.Check.atLeast("OneCycleLR", "steps_per_epoch", a.integer("steps_per_epoch"), 1);
            total = epochs * perEpoch;
        } else {
            throw new ConfigurationException("OneCycleLR: missing required argument total_steps (an integer >= 1), "
                    + "or epochs and steps_per_epoch");
        }
        boolean cos = a.choice("anneal_strategy", "cos", "cos", "linear").equals("cos");
        return new OneCycleLR(g, max, total, perEpoch, a.number("pct_start", 0.3), cos, a.bool("cycle_momentum", true),
                a.perGroup("base_momentum", 0.85), a.perGroup("max_momentum", 0.95), a.number("div_factor", 25.0),
                a.number("final_div_factor", 1e4), a.bool("three_phase", false));
    }
}
