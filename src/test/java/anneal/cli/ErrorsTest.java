package anneal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import anneal.ConfigurationException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

/** Whose fault an exception is: the exit code and the one line {@link Errors} prints for it. */
class ErrorsTest {
    private record Printed(int code, String line) {
    }

    private static Printed report(Throwable e, String cmd) {
        StringWriter text = new StringWriter();
        int code = Errors.report(e, cmd, new PrintWriter(text));
        String s = text.toString();
        assertEquals(1, s.lines().count(), s); // ANNEAL_STACKTRACE is not set in the test JVM
        return new Printed(code, s.strip());
    }

    @Test
    void aPlainIllegalArgumentExceptionIsABugNotBadInput() {
        // before: Main mapped every IllegalArgumentException to exit 2 as if the user had erred
        Printed p = report(new IllegalArgumentException("optimizer maps 3 tensors, model has 4"), "train");
        assertEquals(70, p.code());
        assertTrue(p.line().startsWith("anneal train: internal error java.lang.IllegalArgumentException: optimizer maps"),
                p.line());
        assertTrue(p.line().contains("this is a bug in Anneal") && p.line().contains("ANNEAL_STACKTRACE=1"), p.line());
    }

    @Test
    void errorsThatEscapePicocliAreBugsToo() {
        assertEquals(70, report(new StackOverflowError(), "schedule").code());
        assertEquals(70, report(new NullPointerException(), "sweep").code());
        Printed oom = report(new OutOfMemoryError("Java heap space"), "train");
        assertEquals(70, oom.code());
        assertTrue(oom.line().contains("out of memory (Java heap space)"), oom.line());
    }

    @Test
    void badInputIsExitTwoWithTheOptionNamedFromTheTable() {
        Printed p = report(ConfigurationException.of("train", "epochs", 0, "an integer >= 1"), "train");
        assertEquals(new Printed(2, "anneal train: --epochs=0 is not allowed; allowed: an integer >= 1"), p);
        // a schedule's own argument keeps the schedule's name, even where an option has the same name
        p = report(ConfigurationException.of("OneCycleLR", "epochs", 0, "an integer >= 1"), "train");
        assertEquals("anneal train: OneCycleLR: epochs=0 is not allowed; allowed: an integer >= 1", p.line());
        // one command may name an argument its own way
        p = report(ConfigurationException.of("catalogue", "schedules", "nope", "one of step, cosine"), "bench");
        assertEquals("anneal bench: -p schedule='nope' is not allowed; allowed: one of step, cosine", p.line());
        p = report(ConfigurationException.of("catalogue", "schedules", "nope", "one of step, cosine"), "sweep");
        assertEquals("anneal sweep: --schedules='nope' is not allowed; allowed: one of step, cosine", p.line());
        assertEquals(2, report(new UsageException("--format=xml is not allowed; allowed: csv"), "schedule").code());
    }

    @Test
    void aMultiLineMessageStillPrintsAsOneLine() {
        Printed p = report(new ConfigurationException("first\nsecond"), "report");
        assertEquals("anneal report: first second", p.line());
    }

    @Test
    void theMachineFailingIsExitOneNotABug() {
        Printed p = report(new UncheckedIOException(new IOException("No space left on device")), "schedule");
        assertEquals(1, p.code());
        assertTrue(p.line().contains("No space left on device"), p.line());
        assertEquals(1, report(new Errors.RunFailedException("the schedule stopped the run", null), "train").code());
    }
}
