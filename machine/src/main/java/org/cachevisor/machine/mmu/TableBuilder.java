package org.cachevisor.machine.mmu;

import org.cachevisor.memsys.AccessKind;
import org.cachevisor.memsys.Attrs;
import org.cachevisor.memsys.MemorySystem;

/**
 * Builds stage-1 (or stage-2) translation tables with the 4 KiB granule in simulated RAM, as a
 * kernel (or hypervisor) would: every descriptor is a memory write through the memory system by
 * {@code agent} on PE {@code pe} with attributes {@code writeAttrs} (use Normal WB for a kernel
 * running with caches on, {@link Attrs#NC} for one running with SCTLR_EL1.C = 0). Tables come from a
 * pool of RAM given by the caller, handed out in 4 KiB steps and assumed zero (fresh sparse RAM is).
 *
 * <p>Cold path (set-up); not for per-access use. Descriptor formats: Arm ARM D8.3.
 */
public final class TableBuilder {
    /** Stage-1 lower attributes: AttrIndx[4:2], AP[7:6] (00 EL1 RW, 01 EL0+EL1 RW, 10 EL1 RO, 11 EL0+EL1 RO), SH[9:8], AF[10], nG[11]. */
    public static final long AF = 1L << 10, NG = 1L << 11, SH_ISH = 0b11L << 8, SH_OSH = 0b10L << 8,
            AP_EL1_RW = 0, AP_RW = 0b01L << 6, AP_EL1_RO = 0b10L << 6, AP_RO = 0b11L << 6,
            PXN = 1L << 53, UXN = 1L << 54;

    /** AttrIndx values of {@link #MAIR_EL1}: 0 Device-nGnRnE, 1 Normal NC, 2 Normal WT, 3 Normal WB. */
    public static final int ATTR_DEVICE = 0, ATTR_NC = 1, ATTR_WT = 2, ATTR_WB = 3;

    /** A MAIR_EL1 matching the ATTR_* indexes (Attr0 0x00, Attr1 0x44, Attr2 0xBB, Attr3 0xFF). */
    public static final long MAIR_EL1 = 0x00L | 0x44L << 8 | 0xBBL << 16 | 0xFFL << 24;

    /**
     * A TCR_EL1 for 48-bit VAs in both halves (T0SZ = T1SZ = 16), 4 KiB granules (TG1 = 0b10), walks
     * Inner/Outer Write-Back Inner Shareable, IPS = 40 bits, 8-bit ASIDs from TTBR0_EL1.
     */
    public static final long TCR_EL1_48BIT = 16L | 0b01L << 8 | 0b01L << 10 | 0b11L << 12
            | 16L << 16 | 0b01L << 24 | 0b01L << 26 | 0b11L << 28 | 0b10L << 30 | 0b010L << 32;

    /** Normal WB, Inner Shareable, AF, read/write at EL0 and EL1, never executable (data pages of a process). */
    public static final long USER_DATA = (long) ATTR_WB << 2 | SH_ISH | AF | NG | AP_RW | PXN | UXN;
    /** Normal WB, Inner Shareable, AF, read-only at EL0 and EL1, executable at EL0 only (text of a process). */
    public static final long USER_TEXT = (long) ATTR_WB << 2 | SH_ISH | AF | NG | AP_RO | PXN;
    /** Normal WB, Inner Shareable, AF, read/write at EL0 and EL1, executable at EL0 (a RWX process segment). */
    public static final long USER_RWX = (long) ATTR_WB << 2 | SH_ISH | AF | NG | AP_RW | PXN;

    private final MemorySystem mem;
    private final int pe;
    private final int agent;
    private final int writeAttrs;
    private final long poolEnd;
    private long next;
    private final long root;
    private long tablesAllocated;

    /**
     * A builder allocating tables in [{@code poolPa}, {@code poolPa + poolBytes}) (4 KiB aligned RAM),
     * writing as {@code agent} on PE {@code pe} (-1: no cache hierarchy, then {@code writeAttrs} must
     * be non-cacheable). The root table is allocated at once.
     */
    public TableBuilder(MemorySystem mem, int pe, int agent, int writeAttrs, long poolPa, long poolBytes) {
        if (mem == null) throw new IllegalArgumentException("memory system must not be null");
        if ((poolPa & 0xFFF) != 0 || poolBytes < 4096) {
            throw new IllegalArgumentException(String.format("table pool 0x%x+0x%x must be 4 KiB aligned and hold a table", poolPa, poolBytes));
        }
        if (pe < 0 && Attrs.cacheable(writeAttrs)) throw new IllegalArgumentException("pe -1 can only write non-cacheably");
        this.mem = mem;
        this.pe = pe;
        this.agent = agent;
        this.writeAttrs = writeAttrs;
        this.next = poolPa;
        this.poolEnd = poolPa + poolBytes;
        this.root = allocate();
    }

    /** The root (level-0) table's PA: the TTBR0_EL1/TTBR1_EL1 base. */
    public long root() { return root; }

    /** Tables allocated so far (root included). */
    public long tablesAllocated() { return tablesAllocated; }

    private long allocate() {
        if (next + 4096 > poolEnd) throw new IllegalStateException("translation table pool exhausted");
        long pa = next;
        next += 4096;
        tablesAllocated++;
        return pa;
    }

    /**
     * Maps [{@code va}, {@code va + size}) to [{@code pa}, ...) with 4 KiB pages whose lower and upper
     * attributes are {@code attrs} (e.g. {@link #USER_DATA}); replaces earlier mappings of those pages.
     *
     * @throws IllegalArgumentException if va, pa or size is not 4 KiB aligned, or va is not a 48-bit TTBR0 address
     */
    public void mapPages(long va, long pa, long size, long attrs) {
        if (((va | pa | size) & 0xFFF) != 0) {
            throw new IllegalArgumentException(String.format("mapping va 0x%x pa 0x%x size 0x%x is not 4 KiB aligned", va, pa, size));
        }
        if (size < 0 || (va >>> 48) != 0 || ((va + size - 1) >>> 48) != 0) {
            throw new IllegalArgumentException(String.format("va range 0x%x+0x%x outside the 48-bit TTBR0 space", va, size));
        }
        for (long off = 0; off < size; off += 4096) {
            long tablePa = root;
            for (int level = 0; level < 3; level++) tablePa = nextTable(tablePa, (va + off) >>> (39 - 9 * level) & 511);
            write(tablePa + 8 * (((va + off) >>> 12) & 511), (pa + off) | 0b11 | (attrs & ~0x0000_FFFF_FFFF_F003L));
        }
    }

    /** Follows (or creates) the table descriptor at {@code index} of the table at {@code tablePa}. */
    private long nextTable(long tablePa, long index) {
        long descPa = tablePa + 8 * index;
        long d = mem.read(pe, agent, AccessKind.LOAD, descPa, 8, writeAttrs);
        if ((d & 0b11) == 0b11) return d & 0x0000_FFFF_FFFF_F000L;
        long t = allocate();
        write(descPa, t | 0b11);
        return t;
    }

    private void write(long pa, long value) {
        mem.write(pe, agent, AccessKind.STORE, pa, 8, writeAttrs, value);
    }
}
