package anneal.slurm;

import anneal.ConfigurationException;
import anneal.bench.SweepCell;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where every cell of a Slurm sweep stands, from its shards and the live queue: {@link State#DONE} (a
 * finished record), {@link State#FAILED} (only failed attempts), {@link State#RUNNING} / {@link State#PENDING}
 * (no record yet; the cell a running array task trains now / a cell of a waiting task or one a running task
 * has not reached yet, as {@code squeue} lists them), {@link State#MISSING}
 * (none of these: never submitted, or its task was killed before the cell finished).
 */
public final class SweepState {
    /** A cell's state. */
    public enum State { DONE, FAILED, RUNNING, PENDING, MISSING }

    private static final Set<String> ACTIVE = Set.of("RUNNING", "COMPLETING", "CONFIGURING", "STAGE_OUT", "RESIZING");
    private static final Set<String> WAITING = Set.of("PENDING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "SUSPENDED",
            "RESV_DEL_HOLD", "SPECIAL_EXIT");

    private final SlurmPlan plan;
    private final ShardSet shards;
    private final List<State> states = new ArrayList<>();
    private final List<String> liveTasks = new ArrayList<>();

    /**
     * @param queue live array tasks ({@link SlurmClient#queue()}); an empty one counts nothing as running
     */
    public SweepState(SlurmPlan plan, ShardSet shards, List<Submission> submissions, SlurmClient.Queue queue) {
        this.plan = plan;
        this.shards = shards;
        State[] live = new State[plan.cells().size()];
        for (Submission s : submissions) {
            if (s.jobId() == null) continue;
            for (int t = 0; t < s.tasks().size(); t++) {
                String q = queue.states().get(s.taskName(t));
                if (q == null) continue;
                State st = ACTIVE.contains(q) ? State.RUNNING : WAITING.contains(q) ? State.PENDING : null;
                if (st == null) continue;
                liveTasks.add(s.taskName(t) + " " + q);
                // A running task trains one cell at a time: its first cell without a record in its own shard is
                // running, the ones after it still wait.
                Set<SweepCell> doneHere = shards.recordedBy(s.number(), t);
                boolean first = true;
                for (int i : s.tasks().get(t)) {
                    if (doneHere.contains(plan.cells().get(i))) continue;
                    State cs = st == State.RUNNING && first ? State.RUNNING : State.PENDING;
                    first = false;
                    if (live[i] == null || cs == State.RUNNING) live[i] = cs;
                }
            }
        }
        for (int i = 0; i < plan.cells().size(); i++) {
            SweepCell c = plan.cells().get(i);
            if (shards.finished(c) != null) states.add(State.DONE);
            else if (live[i] != null) states.add(live[i]);
            else if (!shards.failures(c).isEmpty()) states.add(State.FAILED);
            else states.add(State.MISSING);
        }
    }

    /** State of plan cell {@code index}. */
    public State state(int index) {
        return states.get(index);
    }

    /** How many cells are in each state (every state present, zeros included). */
    public Map<State, Integer> counts() {
        Map<State, Integer> out = new EnumMap<>(State.class);
        for (State s : State.values()) out.put(s, 0);
        for (State s : states) out.merge(s, 1, Integer::sum);
        return out;
    }

    /** The live array tasks found in the queue, as {@code JOB_TASK STATE}. */
    public List<String> liveTasks() {
        return List.copyOf(liveTasks);
    }

    /**
     * The plan indexes a resubmission should run: the missing cells, and the failed cells that have failed at
     * most {@code maxRetries} times (so each cell runs at most {@code 1 + maxRetries} times); never a cell that
     * is done or queued.
     */
    public List<Integer> toResubmit(int maxRetries) {
        if (maxRetries < 0) throw new ConfigurationException("--max-retries must be >= 0, got " + maxRetries);
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < states.size(); i++) {
            State s = states.get(i);
            if (s == State.MISSING
                    || (s == State.FAILED && shards.failures(plan.cells().get(i)).size() <= maxRetries)) out.add(i);
        }
        return out;
    }

    /** Failed cells that already used their retries. */
    public int failedBeyondRetries(int maxRetries) {
        int n = 0;
        for (int i = 0; i < states.size(); i++)
            if (states.get(i) == State.FAILED && shards.failures(plan.cells().get(i)).size() > maxRetries) n++;
        return n;
    }
}
