package org.cachevisor.vmm.devices;

import org.cachevisor.vmm.GuestMemoryPort;
import org.cachevisor.vmm.InterruptLine;
import org.cachevisor.vmm.MmioDevice;

/**
 * A minimal non-coherent DMA engine for tests (scenario S4 "dma-caches-off"): it copies LEN bytes of guest
 * memory from SRC to DST through a {@link GuestMemoryPort}, i.e. at the Point of Coherency, bypassing every
 * cache. A guest that leaves the source dirty in its D-cache, or keeps stale lines of the destination,
 * sees what a real non-coherent bus master would give it; that is the point.
 *
 * <h2>Interface</h2>
 * <ul>
 *   <li>MMIO window: 4 KiB (virt: 0x0C00_0000, the start of QEMU's platform bus; DT compatible
 *       "cachevisor,dma-test"). Registers are 64 bits wide at 8-byte-aligned offsets, or 32 bits wide as
 *       shown; 4- and 8-byte accesses work (a 4-byte access to a 64-bit register reaches its low or high
 *       half); 1- and 2-byte accesses read as 0 and are ignored on write.</li>
 *   <li>0x00 SRC (RW, 64): source IPA. 0x08 DST (RW, 64): destination IPA. 0x10 LEN (RW, 64): bytes.</li>
 *   <li>0x18 GO (WO, 32): writing 1 starts the copy (other values are ignored); reads 0.</li>
 *   <li>0x1C CTRL (RW, 32): bit 0 IE, interrupt on completion or error.</li>
 *   <li>0x20 STATUS (RW, 32): bit 0 BUSY, bit 1 DONE, bit 2 ERROR; write 1s to clear DONE and ERROR.</li>
 *   <li>0x24 ERROR (RO, 32): why the last GO failed: {@link #ERR_NONE} 0, {@link #ERR_LEN_ZERO} 1,
 *       {@link #ERR_LEN_TOO_BIG} 2 (above {@link #MAX_LEN}), {@link #ERR_SRC_OUTSIDE_RAM} 3,
 *       {@link #ERR_DST_OUTSIDE_RAM} 4. A failed GO copies nothing.</li>
 *   <li>0x28 COUNT (RO, 32): copies completed since reset. 0x30 ID (RO, 32): {@link #ID_VALUE} ("CVDM").</li>
 *   <li>Interrupt: one line (virt: SPI 112), level = CTRL.IE &amp;&amp; (DONE || ERROR).</li>
 * </ul>
 *
 * <h2>Not modelled</h2>
 * Simplification: a real engine copies in bursts over time, so BUSY is visible and the guest must wait
 * for DONE; ours copies the whole buffer when GO is written, so BUSY always reads 0 and DONE is set by the
 * time the guest can look. Guests that poll DONE behave the same; the oracle sees the same PoC reads and
 * writes, only without interleaving with guest accesses during the copy.
 *
 * <p>Simplification: overlapping source and destination are copied as if through a buffer (memmove);
 * real engines give burst-order-dependent results. Tests do not overlap them.
 */
public final class DmaEngine implements MmioDevice {
    public static final int SRC = 0x00, DST = 0x08, LEN = 0x10, GO = 0x18, CTRL = 0x1C, STATUS = 0x20, ERROR = 0x24,
            COUNT = 0x28, ID = 0x30;
    public static final int STATUS_BUSY = 1, STATUS_DONE = 2, STATUS_ERROR = 4;
    public static final int CTRL_IE = 1;
    public static final int ERR_NONE = 0, ERR_LEN_ZERO = 1, ERR_LEN_TOO_BIG = 2, ERR_SRC_OUTSIDE_RAM = 3, ERR_DST_OUTSIDE_RAM = 4;
    /** The largest copy one GO may ask for (16 MiB). */
    public static final long MAX_LEN = 16L << 20;
    /** "CVDM" read as a little-endian word. */
    public static final int ID_VALUE = 'C' | 'V' << 8 | 'D' << 16 | 'M' << 24;

