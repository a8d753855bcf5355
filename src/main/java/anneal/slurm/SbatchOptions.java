package anneal.slurm;

import anneal.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The resources each array task asks Slurm for, as {@code #SBATCH} lines. Values are checked for their
 * shape here (one line each, no shell or directive injection); whether the cluster has the partition,
 * account or GPUs is for {@code sbatch} to say, and its own message is what the user sees.
 *
 * @param partition   {@code --partition} (null: the cluster's default)
 * @param time        {@code --time} limit per task, in Slurm's formats ({@code 30}, {@code 1:30:00}, {@code 2-00:00:00})
 * @param gres        {@code --gres}, e.g. {@code gpu:1}
 * @param cpusPerTask {@code --cpus-per-task} (null: Slurm's default)
 * @param mem         {@code --mem} per task, e.g. {@code 4G}
 * @param account     {@code --account}
 * @param maxRunning  at most this many tasks at once ({@code --array=...%N}; null: no limit)
 * @param extra       further sbatch options, one per {@code #SBATCH} line, e.g. {@code --qos=low}
 */
public record SbatchOptions(String partition, String time, String gres, Integer cpusPerTask, String mem, String account,
                            Integer maxRunning, List<String> extra) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.,-]+");
    private static final Pattern TIME = Pattern.compile("(\\d+-)?\\d+(:\\d+){0,2}|\\d+-\\d+|UNLIMITED|INFINITE");
    private static final Pattern GRES = Pattern.compile("[A-Za-z0-9_.:,=-]+");
    private static final Pattern MEM = Pattern.compile("\\d+[KMGT]?");

    public SbatchOptions {
        check("--partition", partition, NAME, "partition names (letters, digits, _ . , -)");
        check("--time", time, TIME, "minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS");
        check("--gres", gres, GRES, "a generic resource such as gpu:1 or gpu:a100:2");
        check("--mem", mem, MEM, "an integer with an optional K, M, G or T suffix, e.g. 4G");
        check("--account", account, NAME, "an account name (letters, digits, _ . -)");
        if (cpusPerTask != null && cpusPerTask < 1)
            throw new ConfigurationException("--cpus-per-task must be >= 1, got " + cpusPerTask);
        if (maxRunning != null && maxRunning < 1)
            throw new ConfigurationException("--max-running must be >= 1, got " + maxRunning);
        extra = extra == null ? List.of() : List.copyOf(extra);
        for (String e : extra)
            if (e.isBlank() || !e.startsWith("-") || e.contains("\n") || e.contains("\r"))
                throw new ConfigurationException("--sbatch must be one sbatch option such as --qos=low, got '"
                        + e.replace("\n", "\\n") + "'");
    }

    private static void check(String option, String value, Pattern shape, String allowed) {
        if (value != null && !shape.matcher(value).matches())
            throw new ConfigurationException(option + ": '" + value + "' is not " + allowed);
    }

    /** These options where set, else {@code earlier}'s (a resubmission keeps the first submission's resources). */
    public SbatchOptions over(SbatchOptions earlier) {
        return new SbatchOptions(partition != null ? partition : earlier.partition, time != null ? time : earlier.time,
                gres != null ? gres : earlier.gres, cpusPerTask != null ? cpusPerTask : earlier.cpusPerTask,
                mem != null ? mem : earlier.mem, account != null ? account : earlier.account,
                maxRunning != null ? maxRunning : earlier.maxRunning, extra.isEmpty() ? earlier.extra : extra);
    }

    /** No options: the cluster's defaults. */
    public static SbatchOptions none() {
        return new SbatchOptions(null, null, null, null, null, null, null, List.of());
    }

    /** The {@code #SBATCH} lines for these options, in a fixed order, extra lines last (sbatch: later lines win). */
    public List<String> directives() {
        List<String> out = new ArrayList<>();
        if (partition != null) out.add("#SBATCH --partition=" + partition);
        if (account != null) out.add("#SBATCH --account=" + account);
        if (time != null) out.add("#SBATCH --time=" + time);
        if (cpusPerTask != null) out.add("#SBATCH --cpus-per-task=" + cpusPerTask);
        if (mem != null) out.add("#SBATCH --mem=" + mem);
        if (gres != null) out.add("#SBATCH --gres=" + gres);
        for (String e : extra) out.add("#SBATCH " + e);
        return out;
    }
}
