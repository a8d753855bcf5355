package anneal.cli;

import anneal.ConfigurationException;

/**
 * Bad input found by the CLI itself: printed as one line on stderr, exit code 2, no stack trace. The message
 * names the option, the value given and what is allowed.
 */
public class UsageException extends ConfigurationException {
    public UsageException(String message) {
        super(message);
    }

    public UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
