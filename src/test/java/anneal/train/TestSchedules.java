package anneal.train;

import anneal.schedule.Clock;
import anneal.schedule.LrScheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small schedulers for trainer tests (the real ones come from anneal.schedule). */
final class TestSchedules {
    private TestSchedules() {
    }

    /** lr = base * factor^ticks, stepped at {@code clock}; records the metrics it is given. */
    static class Geometric implements LrScheduler {
        final double base;
        final double factor;
        final Clock clock;
        final int groups;
        final boolean metric;
        long ticks;
        final List<Double> metrics = new ArrayList<>();

        Geometric(double base, double factor, Clock clock, int groups, boolean metric) {
            this.base = base;
            this.factor = factor;
            this.clock = clock;
            this.groups = groups;
            this.metric = metric;
        }

        @Override
        public void step() {
            ticks++;
        }

        @Override
        public void step(double m) {
            metrics.add(m);
            ticks++;
        }

        @Override
        public int groups() {
            return groups;
        }

        @Override
        public double lr(int group) {
            return base * Math.pow(factor, ticks);
        }

        @Override
        public long lastEpoch() {
            return ticks;
        }

        @Override
        public Clock clock() {
            return clock;
        }

        @Override
        public boolean needsMetric() {
            return metric;
        }

        @Override
        public Map<String, Object> stateDict() {
            return Map.of("ticks", ticks);
        }

        @Override
        public void loadStateDict(Map<String, Object> state) {
            ticks = ((Number) state.get("ticks")).longValue();
        }
    }

    static Geometric constant(double lr, int groups) {
        return new Geometric(lr, 1.0, Clock.EPOCH, groups, false);
    }
}
