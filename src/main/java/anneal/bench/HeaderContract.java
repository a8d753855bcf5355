package anneal.bench;

import anneal.ConfigurationException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The journal's header is the sweep's contract: {@code --resume} continues exactly the protocol and plan it
 * records. This compares a recorded header with the one a command line asks for, field by field over their
 * JSON form (so a field added to {@link SweepSettings}, {@link SweepPlan} or {@link JournalHeader} later is
 * compared without a change here), ignoring only what describes the run rather than the protocol: when and
 * where it was started ({@code createdAt}, {@code environment}) and the format tag.
 */
public final class HeaderContract {
    /** Header fields that are not part of the contract. */
    static final Set<String> NOT_COMPARED = Set.of("format", "version", "createdAt", "environment");
    private static final ObjectMapper JSON = new ObjectMapper();

    private HeaderContract() {
    }

    /**
     * Every difference, as {@code "settings.target: 0.88 in the journal, 0.9 asked"}; empty when they agree.
     *
     * @param only when not null, compare only the top-level fields it names (e.g. {@code settings} for --extend)
     */
    public static List<String> differences(JournalHeader recorded, JournalHeader requested, Set<String> only) {
        return differences(recorded, requested, only, RESUME);
    }

    /** How a difference names its two sides and a field one side lacks. */
    public record Wording(String first, String second, String missing) {
    }

    /** {@code --resume}'s: the journal's value, the asked one, {@code (none)}. */
    public static final Wording RESUME = new Wording("in the journal", "asked", "(none)");

    /** As {@link #differences(JournalHeader, JournalHeader, Set)}, each side named as {@code wording} says. */
    public static List<String> differences(JournalHeader recorded, JournalHeader requested, Set<String> only,
                                           Wording wording) {
        JsonNode a = JSON.valueToTree(recorded);
        JsonNode b = JSON.valueToTree(requested);
        List<String> out = new ArrayList<>();
        for (String field : fieldNames(a, b)) {
            if (NOT_COMPARED.contains(field) || (only != null && !only.contains(field))) continue;
            compare(field, a.get(field), b.get(field), out, wording);
        }
        return out;
    }

    /**
     * The differences of two protocols, field by field as in a header ({@code "settings.batch: 128 in the journal,
     * 64 asked"}); what {@link SweepSettings#equals} asks, so settings compare by the contract's one rule.
     */
    public static List<String> differences(SweepSettings recorded, SweepSettings requested) {
        List<String> out = new ArrayList<>();
        compare("settings", JSON.valueToTree(recorded), JSON.valueToTree(requested), out, RESUME);
        return out;
    }

    private static void compare(String path, JsonNode a, JsonNode b, List<String> out, Wording w) {
        if (a != null && b != null && a.isObject() && b.isObject()) {
            for (String f : fieldNames(a, b)) compare(path + "." + f, a.get(f), b.get(f), out, w);
            return;
        }
        if (!same(a, b)) out.add(path + ": " + text(a, w) + " " + w.first() + ", " + text(b, w) + " " + w.second());
    }

    private static boolean same(JsonNode a, JsonNode b) {
        if (a == null || a.isNull()) return b == null || b.isNull();
        if (b == null) return false;
        if (a.isNumber() && b.isNumber()) return a.asDouble() == b.asDouble() || a.equals(b);
        return a.equals(b);
    }

    private static String text(JsonNode n, Wording w) {
        return n == null || n.isNull() ? w.missing() : n.toString();
    }

    private static Set<String> fieldNames(JsonNode a, JsonNode b) {
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode n : new JsonNode[] {a, b}) {
            if (n == null) continue;
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) names.add(it.next());
        }
        return names;
    }

    /** The plan holding every cell of {@code recorded} and of {@code added} (for {@code --extend}), recorded order first. */
    public static SweepPlan union(SweepPlan recorded, SweepPlan added) {
        if (!recorded.backend().equals(added.backend()))
            throw new ConfigurationException("--extend: the journal's backend is " + recorded.backend() + ", asked "
                    + added.backend() + "; a sweep has one backend (use another --out)");
        return new SweepPlan(merged(recorded.schedules(), added.schedules()), merged(recorded.seeds(), added.seeds()),
                merged(recorded.epochs(), added.epochs()), recorded.backend());
    }

    private static <T> List<T> merged(List<T> a, List<T> b) {
        Set<T> s = new LinkedHashSet<>(a);
        s.addAll(b);
        return List.copyOf(s);
    }
}
