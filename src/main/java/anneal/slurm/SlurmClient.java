package anneal.slurm;

import anneal.ConfigurationException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Slurm's client commands ({@code sbatch}, {@code squeue}, {@code sacct}), found on the {@code PATH} and run
 * as child processes. Anneal talks to Slurm only through these, so it works with whatever Slurm version and
 * configuration the cluster's own commands work with ({@code SLURM_CONF} included).
 */
public final class SlurmClient {
    private static final long TIMEOUT_SECONDS = 120;
    private final String path;

    /** @param path the search path, as in {@code PATH} */
    public SlurmClient(String path) {
        this.path = path == null ? "" : path;
    }

    /** The client for this process's {@code PATH}. */
    public static SlurmClient fromEnvironment() {
        return new SlurmClient(System.getenv("PATH"));
    }

    /** The executable {@code name} on the search path, if any. */
    public Optional<Path> find(String name) {
        for (String d : path.split(File.pathSeparator)) {
            if (d.isBlank()) continue;
            Path p = Path.of(d, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    /**
     * Fails unless {@code sbatch} is on the search path.
     *
     * @throws IllegalArgumentException naming what is missing
     */
    public Path requireSbatch() {
        return find("sbatch").orElseThrow(() -> new ConfigurationException("--slurm: sbatch is not on the PATH ("
                + (path.isBlank() ? "empty" : path) + "); install Slurm's client commands, use --slurm-dry-run to only "
                + "write the script, or drop --slurm to run the sweep here"));
    }

    /** What a command printed and how it ended. */
    record Result(int exitCode, String stdout, String stderr) {
        /** The line that says what went wrong: the first {@code error:} line, else the first non-blank one. */
        String errorLine() {
            List<String> lines = (stderr + "\n" + stdout).lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
            for (String l : lines) if (l.contains("error:")) return l;
            return lines.isEmpty() ? "exit code " + exitCode + " and no message" : lines.get(0);
        }
    }

    Result run(List<String> command, String stdin) throws IOException {
        Path exe = find(command.get(0)).orElseThrow(() -> new IOException(command.get(0) + " is not on the PATH"));
        List<String> cmd = new ArrayList<>(command);
        cmd.set(0, exe.toString());
        Process p = new ProcessBuilder(cmd).start();
        if (stdin != null) p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        var out = new java.io.ByteArrayOutputStream();
        var err = new java.io.ByteArrayOutputStream();
        Thread pumpErr = new Thread(() -> {
            try {
                p.getErrorStream().transferTo(err);
            } catch (IOException ignored) {
                // the process ended
            }
        });
        pumpErr.start();
        p.getInputStream().transferTo(out);
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not answer within " + TIMEOUT_SECONDS + " s");
            }
            pumpErr.join();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", command) + " was interrupted");
        }
        return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * Asks Slurm whether it would accept {@code script} ({@code sbatch --test-only}, which submits nothing), so
     * that an unknown partition or account is refused before anything is written.
     *
     * @throws IllegalArgumentException with sbatch's own error line
     */
    public void testSubmit(String script) {
        Result r;
        try {
            r = run(List.of("sbatch", "--test-only"), script);
        } catch (IOException e) {
            throw new ConfigurationException("--slurm: cannot run sbatch --test-only (" + e.getMessage() + ")");
        }
        if (r.exitCode() != 0)
            throw new ConfigurationException("--slurm: sbatch refused the job: " + r.errorLine() + " (nothing was submitted)");
    }

    /**
     * Submits {@code script} and returns the job id.
     *
     * @throws IllegalArgumentException with sbatch's own error line when it refuses
     */
    public String submit(Path script) throws IOException {
        Result r = run(List.of("sbatch", "--parsable", script.toString()), null);
        if (r.exitCode() != 0)
            throw new ConfigurationException("--slurm: sbatch refused the job: " + r.errorLine() + " (nothing was submitted)");
        String id = r.stdout().strip();
        int semi = id.indexOf(';');
        if (semi >= 0) id = id.substring(0, semi);
        if (!id.matches("\\d+"))
            throw new IOException("sbatch --parsable printed '" + r.stdout().strip() + "' instead of a job id");
        return id;
    }

    /**
     * Live array tasks of this user from {@code squeue}: {@code JOB_TASK} to state ({@code RUNNING},
     * {@code PENDING}, ...); empty when {@code squeue} is missing or fails (its {@code source} says why).
     */
    public Queue queue() {
        if (find("squeue").isEmpty()) return new Queue(Map.of(), false, "squeue not on the PATH: shards only");
        try {
            Result r = run(List.of("squeue", "-h", "-r", "-u", System.getProperty("user.name"), "-o", "%i|%T"), null);
            if (r.exitCode() != 0) return new Queue(Map.of(), false, "squeue failed (" + r.errorLine() + "): shards only");
            Map<String, String> out = new LinkedHashMap<>();
            for (String line : r.stdout().lines().toList()) {
                int bar = line.indexOf('|');
                if (bar > 0) out.put(line.substring(0, bar).strip(), line.substring(bar + 1).strip());
            }
            return new Queue(out, true, "squeue");
        } catch (IOException e) {
            return new Queue(Map.of(), false, "squeue failed (" + e.getMessage() + "): shards only");
        }
    }

    /**
     * How the array tasks of {@code jobIds} ended, from {@code sacct} ({@code JOB_TASK} to {@code COMPLETED},
     * {@code TIMEOUT}, {@code CANCELLED}, ...); empty when accounting is not available.
     */
    public Queue accounting(List<String> jobIds) {
        if (jobIds.isEmpty()) return new Queue(Map.of(), false, "no submitted job");
        if (find("sacct").isEmpty()) return new Queue(Map.of(), false, "sacct not on the PATH");
        try {
            Result r = run(List.of("sacct", "-n", "-X", "-P", "-o", "JobID,State", "-j", String.join(",", jobIds)), null);
            if (r.exitCode() != 0 || r.stdout().isBlank())
                return new Queue(Map.of(), false, "sacct: " + (r.exitCode() != 0 ? r.errorLine() : "no records"));
            Map<String, String> out = new LinkedHashMap<>();
            for (String line : r.stdout().lines().toList()) {
                String[] f = line.split("\\|");
                if (f.length >= 2) out.put(f[0].strip(), f[1].strip().split(" ")[0]);
            }
            return new Queue(out, true, "sacct");
        } catch (IOException e) {
            return new Queue(Map.of(), false, "sacct failed (" + e.getMessage() + ")");
        }
    }

    /**
     * Array task states from one of Slurm's commands.
     *
     * @param states    {@code JOB_TASK} to state
     * @param available whether the command answered
     * @param source    the command, or why it could not be asked
     */
    public record Queue(Map<String, String> states, boolean available, String source) {
        public Queue {
            states = Map.copyOf(states);
        }

        /** An empty answer: nobody was asked. */
        public static Queue none(String why) {
            return new Queue(Map.of(), false, why);
        }
    }
}
