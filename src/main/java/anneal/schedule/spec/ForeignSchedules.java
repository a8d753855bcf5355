package anneal.schedule.spec;

import anneal.ConfigurationException;
import anneal.schedule.AbsoluteLR;
import anneal.schedule.Check;
import anneal.schedule.Clock;
import anneal.schedule.LambdaLR;
import anneal.schedule.OptimizerBound;
import anneal.schedule.ParamGroups;
import anneal.schedule.Schedule;
import anneal.schedule.TorchScheduler;
import anneal.schedule.TimmLR;
import anneal.schedule.TimmNoise;
import anneal.schedule.TimmPlateauLR;
import anneal.schedule.foreign.Keras;
import anneal.schedule.foreign.Timm;
import anneal.schedule.foreign.Optax;
import anneal.schedule.foreign.Transformers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Configs pasted from other libraries: {@code optax.NAME(...)}, {@code keras.NAME(...)} and
 * {@code transformers.NAME(...)} take that library's own names, arguments and defaults, and refuse what that
 * library refuses with its own reason. Values are the library's lr at each optimizer step (formulas in
 * {@link Optax}, {@link Keras}, {@link Transformers}). optax and Keras schedules carry their own lr (the
 * optimizer's lr is not used); transformers' multiply it, as its {@code LambdaLR}s do.
 */
final class ForeignSchedules {
    /** Libraries by prefix. */
    static final List<String> LIBRARIES = List.of("optax", "keras", "transformers", "timm");

    @FunctionalInterface
    interface Factory {
        OptimizerBound build(Args args, ParamGroups groups);
    }

    private static final Map<String, Factory> FACTORIES = new LinkedHashMap<>();
    /** optax's schedules as functions, so that join_schedules and sgdr_schedule can nest them. */
    private static final Map<String, Function<Args, Schedule>> OPTAX = new LinkedHashMap<>();
    /** transformers' get_scheduler type names and the function each calls. */
    private static final Map<String, String> HF_TYPES = new LinkedHashMap<>();

    private ForeignSchedules() {
    }

    static boolean isForeign(String name) {
        int dot = name.indexOf('.');
        return dot > 0 && LIBRARIES.contains(name.substring(0, dot));
    }

    /** Builds a foreign call, or explains in that library's terms why not. */
    static OptimizerBound build(Call call, ParamGroups groups, Map<Call, Map<String, Object>> resolved) {
        Factory f = FACTORIES.get(call.name());
        if (f == null) {
            String library = call.name().substring(0, call.name().indexOf('.'));
            List<String> known = new ArrayList<>();
            for (String n : FACTORIES.keySet()) if (n.startsWith(library + ".")) known.add(n.substring(library.length() + 1));
            throw new ConfigurationException("unknown " + library + " schedule '" + call.name() + "'; " + library
                    + " schedules Anneal reproduces: " + String.join(", ", known));
        }
        Args args = new Args(call, groups.size(), resolved);
        OptimizerBound built = f.build(args, groups);
        args.finish(false, null);
        args.record(true);
        return built;
    }

    static List<String> names() {
        return new ArrayList<>(FACTORIES.keySet());
    }

    // ---------------------------------------------------------------- optax

    private static Schedule optaxFunction(Call call, Args parent) {
        Function<Args, Schedule> f = OPTAX.get(call.name());
        if (f == null) {
            throw Check.bad("optax", "schedule", call.name(), "an optax schedule: " + String.join(", ", OPTAX.keySet()));
        }
        Args args = parent.nested(call);
        Schedule s = f.apply(args);
        args.finish(false, null);
        args.record(true);
        return s;
    }

    private static Map<Long, Double> boundariesAndScales(Args a, String schedule) {
        Map<?, ?> raw = a.dict("boundaries_and_scales", "a dict {step: scale, ...}");
        Map<Long, Double> out = new LinkedHashMap<>();
        if (raw == null) return out;
        for (Map.Entry<?, ?> e : raw.entrySet()) {
            if (!(e.getKey() instanceof Long)) {
                throw Check.bad(schedule, "boundaries_and_scales", raw, "a dict with integer step keys");
            }
            if (!(e.getValue() instanceof Number) || e.getValue() instanceof Boolean) {
                throw Check.bad(schedule, "boundaries_and_scales", raw, "a dict of numbers");
            }
            double scale = ((Number) e.getValue()).doubleValue();
            if (!(scale >= 0.0)) {
                throw new ConfigurationException(schedule + ": boundaries_and_scales=" + Check.show(raw) + " is not "
                        + "allowed (optax raises ValueError: `" + schedule.substring(6) + "` expects non-negative scale "
                        + "factors)");
            }
            out.put((Long) e.getKey(), scale);
        }
        return out;
    }

    private static void optaxPositive(String schedule, String arg, long value, String reason) {
        if (value <= 0) {
            throw new ConfigurationException(schedule + ": " + arg + "=" + value + " is not allowed; allowed: > 0 "
                    + "(optax raises ValueError: " + reason + ")");
        }
    }

    private static Schedule optaxCosine(String schedule, double init, long decaySteps, double alpha, double exponent) {
        if (!(decaySteps > 0)) {
            throw new ConfigurationException(schedule + ": decay_steps=" + decaySteps + " is not allowed; allowed: > 0"
                    + " (optax raises ValueError: The cosine_decay_schedule requires positive decay_steps)");
        }
        return Optax.cosineDecay(init, decaySteps, alpha, exponent);
    }

    private static Schedule warmupCosine(Args a) {
        String s = a.schedule();
        double init = a.number("init_value");
        double peak = a.number("peak_value");
        long warmup = a.integer("warmup_steps");
        long decay = a.integer("decay_steps");
        double end = a.number("end_value", 0.0);
        double exponent = a.number("exponent", 1.0);
        if (decay - warmup <= 0) {
            throw new ConfigurationException(s + ": decay_steps=" + decay + " is not allowed; allowed: > warmup_steps ("
                    + warmup + ") (optax raises ValueError: The cosine_decay_schedule requires positive decay_steps, "
                    + "got decay_steps=" + (decay - warmup) + ")");
        }
        return Optax.warmupCosineDecay(init, peak, warmup, decay, end, exponent);
    }

    private static void optax(String name, Function<Args, Schedule> f) {
        OPTAX.put("optax." + name, f);
        FACTORIES.put("optax." + name, (a, g) -> new AbsoluteLR(g, a.schedule(), Clock.STEP, f.apply(a)));
    }

    // ---------------------------------------------------------------- keras

    private static double kerasDecaySteps(Args a, String arg) {
        double steps = a.number(arg);
        if (!(steps > 0)) {
            throw new ConfigurationException(a.schedule() + ": " + arg + "=" + Check.show(a.call().args().get(arg))
                    + " is not allowed; allowed: > 0 (Keras raises ValueError: Argument `" + arg + "` must be > 0)");
        }
        return steps;
    }

    private static void keras(String name, Function<Args, Schedule> f) {
        FACTORIES.put("keras." + name, (a, g) -> {
            Schedule s = f.apply(a);
            a.string("name", "a string (the schedule's name scope)");
            return new AbsoluteLR(g, a.schedule(), Clock.STEP, s);
        });
    }

    // ---------------------------------------------------------------- transformers

    private static OptimizerBound hfLambda(Args a, ParamGroups g, Schedule factor) {
        long lastEpoch = a.integer("last_epoch", -1);
        return TorchScheduler.with(new TorchScheduler.Options(TorchScheduler.options().torch(), lastEpoch),
                () -> new LambdaLR(g, a.schedule(), Clock.STEP, factor));
    }

    private static long hfWarmup(Args a) {
        return a.integer("num_warmup_steps");
    }

    /** {@code optimizer.defaults["lr"]}: the optimizer's lr, group 0's here. */
    private static double defaultLr(ParamGroups g) {
        return g.lr(0);
    }

    private static double minLrRate(Args a, ParamGroups g) {
        Double minLr = a.optionalNumber("min_lr");
        Double rate = a.optionalNumber("min_lr_rate");
        if (minLr != null && rate != null) {
            throw new ConfigurationException(a.schedule() + ": min_lr=" + minLr + " and min_lr_rate=" + rate
                    + " are not allowed together (transformers raises ValueError: Only one of min_lr or min_lr_rate "
                    + "should be set)");
        }
        if (minLr != null) return minLr / defaultLr(g);
        if (rate == null) {
            throw new ConfigurationException(a.schedule() + ": missing argument min_lr or min_lr_rate (transformers "
                    + "raises ValueError: One of min_lr or min_lr_rate should be set through the `lr_scheduler_kwargs`)");
        }
        return rate;
    }

    private static Transformers.Shape hfShape(Args a, String arg, String dflt) {
        Object v = a.call().args().get(arg);
        String what = arg.equals("warmup_type") ? "warmup" : "decay";
        if (v != null && !"linear".equals(v) && !"cosine".equals(v) && !"1-sqrt".equals(v)) {
            throw new ConfigurationException(a.schedule() + ": " + arg + "=" + Check.show(v) + " is not allowed; "
                    + "allowed: 'linear', 'cosine' or '1-sqrt' (transformers raises ValueError: Unknown " + what + " type)");
        }
        String s = a.choice(arg, dflt, "linear", "cosine", "1-sqrt");
        return s.equals("linear") ? Transformers.Shape.LINEAR : s.equals("cosine") ? Transformers.Shape.COSINE
                : Transformers.Shape.ONE_MINUS_SQRT;
    }

    private static void hf(String function, String type, Factory f) {
        FACTORIES.put("transformers." + function, f);
        if (type != null) HF_TYPES.put(type, function);
    }

    /**
     * {@code transformers.get_scheduler(name, num_warmup_steps=None, num_training_steps=None,
     * scheduler_specific_kwargs=None)}, with get_scheduler's own rules: 'constant' takes nothing else,
     * 'reduce_lr_on_plateau' only the kwargs, 'constant_with_warmup' / 'inverse_sqrt' only the warmup, the rest
     * need num_training_steps.
     */
    private static OptimizerBound getScheduler(Args a, ParamGroups g) {
        String type = a.choice("name", null, HF_TYPES.keySet().toArray(new String[0]));
        if (type == null) {
            throw new ConfigurationException("transformers.get_scheduler: missing required argument name (one of '"
                    + String.join("', '", HF_TYPES.keySet()) + "')");
        }
        Map<String, Object> args = new LinkedHashMap<>();
        Object warmup = a.has("num_warmup_steps") ? a.integer("num_warmup_steps") : null;
        Object training = a.has("num_training_steps") ? a.integer("num_training_steps") : null;
        Map<?, ?> specific = a.dict("scheduler_specific_kwargs", "a dict of the scheduler's own arguments");
        if (!type.equals("constant") && !type.equals("reduce_lr_on_plateau")) {
            if (warmup == null) {
                throw new ConfigurationException("transformers.get_scheduler: name='" + type + "' requires "
                        + "num_warmup_steps (transformers raises ValueError: " + type + " requires `num_warmup_steps`)");
            }
            args.put("num_warmup_steps", warmup);
            boolean needsTraining = !type.equals("constant_with_warmup") && !type.equals("inverse_sqrt");
            if (needsTraining && training == null && !type.equals("warmup_stable_decay")) {
                throw new ConfigurationException("transformers.get_scheduler: name='" + type + "' requires "
                        + "num_training_steps (transformers raises ValueError: " + type + " requires `num_training_steps`)");
            }
            if (needsTraining) args.put("num_training_steps", training == null ? SpecParser.NONE : training);
        }
        boolean takesKwargs = !type.equals("constant") && !type.equals("constant_with_warmup")
                && !type.equals("inverse_sqrt");
        if (specific != null && takesKwargs) {
            for (Map.Entry<?, ?> e : specific.entrySet()) {
                if (!(e.getKey() instanceof String)) {
                    throw Check.bad("transformers.get_scheduler", "scheduler_specific_kwargs", specific,
                            "a dict with string keys");
                }
                args.put((String) e.getKey(), e.getValue());
            }
        }
        String function = "transformers." + HF_TYPES.get(type);
        Call inner = new Call(function, args, function + "(...)");
        Args innerArgs = new Args(inner, g.size());
        OptimizerBound built = FACTORIES.get(function).build(innerArgs, g);
        innerArgs.finish(false, null);
        return built;
    }

    // ---------------------------------------------------------------- timm

    /** timm's {@code assert}s: {@code NAME: arg=value is not allowed; allowed: ... (timm raises AssertionError: ...)}. */
    private static void timmAssert(Args a, boolean ok, String assertion) {
        if (ok) return;
        String condition = assertion.replace("assert ", "");
        String arg = condition.substring(0, condition.indexOf(' '));
        Object value = a.call().args().get(arg);
        throw new ConfigurationException(a.schedule() + ": " + arg + "=" + (value == null ? "(default)" : Check.show(value))
                + " is not allowed; allowed: " + condition.substring(arg.length() + 1) + " (timm raises AssertionError: "
                + assertion + ")");
    }

    /** timm's noise options: noise_range_t (None, an int or [start, end]), noise_pct, noise_std (unused by timm), noise_seed. */
    private static TimmNoise timmNoise(Args a, boolean normal) {
        Object range = a.call().args().get("noise_range_t");
        a.number("noise_std", 1.0);
        double pct = a.number("noise_pct", 0.67);
        Object seedRaw = a.call().args().get("noise_seed");
        if (seedRaw == SpecParser.NONE) a.accepted(List.of("noise_seed")); // None: timm's default seed, 42
        long seed = seedRaw == SpecParser.NONE ? 42 : a.integer("noise_seed", 42);
        if (range == null || range == SpecParser.NONE) {
            a.accepted(List.of("noise_range_t"));
            return null;
        }
        if (range instanceof Long) {
            a.integer("noise_range_t");
            return new TimmNoise((Long) range, Long.MAX_VALUE, normal, pct, seed);
        }
        long[] r = a.integers("noise_range_t");
        if (r.length != 2) throw Check.bad(a.schedule(), "noise_range_t", r, "None, an epoch, or [start, end]");
        return new TimmNoise(r[0], r[1], normal, pct, seed);
    }

    private static void timmInitialize(Args a) {
        if (!a.bool("initialize", true)) {
            throw Check.bad(a.schedule(), "initialize", "False", "True (False resumes an optimizer holding initial_lr; "
                    + "resume with --resume instead)");
        }
    }

    /** CosineLRScheduler, PolyLRScheduler, TanhLRScheduler: warmup, then cycles ({@link Timm#cycleLr}). */
    private static OptimizerBound timmCycles(Args a, ParamGroups g, Timm.Shape shape) {
        String s = a.schedule();
        double tInitial = a.number("t_initial");
        double power = shape == Timm.Shape.POLY ? a.number("power", 0.5) : 1;
        double lb = shape == Timm.Shape.TANH ? a.number("lb", -7.) : 0;
        double ub = shape == Timm.Shape.TANH ? a.number("ub", 3.) : 0;
        double lrMin = a.number("lr_min", 0.);
        Timm.Cycles c = new Timm.Cycles(shape, tInitial, lrMin, a.number("cycle_mul", 1.), a.number("cycle_decay", 1.),
                a.integer("cycle_limit", 1), shape == Timm.Shape.TANH ? 1.0 : a.number("k_decay", 1.0), power, lb, ub);
        long warmupT = a.integer("warmup_t", 0);
        double warmupLrInit = a.number("warmup_lr_init", 0.);
        boolean prefix = a.bool("warmup_prefix", false);
        boolean tInEpochs = a.bool("t_in_epochs", true);
        TimmNoise noise = timmNoise(a, true);
        timmInitialize(a);
        timmAssert(a, tInitial > 0, "assert t_initial > 0");
        timmAssert(a, lrMin >= 0, "assert lr_min >= 0");
        if (shape == Timm.Shape.TANH) {
            timmAssert(a, lb < ub, "assert lb < ub");
            timmAssert(a, c.cycleLimit() >= 0, "assert cycle_limit >= 0");
            timmAssert(a, warmupT >= 0, "assert warmup_t >= 0");
            timmAssert(a, warmupLrInit >= 0, "assert warmup_lr_init >= 0");
        }
        double[] base = new double[g.size()];
        for (int i = 0; i < base.length; i++) base[i] = Double.isNaN(g.initialLr(i)) ? g.lr(i) : g.initialLr(i);
        double[] steps = new double[base.length];
        for (int i = 0; i < base.length; i++) {
            double target = shape == Timm.Shape.TANH && !prefix ? Timm.cycleLr(c, base[i], warmupT) : base[i];
            steps[i] = warmupT != 0 ? (target - warmupLrInit) / warmupT : 1;
        }
        TimmLR.Rule rule = (grp, v, t) -> {
            if (t < warmupT) return warmupLrInit + t * steps[grp];
            return Timm.cycleLr(c, v, prefix ? t - warmupT : t);
        };
        return new TimmLR(g, s, tInEpochs, warmupT, warmupLrInit, rule, noise);
    }

    private static OptimizerBound timmSteps(Args a, ParamGroups g, boolean multi) {
        String s = a.schedule();
        long[] milestones = multi ? a.integers("decay_t") : null;
        double decayT = multi ? 0 : a.number("decay_t");
        double rate = a.number("decay_rate", 1.);
        long warmupT = a.integer("warmup_t", 0);
        double warmupLrInit = a.number("warmup_lr_init", 0.);
        boolean prefix = a.bool("warmup_prefix", true);
        boolean tInEpochs = a.bool("t_in_epochs", true);
        TimmNoise noise = timmNoise(a, true);
        timmInitialize(a);
        double[] steps = new double[g.size()];
        for (int i = 0; i < steps.length; i++) {
            double v = Double.isNaN(g.initialLr(i)) ? g.lr(i) : g.initialLr(i);
            steps[i] = warmupT != 0 ? (v - warmupLrInit) / warmupT : 1;
        }
        TimmLR.Rule rule = (grp, v, t) -> {
            if (t < warmupT) return warmupLrInit + t * steps[grp];
            long tt = prefix ? t - warmupT : t;
            return multi ? Timm.multiStepLr(v, tt, milestones, rate) : Timm.stepLr(v, tt, decayT, rate);
        };
        return new TimmLR(g, s, tInEpochs, warmupT, warmupLrInit, rule, noise);
    }

    private static OptimizerBound timmPlateau(Args a, ParamGroups g) {
        double rate = a.number("decay_rate", 0.1);
        long patience = a.integer("patience_t", 10);
        double threshold = a.number("threshold", 1e-4);
        long cooldown = a.integer("cooldown_t", 0);
        long warmupT = a.integer("warmup_t", 0);
        double warmupLrInit = a.number("warmup_lr_init", 0.);
        double lrMin = a.number("lr_min", 0.);
        String mode = a.choice("mode", "max", "min", "max");
        String type = a.choice("noise_type", "normal", "normal", "uniform");
        TimmNoise noise = timmNoise(a, type.equals("normal"));
        timmInitialize(a);
        return new TimmPlateauLR(g, rate, patience, threshold, cooldown, warmupT, warmupLrInit, lrMin,
                mode.equals("max"), noise);
    }

    static {
        FACTORIES.put("timm.CosineLRScheduler", (a, g) -> timmCycles(a, g, Timm.Shape.COSINE));
        FACTORIES.put("timm.PolyLRScheduler", (a, g) -> timmCycles(a, g, Timm.Shape.POLY));
        FACTORIES.put("timm.TanhLRScheduler", (a, g) -> timmCycles(a, g, Timm.Shape.TANH));
        FACTORIES.put("timm.StepLRScheduler", (a, g) -> timmSteps(a, g, false));
        FACTORIES.put("timm.MultiStepLRScheduler", (a, g) -> timmSteps(a, g, true));
        FACTORIES.put("timm.PlateauLRScheduler", ForeignSchedules::timmPlateau);
    }

    static {
        optax("constant_schedule", a -> Optax.constant(a.number("value")));
        optax("polynomial_schedule", a -> Optax.polynomial(a.number("init_value"), a.number("end_value"),
                a.number("power"), a.integer("transition_steps"), a.integer("transition_begin", 0)));
        optax("linear_schedule", a -> Optax.linear(a.number("init_value"), a.number("end_value"),
                a.integer("transition_steps"), a.integer("transition_begin", 0)));
        optax("piecewise_constant_schedule", a -> Optax.piecewiseConstant(a.number("init_value"),
                boundariesAndScales(a, a.schedule())));
        optax("exponential_decay", a -> Optax.exponentialDecay(a.number("init_value"), a.integer("transition_steps"),
                a.number("decay_rate"), a.integer("transition_begin", 0), a.bool("staircase", false),
                a.optionalNumber("end_value")));
        optax("cosine_decay_schedule", a -> optaxCosine(a.schedule(), a.number("init_value"), a.integer("decay_steps"),
                a.number("alpha", 0.0), a.number("exponent", 1.0)));
        optax("piecewise_interpolate_schedule", a -> {
            Object type = a.call().args().get("interpolate_type");
            if (type != null && !"linear".equals(type) && !"cosine".equals(type)) {
                throw new ConfigurationException(a.schedule() + ": interpolate_type=" + Check.show(type) + " is not "
                        + "allowed (optax raises ValueError: `interpolate_type` must be either 'cosine' or 'linear')");
            }
            String t = a.choice("interpolate_type", null, "linear", "cosine");
            if (t == null) throw new ConfigurationException(a.schedule() + ": missing required argument interpolate_type "
                    + "('linear' or 'cosine')");
            return Optax.piecewiseInterpolate(t.equals("cosine"), a.number("init_value"),
                    boundariesAndScales(a, a.schedule()));
        });
        optax("linear_onecycle_schedule", a -> {
            long steps = a.integer("transition_steps");
            optaxPositive(a.schedule(), "transition_steps", steps,
                    "A linear onecycle schedule was set with a non-positive `transition_steps`");
            return Optax.linearOnecycle(steps, a.number("peak_value"), a.number("pct_start", 0.3),
                    a.number("pct_final", 0.85), a.number("div_factor", 25.0), a.number("final_div_factor", 1e4));
        });
        optax("cosine_onecycle_schedule", a -> {
            long steps = a.integer("transition_steps");
            optaxPositive(a.schedule(), "transition_steps", steps,
                    "A cosine onecycle schedule was set with a non-positive `transition_steps`");
            return Optax.cosineOnecycle(steps, a.number("peak_value"), a.number("pct_start", 0.3),
                    a.number("div_factor", 25.0), a.number("final_div_factor", 1e4));
        });
        optax("warmup_constant_schedule", a -> Optax.linear(a.number("init_value"), a.number("peak_value"),
                a.integer("warmup_steps"), 0));
        optax("warmup_cosine_decay_schedule", ForeignSchedules::warmupCosine);
        optax("warmup_exponential_decay_schedule", a -> Optax.warmupExponentialDecay(a.number("init_value"),
                a.number("peak_value"), a.integer("warmup_steps"), a.integer("transition_steps"), a.number("decay_rate"),
                a.integer("transition_begin", 0), a.bool("staircase", false), a.optionalNumber("end_value")));
        optax("sgdr_schedule", a -> {
            Object raw = a.call().args().get("cosine_kwargs");
            if (!(raw instanceof List) || ((List<?>) raw).isEmpty()) {
                throw Check.bad(a.schedule(), "cosine_kwargs", raw, "a non-empty list of dicts of "
                        + "warmup_cosine_decay_schedule arguments");
            }
            a.accepted(List.of("cosine_kwargs")); // read below, dict by dict
            List<Schedule> parts = new ArrayList<>();
            List<Long> boundaries = new ArrayList<>();
            long step = 0;
            List<Object> resolvedKwargs = new ArrayList<>();
            for (Object o : (List<?>) raw) {
                if (!(o instanceof Map)) throw Check.bad(a.schedule(), "cosine_kwargs", o, "a dict of arguments");
                Map<String, Object> kw = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) o).entrySet()) kw.put(String.valueOf(e.getKey()), e.getValue());
                Args inner = new Args(new Call("optax.warmup_cosine_decay_schedule", kw, "cosine_kwargs"), a.groups());
                parts.add(warmupCosine(inner));
                inner.finish(false, null);
                step += inner.integer("decay_steps");
                boundaries.add(step);
                resolvedKwargs.add(o);
            }
            long[] b = new long[boundaries.size() - 1];
            for (int i = 0; i < b.length; i++) b[i] = boundaries.get(i);
            return Optax.join(parts.toArray(new Schedule[0]), b);
        });
        optax("join_schedules", a -> {
            List<Call> calls = a.calls("schedules");
            long[] boundaries = a.integers("boundaries");
            Schedule[] parts = new Schedule[calls.size()];
            for (int i = 0; i < parts.length; i++) parts[i] = optaxFunction(calls.get(i), a);
            if (parts.length == 0) throw Check.bad(a.schedule(), "schedules", "[]", "a non-empty list of optax schedules");
            return Optax.join(parts, boundaries);
        });

        keras("ExponentialDecay", a -> Keras.exponentialDecay(a.number("initial_learning_rate"),
                kerasDecaySteps(a, "decay_steps"), a.number("decay_rate"), a.bool("staircase", false)));
        keras("PiecewiseConstantDecay", a -> {
            double[] boundaries = a.numbers("boundaries");
            double[] values = a.numbers("values");
            if (boundaries.length != values.length - 1 || boundaries.length == 0) {
                throw new ConfigurationException(a.schedule() + ": boundaries has " + boundaries.length + " values and "
                        + "values " + values.length + "; allowed: one value more than boundaries, at least one boundary "
                        + "(Keras raises ValueError: The length of boundaries should be 1 less than the length of values)");
            }
            return Keras.piecewiseConstant(boundaries, values);
        });
        keras("PolynomialDecay", a -> Keras.polynomialDecay(a.number("initial_learning_rate"),
                kerasDecaySteps(a, "decay_steps"), a.number("end_learning_rate", 0.0001), a.number("power", 1.0),
                a.bool("cycle", false)));
        keras("InverseTimeDecay", a -> Keras.inverseTimeDecay(a.number("initial_learning_rate"),
                kerasDecaySteps(a, "decay_steps"), a.number("decay_rate"), a.bool("staircase", false)));
        keras("CosineDecay", a -> Keras.cosineDecay(a.number("initial_learning_rate"), kerasDecaySteps(a, "decay_steps"),
                a.number("alpha", 0.0), a.optionalNumber("warmup_target"), a.number("warmup_steps", 0)));
        keras("CosineDecayRestarts", a -> Keras.cosineDecayRestarts(a.number("initial_learning_rate"),
                kerasDecaySteps(a, "first_decay_steps"), a.number("t_mul", 2.0), a.number("m_mul", 1.0),
                a.number("alpha", 0.0)));

        hf("get_linear_schedule_with_warmup", "linear", (a, g) -> hfLambda(a, g,
                Transformers.linear(hfWarmup(a), a.integer("num_training_steps"))));
        hf("get_cosine_schedule_with_warmup", "cosine", (a, g) -> hfLambda(a, g,
                Transformers.cosine(hfWarmup(a), a.integer("num_training_steps"), a.number("num_cycles", 0.5))));
        hf("get_cosine_with_hard_restarts_schedule_with_warmup", "cosine_with_restarts", (a, g) -> hfLambda(a, g,
                Transformers.cosineWithHardRestarts(hfWarmup(a), a.integer("num_training_steps"),
                        a.number("num_cycles", 1))));
        hf("get_polynomial_decay_schedule_with_warmup", "polynomial", (a, g) -> {
            long warmup = hfWarmup(a);
            long training = a.integer("num_training_steps");
            double lrEnd = a.number("lr_end", 1e-7);
            double power = a.number("power", 1.0);
            double lrInit = defaultLr(g);
            if (!(lrInit > lrEnd)) {
                throw new ConfigurationException(a.schedule() + ": lr_end=" + lrEnd + " is not allowed; allowed: < the "
                        + "optimizer's lr " + lrInit + " (transformers raises ValueError: lr_end (" + lrEnd + ") must be "
                        + "smaller than initial lr (" + lrInit + "))");
            }
            return hfLambda(a, g, Transformers.polynomial(warmup, training, lrEnd, power, lrInit));
        });
        hf("get_constant_schedule", "constant", (a, g) -> hfLambda(a, g, Transformers.constant()));
        hf("get_constant_schedule_with_warmup", "constant_with_warmup", (a, g) -> hfLambda(a, g,
                Transformers.constantWithWarmup(hfWarmup(a))));
        hf("get_inverse_sqrt_schedule", "inverse_sqrt", (a, g) -> {
            long warmup = hfWarmup(a);
            long timescale = a.has("timescale") ? a.integer("timescale") : (warmup != 0 ? warmup : 10_000);
            return hfLambda(a, g, Transformers.inverseSqrt(warmup, timescale));
        });
        hf("get_reduce_on_plateau_schedule", "reduce_lr_on_plateau", (a, g) -> {
            Map<String, Object> args = new LinkedHashMap<>(a.call().args());
            a.accepted(args.keySet()); // every argument goes to torch's ReduceLROnPlateau
            return a.build(new Call("ReduceLROnPlateau", args, a.call().text()), g);
        });
        hf("get_cosine_with_min_lr_schedule_with_warmup", "cosine_with_min_lr", (a, g) -> {
            long warmup = hfWarmup(a);
            long training = a.integer("num_training_steps");
            double cycles = a.number("num_cycles", 0.5);
            return hfLambda(a, g, Transformers.cosineWithMinLr(warmup, training, cycles, minLrRate(a, g)));
        });
        hf("get_cosine_with_min_lr_schedule_with_warmup_lr_rate", "cosine_warmup_with_min_lr", (a, g) -> {
            long warmup = hfWarmup(a);
            long training = a.integer("num_training_steps");
            double cycles = a.number("num_cycles", 0.5);
            double rate = minLrRate(a, g);
            return hfLambda(a, g, Transformers.cosineWarmupWithMinLr(warmup, training, cycles, rate,
                    a.optionalNumber("warmup_lr_rate")));
        });
        hf("get_wsd_schedule", "warmup_stable_decay", (a, g) -> {
            long warmup = hfWarmup(a);
            long decay = a.integer("num_decay_steps");
            Long training = a.has("num_training_steps") ? a.integer("num_training_steps") : null;
            Long stable = a.has("num_stable_steps") ? a.integer("num_stable_steps") : null;
            if (training == null && stable == null) {
                throw new ConfigurationException(a.schedule() + ": missing num_training_steps or num_stable_steps "
                        + "(transformers raises ValueError: Either num_training_steps or num_stable_steps must be "
                        + "specified.)");
            }
            Transformers.Shape warmupShape = hfShape(a, "warmup_type", "linear");
            Transformers.Shape decayShape = hfShape(a, "decay_type", "cosine");
            long s = stable != null ? stable : training - warmup - decay;
            return hfLambda(a, g, Transformers.warmupStableDecay(warmup, s, decay, warmupShape, decayShape,
                    a.number("min_lr_ratio", 0), a.number("num_cycles", 0.5)));
        });
        FACTORIES.put("transformers.get_scheduler", ForeignSchedules::getScheduler);
    }
}
