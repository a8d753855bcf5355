/**
 * Learning-rate schedules with values identical to PyTorch 1.13's {@code torch.optim.lr_scheduler}.
 *
 * <p>{@link anneal.schedule.ParamGroups} stands for the optimizer's {@code param_groups}; every PyTorch-named
 * scheduler ({@link anneal.schedule.StepLR}, {@link anneal.schedule.OneCycleLR}, {@link anneal.schedule.SequentialLR},
 * ...) is built on one and reproduces PyTorch's {@code get_lr} recursion, so chained and sequential composition
 * and PyTorch's quirks come out the same. {@link anneal.schedule.spec.Schedules#fromSpec} builds any of them from a
 * PyTorch-style spec string. {@link anneal.schedule.Schedule} is the stateless view (the lr as a pure function of
 * the step, optax style) with the schedules PyTorch lacks; {@link anneal.schedule.ClosedForm} exposes it for the
 * PyTorch schedules that have a closed form. State: {@link anneal.schedule.LrScheduler#stateDict()} /
 * {@link anneal.schedule.LrScheduler#loadStateDict}, JSON-friendly.
 */
package anneal.schedule;
