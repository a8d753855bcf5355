/**
 * Other libraries' learning-rate schedules, value for value: optax ({@link anneal.schedule.foreign.Optax}), Keras
 * ({@link anneal.schedule.foreign.Keras}), Hugging Face transformers ({@link anneal.schedule.foreign.Transformers})
 * and timm ({@link anneal.schedule.foreign.Timm}). Each method reproduces that library's arithmetic in double
 * precision, operation for operation, so that a config pasted from the library ({@code optax.cosine_decay_schedule(...)})
 * gives the values the library computes (optax and Keras run in float32 by default; these are their values with
 * {@code jax_enable_x64} / float64 tensors). Spec spellings and argument checks live in
 * {@code anneal.schedule.spec.ForeignSchedules}.
 */
package anneal.schedule.foreign;
