package anneal.data;

/** The three splits of a run: train (steps), validation (drives metric schedules), test (reported only). */
public record Splits(Dataset train, Dataset validation, Dataset test) {
}
