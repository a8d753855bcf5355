package anneal;

import java.util.Arrays;
import java.util.function.BiFunction;

/**
 * Bad input, the user's to fix: a schedule argument, a command-line option, a data or journal file that is not
 * what it must be. It carries who received the input ({@link #subject()}: a schedule name, {@code "train"},
 * {@code "SGD"}, a file), the argument as the code names it ({@link #argument()}), the value given and what is
 * allowed, so that a front end can name the argument its own way (the CLI maps {@code ("train", "epochs")} to
 * {@code --epochs} from a table) without parsing the message. The CLI prints it as one line and exits 2; every other
 * exception is a bug in Anneal (exit 70).
 *
 * <p>It extends {@link IllegalArgumentException} so that Java callers catching that keep working; the reverse is not
 * true: a plain {@code IllegalArgumentException} is an internal invariant failure, not bad input.
 */
public class ConfigurationException extends IllegalArgumentException {
    private final String subject;
    private final String argument;
    private final transient Object value;
    private final String allowed;
    private final String detail;

    private ConfigurationException(String subject, String argument, Object value, String allowed, String detail,
            Throwable cause) {
        super(render(subject, argument, value, allowed, detail), cause);
        this.subject = subject;
        this.argument = argument;
        this.value = value;
        this.allowed = allowed;
        this.detail = detail;
    }

    /** A message that already names the argument, the value and what is allowed (printed as it is). */
    public ConfigurationException(String message) {
        this(null, null, null, null, message, null);
    }

    /** As {@link #ConfigurationException(String)}, with the exception that revealed it. */
    public ConfigurationException(String message, Throwable cause) {
        this(null, null, null, null, message, cause);
    }

    /** {@code subject: argument=value is not allowed; allowed: allowed}; {@code subject} may be null. */
    public static ConfigurationException of(String subject, String argument, Object value, String allowed) {
        return new ConfigurationException(subject, argument, value, allowed, null, null);
    }

    /** {@code subject: missing required argument argument (allowed)}. */
    public static ConfigurationException missing(String subject, String argument, String allowed) {
        return new ConfigurationException(subject, argument, null, allowed, "missing required argument", null);
    }

    /**
     * Free text about {@code argument} of {@code subject} (either may be null), printed as
     * {@code subject: problem}, for errors such as a missing data file where there is no single "allowed".
     */
    public static ConfigurationException because(String subject, String argument, String problem) {
        return new ConfigurationException(subject, argument, null, null, problem, null);
    }

    /** The same error with the exception that revealed it attached (shown only with ANNEAL_STACKTRACE=1). */
    public ConfigurationException withCause(Throwable cause) {
        ConfigurationException e = new ConfigurationException(subject, argument, value, allowed, detail, cause);
        e.setStackTrace(getStackTrace());
        return e;
    }

    /** Who received the input: a schedule name, a command, a file; null when the message names it itself. */
    public String subject() {
        return subject;
    }

    /** The argument as the code names it ({@code epochs}, {@code gamma}); null when there is none. */
    public String argument() {
        return argument;
    }

    /** The value given (null when missing or not recorded). */
    public Object value() {
        return value;
    }

    /** What is allowed; null for free-text errors. */
    public String allowed() {
        return allowed;
    }

    /**
     * The one-line message with the argument named by {@code rename(subject, argument)}; where that returns a name
     * (for example a command-line option), the subject is left out, since the name says it. Where it returns null,
     * this is {@link #getMessage()}.
     */
    public String message(BiFunction<String, String, String> rename) {
        String name = argument == null ? null : rename.apply(subject, argument);
        if (name == null) return getMessage();
        if (detail != null && allowed == null) return name + ": " + detail;
        return render(null, name, value, allowed, detail);
    }

    private static String render(String subject, String argument, Object value, String allowed, String detail) {
        String who = subject == null ? "" : subject + ": ";
        if (detail != null && allowed == null) return who + detail;
        if (detail != null) return who + detail + " " + argument + " (" + allowed + ")";
        return who + argument + "=" + show(value) + " is not allowed; allowed: " + allowed;
    }

    /** How a value appears in messages (strings quoted, arrays listed). */
    public static String show(Object value) {
        if (value instanceof String) return "'" + value + "'";
        if (value instanceof double[]) return Arrays.toString((double[]) value);
        if (value instanceof long[]) return Arrays.toString((long[]) value);
        if (value instanceof int[]) return Arrays.toString((int[]) value);
        return String.valueOf(value);
    }
}
