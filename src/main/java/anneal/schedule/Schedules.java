package anneal.schedule;

/** Entry point: build schedulers from spec strings. (Parser being built under issue #2.) */
public final class Schedules {
    private Schedules() {
    }

    /**
     * Build a scheduler from a spec string with PyTorch's class and argument names, e.g.
     * {@code OneCycleLR(max_lr=0.1, total_steps=1290)}, for an optimizer whose groups start at {@code baseLrs}.
     *
     * @throws IllegalArgumentException naming the schedule, argument, value and what is allowed
     */
    public static LrScheduler fromSpec(String spec, double... baseLrs) {
        throw new UnsupportedOperationException("schedule specs are not parsed yet (issue #2)");
    }
}
