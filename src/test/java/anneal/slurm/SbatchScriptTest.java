package anneal.slurm;

import anneal.backend.JvmOptions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The job-array script: sbatch's directive syntax, the array range, resources passed through, quoting. */
class SbatchScriptTest {
    private static final SbatchScript.Launcher JVM = new SbatchScript.Launcher("/opt/jdk 17/bin/java",
            JvmOptions.ALL, "/shared/anneal.jar");

    @Test
    void directivesArrayAndCommand() {
        Submission sub = new Submission(3, null, "t", "sweep-003.sbatch",
                Submission.group(List.of(4, 5, 6, 7, 9), 2), List.of(), null);
        SbatchOptions o = new SbatchOptions("gpu", "1:30:00", "gpu:1", 4, "8G", "proj-7", 2, List.of("--qos=low"));
        String s = SbatchScript.render(Path.of("/shared/sweep"), sub, o, "anneal-sweep", JVM, "Planned by: test");
        List<String> directives = s.lines().filter(l -> l.startsWith("#SBATCH")).toList();
        assertEquals(List.of("#SBATCH --job-name=anneal-sweep", "#SBATCH --array=0-2%2",
                "#SBATCH --output=/shared/sweep/logs/slurm-%A_%a.out", "#SBATCH --open-mode=append",
                "#SBATCH --partition=gpu", "#SBATCH --account=proj-7", "#SBATCH --time=1:30:00",
                "#SBATCH --cpus-per-task=4", "#SBATCH --mem=8G", "#SBATCH --gres=gpu:1", "#SBATCH --qos=low"), directives);
        assertTrue(s.startsWith("#!/bin/bash\n"), s);
        String last = s.lines().reduce((a, b) -> b).orElseThrow();
        assertEquals("exec '/opt/jdk 17/bin/java' --add-modules=jdk.incubator.vector -XX:PerMethodTrapLimit=10000 "
                + "-cp /shared/anneal.jar "
                + "anneal.slurm.SlurmTask /shared/sweep 3", last);
        // bash stops reading #SBATCH lines at the first command: every directive comes before it
        List<String> lines = s.lines().toList();
        assertTrue(lines.indexOf(directives.get(directives.size() - 1)) < lines.indexOf(last));
    }

    @Test
    void groupsKeepOrderAndTheLastGroupMayBeShort() {
        assertEquals(List.of(List.of(0, 1, 2), List.of(3, 4, 5), List.of(6)),
                Submission.group(List.of(0, 1, 2, 3, 4, 5, 6), 3));
        assertEquals(List.of(List.of(8)), Submission.group(List.of(8), 1));
        assertThrows(IllegalArgumentException.class, () -> Submission.group(List.of(1), 0));
    }

    @Test
    void oneTaskIsArrayZero() {
        assertEquals("0", SbatchScript.arraySpec(1, null));
        assertEquals("0-9%3", SbatchScript.arraySpec(10, 3));
    }

    @Test
    void quotingSurvivesSpacesAndQuotes() {
        assertEquals("'/a b/it'\\''s'", SbatchScript.quote("/a b/it's"));
        assertEquals("/plain/path-1.jar", SbatchScript.quote("/plain/path-1.jar"));
    }

    @Test
    void badResourceValuesNameTheOptionAndWhatIsAllowed() {
        assertBad("--time", () -> new SbatchOptions(null, "90min", null, null, null, null, null, List.of()));
        assertBad("--mem", () -> new SbatchOptions(null, null, null, null, "4GB", null, null, List.of()));
        assertBad("--partition", () -> new SbatchOptions("gpu; rm -rf /", null, null, null, null, null, null, List.of()));
        assertBad("--gres", () -> new SbatchOptions(null, null, "gpu 1", null, null, null, null, List.of()));
        assertBad("--cpus-per-task", () -> new SbatchOptions(null, null, null, 0, null, null, null, List.of()));
        assertBad("--max-running", () -> new SbatchOptions(null, null, null, null, null, null, 0, List.of()));
        assertBad("--sbatch", () -> new SbatchOptions(null, null, null, null, null, null, null, List.of("--qos=low\nrm x")));
        assertBad("--sbatch", () -> new SbatchOptions(null, null, null, null, null, null, null, List.of("qos=low")));
        for (String t : List.of("30", "1:30", "1:30:00", "2-00", "2-00:30", "2-00:30:00", "UNLIMITED"))
            new SbatchOptions(null, t, null, null, null, null, null, List.of());
    }

    @Test
    void aResubmissionKeepsTheEarlierResourcesUnlessGiven() {
        SbatchOptions first = new SbatchOptions("gpu", "2:00:00", "gpu:1", 4, "8G", null, null, List.of("--qos=low"));
        SbatchOptions now = new SbatchOptions(null, "4:00:00", null, null, null, null, null, List.of());
        assertEquals(new SbatchOptions("gpu", "4:00:00", "gpu:1", 4, "8G", null, null, List.of("--qos=low")), now.over(first));
    }

    private static void assertBad(String option, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().startsWith(option), e.getMessage());
    }
}
