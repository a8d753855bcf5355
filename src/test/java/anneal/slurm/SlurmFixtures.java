package anneal.slurm;

import anneal.bench.Journal;
import anneal.bench.JournalHeader;
import anneal.bench.RunRecord;
import anneal.bench.SweepCell;
import anneal.bench.SweepPlan;
import anneal.bench.SweepSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A small plan (2 schedules x 2 seeds x 1 epoch = 4 cells) and records for the Slurm tests. */
final class SlurmFixtures {
    private SlurmFixtures() {
    }

    static JournalHeader header(List<Long> seeds) {
        return new JournalHeader(Journal.FORMAT, Journal.VERSION, "2026-12-01T00:00:00Z",
                SweepSettings.defaults(Path.of("/data/fashion-mnist")),
                new SweepPlan(List.of("constant", "cosine"), seeds, List.of(1), "cpu"), Map.of("command", "anneal sweep (test)"));
    }

    static JournalHeader header() {
        return header(List.of(0L, 1L));
    }

    /** A finished record of {@code cell} with best accuracy {@code acc}. */
    static RunRecord reached(SweepCell cell, double acc) {
        return new RunRecord(cell.schedule(), cell.seed(), cell.epochs(), cell.backend(), "ConstantLR()", 0.05, "REACHED",
                1.5, 1.0, acc, acc, 0.2, "cpu: test", null, List.of(), 1, new double[] {0.05}, "2026-12-01T00:00:01Z", 0.3);
    }

    static RunRecord failed(SweepCell cell, String error) {
        return RunRecord.failed(cell, "ConstantLR", 0.05, error);
    }

    /** A shard folder {@code name} under {@code DIR/shards} holding {@code header} and {@code records}. */
    static Path shard(Path dir, String name, JournalHeader header, RunRecord... records) {
        Journal j = Journal.create(dir.resolve(ShardSet.FOLDER).resolve(name), header);
        for (RunRecord r : records) Journal.append(j.file(), r);
        return j.file();
    }
}
