package anneal.train;

/** How a run ended. */
public enum RunStatus {
    /** Validation accuracy reached the target at some evaluation. */
    REACHED,
    /** All epochs ran without reaching the target. */
    NOT_REACHED,
    /** The loss became NaN or infinite; the run was stopped and recorded. */
    DIVERGED
}
