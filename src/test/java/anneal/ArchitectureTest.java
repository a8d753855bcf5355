package anneal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The import graph of {@code src/main/java} and {@code jmh/java}: every package sits on one layer of
 * {@link #LAYERS} (ARCHITECTURE.md draws the same table) and imports only packages on lower layers. Two
 * packages on one layer import neither way, so there is no cycle. A new package must be given a layer here.
 */
class ArchitectureTest {

    /** Bottom first. A package may import its own classes and any package of a lower layer. */
    static final List<List<String>> LAYERS = List.of(
            List.of("anneal"),                                  // ConfigurationException: whose fault an error is
            List.of("anneal.util"),                             // atomic files, the parent-process watch
            List.of("anneal.schedule"),                         // schedules: pure math, no I/O
            List.of("anneal.schedule.foreign"),                 // timm / transformers / optax / Keras formulas
            List.of("anneal.schedule.spec"),                    // spec strings, configs, lint, Schedules.fromSpec
            List.of("anneal.data", "anneal.model", "anneal.stats"), // datasets; the MLP's layout; statistics
            List.of("anneal.optim"),                            // SGD config, param groups, the reference update
            List.of("anneal.backend"),                          // the Backend contract
            List.of("anneal.backend.cpu", "anneal.backend.cuda"),
            List.of("anneal.train"),                            // the training loop; choosing a backend
            List.of("anneal.check", "anneal.peer"),             // gpu-check; the export that PyTorch peers train from
            List.of("anneal.tuning"),                           // search spaces, trial points, study scores
            List.of("anneal.bench"),                            // sweep plan, journal, cells, lr-find
            List.of("anneal.report", "anneal.slurm", "anneal.jmh"),
            List.of("anneal.cli"));

    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern IMPORT =
            Pattern.compile("^import\\s+(?:static\\s+)?(anneal(?:\\.[a-z]\\w*)*)\\.(?:[A-Z]|\\*)", Pattern.MULTILINE);

    @Test
    void everyImportRunsDownward() {
        Map<String, Integer> layerOf = new TreeMap<>();
        for (int i = 0; i < LAYERS.size(); i++) {
            for (String p : LAYERS.get(i)) {
                layerOf.put(p, i);
            }
        }
        Map<String, TreeSet<String>> imports = importsBySourcePackage();
        assertTrue(imports.size() > 5, "found the sources");
        List<String> problems = new ArrayList<>();
        imports.forEach((from, targets) -> {
            Integer lf = layerOf.get(from);
            if (lf == null) {
                problems.add("package " + from + " has no layer in ArchitectureTest.LAYERS");
                return;
            }
            for (String to : targets) {
                Integer lt = layerOf.get(to);
                if (to.equals(from)) {
                    continue;
                }
                if (lt == null) {
                    problems.add(from + " imports " + to + ", which has no layer");
                } else if (lt >= lf) {
                    problems.add(from + " (layer " + lf + ") imports " + to + " (layer " + lt + ")");
                }
            }
        });
        assertEquals(List.of(), problems);
    }

    /** Source package -> the anneal packages its files import (the class part of each import stripped). */
    static Map<String, TreeSet<String>> importsBySourcePackage() {
        Map<String, TreeSet<String>> out = new TreeMap<>();
        for (Path root : List.of(Path.of("src/main/java"), Path.of("jmh/java"))) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                    String text = Files.readString(f);
                    Matcher pm = PACKAGE.matcher(text);
                    if (!pm.find()) {
                        continue;
                    }
                    TreeSet<String> targets = out.computeIfAbsent(pm.group(1), k -> new TreeSet<>());
                    Matcher im = IMPORT.matcher(text);
                    while (im.find()) {
                        targets.add(im.group(1));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    @Test
    void theImportPatternStripsClassesAndNestedClasses() {
        Matcher m = IMPORT.matcher("import anneal.backend.cuda.Kernels.Launch;\nimport static anneal.schedule.Check.atLeast;\nimport anneal.data.*;\n");
        assertTrue(m.find());
        assertEquals("anneal.backend.cuda", m.group(1));
        assertTrue(m.find());
        assertEquals("anneal.schedule", m.group(1));
        assertTrue(m.find());
        assertEquals("anneal.data", m.group(1));
    }
}
