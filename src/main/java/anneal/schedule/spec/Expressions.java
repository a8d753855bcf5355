package anneal.schedule.spec;

import anneal.ConfigurationException;
import anneal.schedule.Check;
import anneal.schedule.Schedule;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.objecthunter.exp4j.Expression;
import net.objecthunter.exp4j.ExpressionBuilder;
import net.objecthunter.exp4j.function.Function;

/**
 * User expressions ({@code LambdaLR(lr_lambda='0.95 ** epoch')}, CyclicLR's {@code scale_fn='1/(2.0**(x-1))'})
 * compiled by exp4j. Python spelling is accepted: a {@code lambda NAME: ...} prefix (any parameter name),
 * {@code **} becomes exp4j's {@code ^} (both bind tighter
 * than unary minus, so {@code -x**2} is {@code -(x**2)} as in Python, and both are right-associative),
 * {@code math.} prefixes are dropped. Functions: min, max, cos, sin, tan, exp, log, sqrt, abs, floor, ceil,
 * pow; constants pi and e. Python-only syntax (//, if/else, lambda, and/or) is rejected with a message.
 * Evaluation goes through exp4j and allocates a little per call; use a Java {@link Schedule} where that matters.
 */
final class Expressions {
    private static final Function MIN = new Function("min", 2) {
        @Override
        public double apply(double... a) {
            return Math.min(a[0], a[1]);
        }
    };
    private static final Function MAX = new Function("max", 2) {
        @Override
        public double apply(double... a) {
            return Math.max(a[0], a[1]);
        }
    };
    /**
     * Python's float {@code **} (exp4j's {@code ^} with the same precedence and associativity) and {@code exp}:
     * OverflowError / ZeroDivisionError as Python raises them, instead of exp4j's silent infinity.
     */
    private static final net.objecthunter.exp4j.operator.Operator PYTHON_POW =
            new net.objecthunter.exp4j.operator.Operator("^", 2, false,
                    net.objecthunter.exp4j.operator.Operator.PRECEDENCE_POWER) {
                @Override
                public double apply(double... a) {
                    return Check.pythonPow("expression", a[0], a[1]);
                }
            };
    private static final Function PYTHON_EXP = new Function("exp", 1) {
        @Override
        public double apply(double... a) {
            double r = Math.exp(a[0]);
            if (Double.isInfinite(r) && Double.isFinite(a[0])) {
                throw new ArithmeticException("expression: exp(" + a[0] + ") overflows a double (Python raises "
                        + "OverflowError: math range error)");
            }
            return r;
        }
    };
    private static final Pattern LAMBDA = Pattern.compile("\\s*lambda\\s+([A-Za-z_][A-Za-z_0-9]*)\\s*:(.*)",
            Pattern.DOTALL);
    private static final Pattern PYTHON_ONLY = Pattern.compile("//|\\blambda\\b|\\bif\\b|\\belse\\b|\\band\\b|\\bor\\b"
            + "|\\bnot\\b|[<>=!]=?");

    /**
     * Longest expression, in characters: far beyond any schedule formula, short enough that compiling and evaluating
     * stay linear and fast (exp4j's cost grows faster than linearly in the count of unary operators).
     */
    static final int MAX_LENGTH = 1_000;

    private Expressions() {
    }

    /** exp4j's message, as a cause in a sentence ("Division by zero!" becomes "division by zero"). */
    private static String cause(RuntimeException e) {
        String m = String.valueOf(e.getMessage()).strip();
        if (m.endsWith("!")) m = m.substring(0, m.length() - 1);
        return m.isEmpty() ? m : Character.toLowerCase(m.charAt(0)) + m.substring(1);
    }

    /**
     * Compiles {@code text} as a function of {@code variable} (and its aliases).
     *
     * @throws ConfigurationException naming the schedule and argument when the expression is not valid
     */
    static Schedule compile(String schedule, String arg, String expressionText, String... names) {
        String text = expressionText;
        if (text.length() > MAX_LENGTH) {
            throw Check.bad(schedule, arg, text.substring(0, 40) + "... (" + text.length() + " characters)",
                    "an expression of at most " + MAX_LENGTH + " characters");
        }
        String[] variables = names;
        Matcher lambda = LAMBDA.matcher(text);
        if (lambda.matches()) { // 'lambda epoch: 0.95 ** epoch': the parameter may have any name
            variables = new String[] {lambda.group(1)};
            text = lambda.group(2);
        }
        String allowed = "an expression of " + String.join(" or ", variables)
                + " with + - * / ** ( ), min, max, cos, sin, exp, log, sqrt, pi";
        Matcher m = PYTHON_ONLY.matcher(text);
        if (m.find()) {
            throw Check.bad(schedule, arg, text, allowed + " ('" + m.group() + "' is Python syntax exp4j does not have)");
        }
        String translated = text.replace("**", "^").replace("math.", "");
        Expression expression;
        try {
            expression = new ExpressionBuilder(translated).variables(variables).functions(MIN, MAX, PYTHON_EXP)
                    .operator(PYTHON_POW).build();
        } catch (RuntimeException e) {
            throw Check.bad(schedule, arg, text, allowed + " (" + e.getMessage() + ")");
        }
        net.objecthunter.exp4j.ValidationResult valid = expression.validate(false);
        if (!valid.isValid()) throw Check.bad(schedule, arg, text, allowed + " (" + valid.getErrors() + ")");
        String[] bound = variables.clone();
        String shown = expressionText.strip();
        return t -> {
            for (String v : bound) expression.setVariable(v, t);
            try {
                return expression.evaluate();
            } catch (ArithmeticException | IllegalArgumentException e) { // Python raises here too (ZeroDivisionError,
                // OverflowError); exp4j says "Division by zero!" for / and %
                throw new ArithmeticException(schedule + ": " + arg + "='" + shown + "' at " + bound[0] + "="
                        + Check.show(t) + " fails: " + cause(e).replace("expression: ", ""));
            }
        };
    }
}
