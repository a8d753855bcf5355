package anneal.schedule;

/**
 * A scheduler whose learning rate is a pure function of the step (PyTorch's {@code _get_closed_form_lr}
 * where it has one), for a scheduler standing alone on a fresh optimizer. The function does not touch
 * the scheduler's state and does not allocate.
 */
public interface ClosedForm {
    /** The learning rate of parameter group {@code group} as a function of PyTorch's {@code last_epoch}. */
    Schedule closedForm(int group);
}