    private final String name;
    private final long base;
    private final GuestMemoryPort memory;
    private final InterruptLine irq;
    private long srcIpa, dstIpa, len;
    private int ctrl, status, error, count;
    private boolean irqLevel;

    /** A DMA engine at {@code base} copying through {@code memory}, signalling on {@code irq}. */
    public DmaEngine(String name, long base, GuestMemoryPort memory, InterruptLine irq) {
        if (memory == null || irq == null) throw new IllegalArgumentException("dma: null memory port or interrupt line");
        this.name = name;
        this.base = base;
        this.memory = memory;
        this.irq = irq;
    }

    @Override public String name() { return name; }
    @Override public long base() { return base; }
    @Override public long size() { return 0x1000; }

    /** The current level of the interrupt output. */
    public boolean irqLevel() { return irqLevel; }

    @Override
    public long read(long offset, int size) {
        if (size != 4 && size != 8) return 0;
        long v;
        int o = (int) offset;
        switch (o & ~7) {
            case SRC: v = srcIpa; break;
            case DST: v = dstIpa; break;
            case LEN: v = len; break;
            case GO: v = (long) ctrl << 32; break;        // GO reads 0, CTRL in the high half
            case STATUS: v = (status & 0xFFFF_FFFFL) | (long) error << 32; break;
            case COUNT: v = count & 0xFFFF_FFFFL; break;
            case ID: v = ID_VALUE & 0xFFFF_FFFFL; break;
            default: v = 0;
        }
        if (size == 8) return (o & 7) == 0 ? v : 0;
        return (o & 4) == 0 ? v & 0xFFFF_FFFFL : v >>> 32;
    }

    @Override
    public void write(long offset, int size, long value) {
        if (size != 4 && size != 8) return;
        int o = (int) offset;
        if (size == 8 && (o & 7) != 0) return;
        switch (o & ~7) {
            case SRC: srcIpa = merge(srcIpa, o, size, value); break;
            case DST: dstIpa = merge(dstIpa, o, size, value); break;
            case LEN: len = merge(len, o, size, value); break;
            case GO:
                if ((o & 4) == 0 && (int) value == 1) go();
                if (size == 8 || (o & 4) != 0) {
                    ctrl = (int) (size == 8 ? value >>> 32 : value) & CTRL_IE;
                    updateIrq();
                }
                break;
            case STATUS:
                if ((o & 4) == 0) {
                    status &= ~((int) value & (STATUS_DONE | STATUS_ERROR));
                    updateIrq();
                }
                break;
            default: break; // read-only or reserved
        }
    }

    private static long merge(long old, int offset, int size, long value) {
        if (size == 8) return value;
        return (offset & 4) == 0 ? (old & 0xFFFF_FFFF_0000_0000L) | (value & 0xFFFF_FFFFL)
                                 : (old & 0xFFFF_FFFFL) | (value << 32);
    }

    /** One copy; every check happens before any guest memory is touched. */
    private void go() {
        status &= ~(STATUS_DONE | STATUS_ERROR);
        int err = ERR_NONE;
        if (len == 0) err = ERR_LEN_ZERO;
        else if (Long.compareUnsigned(len, MAX_LEN) > 0) err = ERR_LEN_TOO_BIG;
        else if (!memory.contains(srcIpa, len)) err = ERR_SRC_OUTSIDE_RAM;
        else if (!memory.contains(dstIpa, len)) err = ERR_DST_OUTSIDE_RAM;
        error = err;
        if (err != ERR_NONE) {
            status |= STATUS_ERROR;
        } else {
            byte[] buffer = new byte[(int) len];
            memory.read(srcIpa, buffer, 0, buffer.length);
            memory.write(dstIpa, buffer, 0, buffer.length);
            count++;
            status |= STATUS_DONE;
        }
        updateIrq();
    }

    private void updateIrq() {
        boolean level = (ctrl & CTRL_IE) != 0 && (status & (STATUS_DONE | STATUS_ERROR)) != 0;
        if (level != irqLevel) {
            irqLevel = level;
            irq.set(level);
        }
    }
}
