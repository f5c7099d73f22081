package org.cachevisor.vmm;

/**
 * A device register window on the guest's physical (IPA) address space, as the VMM sees it after an
 * MMIO exit: an access of 1, 2, 4 or 8 bytes at an offset inside the window.
 *
 * <p>Contract: {@link #read} and {@link #write} are called only with {@code 0 <= offset},
 * {@code offset + size <= size()} and {@code size} in {1, 2, 4, 8} (the {@link MmioBus} checks this).
 * Values are little-endian, zero-extended to 64 bits on reads; on writes only the low {@code size}
 * bytes of {@code value} are meaningful. A device never throws for a guest access: an access the real
 * device would ignore or answer with garbage is answered the way the device file documents (guest-visible
 * events are data, not exceptions).
 */
public interface MmioDevice {
    /** A short name for reports ("pl011", "pflash0"...). */
    String name();

    /** The window's base IPA. */
    long base();

    /** The window's size in bytes. */
    long size();

    /** Reads {@code size} bytes at {@code offset} from the window's base. */
    long read(long offset, int size);

    /** Writes the low {@code size} bytes of {@code value} at {@code offset} from the window's base. */
    void write(long offset, int size, long value);
}
