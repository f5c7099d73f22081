package org.cachevisor.machine.mmu;

import org.cachevisor.memsys.MemConfig;
import org.cachevisor.memsys.MemorySystem;

/**
 * Test fixture: a machine with RAM at PA 0 (64 MiB), a bump allocator of 4 KiB tables in
 * [TABLE_POOL, TABLE_POOL + 8 MiB) and descriptor encoders written from the Arm ARM descriptor
 * layouts (D8.3 "Translation table descriptor formats"), independent of the MMU's decoders.
 * Tables are written with {@link MemorySystem#ramPoke} (straight to RAM) unless a test says otherwise.
 */
final class PageTables {
    static final long RAM_SIZE = 64L << 20;
    static final long TABLE_POOL = 32L << 20;

    /** MAIR_EL1 used by the tests: Attr0 Device-nGnRnE, Attr1 Normal NC, Attr2 Normal WT, Attr3 Normal WB, Attr4 Device-nGnRE. */
    static final long MAIR = 0x00L | 0x44L << 8 | 0xBBL << 16 | 0xFFL << 24 | 0x04L << 32;
    static final int IDX_DEVICE = 0, IDX_NC = 1, IDX_WT = 2, IDX_WB = 3;

    /** TCR_EL1: T0SZ = T1SZ = 16 (48-bit VAs), walks Inner/Outer WB Inner Shareable for both halves, IPS = 48 bits. */
    static final long TCR = 16L | 0b01L << 8 | 0b01L << 10 | 0b11L << 12
            | 16L << 16 | 0b01L << 24 | 0b01L << 26 | 0b11L << 28 | 0b10L << 30 | 0b101L << 32;

    /** VTCR_EL2: T0SZ = 24 (40-bit IPAs), SL0 = 1 (start at level 1), walks WB ISH, PS = 40 bits. */
    static final long VTCR = 24L | 0b01L << 6 | 0b01L << 8 | 0b01L << 10 | 0b11L << 12 | 0b010L << 16;

    final MemorySystem mem;
    private long next = TABLE_POOL;

    PageTables() {
        this(MemConfig.defaults());
    }

    PageTables(MemConfig config) {
        mem = new MemorySystem(config);
        mem.map().addRam("ram", 0, RAM_SIZE);
    }

    /** The end of the allocated part of the table pool (tables are in [TABLE_POOL, this)). */
    long allocatedEnd() { return next; }

    /** A fresh zeroed (all-invalid) 4 KiB table. */
    long newTable() {
        long pa = next;
        next += 4096;
        if (next > TABLE_POOL + (8L << 20)) throw new IllegalStateException("table pool exhausted");
        for (int i = 0; i < 512; i++) mem.ramPoke(pa + 8L * i, 8, 0);
        return pa;
    }

    /** Table descriptor (levels 0-2): next-level table address | 0b11, with APTable/UXNTable/PXNTable bits. */
    static long table(long nextPa, int apTable, boolean uxnTable, boolean pxnTable) {
        return nextPa | 0b11 | (long) apTable << 61 | (uxnTable ? 1L << 60 : 0) | (pxnTable ? 1L << 59 : 0);
    }

    static long table(long nextPa) { return table(nextPa, 0, false, false); }

    /**
     * Stage-1 leaf: page (level 3, bits[1:0] = 0b11) or block (levels 1-2, 0b01). Lower attributes:
     * AttrIndx[4:2], AP[7:6], SH[9:8], AF[10], nG[11]; upper: PXN[53], UXN[54].
     */
    static long s1Leaf(boolean page, long outPa, int attrIndx, int ap, int sh, boolean af, boolean nG, boolean pxn, boolean uxn) {
        return outPa | (page ? 0b11 : 0b01) | (long) attrIndx << 2 | (long) ap << 6 | (long) sh << 8
                | (af ? 1L << 10 : 0) | (nG ? 1L << 11 : 0) | (pxn ? 1L << 53 : 0) | (uxn ? 1L << 54 : 0);
    }

