/**
 * Sweeps on a Slurm cluster (issue #15): {@code anneal sweep --slurm DIR} writes the plan once into
 * {@code DIR/plan.json} and submits a job array; every array task runs its cells ({@link SlurmTask}) and
 * appends their records to its own journal shard, in the local journal's format ({@link anneal.bench.Journal});
 * {@link ShardSet} merges the shards with the journal's checks, and {@link SweepState} says which cells are
 * done, failed, running or missing so that {@code --resume} resubmits only the missing ones.
 *
 * <p>Depends on {@code anneal.bench} (plan, cells, journal records, the JMH cell executor) and nothing above it.
 */
package anneal.slurm;
