package anneal.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link JvmOptions} is the one place the CPU backend's JVM options are spelled: the pom passes exactly them to
 * surefire, this JDK accepts them, and no launcher in the sources or the scripts spells them again.
 */
class JvmOptionsTest {
    @Test
    void thePomPassesExactlyThemToTheTestJvms() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        String vectorFlag = property(pom, "vector.flag");
        assertEquals(String.join(" ", JvmOptions.ALL), property(pom, "cpu.jvm.options").replace("${vector.flag}", vectorFlag));
        // and this JVM (surefire's) got them
        List<String> input = ManagementFactory.getRuntimeMXBean().getInputArguments();
        assertTrue(input.containsAll(JvmOptions.ALL), input.toString());
        assertTrue(JvmOptions.vectorModuleResolved());
        assertTrue(JvmOptions.trapLimitSet());
    }

    @Test
    void aTrapLimitOfTheUsersChoosingCountsAsSet() {
        assertTrue(JvmOptions.hasTrapLimit(List.of("-Xmx4g", "-XX:PerMethodTrapLimit=500")));
        assertTrue(JvmOptions.hasTrapLimit(List.of(JvmOptions.TRAP_LIMIT)));
        assertFalse(JvmOptions.hasTrapLimit(List.of("-Xmx4g", "-XX:PerBytecodeTrapLimit=4", "--add-modules=jdk.incubator.vector")));
        assertFalse(JvmOptions.hasTrapLimit(List.of()));
    }

    @Test
    void thisJdkStartsWithThemAndTheMainPrintsThemForScripts() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), JvmOptions.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals("--add-modules=jdk.incubator.vector -XX:PerMethodTrapLimit=10000\n", printed);
        List<String> version = new ArrayList<>(List.of(cmd.get(0)));
        version.addAll(List.of(printed.strip().split(" ")));
        version.add("-version");
        Process v = new ProcessBuilder(version).redirectErrorStream(true).start();
        String text = new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(v.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, v.exitValue(), text);
    }

    /** A launcher that spells the module flag itself would miss the next option added here. */
    @Test
    void noLauncherSpellsTheOptionsAgain() throws IOException {
        List<String> problems = new ArrayList<>();
        Pattern javaLiteral = Pattern.compile("\"--add-modules=jdk\\.incubator\\.vector\"|\"-XX:PerMethodTrapLimit");
        for (Path root : List.of(Path.of("src/main/java"), Path.of("src/test/java"), Path.of("jmh/java"))) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    if (f.endsWith(Path.of("anneal/backend/JvmOptions.java"))) continue;
                    if (f.endsWith(Path.of("anneal/backend/JvmOptionsTest.java"))) continue;
                    if (javaLiteral.matcher(Files.readString(f)).find()) problems.add(f.toString());
                }
            }
        }
        try (Stream<Path> files = Files.list(Path.of("tools"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".sh")).toList())
                for (String line : Files.readAllLines(f))
                    if (!line.strip().startsWith("#") && line.contains("--add-modules=jdk.incubator.vector"))
                        problems.add(f + ": " + line.strip());
        }
        assertEquals(List.of(), problems, "take them from anneal.backend.JvmOptions");
    }

    private static String property(String pom, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]*)</" + Pattern.quote(name) + ">").matcher(pom);
        assertTrue(m.find(), name + " missing from pom.xml");
        return m.group(1);
    }
}
