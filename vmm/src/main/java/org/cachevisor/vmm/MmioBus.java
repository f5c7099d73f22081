package org.cachevisor.vmm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Routes an MMIO access (an IPA and a size, as carried by a stage-2 data abort's ESR_EL2.ISS: SAS gives
 * 1, 2, 4 or 8 bytes) to the device whose window contains it.
 *
 * <p>An access that hits no device, or that straddles the end of a device's window, is a guest event,
 * not a VMM error: it is reported as data in the caller's {@link Result} ({@link Status#UNMAPPED},
 * {@link Status#STRADDLES}), reads then return 0, writes are dropped, and the bus counts them. The caller
 * (the run loop, later) decides what the guest sees (QEMU's virt answers with an external abort).
 *
 * <p>Devices are added once at board construction; overlapping windows are refused with an
 * {@link IllegalArgumentException} before the bus changes. Lookup is a binary search over the sorted
 * bases and allocates nothing.
 */
public final class MmioBus {

    /** The outcome of one access. */
    public enum Status {
        /** A device took the access. */
        OK,
        /** No device window contains the first byte. */
        UNMAPPED,
        /** The first byte is in a window but the last is not. */
        STRADDLES,
        /** The size is not 1, 2, 4 or 8. */
        BAD_SIZE
    }

    /**
     * A caller-owned, reusable result of one access (so that routing allocates nothing). After
     * {@link #read}: {@code value} is the value read (0 unless {@code status == OK}). After either call:
     * {@code device} is the device that took it, or null.
     */
    public static final class Result {
        public Status status = Status.OK;
        public long value;
        public MmioDevice device;

        @Override
        public String toString() {
            return status + (device == null ? "" : " " + device.name()) + String.format(" value=0x%x", value);
        }
    }

    private MmioDevice[] devices = new MmioDevice[0]; // sorted by base
    private long[] bases = new long[0];
    private long unmappedReads, unmappedWrites;

    /**
     * Adds a device. Throws IllegalArgumentException, leaving the bus unchanged, if the window is empty,
     * wraps around the 64-bit address space, or overlaps a window already on the bus.
     */
    public void add(MmioDevice device) {
        long base = device.base(), size = device.size();
        if (size <= 0) throw new IllegalArgumentException("MMIO device " + device.name() + ": window size " + size + " is not positive");
        if (Long.compareUnsigned(base + size - 1, base) < 0) {
            throw new IllegalArgumentException(String.format("MMIO device %s: window 0x%x+0x%x wraps around the address space", device.name(), base, size));
        }
        for (MmioDevice d : devices) {
            if (Long.compareUnsigned(base, d.base() + d.size() - 1) <= 0 && Long.compareUnsigned(d.base(), base + size - 1) <= 0) {
                throw new IllegalArgumentException(String.format("MMIO device %s [0x%x, 0x%x) overlaps %s [0x%x, 0x%x)",
                        device.name(), base, base + size, d.name(), d.base(), d.base() + d.size()));
            }
        }
        int n = devices.length;
        MmioDevice[] nd = new MmioDevice[n + 1];
        long[] nb = new long[n + 1];
        int i = 0;
        while (i < n && Long.compareUnsigned(bases[i], base) < 0) { nd[i] = devices[i]; nb[i] = bases[i]; i++; }
        nd[i] = device; nb[i] = base;
        for (int j = i; j < n; j++) { nd[j + 1] = devices[j]; nb[j + 1] = bases[j]; }
        devices = nd;
        bases = nb;
    }

    /** The devices on the bus, by ascending base. */
    public List<MmioDevice> devices() {
        List<MmioDevice> l = new ArrayList<>(devices.length);
        Collections.addAll(l, devices);
        return Collections.unmodifiableList(l);
    }

    /** The device whose window contains {@code ipa}, or null. */
    public MmioDevice deviceAt(long ipa) {
        int lo = 0, hi = devices.length - 1, found = -1;
        while (lo <= hi) { // last base <= ipa (unsigned)
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(bases[mid], ipa) <= 0) { found = mid; lo = mid + 1; } else hi = mid - 1;
        }
        if (found < 0) return null;
        MmioDevice d = devices[found];
        return Long.compareUnsigned(ipa - d.base(), d.size()) < 0 ? d : null;
    }

    /** Reads {@code size} bytes at {@code ipa}; the outcome and value go to {@code out}. */
    public void read(long ipa, int size, Result out) {
        out.value = 0;
        MmioDevice d = route(ipa, size, out);
        if (d == null) { unmappedReads++; return; }
        out.value = d.read(ipa - d.base(), size);
    }

    /** Writes the low {@code size} bytes of {@code value} at {@code ipa}; the outcome goes to {@code out}. */
    public void write(long ipa, int size, long value, Result out) {
        out.value = 0;
        MmioDevice d = route(ipa, size, out);
        if (d == null) { unmappedWrites++; return; }
        d.write(ipa - d.base(), size, value);
    }

    private MmioDevice route(long ipa, int size, Result out) {
        out.device = null;
        if (size != 1 && size != 2 && size != 4 && size != 8) { out.status = Status.BAD_SIZE; return null; }
        MmioDevice d = deviceAt(ipa);
        if (d == null) { out.status = Status.UNMAPPED; return null; }
        out.device = d;
        if (Long.compareUnsigned(ipa - d.base() + size, d.size()) > 0) { out.status = Status.STRADDLES; return null; }
        out.status = Status.OK;
        return d;
    }

    /** Reads that no device took (unmapped, straddling or badly sized), since the bus was created. */
    public long unmappedReads() { return unmappedReads; }

    /** Writes that no device took, since the bus was created. */
    public long unmappedWrites() { return unmappedWrites; }
}
