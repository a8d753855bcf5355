package anneal.backend.cuda;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUstream;

/**
 * The device-scalar lr delivery: a ring of {@value #SLOTS} device slots, each one {@code SgdStep}. Each step
 * writes its words into the matching slot of a pinned host ring and enqueues {@code cuMemcpyHtoDAsync} of that
 * slot on the backend's stream, so the copy is ordered with the step's kernels and the host does not wait.
 * A pinned slot is rewritten only after the copy that read it has run: an event is recorded after each half
 * of the ring, and the host waits for it before it rewrites that half (so it may run up to half a ring of
 * steps ahead of the device).
 */
final class StepScalarRing {
    static final int SLOTS = 64;
    private static final int HALF = SLOTS / 2;

    private final int slotBytes;
    private final CUdeviceptr[] deviceSlot = new CUdeviceptr[SLOTS];
    private final long[] deviceAddress = new long[SLOTS];
    private final Pointer[] hostSlot = new Pointer[SLOTS];
    private final ByteBuffer host;
    private final CUevent[] halfDone = {new CUevent(), new CUevent()};
    private final boolean[] recorded = new boolean[2];
    private boolean eventsCreated;
    private int next;

    StepScalarRing(CudaDevice device, int words) {
        slotBytes = 4 * words;
        CUdeviceptr slots = device.alloc("device-scalar SgdStep ring (" + SLOTS + " slots)", (long) SLOTS * slotBytes);
        Pointer pinned = device.pinned((long) SLOTS * slotBytes);
        host = pinned.getByteBuffer(0, (long) SLOTS * slotBytes).order(ByteOrder.LITTLE_ENDIAN);
        long hostBase = KernelLaunch.NativeAddress.of(pinned);
        for (int i = 0; i < SLOTS; i++) {
            deviceSlot[i] = slots.withByteOffset((long) i * slotBytes);
            deviceAddress[i] = KernelLaunch.NativeAddress.of(deviceSlot[i]);
            hostSlot[i] = KernelLaunch.NativeAddress.raw(hostBase + (long) i * slotBytes);  // no buffer: cheap to pass
        }
        for (CUevent e : halfDone) cuEventCreate(e, CUevent_flags.CU_EVENT_DISABLE_TIMING);
        eventsCreated = true;
    }

    /** The device slot the first launch is built with. */
    CUdeviceptr firstSlot() {
        return deviceSlot[0];
    }

    /** Copies {@code words} into the next slot on {@code stream}; returns the slot's device address. */
    long write(int[] words, CUstream stream) {
        int i = next;
        if (i % HALF == 0 && recorded[i / HALF]) cuEventSynchronize(halfDone[i / HALF]);  // that half's copies have run
        int at = i * slotBytes;
        for (int w : words) {
            host.putInt(at, w);
            at += 4;
        }
        cuMemcpyHtoDAsync(deviceSlot[i], hostSlot[i], slotBytes, stream);
        return deviceAddress[i];
    }

    /** After the step that used the slot {@link #write} returned has been enqueued. */
    void stepEnqueued(CUstream stream) {
        int i = next;
        if ((i + 1) % HALF == 0) {
            cuEventRecord(halfDone[i / HALF], stream);
            recorded[i / HALF] = true;
        }
        next = (i + 1) % SLOTS;
    }

    /** Destroys the events (the memory belongs to the device and is freed with it). */
    void close() {
        if (!eventsCreated) return;
        eventsCreated = false;
        for (CUevent e : halfDone) cuEventDestroy(e);
    }
}
