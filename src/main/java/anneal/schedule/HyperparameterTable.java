package anneal.schedule;

import java.util.Arrays;

/**
 * One step's optimizer hyperparameters: a value per {@link Hyperparameter} and parameter group. The training loop
 * allocates one table per run, starts it at the optimizer's configured values, lets the scheduler overwrite the
 * hyperparameters it schedules ({@link LrScheduler#writeTo}) before every step and hands it to the backend, which
 * reads it (on CUDA: packs it into the kernel's {@code SgdStep} struct, whose rows are in the same order). Nothing
 * here allocates after construction.
 */
public final class HyperparameterTable {
    private final double[][] rows;

    /** A table for {@code groups} parameter groups, every value 0. */
    public HyperparameterTable(int groups) {
        if (groups < 1) throw new IllegalArgumentException("a hyperparameter table needs at least one group, got " + groups);
        rows = new double[Hyperparameter.COUNT][groups];
    }

    /** Number of parameter groups. */
    public int groups() {
        return rows[0].length;
    }

    /** The value of {@code h} for group {@code group}. */
    public double get(Hyperparameter h, int group) {
        return rows[h.ordinal()][group];
    }

    /** Sets the value of {@code h} for group {@code group}. */
    public void set(Hyperparameter h, int group, double value) {
        rows[h.ordinal()][group] = value;
    }

    /**
     * The live row of {@code h}, one value per group, for a backend's inner loop to read without a call per
     * element; callers must not write it (use {@link #set}).
     */
    public double[] row(Hyperparameter h) {
        return rows[h.ordinal()];
    }

    /** Sets every group's value of {@code h} (one value per group); returns this table (for setting one up). */
    public HyperparameterTable with(Hyperparameter h, double... perGroup) {
        if (perGroup.length != groups())
            throw new IllegalArgumentException(h.key() + " has " + perGroup.length + " values for "
                    + groups() + " parameter groups");
        System.arraycopy(perGroup, 0, rows[h.ordinal()], 0, perGroup.length);
        return this;
    }

    /** Copies every value of {@code other} (same number of groups) into this table. */
    public void copyFrom(HyperparameterTable other) {
        if (other.groups() != groups())
            throw new IllegalArgumentException("tables of " + other.groups() + " and " + groups() + " groups");
        for (int h = 0; h < rows.length; h++) System.arraycopy(other.rows[h], 0, rows[h], 0, rows[h].length);
    }

    /** A copy (its own rows). */
    public HyperparameterTable copy() {
        HyperparameterTable out = new HyperparameterTable(groups());
        out.copyFrom(this);
        return out;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("{");
        for (int h = 0; h < rows.length; h++) {
            out.append(h == 0 ? "" : ", ").append(Hyperparameter.of(h).key()).append('=').append(Arrays.toString(rows[h]));
        }
        return out.append('}').toString();
    }
}
