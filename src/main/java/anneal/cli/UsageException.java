package anneal.cli;

/**
 * Bad input from the user: printed as one line on stderr, exit code 2, no stack trace. The message
 * names the parameter, the value given and what is allowed.
 */
public class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }

    public UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
