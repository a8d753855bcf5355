package anneal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command x every option x {out of range, wrong type, NaN, inf, empty, huge}, plus the reproducers of issue
 * #10: each is exactly one line on stderr that names the option, nothing on stdout, nothing written, exit code 2.
 * Runs in-process ({@link Main#run}); {@code BadInputForkedTest} runs a few through a separate JVM.
 */
class BadInputTableTest {
    @TempDir
    static Path tmp;

    /** Where a command that got past its checks would write: must stay empty. */
    static Path out;
    /** A data folder without data: a case that slipped past its check fails on the data, not on the option. */
    static Path noData;

    @BeforeAll
    static void folders() throws IOException {
        out = Files.createDirectories(tmp.resolve("out"));
        noData = Files.createDirectories(tmp.resolve("no-data"));
    }

    record Outcome(int code, String out, String err) {
    }

    static Outcome run(List<String> args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = Main.run(args.toArray(String[]::new));
            return new Outcome(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** Exit 2, one stderr line containing {@code fragment}, empty stdout, nothing written under {@link #out}. */
    static void assertBadInput(List<String> args, String fragment) throws IOException {
        Outcome r = run(args);
        String what = String.join(" ", args) + " ->\n" + r.err();
        assertEquals(2, r.code(), what);
        assertEquals(1, r.err().lines().count(), what);
        assertTrue(r.err().endsWith("\n"), what);
        assertTrue(r.err().contains(fragment), "the line names " + fragment + ": " + what);
        assertEquals("", r.out(), what);
        assertEquals(List.of(), removeAll(out), what);
        assertEquals(List.of(), removeAll(noData), what);
    }

    /** What {@code dir} holds, removed so that one failing case does not fail the next ones. */
    private static List<Path> removeAll(Path dir) throws IOException {
        List<Path> found;
        try (Stream<Path> walk = Files.walk(dir)) {
            found = walk.filter(p -> !p.equals(dir)).sorted(java.util.Comparator.reverseOrder()).toList();
        }
        for (Path p : found) Files.delete(p);
        return found;
    }

    private enum Kind { INT, LONG, DOUBLE }

    /** One option of one command: its kind and its out-of-range values. */
    private record Opt(String command, String option, Kind kind, List<String> outOfRange) {
    }

    private static Opt opt(String command, String option, Kind kind, String... outOfRange) {
        return new Opt(command, option, kind, List.of(outOfRange));
    }

    /** Arguments that make each command valid, by option, so that the one under test is the only bad one. */
    private static Map<String, String> base(String command) {
        Map<String, String> m = new LinkedHashMap<>();
        switch (command) {
            case "schedule" -> {
                m.put("--base-lr", "0.1");
                m.put("--steps", "3");
            }
            case "train" -> {
                m.put("--schedule", "StepLR(step_size=1)");
                m.put("--backend", "cpu");
                m.put("--data", noData.toString());
                m.put("--out", out.resolve("run.json").toString());
                m.put("--quiet", null);
            }
            case "lr-find" -> {
                m.put("--backend", "cpu");
                m.put("--data", noData.toString());
                m.put("--out", out.resolve("lr-find").toString());
            }
            case "sweep" -> {
                m.put("--schedules", "constant");
                m.put("--seeds", "1");
                m.put("--epochs", "1");
                m.put("--backend", "cpu");
                m.put("--data", noData.toString());
                m.put("--out", out.resolve("sweep").toString());
                m.put("--no-overhead", null);
                m.put("--no-report", null);
            }
            case "gpu-check" -> m.put("--data", noData.toString());
            default -> throw new AssertionError(command);
        }
        return m;
    }

    private static List<String> args(String command, String option, String value) {
        List<String> a = new ArrayList<>(List.of(command));
        if (command.equals("schedule")) a.add("StepLR(step_size=2)");
        if (command.equals("gpu-check")) a.add(out.resolve("gpu").toString());
        Map<String, String> m = base(command);
        m.remove(option);
        for (Map.Entry<String, String> e : m.entrySet()) {
            a.add(e.getKey());
            if (e.getValue() != null) a.add(e.getValue());
        }
        a.add(option + "=" + value);
        return a;
    }

    private static final List<Opt> OPTIONS = List.of(
            opt("schedule", "--base-lr", Kind.DOUBLE, "-1"),
            opt("schedule", "--weight-decay", Kind.DOUBLE, "-1"),
            opt("schedule", "--steps", Kind.INT, "0", "-5", "50000001"),
            opt("schedule", "--epochs", Kind.LONG, "0", "-1"),
            opt("schedule", "--steps-per-epoch", Kind.LONG, "0", "-1"),
            opt("schedule", "--jump-fraction", Kind.DOUBLE, "-1"),
            opt("train", "--epochs", Kind.INT, "0", "-1"),
            opt("train", "--lr", Kind.DOUBLE, "0", "-1"),
            opt("train", "--target", Kind.DOUBLE, "0", "1.5"),
            opt("train", "--seed", Kind.LONG),
            opt("train", "--threads", Kind.INT, "0", "100000"),
            opt("train", "--eval-every", Kind.INT, "-1"),
            opt("train", "--batch", Kind.INT, "0", "-1"),
            opt("train", "--hidden", Kind.INT, "0", "-3"),
            opt("train", "--momentum", Kind.DOUBLE, "-0.5"),
            opt("train", "--dampening", Kind.DOUBLE),
            opt("train", "--weight-decay", Kind.DOUBLE, "-1"),
            opt("train", "--validation", Kind.INT, "-1"),
            opt("lr-find", "--min-lr", Kind.DOUBLE, "0", "-1"),
            opt("lr-find", "--max-lr", Kind.DOUBLE, "0", "-1"),
            opt("lr-find", "--steps", Kind.INT, "0", "2"),
            opt("lr-find", "--smoothing", Kind.DOUBLE, "1", "-0.1"),
            opt("lr-find", "--stop-factor", Kind.DOUBLE, "1", "0"),
            opt("lr-find", "--epochs", Kind.INT, "0"),
            opt("lr-find", "--seed", Kind.LONG),
            opt("lr-find", "--batch", Kind.INT, "0"),
            opt("sweep", "--target", Kind.DOUBLE, "0", "1.5"),
            opt("sweep", "--batch", Kind.INT, "0"),
            opt("sweep", "--eval-every", Kind.INT, "-1"),
            opt("gpu-check", "--steps", Kind.INT, "0", "9"),
            opt("gpu-check", "--seed", Kind.LONG),
            opt("gpu-check", "--device", Kind.INT, "-1"));

    /** Wrong type, NaN, inf, empty and huge, as each kind of option reads them. */
    private static List<String> generic(Kind kind) {
        return switch (kind) {
            case INT -> List.of("x", "NaN", "nan", "inf", "", "99999999999999999999", "1.5");
            case LONG -> List.of("x", "NaN", "inf", "", "99999999999999999999");
            case DOUBLE -> List.of("x", "NaN", "nan", "inf", "-inf", "", "1e999", "0x1p3");
        };
    }

    @TestFactory
    Stream<DynamicTest> everyCommandEveryOptionEveryKindOfBadValue() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Opt o : OPTIONS) {
            List<String> values = new ArrayList<>(o.outOfRange());
            values.addAll(generic(o.kind()));
            for (String v : values) {
                // the sweep reads a NaN/inf target as out of range, and the dampening only needs to be finite
                List<String> a = args(o.command(), o.option(), v);
                tests.add(DynamicTest.dynamicTest(o.command() + " " + o.option() + "=" + v,
                        () -> assertBadInput(a, o.option())));
            }
        }
        return tests.stream();
    }

    private static List<String> sweep(String option, String value) {
        return withOption("sweep", option, value);
    }

    /** A tuned sweep of onecycle (--tune 1, one seed) with these --space values. */
    private static List<String> tunedSweep(String... spaces) {
        List<String> a = new ArrayList<>(sweep("--schedules", "onecycle"));
        a.addAll(List.of("--tune", "1"));
        for (String v : spaces) a.add("--space=" + v);
        return a;
    }

    private static List<String> withOption(String command, String option, String value) {
        return args(command, option, value);
    }

    private static List<String> schedule(String spec, String... more) {
        List<String> a = new ArrayList<>(List.of("schedule", spec));
        a.addAll(List.of(more));
        if (!a.contains("--base-lr")) a.addAll(List.of("--base-lr", "0.1"));
        if (!a.contains("--steps") && !a.contains("--epochs")) a.addAll(List.of("--steps", "3"));
        return a;
    }

    @TestFactory
    Stream<DynamicTest> theIssuesReproducers() throws IOException {
        Path empty = Files.writeString(tmp.resolve("empty.txt"), "");
        Path binary = Files.write(tmp.resolve("binary.bin"), new byte[] {'S', 't', 0, 1, 2, (byte) 0xff});
        Path big = tmp.resolve("big.txt");
        Files.write(big, new byte[10 << 20]);
        Path notUtf8 = Files.write(tmp.resolve("latin1.txt"), "StepLR(step_size=2, gamma=0.5) # \u00e9".getBytes(
                StandardCharsets.ISO_8859_1));
        Path loop = tmp.resolve("loop");
        Files.createSymbolicLink(loop, loop);
        Map<String, List<String>> cases = new LinkedHashMap<>();
        cases.put("nesting depth 3000|deeper than 100",
                schedule("MultiStepLR(milestones=" + "[".repeat(3000) + "]".repeat(3000) + ")"));
        cases.put("SequentialLR nested 1500 deep|deeper than 100",
                schedule("SequentialLR(schedulers=[".repeat(1500) + "StepLR(step_size=1)" + "], milestones=[1])"
                        .repeat(1500)));
        cases.put("1/0|lr_lambda", schedule("LambdaLR(lr_lambda='lambda e: 1/0')"));
        cases.put("1/(e-1) fails at step 1|at step 1", schedule("LambdaLR(lr_lambda='lambda e: 1/(e-1)')"));
        cases.put("5%0|division by zero", schedule("LambdaLR(lr_lambda='5%0')"));
        cases.put("20000 unary minus|at most 1000 characters",
                schedule("LambdaLR(lr_lambda='" + "-".repeat(20_000) + "epoch')"));
        cases.put("OneCycleLR phase of zero length|at step 0",
                schedule("OneCycleLR(max_lr=0.1, total_steps=2, pct_start=0.5)"));
        cases.put("OneCycleLR phase of zero length under --lint|phase 1 has zero length",
                schedule("OneCycleLR(max_lr=0.1, total_steps=2, pct_start=0.5)", "--lint", "--epochs", "1",
                        "--steps-per-epoch", "2"));
        cases.put("train with a OneCycleLR phase of zero length|phase 1 has zero length", List.of("train", "--schedule",
                "OneCycleLR(max_lr=0.1, total_steps=2, pct_start=0.5)", "--backend", "cpu", "--data", noData.toString()));
        cases.put("OneCycleLR past total_steps|at step 3", schedule("OneCycleLR(max_lr=0.1, total_steps=2)",
                "--steps", "5"));
        cases.put("CyclicLR sizes overflow|step_size_up + step_size_down",
                schedule("CyclicLR(base_lr=0.01, max_lr=0.1, step_size_up=1e308, step_size_down=1e308)"));
        cases.put("empty @FILE|is empty", schedule("@" + empty));
        cases.put("binary @FILE|binary", schedule("@" + binary));
        cases.put("latin-1 @FILE|UTF-8", schedule("@" + notUtf8));
        cases.put("directory @FILE|is a directory", schedule("@" + tmp));
        cases.put("/dev/zero @FILE|not a regular file", schedule("@/dev/zero"));
        cases.put("10 MB @FILE|larger than", schedule("@" + big));
        cases.put("missing @FILE|does not exist", schedule("@" + tmp.resolve("missing.json")));
        cases.put("symlink loop @FILE|symbolic link loop", schedule("@" + loop));
        cases.put("bare @|needs a file name", schedule("@"));
        cases.put("lint of a billion steps|at most 5000000", schedule("StepLR(step_size=3)", "--lint", "--epochs",
                "1000000000", "--steps-per-epoch", "1"));
        cases.put("planned run overflows|9223372036854775807", schedule("OneCycleLR(max_lr=0.1, total_steps=10)",
                "--epochs", "9223372036854775807", "--steps-per-epoch", "2"));
        cases.put("per-epoch planned run too long|9223372036854775807 epochs", schedule("StepLR(step_size=3)",
                "--epochs", "9223372036854775807", "--steps-per-epoch", "1"));
        cases.put("nan in a spec|gamma=NaN", schedule("StepLR(step_size=2, gamma=nan)"));
        cases.put("NaN in a spec|gamma=NaN", schedule("StepLR(step_size=2, gamma=NaN)"));
        cases.put("unknown --format|--format", schedule("StepLR(step_size=2)", "--format", "xml"));
        cases.put("--metrics for a schedule without one|--metrics", schedule("StepLR(step_size=2)", "--metrics", "nan"));
        for (String seeds : List.of("0", "-1", "x", "", "1001", "99999999999999999999", "NaN", "inf", "1,,x")) {
            cases.put("sweep --seeds " + seeds + "|--seeds", sweep("--seeds", seeds));
        }
        for (String epochs : List.of("0", "-1", "x", "", "99999999999999999999", "NaN", "inf", "3,0")) {
            cases.put("sweep --epochs " + epochs + "|--epochs", sweep("--epochs", epochs));
        }
        for (String names : List.of("nope", "", ",", "cosine,nope")) {
            cases.put("sweep --schedules " + names + "|--schedules", sweep("--schedules", names));
        }
        // --space (search-space bounds for --tune): each refusal names the option, the value and what is allowed
        Path spaceFile = Files.writeString(tmp.resolve("spaces.txt"), "# bounds\nonecycle.lr=0.01:0.3\nonecycle.div=0:9\n");
        cases.put("sweep --space without --tune|--space constant.lr=0.01:0.1: search spaces are only sampled by --tune",
                sweep("--space", "constant.lr=0.01:0.1"));
        cases.put("sweep --space inverted bound|--space onecycle.lr=0.3:0.01: the low bound 0.3 is above the high bound 0.01",
                tunedSweep("onecycle.lr=0.3:0.01"));
        cases.put("sweep --space non-positive log bound|--space onecycle.lr=0:0.3: onecycle's lr is sampled on a log scale; "
                + "allowed: bounds > 0", tunedSweep("onecycle.lr=0:0.3"));
        cases.put("sweep --space negative log bound|allowed: bounds > 0", tunedSweep("onecycle.lr=-1:0.3"));
        cases.put("sweep --space fraction above 1|--space onecycle.pct_start=0.1:1.5: onecycle's pct_start is a fraction "
                + "of the run in (0, 1]", tunedSweep("onecycle.pct_start=0.1:1.5"));
        cases.put("sweep --space fraction of 0|fraction of the run in (0, 1]", tunedSweep("onecycle.pct_start=0:0.4"));
        cases.put("sweep --space unknown schedule|--space onecycl.lr=0.01:0.3: no schedule 'onecycl'; allowed: one of",
                tunedSweep("onecycl.lr=0.01:0.3"));
        cases.put("sweep --space schedule not swept|--space cosine.lr=0.01:0.3: cosine is not swept",
                tunedSweep("cosine.lr=0.01:0.3"));
        cases.put("sweep --space unknown parameter|--space onecycle.gamma=0.1:0.5: onecycle has no parameter 'gamma'; "
                + "its parameters: lr, pct_start, div", tunedSweep("onecycle.gamma=0.1:0.5"));
        cases.put("sweep --space all. unknown parameter|no tuned schedule has a parameter 'gamma'", tunedSweep("all.gamma=0.1:0.5"));
        cases.put("sweep --space malformed|--space 'onecycle.lr': allowed: SCHEDULE.PARAM=LOW:HIGH", tunedSweep("onecycle.lr"));
        cases.put("sweep --space not a number|--space onecycle.lr=a:0.3: 'a' is not a number", tunedSweep("onecycle.lr=a:0.3"));
        cases.put("sweep --space NaN|--space onecycle.lr=nan:0.3", tunedSweep("onecycle.lr=nan:0.3"));
        cases.put("sweep --space three bounds|--space onecycle.lr=0.1:0.2:0.3", tunedSweep("onecycle.lr=0.1:0.2:0.3"));
        cases.put("sweep --space twice|is already set by --space onecycle.lr=0.01:0.3",
                tunedSweep("onecycle.lr=0.01:0.3", "onecycle.lr=0.02:0.2"));
        cases.put("sweep --space @FILE with a bad line|--space onecycle.div=0:9: onecycle's div is sampled on a log scale",
                tunedSweep("@" + spaceFile));
        cases.put("sweep --space @missing|--space file", tunedSweep("@" + tmp.resolve("missing-spaces.txt")));
        cases.put("sweep --list --space bad|--space onecycle.lr=0.3:0.01", List.of("sweep", "--list", "--space",
                "onecycle.lr=0.3:0.01"));
        for (String command : List.of("train", "lr-find", "sweep")) {
            cases.put(command + " --backend tpu|--backend", withOption(command, "--backend", "tpu"));
            cases.put(command + " --data a symlink loop|Fashion-MNIST", withOption(command, "--data", loop.toString()));
        }
        cases.put("--save-state into a missing folder|--save-state", schedule("StepLR(step_size=2)", "--save-state",
                tmp.resolve("absent").resolve("state.json").toString()));
        cases.put("--plot into a directory|--plot", schedule("StepLR(step_size=2)", "--plot", out.toString()));
        cases.put("train --hidden 0 before the data|--hidden", List.of("train", "--schedule", "StepLR(step_size=1)",
                "--hidden", "0", "--backend", "cpu", "--quiet"));
        cases.put("bench unknown schedule|-p schedule='nope'", List.of("bench", "TimeToAccuracyBench", "-p",
                "schedule=nope", "-f", "0"));
        cases.put("bench bad epochs|-p epochs=0", List.of("bench", "TimeToAccuracyBench", "-p", "epochs=0", "-f", "0"));
        cases.put("bench bad backend|-p backend=tpu", List.of("bench", "TimeToAccuracyBench", "-p", "backend=tpu"));
        cases.put("report of a folder without a journal|no sweep journal", List.of("report", noData.toString()));
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, List<String>> c : cases.entrySet()) {
            String[] nameAndFragment = c.getKey().split("\\|");
            tests.add(DynamicTest.dynamicTest(nameAndFragment[0], () -> assertBadInput(c.getValue(), nameAndFragment[1])));
        }
        return tests.stream();
    }
}
