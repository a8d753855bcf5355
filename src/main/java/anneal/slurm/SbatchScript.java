package anneal.slurm;

import anneal.backend.JvmOptions;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The sbatch job-array script of one submission: one array task per entry of {@link Submission#tasks},
 * each running {@link SlurmTask} with the same JVM and class path as the {@code anneal} that wrote it (so
 * the jar must be on storage the nodes share, like the sweep folder). Slurm's output for task {@code t}
 * goes to {@code DIR/logs/slurm-JOB_t.out}.
 */
public final class SbatchScript {
    private SbatchScript() {
    }

    /**
     * The JVM that runs a task: {@code java} and its options, then the class path.
     *
     * @param java      the java executable
     * @param jvmArgs   JVM options (the Vector API module first)
     * @param classPath absolute class path
     */
    public record Launcher(String java, List<String> jvmArgs, String classPath) {
        public Launcher {
            jvmArgs = List.copyOf(jvmArgs);
        }

        /**
         * This JVM's executable and class path (made absolute), with the Vector API module the CPU backend needs
         * and {@code -Djmh.ignoreLock=true}: tasks that share a node run their JMH hosts side by side on the CPUs
         * Slurm gave each, which JMH's one-instance-per-machine lock would otherwise refuse.
         */
        public static Launcher current() {
            String java = ProcessHandle.current().info().command()
                    .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            List<String> cp = new ArrayList<>();
            for (String e : System.getProperty("java.class.path").split(File.pathSeparator))
                if (!e.isBlank()) cp.add(Path.of(e).toAbsolutePath().normalize().toString());
            List<String> args = new ArrayList<>(JvmOptions.ALL);
            args.add("-Djmh.ignoreLock=true");
            for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments())
                if (a.startsWith("-Xmx") || a.startsWith("-Xms")) args.add(a);
            return new Launcher(java, args, String.join(File.pathSeparator, cp));
        }
    }

    /**
     * The script's text.
     *
     * @param dir       the sweep folder (absolute)
     * @param sub       the submission (its tasks decide {@code --array})
     * @param options   resources per task
     * @param jobName   {@code --job-name}
     * @param launcher  the JVM that runs each task
     * @param planned   one line on where and how the sweep was planned, for the script's comment
     */
    public static String render(Path dir, Submission sub, SbatchOptions options, String jobName, Launcher launcher,
                                String planned) {
        int n = sub.tasks().size();
        int cells = sub.tasks().stream().mapToInt(List::size).sum();
        StringBuilder s = new StringBuilder();
        s.append("#!/bin/bash\n");
        s.append("# anneal sweep on Slurm: submission ").append(sub.number()).append(" of ").append(dir).append(", ")
                .append(cells).append(cells == 1 ? " cell" : " cells").append(" in ").append(n)
                .append(n == 1 ? " array task" : " array tasks").append(".\n");
        s.append("# ").append(oneLine(planned)).append("\n");
        s.append("# Task t runs the plan cells listed as tasks[t] in ").append(dir.resolve(Submission.FOLDER))
                .append("/").append(Submission.file(dir, sub.number()).getFileName()).append(" (indexes into plan.json)\n");
        s.append("# and appends their records to its own journal shard under ").append(dir.resolve(ShardSet.FOLDER))
                .append("/.\n");
        s.append("# On SIGTERM (scancel, time limit, pre-emption) a task drops the cell in flight; anneal sweep --resume\n");
        s.append("# --slurm ").append(dir).append(" resubmits the cells that have no record.\n");
        s.append("#SBATCH --job-name=").append(jobName).append("\n");
        s.append("#SBATCH --array=").append(arraySpec(n, options.maxRunning())).append("\n");
        s.append("#SBATCH --output=").append(dir.resolve("logs")).append("/slurm-%A_%a.out\n");
        s.append("#SBATCH --open-mode=append\n");
        for (String d : options.directives()) s.append(d).append("\n");
        s.append("exec ").append(quote(launcher.java()));
        for (String a : launcher.jvmArgs()) s.append(' ').append(quote(a));
        s.append(" -cp ").append(quote(launcher.classPath())).append(' ').append(SlurmTask.class.getName()).append(' ')
                .append(quote(dir.toString())).append(' ').append(sub.number()).append("\n");
        return s.toString();
    }

    /** {@code 0-(n-1)}, with {@code %max} when the number of tasks running at once is bounded. */
    static String arraySpec(int tasks, Integer maxRunning) {
        String range = tasks == 1 ? "0" : "0-" + (tasks - 1);
        return maxRunning == null ? range : range + "%" + maxRunning;
    }

    /** {@code s} in single quotes for bash. */
    static String quote(String s) {
        if (s.matches("[A-Za-z0-9_./:=%+,@-]+")) return s;
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
    }
}
