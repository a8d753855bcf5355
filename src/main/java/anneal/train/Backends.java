package anneal.train;

import anneal.backend.BackendUnavailableException;
import anneal.backend.Backend;
import anneal.ConfigurationException;

import anneal.backend.cpu.CpuBackend;
import anneal.backend.cuda.CudaBackend;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Optional;

/** Picks and creates backends by their command-line name: {@code cpu}, {@code cuda} or {@code auto}. */
public final class Backends {
    /** The names {@link #create} accepts. */
    public static final String NAMES = "cpu, cuda, auto";

    private Backends() {
    }

    /** Most CPU worker threads (each is an OS thread with its own stack; far beyond any machine's cores). */
    public static final int MAX_THREADS = 1024;

    /**
     * {@code cpu}, {@code cuda} or {@code auto} (CUDA when a driver and a device are present, else the CPU
     * with a one-line notice on {@code notices}). The CPU backend gets one thread per available processor.
     *
     * @throws BackendUnavailableException when {@code cuda} is asked for and cannot run here
     * @throws ConfigurationException for an unknown name
     */
    public static Backend create(String name, PrintStream notices) {
        return create(name, Runtime.getRuntime().availableProcessors(), notices);
    }

    /** As {@link #create(String, PrintStream)} with {@code cpuThreads} worker threads for the CPU backend. */
    public static Backend create(String name, int cpuThreads, PrintStream notices) {
        if (cpuThreads < 1 || cpuThreads > MAX_THREADS) {
            throw ConfigurationException.of("backend", "threads", cpuThreads, "an integer in 1.." + MAX_THREADS);
        }
        switch (checkName(name)) {
            case "cpu":
                return new CpuBackend(cpuThreads);
            case "cuda":
                return CudaBackend.open();
            case "auto": {
                Optional<String> why = CudaBackend.probe();
                if (why.isEmpty()) return CudaBackend.open();
                notices.println("anneal: no CUDA backend available (" + why.get() + "); using the CPU backend");
                return new CpuBackend(cpuThreads);
            }
            default:
                throw new AssertionError(name);
        }
    }

    /**
     * {@code name} normalised ({@code cpu}, {@code cuda} or {@code auto}), so a command can refuse a bad name before
     * it loads data.
     *
     * @throws ConfigurationException for any other name
     */
    public static String checkName(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (!n.equals("cpu") && !n.equals("cuda") && !n.equals("auto")) {
            throw ConfigurationException.of("backend", "name", name, "one of " + NAMES);
        }
        return n;
    }
}
