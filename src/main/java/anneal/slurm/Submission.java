package anneal.slurm;

import anneal.ConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code DIR/submissions/NNN.json}: one job array handed to Slurm. Written before {@code sbatch} runs (the
 * tasks read it), and again with the job id once Slurm accepted it. Array task {@code t} runs the plan cells
 * whose indexes are {@code tasks.get(t)}, in that order.
 *
 * @param number      1 for the first submission, then one more per {@code --resume}
 * @param jobId       Slurm's job id of the array, null before submission (or for a dry run)
 * @param submittedAt ISO-8601 time
 * @param script      the sbatch script's file name inside the sweep folder
 * @param tasks       per array task, the plan indexes of its cells
 * @param forkJvmArgs extra arguments for each cell's forked benchmark JVM
 * @param sbatch      the resources the tasks asked for ({@code --resume} asks for the same unless told otherwise)
 */
public record Submission(int number, String jobId, String submittedAt, String script, List<List<Integer>> tasks,
                         List<String> forkJvmArgs, SbatchOptions sbatch) {
    /** Folder of the submission records inside the sweep folder. */
    public static final String FOLDER = "submissions";

    public Submission {
        tasks = tasks.stream().map(List::copyOf).toList();
        forkJvmArgs = forkJvmArgs == null ? List.of() : List.copyOf(forkJvmArgs);
        if (sbatch == null) sbatch = SbatchOptions.none();
    }

    /** Groups {@code cells} (plan indexes) into tasks of at most {@code cellsPerTask}, keeping their order. */
    public static List<List<Integer>> group(List<Integer> cells, int cellsPerTask) {
        if (cellsPerTask < 1) throw new ConfigurationException("--cells-per-task must be >= 1, got " + cellsPerTask);
        List<List<Integer>> out = new ArrayList<>();
        for (int i = 0; i < cells.size(); i += cellsPerTask)
            out.add(List.copyOf(cells.subList(i, Math.min(cells.size(), i + cellsPerTask))));
        return out;
    }

    public Submission withJobId(String id) {
        return new Submission(number, id, submittedAt, script, tasks, forkJvmArgs, sbatch);
    }

    /** Slurm's name of array task {@code t} of this submission ({@code 1234_5}). */
    public String taskName(int t) {
        return jobId + "_" + t;
    }

    static Path file(Path dir, int number) {
        return dir.resolve(FOLDER).resolve(String.format(Locale.ROOT, "%03d.json", number));
    }

    /** The sbatch script's file name for submission {@code number}. */
    static String scriptName(int number) {
        return String.format(Locale.ROOT, "sweep-%03d.sbatch", number);
    }

    public void write(Path dir) throws IOException {
        Files.createDirectories(dir.resolve(FOLDER));
        Json.writeAtomically(file(dir, number), Json.MAPPER.writeValueAsString(this) + "\n");
    }

    void delete(Path dir) throws IOException {
        Files.deleteIfExists(file(dir, number));
    }

    /** Reads submission {@code number} of the sweep in {@code dir}. */
    public static Submission read(Path dir, int number) {
        Path f = file(dir, number);
        try {
            return Json.MAPPER.readValue(f.toFile(), Submission.class);
        } catch (IOException e) {
            throw new ConfigurationException("cannot read submission record " + f + " ("
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")");
        }
    }

    /** Every submission of the sweep in {@code dir}, in order. */
    public static List<Submission> all(Path dir) {
        Path folder = dir.resolve(FOLDER);
        if (!Files.isDirectory(folder)) return List.of();
        List<Submission> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.filter(p -> p.getFileName().toString().matches("\\d{3,}\\.json")).sorted().toList())
                out.add(read(dir, Integer.parseInt(f.getFileName().toString().replace(".json", ""))));
        } catch (IOException e) {
            throw new ConfigurationException("cannot list " + folder + " (" + e.getMessage() + ")");
        }
        return out;
    }
}
