package org.cachevisor.vmm.devices;

import org.cachevisor.vmm.MmioDevice;

/**
 * Base for devices whose registers are 32 bits wide at 4-byte-aligned offsets (every PrimeCell: PL011,
 * PL031...). It turns an access of any size into register reads and writes:
 * <ul>
 *   <li>a 1- or 2-byte read returns the addressed bytes of the containing register (Linux's amba-pl011
 *       uses 16-bit readw/writew for "arm,pl011");</li>
 *   <li>an 8-byte read at a 4-aligned offset reads two consecutive registers (low, then high);</li>
 *   <li>a write at a register's offset writes the low bits of the value to it (an 8-byte write writes
 *       two registers).</li>
 * </ul>
 * Simplification: what a PrimeCell does with a narrow write that does not start at a register's offset
 * depends on the bus bridge in front of it (APB before APB4 has no byte strobes); we drop such writes.
 * Neither U-Boot nor Linux issues them, so no guest we run can tell.
 */
abstract class Reg32Device implements MmioDevice {
    private final String name;
    private final long base, size;

    Reg32Device(String name, long base, long size) {
        this.name = name;
        this.base = base;
        this.size = size;
    }

    @Override public final String name() { return name; }
    @Override public final long base() { return base; }
    @Override public final long size() { return size; }

    /** Reads the 32-bit register at {@code offset} (a multiple of 4 inside the window). */
    abstract int readReg(int offset);

    /** Writes the 32-bit register at {@code offset} (a multiple of 4 inside the window). */
    abstract void writeReg(int offset, int value);

    @Override
    public final long read(long offset, int accessSize) {
        int regOffset = (int) offset & ~3;
        if (accessSize == 8) {
            if ((offset & 3) != 0 || regOffset + 8 > size) return 0;
            long lo = readReg(regOffset) & 0xFFFF_FFFFL;
            long hi = readReg(regOffset + 4) & 0xFFFF_FFFFL;
            return lo | hi << 32;
        }
        long reg = readReg(regOffset) & 0xFFFF_FFFFL;
        int shift = ((int) offset & 3) * 8;
        long mask = accessSize == 4 ? 0xFFFF_FFFFL : (1L << (accessSize * 8)) - 1;
        return (reg >>> shift) & mask;
    }

    @Override
    public final void write(long offset, int accessSize, long value) {
        if ((offset & 3) != 0) return; // see the class comment
        int regOffset = (int) offset;
        if (accessSize == 8) {
            if (regOffset + 8 > size) return;
            writeReg(regOffset, (int) value);
            writeReg(regOffset + 4, (int) (value >>> 32));
            return;
        }
        long mask = accessSize == 4 ? 0xFFFF_FFFFL : (1L << (accessSize * 8)) - 1;
        writeReg(regOffset, (int) (value & mask));
    }

    /** The PrimeCell identification registers at 0xFE0..0xFFC: PeriphID0..3 then PCellID0..3, one byte each. */
    static int primeCellId(int offset, int periphId, int cellId) {
        int index = (offset - 0xFE0) >> 2; // 0..7
        int word = index < 4 ? periphId : cellId;
        return (word >>> ((index & 3) * 8)) & 0xFF;
    }
}
