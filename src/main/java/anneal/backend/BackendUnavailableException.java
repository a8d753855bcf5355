package anneal.backend;

/** A backend cannot run here (no CUDA driver, no device, out of device memory); the message says which. */
public class BackendUnavailableException extends RuntimeException {
    public BackendUnavailableException(String message) {
        super(message);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