    /** A usual stage-1 page: RW at EL1 only (AP = 00), Inner Shareable, AF set, global, executable at EL1. */
    static long s1Page(long outPa, int attrIndx) {
        return s1Leaf(true, outPa, attrIndx, 0b00, 0b11, true, false, false, true);
    }

    /** Stage-2 leaf: MemAttr[5:2], S2AP[7:6], SH[9:8], AF[10], XN[54]. */
    static long s2Leaf(boolean page, long outPa, int memAttr, int s2ap, int sh, boolean af, boolean xn) {
        return outPa | (page ? 0b11 : 0b01) | (long) memAttr << 2 | (long) s2ap << 6 | (long) sh << 8
                | (af ? 1L << 10 : 0) | (xn ? 1L << 54 : 0);
    }

    /** Stage-2 page: Normal WB (MemAttr 0b1111), read/write, ISH, AF, executable. */
    static long s2Page(long outPa) { return s2Leaf(true, outPa, 0b1111, 0b11, 0b11, true, false); }

    /**
     * Installs {@code leaf} for {@code address} at {@code leafLevel} under the table at {@code rootPa}
     * (of a walk starting at {@code startLevel} with {@code firstBits} index bits there), creating
     * missing intermediate tables. Returns the PA of the leaf descriptor.
     */
    long map(long rootPa, int startLevel, int firstBits, long address, int leafLevel, long leaf) {
        long tablePa = rootPa;
        for (int level = startLevel; ; level++) {
            int shift = 12 + 9 * (3 - level);
            int bits = level == startLevel ? firstBits : 9;
            long descPa = tablePa + 8 * ((address >>> shift) & ((1L << bits) - 1));
            if (level == leafLevel) {
                mem.ramPoke(descPa, 8, leaf);
                return descPa;
            }
            long desc = mem.ramPeek(descPa, 8);
            if ((desc & 0b11) != 0b11) {
                long t = newTable();
                mem.ramPoke(descPa, 8, table(t));
                tablePa = t;
            } else {
                tablePa = desc & 0x0000_FFFF_FFFF_F000L;
            }
        }
    }

    /** Stage-1 map with a 48-bit VA space (start level 0, 9 index bits). */
    long map48(long rootPa, long va, int leafLevel, long leaf) {
        return map(rootPa, 0, 9, va, leafLevel, leaf);
    }

    /** Stage-2 map with {@link #VTCR} (40-bit IPA, start level 1, 10 index bits: two concatenated tables). */
    long mapS2(long rootPa, long ipa, int leafLevel, long leaf) {
        return map(rootPa, 1, 10, ipa, leafLevel, leaf);
    }

    /** Two concatenated zeroed tables (8 KiB, 8 KiB aligned) for a {@link #VTCR} stage-2 root. */
    long newS2Root() {
        if ((next & 0x1FFF) != 0) newTable();
        long root = newTable();
        newTable();
        return root;
    }

    /** Identity-maps [0, RAM_SIZE) at stage 2 with 2 MiB blocks of Normal WB RW. */
    void identityS2(long s2Root) {
        for (long ipa = 0; ipa < RAM_SIZE; ipa += 2L << 20) {
            mapS2(s2Root, ipa, 2, s2Leaf(false, ipa, 0b1111, 0b11, 0b11, true, false));
        }
    }

    /** A context with stage 1 on (M, C, I set), TTBR0 = {@code ttbr0}, ASID {@code asid}, no EL2. */
    static TranslationContext s1Context(long ttbr0, int asid) {
        TranslationContext c = new TranslationContext();
        c.sctlrEl1 = 0x00C5_0078L | 1 | 1 << 2 | 1 << 12;
        c.tcrEl1 = TCR;
        c.mairEl1 = MAIR;
        c.ttbr0El1 = ttbr0 | (long) asid << 48;
        return c;
    }

    /** Adds EL2 with stage 2 on (HCR_EL2.VM = 1), VMID {@code vmid}, root {@code s2Root}. */
    static TranslationContext withS2(TranslationContext c, long s2Root, int vmid) {
        c.el2Enabled = true;
        c.hcrEl2 = 1;
        c.vtcrEl2 = VTCR;
        c.vttbrEl2 = s2Root | (long) vmid << 48;
        return c;
    }
}
