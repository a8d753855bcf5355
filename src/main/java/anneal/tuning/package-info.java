/**
 * Equal tuning budgets for every schedule (AlgoPerf's external tuning ruleset, adapted): search spaces of peak lr
 * and shape parameters ({@link anneal.tuning.SearchSpace}), quasi-random trial points from Commons Math's Sobol
 * generator, the {@code --tune TRIALS[xSTUDIES]} plan ({@link anneal.tuning.TuningPlan}) and the scores
 * ({@link anneal.tuning.TuningScore}). Depends only on {@link anneal.stats} and Commons Math.
 */
package anneal.tuning;
