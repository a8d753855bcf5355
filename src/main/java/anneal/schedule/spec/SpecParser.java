package anneal.schedule.spec;

import anneal.ConfigurationException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Recursive-descent parser for spec strings, a small subset of Python call syntax:
 * <pre>
 * spec  := call
 * call  := NAME '(' [ NAME '=' value { ',' NAME '=' value } [','] ] ')'
 * value := number | string | 'True' | 'False' | 'None' | '[' [ value { ',' value } [','] ] ']' | call
 *        | '{' [ value ':' value { ',' value ':' value } ] '}'
 * NAME  := a Python name, dotted for another library's schedules (optax.cosine_decay_schedule)
 * </pre>
 * Numbers are Python literals ({@code 5}, {@code -0.5}, {@code 1e-3}, {@code .5}, {@code 1_000}); strings are
 * single- or double-quoted. Errors name the position and what was expected.
 */
public final class SpecParser {
    /** Python's {@code None}. */
    public static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };

    /** Deepest nesting of calls and brackets a spec may have (deeper specs would exhaust the parser's stack). */
    public static final int MAX_DEPTH = 100;
    /** Longest spec, in characters. */
    public static final int MAX_LENGTH = 1_000_000;

    private final String src;
    private int pos;
    private int depth;

    private SpecParser(String src) {
        this.src = src;
    }

    /**
     * Parses a whole spec string into its top-level call; {@code @PATH} reads the spec from a file holding a spec
     * string or a {@link ScheduleConfig} JSON object.
     */
    public static Call parse(String specOrFile) {
        String spec = ScheduleConfig.resolveFile(specOrFile);
        if (spec == null || spec.isBlank()) {
            throw new ConfigurationException("schedule spec is empty; expected e.g. StepLR(step_size=30, gamma=0.1)");
        }
        if (spec.length() > MAX_LENGTH) {
            throw ConfigurationException.of("schedule spec", "length", spec.length() + " characters",
                    "at most " + MAX_LENGTH);
        }
        SpecParser p = new SpecParser(spec);
        p.skipSpace();
        Object v = p.value();
        if (!(v instanceof Call)) throw p.error("a schedule call such as StepLR(step_size=30)", 0);
        p.skipSpace();
        if (p.pos != spec.length()) throw p.error("end of spec", p.pos);
        return (Call) v;
    }

    private ConfigurationException error(String expected, int at) {
        String found = at >= src.length() ? "end of input" : "'" + src.charAt(at) + "'";
        return new ConfigurationException("schedule spec: expected " + expected + " at column " + (at + 1)
                + " but found " + found + " in: " + src);
    }

    private void skipSpace() {
        while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) pos++;
    }

    private boolean peek(char c) {
        skipSpace();
        return pos < src.length() && src.charAt(pos) == c;
    }

    private void expect(char c, String what) {
        if (!peek(c)) throw error(what, pos);
        pos++;
    }

    private String name() {
        skipSpace();
        int start = pos;
        while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_'
                || src.charAt(pos) == '.' && pos > start && pos + 1 < src.length()
                && Character.isLetter(src.charAt(pos + 1)))) { // dotted: optax.cosine_decay_schedule
            pos++;
        }
        if (start == pos || Character.isDigit(src.charAt(start))) throw error("a name", start);
        return src.substring(start, pos);
    }

    private Object value() {
        if (++depth > MAX_DEPTH) {
            throw new ConfigurationException("schedule spec: nesting (calls and brackets) deeper than " + MAX_DEPTH
                    + " levels at column " + (pos + 1) + "; allowed: at most " + MAX_DEPTH);
        }
        try {
            return nested();
        } finally {
            depth--;
        }
    }

    private Object nested() {
        skipSpace();
        if (pos >= src.length()) throw error("a value", pos);
        char c = src.charAt(pos);
        if (c == '\'' || c == '"') return string(c);
        if (c == '[' || c == '(') return list(c == '[' ? ']' : ')');
        if (c == '{') return dict();
        if (c == '-' || c == '+' || c == '.' || Character.isDigit(c)) return number();
        int start = pos;
        String word = name();
        switch (word.toLowerCase(java.util.Locale.ROOT)) { // nan and inf in any case, as Python's float() reads them
            case "nan": return Double.NaN; // each schedule's checks say where NaN is refused
            case "inf": case "infinity": return Double.POSITIVE_INFINITY;
            default: break;
        }
        switch (word) {
            case "True": return Boolean.TRUE;
            case "False": return Boolean.FALSE;
            case "None": return NONE;
            default: break;
        }
        if (!peek('(')) throw error("'(' after " + word + " (strings need quotes)", pos);
        pos++;
        Map<String, Object> args = new LinkedHashMap<>();
        while (!peek(')')) {
            int argStart = pos;
            boolean named = pos < src.length() && (Character.isLetter(src.charAt(pos)) || src.charAt(pos) == '_');
            String arg = named ? name() : null;
            if (named && !peek('=') && (arg.equals("optimizer") || arg.equals("opt"))) {
                throw new ConfigurationException("schedule spec: " + word + ": the optimizer is implicit in a spec; drop '"
                        + arg + "' and write the other arguments as name=value");
            }
            if (!named || !peek('=')) {
                throw new ConfigurationException("schedule spec: " + word + ": write arguments as name=value (at column "
                        + (argStart + 1) + " in: " + src + ")");
            }
            pos++;
            if (args.containsKey(arg)) {
                throw new ConfigurationException("schedule spec: " + word + ": argument " + arg + " given twice");
            }
            args.put(arg, value());
            if (!peek(',')) break;
            pos++;
        }
        expect(')', "',' or ')'");
        return new Call(word, args, src.substring(start, pos).strip());
    }

    private String string(char quote) {
        int start = ++pos;
        while (pos < src.length() && src.charAt(pos) != quote) pos++;
        if (pos >= src.length()) throw error("closing " + quote, pos);
        return src.substring(start, pos++);
    }

    private List<Object> list(char close) {
        pos++;
        List<Object> out = new ArrayList<>();
        while (!peek(close)) {
            out.add(value());
            if (!peek(',')) break;
            pos++;
        }
        expect(close, "',' or '" + close + "'");
        return out;
    }

    /** A Python dict literal {@code {key: value, ...}} (a later key replaces an earlier one, as Python). */
    private Map<Object, Object> dict() {
        pos++;
        Map<Object, Object> out = new LinkedHashMap<>();
        while (!peek('}')) {
            Object key = value();
            expect(':', "':' after a dict key");
            out.put(key, value());
            if (!peek(',')) break;
            pos++;
        }
        expect('}', "',' or '}'");
        return out;
    }

    private Object number() {
        int start = pos;
        if (src.charAt(pos) == '-' || src.charAt(pos) == '+') pos++;
        skipSpace();
        int body = pos;
        while (pos < src.length() && "0123456789._eE".indexOf(src.charAt(pos)) >= 0
                || pos > body && pos < src.length() && (src.charAt(pos) == '-' || src.charAt(pos) == '+')
                && (src.charAt(pos - 1) == 'e' || src.charAt(pos - 1) == 'E')) {
            pos++;
        }
        String rest = src.substring(pos, Math.min(src.length(), pos + 8)).toLowerCase(java.util.Locale.ROOT);
        if (rest.startsWith("inf")) {
            pos += rest.startsWith("infinity") ? 8 : 3;
            return src.charAt(start) == '-' ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (rest.startsWith("nan")) {
            pos += 3;
            return Double.NaN;
        }
        String sign = src.charAt(start) == '-' ? "-" : "";
        String digits = src.substring(body, pos).replace("_", "");
        try {
            if (digits.matches("[0-9]+")) return Long.parseLong(sign + digits);
            if (!digits.matches("([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?")) throw new NumberFormatException();
            return Double.parseDouble(sign + digits);
        } catch (NumberFormatException e) {
            throw error("a number", start);
        }
    }
}
