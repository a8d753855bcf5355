package anneal.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link SweepSettings#equals} and {@code --resume}'s header comparison are one rule ({@link HeaderContract}): every
 * component, including one added later, makes two settings differ, and the difference is named as --resume names it.
 * Before, {@code equals} walked a hand-written field list that missed {@code targetSource}, so two protocols that
 * {@code --resume} refuses to mix compared equal.
 */
class SweepSettingsContractTest {

    @Test
    void everyComponentCountsAndIsNamedAsResumeNamesIt() throws Exception {
        SweepSettings base = SweepSettings.defaults(Path.of("/data"));
        RecordComponent[] components = SweepSettings.class.getRecordComponents();
        Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        Constructor<SweepSettings> canonical = SweepSettings.class.getDeclaredConstructor(types);
        for (int i = 0; i < components.length; i++) {
            Object[] values = new Object[components.length];
            for (int k = 0; k < components.length; k++) values[k] = components[k].getAccessor().invoke(base);
            values[i] = changed(values[i], types[i]);
            SweepSettings other = canonical.newInstance(values);
            String name = components[i].getName();
            assertNotEquals(base, other, name);
            List<String> d = HeaderContract.differences(base, other);
            assertEquals(1, d.size(), name + ": " + d);
            assertEquals("settings." + name + ":", d.get(0).substring(0, d.get(0).indexOf(' ')), d.get(0));
        }
        assertEquals(base, SweepSettings.defaults(Path.of("/data")));
        assertEquals(List.of(), HeaderContract.differences(base, SweepSettings.defaults(Path.of("/data"))));
    }

    @Test
    void theMessageIsResumes() {
        SweepSettings a = SweepSettings.defaults(Path.of("/data"));
        SweepSettings b = a.withTarget(0.9, "--target");
        assertEquals(List.of("settings.target: 0.88 in the journal, 0.9 asked",
                "settings.targetSource: \"default\" in the journal, \"--target\" asked"), HeaderContract.differences(a, b));
    }

    /** Another valid value of the same type. */
    private static Object changed(Object v, Class<?> type) {
        if (type == java.util.Map.class) // the tuned search spaces: none recorded by default, the catalogue's when tuned
            return v == null ? ScheduleCatalogue.spaces(java.util.List.of(), ScheduleCatalogue.names()) : null;
        if (v instanceof Double d) return d == 0.5 ? 0.25 : 0.5;
        if (v instanceof Integer n) return n + 1;
        if (v instanceof Boolean b) return !b;
        if (v instanceof String s) return s + "-other";
        if (v instanceof int[] a) return new int[] {a[0] + 1};
        if (v == null) return "set";
        throw new AssertionError("a component of a type this test does not vary: " + v.getClass());
    }
}
