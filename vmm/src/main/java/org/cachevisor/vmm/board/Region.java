package org.cachevisor.vmm.board;

/**
 * One window of the board's guest physical (IPA) address map.
 *
 * @param name a short name for reports and FDT node names ("pl011", "flash0"...)
 * @param kind what backs the window
 * @param base the first IPA of the window
 * @param size the window's size in bytes
 * @param spi the GIC SPI number of the device's first interrupt (INTID = 32 + spi), or -1 if none
 * @param spiCount how many consecutive SPIs the device uses (0 if none)
 */
public record Region(String name, Kind kind, long base, long size, int spi, int spiCount) {

    /** What backs a window. */
    public enum Kind {
        /** Guest RAM (a memslot backed by host memory). */
        RAM,
        /** ROM-like device memory: read-only memslot in read-array mode, writes exit to the device (CFI flash). */
        FLASH,
        /** Device registers: every access exits to the VMM. */
        MMIO,
        /** Reserved by the board; nothing answers there in this model. */
        RESERVED
    }

    public Region {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("region: empty name");
        if (size <= 0) throw new IllegalArgumentException("region " + name + ": size " + size + " is not positive");
        if (Long.compareUnsigned(base + size - 1, base) < 0) throw new IllegalArgumentException(String.format("region %s: 0x%x+0x%x wraps around", name, base, size));
        if (spi < -1 || spiCount < 0 || (spi == -1) != (spiCount == 0)) {
            throw new IllegalArgumentException("region " + name + ": bad interrupt description spi=" + spi + " count=" + spiCount);
        }
    }

    /** A region without interrupts. */
    public static Region of(String name, Kind kind, long base, long size) {
        return new Region(name, kind, base, size, -1, 0);
    }

    /** The first IPA past the window. */
    public long end() { return base + size; }

    /** True if {@code ipa} is inside the window. */
    public boolean contains(long ipa) { return Long.compareUnsigned(ipa - base, size) < 0; }

    @Override
    public String toString() {
        return String.format("%-14s %-8s [0x%010x, 0x%010x)%s", name, kind, base, end(),
                spi < 0 ? "" : spiCount == 1 ? " SPI " + spi : " SPI " + spi + ".." + (spi + spiCount - 1));
    }
}
