package anneal.peer;

import anneal.ConfigurationException;
import anneal.backend.cpu.CpuBackend;
import anneal.data.FashionMnist;
import anneal.data.Splits;
import anneal.train.EpochRecord;
import anneal.train.RunResult;
import anneal.train.TrainConfig;
import anneal.train.TrainListener;
import anneal.train.Trainer;
import anneal.util.ProcessExit;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Anneal's side of {@code tools/bench_cpu.sh} (run as {@code java -cp anneal.jar anneal.peer.PeerBench ...}):
 * <ul>
 *   <li>{@code export DIR [--seed S] [--data DIR]}: writes the {@link PeerProtocol} export for the peers;</li>
 *   <li>{@code run --threads N [--seed S] [--data DIR]}: trains the protocol's run on the CPU backend exactly as
 *       {@code anneal train} does (same Trainer, {@link PeerProtocol#WARMUP_STEPS} warm-up steps) and prints
 *       one JSON line: ms per step, samples/s, time to the target, accuracy, threads, JVM and vector width;
 *       with {@code -Danneal.cpu.phaseTimes=true} also the step's phase table, the first layer's two large
 *       products in GFLOP/s and the FMA ceiling of the same seconds ({@link CpuBackend#phaseTimes});</li>
 *   <li>{@code cores [--threads N] [--seconds S]}: how many cores N threads (default 2) really got over S seconds
 *       (default 0.5), slice by slice ({@link CoreProbe}); one JSON line.</li>
 * </ul>
 * Needs {@code --add-modules=jdk.incubator.vector}. Bad input (arguments, a missing data set): one line on stderr,
 * exit 2; any other exception is a bug in Anneal: one line that says so, exit 70 (the stack trace with
 * {@code ANNEAL_STACKTRACE=1}).
 */
public final class PeerBench {
    private PeerBench() {
    }

    public static void main(String[] args) {
        try {
            bench(args);
        } catch (Exception | Error e) {
            if (System.getenv("ANNEAL_STACKTRACE") != null) e.printStackTrace();
            int code;
            if (e instanceof ConfigurationException) {
                System.err.println("peer-bench: " + e.getMessage().replace('\n', ' '));
                code = 2;
            } else if (e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException) {
                System.err.println("peer-bench: I/O error: " + e.getMessage());
                code = 1;
            } else {
                System.err.println("peer-bench: internal error " + e.getClass().getName() + ": " + e.getMessage() + "; "
                        + ProcessExit.BUG_REPORT);
                code = 70;
            }
            ProcessExit.exit(code);
        }
    }

    private static void bench(String[] args) throws Exception {
        if (args.length < 1) usage("expected 'export DIR', 'run --threads N' or 'cores'");
        if (!args[0].equals("export") && !args[0].equals("run") && !args[0].equals("cores"))
            usage("unknown command '" + args[0] + "'; allowed: export, run, cores");
        boolean export = args[0].equals("export"), cores = args[0].equals("cores");
        double seconds = 0.5;
        long seed = 1;
        int threads = 2;
        Path dir = null;
        Path data = FashionMnist.DEFAULT_DIR;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--seed") && i + 1 < args.length && !cores) seed = parse("--seed", args[++i]);
            else if (a.equals("--data") && i + 1 < args.length && !cores) data = Path.of(args[++i]);
            else if (a.equals("--seconds") && i + 1 < args.length && cores) seconds = parseSeconds(args[++i]);
            else if (a.equals("--threads") && i + 1 < args.length) {
                threads = (int) parse("--threads", args[++i]);
                if (threads < 1 || threads > 256) usage("--threads=" + threads + " is not allowed; allowed: 1..256");
            } else if (export && dir == null && !a.startsWith("--")) dir = Path.of(a);
            else usage("unknown argument '" + a + "'");
        }
        if (export && dir == null) usage("export needs a directory");
        if (cores) {
            System.out.println(new ObjectMapper().writeValueAsString(CoreProbe.measure(threads, seconds).toJson()));
            return;
        }
        Splits splits = FashionMnist.load(data, PeerProtocol.VALIDATION, seed);
        TrainConfig config = PeerProtocol.config(splits.train().count(), seed);
        if (export) {
            PeerProtocol.export(splits, config, dir);
            System.err.println("peer-bench: exported seed " + seed + " to " + dir);
        } else {
            System.out.println(new ObjectMapper().writeValueAsString(run(splits, config, threads)));
        }
    }

    /** Trains {@code config} on {@code data} with the CPU backend; the result line's fields. */
    static Map<String, Object> run(Splits data, TrainConfig config, int threads) {
        try (CpuBackend b = new CpuBackend(threads)) {
            Trainer trainer = new Trainer(b, data).warmupSteps(PeerProtocol.WARMUP_STEPS)
                    .warmupSeconds(PeerProtocol.WARMUP_SECONDS);
            RunResult r = trainer.run(config, Trainer.schedule(config), new TrainListener() {
            });
            List<EpochRecord> rec = r.records();
            EpochRecord last = rec.get(rec.size() - 1);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("peer", "anneal");
            m.put("version", "Anneal CPU backend, Java " + Runtime.version());
            m.put("threads", threads);
            m.put("blas", "none (Vector API, " + b.description().replaceFirst(".*Vector API ", "").replaceFirst(", Java.*", "") + ")");
            m.put("steps", last.step());
            m.put("train_s", last.trainSeconds());
            m.put("ms_per_step", 1e3 * last.trainSeconds() / last.step());
            m.put("samples_per_s", (double) Math.min((long) data.train().count() * config.epochs(),
                    last.step() * config.batchSize()) / last.trainSeconds());
            m.put("time_to_target", Double.isNaN(r.timeToTarget()) ? null : r.timeToTarget());
            m.put("final_test_acc", r.finalTestAccuracy());
            m.put("setup_s", r.setupSeconds());
            m.put("warmup_steps", trainer.warmedSteps());
            m.put("warmup_s", trainer.warmedSeconds());
            m.put("warmup_jit_quiet", trainer.warmedJitQuiet());
            CpuBackend.PhaseTimes phases = b.phaseTimes(); // with -Danneal.cpu.phaseTimes=true: the timed run's steps
            if (phases != null) {
                System.err.print(phases.table());
                m.put("phase_table", phases.table());
                m.put("forward_gflops", phases.forwardGflops());
                m.put("weight_gradient_gflops", phases.weightGradientGflops());
                m.put("ceiling_gflops", Double.isNaN(phases.ceilingGflops()) ? null : phases.ceilingGflops());
            }
            return m;
        }
    }

    private static long parse(String name, String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            usage(name + "=" + v + " is not allowed; allowed: an integer");
            return 0;
        }
    }

    private static double parseSeconds(String v) {
        double s;
        try {
            s = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            s = Double.NaN;
        }
        if (!(s >= 0.05 && s <= 60)) usage("--seconds=" + v + " is not allowed; allowed: a number of seconds in [0.05, 60]");
        return s;
    }

    private static void usage(String message) {
        throw new ConfigurationException(message);
    }
}
