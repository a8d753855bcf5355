package anneal.schedule.spec;

import anneal.schedule.Check;
import anneal.schedule.Schedule;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.objecthunter.exp4j.Expression;
import net.objecthunter.exp4j.ExpressionBuilder;
import net.objecthunter.exp4j.function.Function;

/**
 * User expressions ({@code LambdaLR(lr_lambda='0.95 ** epoch')}, CyclicLR's {@code scale_fn='1/(2.0**(x-1))'})
 * compiled by exp4j. Python spelling is accepted: {@code **} becomes exp4j's {@code ^} (both bind tighter
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
    private static final Pattern PYTHON_ONLY = Pattern.compile("//|\\blambda\\b|\\bif\\b|\\belse\\b|\\band\\b|\\bor\\b"
            + "|\\bnot\\b|[<>=!]=?");

    private Expressions() {
    }

    /**
     * Compiles {@code text} as a function of {@code variable} (and its aliases).
     *
     * @throws IllegalArgumentException naming the schedule and argument when the expression is not valid
     */
    static Schedule compile(String schedule, String arg, String text, String... variables) {
        String allowed = "an expression of " + String.join(" or ", variables)
                + " with + - * / ** ( ), min, max, cos, sin, exp, log, sqrt, pi";
        Matcher m = PYTHON_ONLY.matcher(text);
        if (m.find()) {
            throw Check.bad(schedule, arg, text, allowed + " ('" + m.group() + "' is Python syntax exp4j does not have)");
        }
        String translated = text.replace("**", "^").replace("math.", "");
        Expression expression;
        try {
            expression = new ExpressionBuilder(translated).variables(variables).functions(MIN, MAX).build();
        } catch (RuntimeException e) {
            throw Check.bad(schedule, arg, text, allowed + " (" + e.getMessage() + ")");
        }
        net.objecthunter.exp4j.ValidationResult valid = expression.validate(false);
        if (!valid.isValid()) throw Check.bad(schedule, arg, text, allowed + " (" + valid.getErrors() + ")");
        return t -> {
            for (String v : variables) expression.setVariable(v, t);
            return expression.evaluate();
        };
    }
}
