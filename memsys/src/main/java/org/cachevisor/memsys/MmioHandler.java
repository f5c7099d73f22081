package org.cachevisor.memsys;

/**
 * A device's register window. Offsets are relative to the window's base; sizes are 1, 2, 4 or 8.
 * MMIO windows are never cached, whatever the access's attributes.
 */
public interface MmioHandler {
    /** Reads {@code size} bytes at {@code offset}; {@code agent} is who reads (see {@link Agents}). */
    long read(int agent, long offset, int size);

    /** Writes the low {@code size} bytes of {@code value} at {@code offset}. */
    void write(int agent, long offset, int size, long value);
}
