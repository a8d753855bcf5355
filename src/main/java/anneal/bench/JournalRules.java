package anneal.bench;

import anneal.ConfigurationException;
import anneal.train.EpochRecord;
import anneal.train.RunStatus;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a well-formed journal's records obey, checked whenever a journal is read ({@code report},
 * {@code --resume}, a cell's JVM): each status is one of {@link RunStatus} or {@code FAILED}; each schedule is
 * in the {@link ScheduleCatalogue}; each cell is in the header's plan (when the header has one); accuracies are
 * in [0, 1] (or NaN: not measured); and a cell is recorded once, except that a {@code FAILED} attempt may be
 * followed by a retry (a journal without a plan, written by {@code anneal bench TimeToAccuracyBench} on its own,
 * may repeat a cell; its last record counts). A journal that breaks one is refused with one line naming the file, the line and the
 * rule, and is left unchanged.
 */
final class JournalRules {
    private JournalRules() {
    }

    /** The statuses a record may have. */
    static final Set<String> STATUSES = statuses();

    private static Set<String> statuses() {
        Set<String> s = new HashSet<>();
        for (RunStatus r : RunStatus.values()) s.add(r.name());
        s.add(RunRecord.FAILED);
        return Set.copyOf(s);
    }

    /**
     * @param lineNumbers the journal line of each record in {@code runs}
     * @throws IllegalArgumentException naming the file, the line and the broken rule
     */
    static void check(Path file, JournalHeader header, List<RunRecord> runs, List<Integer> lineNumbers) {
        Set<SweepCell> planned = header.plan() == null ? null : new HashSet<>(header.plan().cells());
        Set<String> catalogue = new HashSet<>(ScheduleCatalogue.names());
        Map<SweepCell, Integer> finishedOn = new HashMap<>();
        for (int k = 0; k < runs.size(); k++) {
            RunRecord r = runs.get(k);
            int line = lineNumbers.get(k);
            String at = file + " line " + line + ": ";
            String fix = "; nothing was changed (delete or correct that line, or start a new --out)";
            if (!STATUSES.contains(r.status()))
                throw new ConfigurationException(at + "status '" + r.status() + "' is not one of "
                        + String.join(", ", sorted(STATUSES)) + fix);
            if (!catalogue.contains(baseName(r.schedule())))
                throw new ConfigurationException(at + "schedule '" + r.schedule() + "' is not in the catalogue" + fix);
            if (planned != null && !planned.contains(r.cell()))
                throw new ConfigurationException(at + "cell " + r.cell().label() + " is not in the header's plan ("
                        + header.plan().schedules().size() + " schedules x seeds " + header.plan().seeds() + " x epochs "
                        + header.plan().epochs() + " on " + header.plan().backend() + ")" + fix);
            checkAccuracy(at, "bestTestAccuracy", r.bestTestAccuracy(), fix);
            checkAccuracy(at, "finalTestAccuracy", r.finalTestAccuracy(), fix);
            for (EpochRecord e : r.records()) {
                checkAccuracy(at, "records[].testAccuracy", e.testAccuracy(), fix);
                checkAccuracy(at, "records[].valAccuracy", e.valAccuracy(), fix);
            }
            Integer first = finishedOn.get(r.cell());
            if (first != null && planned != null) // a plan-less journal (anneal bench TimeToAccuracyBench) may repeat runs
                throw new ConfigurationException(at + "cell " + r.cell().label() + " is recorded twice (it already "
                        + "finished on line " + first + ")" + fix);
            if (!RunRecord.FAILED.equals(r.status())) finishedOn.put(r.cell(), line);
        }
    }

    /** A tuned trial {@code NAME@K} belongs to the catalogue entry {@code NAME}. */
    private static String baseName(String schedule) {
        int at = schedule == null ? -1 : schedule.indexOf(CatalogueEntry.TRIAL_SEPARATOR);
        return at < 0 ? schedule : schedule.substring(0, at);
    }

    private static void checkAccuracy(String at, String field, double v, String fix) {
        if (!Double.isNaN(v) && !(v >= 0 && v <= 1))
            throw new ConfigurationException(at + field + " " + v + " is outside [0, 1]" + fix);
    }

    private static List<String> sorted(Set<String> s) {
        String[] a = s.toArray(String[]::new);
        Arrays.sort(a);
        return List.of(a);
    }
}
