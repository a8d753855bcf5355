package anneal.backend;

import java.io.PrintStream;

/** Picks and creates backends by their command-line name. (Being built under issues #3 and #4.) */
public final class Backends {
    private Backends() {
    }

    /**
     * {@code cpu}, {@code cuda} or {@code auto} (CUDA when a driver and a device are present, else the CPU
     * with a one-line notice on {@code notices}).
     *
     * @throws BackendUnavailableException when {@code cuda} is asked for and cannot run here
     * @throws IllegalArgumentException for an unknown name
     */
    public static Backend create(String name, PrintStream notices) {
        throw new UnsupportedOperationException("backends are not built yet (issues #3, #4)");
    }
}
