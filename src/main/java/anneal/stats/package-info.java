/**
 * Statistics for time-to-target comparisons, on plain arrays and independent of the harness: Kaplan-Meier
 * estimates for right-censored times ({@link anneal.stats.KaplanMeier}), bootstrap confidence intervals over
 * seeds ({@link anneal.stats.Bootstrap}), the exact paired sign-flip test ({@link anneal.stats.SignFlipTest}),
 * Holm's step-down adjustment ({@link anneal.stats.Holm}) and AlgoPerf's performance profiles
 * ({@link anneal.stats.PerformanceProfile}). Depends on nothing in Anneal.
 */
package anneal.stats;
