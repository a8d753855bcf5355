package anneal.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import anneal.backend.BackendUnavailableException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link CudaBackend#probe()} and {@link CudaBackend#open} agree: where the probe names a reason (this
 * CI machine: no libcuda.so.1), opening fails with exactly that reason as a one-line message; where it
 * finds a device, opening succeeds and describes the device.
 */
class CudaAvailabilityTest {
    @Test
    void probeAndOpenAgree() {
        Optional<String> why = CudaBackend.probe();
        if (why.isPresent()) {
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class, CudaBackend::open);
            assertEquals("CUDA backend unavailable: " + why.get(), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertTrue(why.get().startsWith("no CUDA driver library") || why.get().startsWith("no CUDA device")
                    || why.get().startsWith("the "), why.get());
        } else {
            try (CudaBackend b = CudaBackend.open()) {
                assertTrue(b.description().startsWith("cuda: "), b.description());
            }
        }
    }

    @Test
    void probeIsRepeatable() {
        assertEquals(CudaBackend.probe(), CudaBackend.probe());
    }

    @Test
    void lrDeliveryNamesRoundTrip() {
        for (LrDelivery d : LrDelivery.values()) assertEquals(d, LrDelivery.parse(d.cliName()));
        var e = assertThrows(IllegalArgumentException.class, () -> LrDelivery.parse("pinned"));
        assertEquals("lr delivery must be kernel-arg, device-scalar or graph, got 'pinned'", e.getMessage());
    }
}
