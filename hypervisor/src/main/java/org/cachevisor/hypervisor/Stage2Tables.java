package org.cachevisor.hypervisor;

import java.util.ArrayList;
import java.util.List;

/**
 * One VM's stage-2 translation tables, stored in simulated RAM (host pages from the
 * {@link HostPageAllocator}), written and read by the host kernel through its cacheable mapping
 * ({@link HostKernel#write64}), in exactly the format the MMU's stage-2 walker reads
 * (org.cachevisor.machine.mmu.Mmu#walkStage2; Arm ARM D8.3 "Translation table descriptor formats",
 * VMSAv8-64 stage 2, 4 KiB granule).
 *
 * <h2>Geometry</h2>
 * VTCR_EL2.T0SZ = 25 (a 39-bit, 512 GiB IPA space), SL0 = 1 (the walk starts at level 1, one 4 KiB
 * root table, no concatenation), TG0 = 4 KiB, IRGN0 = ORGN0 = Write-Back, SH0 = Inner Shareable (the
 * walks are cacheable and coherent with the host's descriptor writes, as KVM configures them), PS from
 * the platform's PA size. Leaves are level-3 pages (4 KiB) and level-2 blocks (2 MiB).
 *
 * <p>Simplification: KVM/arm64 of 2014 used a 40-bit IPA space with two concatenated level-1 tables;
 * we use 39 bits and one root table. Guests (the virt board puts RAM at 1 GiB) see no difference.
 *
 * <h2>Leaf descriptors</h2>
 * bits[1:0] = 0b11 (page) or 0b01 (block); MemAttr[5:2] = 0b1111 (Normal, Outer and Inner
 * Write-Back: stage 1 decides, see arm-notes.md); S2AP[7:6] = 0b01 read-only or 0b11 read/write;
 * SH[9:8] = 0b11 Inner Shareable; AF[10] = 1; XN[54] for non-executable mappings. (A policy using
 * FEAT_S2FWB passes MemAttr 0b0110 instead: forced Normal Write-Back.)
 *
 * <p>The tables are the truth the MMU walks. TLB maintenance after a change is the caller's job.
 */
public final class Stage2Tables {
    public static final int T0SZ = 25, IPA_BITS = 64 - T0SZ;
    public static final long PAGE_SIZE = HostPageAllocator.PAGE_SIZE, BLOCK_SIZE = HostPageAllocator.BLOCK_SIZE;

    static final long VALID = 1, TABLE = 2, AF = 1L << 10, SH_INNER = 3L << 8, S2AP_R = 1L << 6, S2AP_W = 2L << 6,
            XN = 1L << 54;
    /** Stage-2 MemAttr[3:0] values: Normal Outer/Inner Write-Back; with FWB, forced Normal Write-Back. */
    public static final int MEMATTR_NORMAL_WB = 0b1111, MEMATTR_FWB_FORCE_WB = 0b0110;
    static final long OA_MASK = 0x0000_FFFF_FFFF_F000L;

    private final HostKernel host;
    private final HostPageAllocator allocator;
    private final long rootPa;
    private final List<Long> tablePages = new ArrayList<>();
    private final int vmid;

    /**
     * Allocates and zeroes the root table (on host PE {@code pe}).
     *
     * @throws IllegalArgumentException if {@code vmid} is outside 1..255
     */
    public Stage2Tables(HostKernel host, HostPageAllocator allocator, int vmid, int pe) {
        if (vmid < 1 || vmid > 255) throw new IllegalArgumentException("VMID " + vmid + " outside 1..255");
        this.host = host;
        this.allocator = allocator;
        this.vmid = vmid;
        this.rootPa = newTable(pe);
    }

    /** VTTBR_EL2: VMID[55:48], BADDR = the root table's PA. */
    public long vttbrEl2() { return ((long) vmid << 48) | rootPa; }

    public long rootPa() { return rootPa; }

    public int vmid() { return vmid; }

    /** Table pages in use (the root included). */
    public int tablePageCount() { return tablePages.size(); }

    /**
     * VTCR_EL2 for a platform with {@code paBits} of physical address: T0SZ[5:0] = 25, SL0[7:6] = 1,
     * IRGN0[9:8] = 01, ORGN0[11:10] = 01, SH0[13:12] = 11, TG0[15:14] = 00, PS[18:16], RES1 bit 31.
     */
    public static long vtcrEl2(int paBits) {
        int ps;
        if (paBits >= 48) ps = 5;
        else if (paBits >= 44) ps = 4;
        else if (paBits >= 42) ps = 3;
        else if (paBits >= 40) ps = 2;
        else if (paBits >= 36) ps = 1;
        else ps = 0;
        return (1L << 31) | ((long) ps << 16) | (0b11L << 12) | (0b01L << 10) | (0b01L << 8) | (1L << 6) | T0SZ;
    }

    private long newTable(int pe) {
        long pa = allocator.allocPage();
        host.zero(pe, pa, PAGE_SIZE);
        tablePages.add(pa);
        return pa;
    }

    /** The leaf descriptor for a mapping of {@code pa} with stage-2 MemAttr[3:0] {@code memAttr}. */
    static long leaf(long pa, boolean block, boolean writable, boolean executable, int memAttr) {
        return (pa & OA_MASK) | VALID | (block ? 0 : TABLE) | AF | SH_INNER | S2AP_R | (writable ? S2AP_W : 0)
                | ((long) (memAttr & 0xF) << 2) | (executable ? 0 : XN);
    }

    private static void checkIpa(long ipa, long size) {
        if (ipa < 0 || (ipa & (size - 1)) != 0 || ipa + size > (1L << IPA_BITS)) {
            throw new IllegalArgumentException(String.format("ipa 0x%x is not a %d KiB aligned address below 2^%d",
                    ipa, size >> 10, IPA_BITS));
        }
    }

    /**
     * Maps {@code [ipa, ipa + size)} to {@code [pa, pa + size)} as Normal Write-Back (MemAttr 0b1111).
     */
    public void map(int pe, long ipa, long pa, long size, boolean writable, boolean executable) {
        map(pe, ipa, pa, size, writable, executable, MEMATTR_NORMAL_WB);
    }

    /**
     * Maps {@code [ipa, ipa + size)} to {@code [pa, pa + size)} with stage-2 MemAttr[3:0] {@code memAttr}:
     * {@code size} is 4 KiB (a level-3 page) or 2 MiB (a level-2 block), both addresses aligned to it.
     * Allocates (and zeroes) missing tables.
     * Replaces whatever leaf was there (break-before-make is the caller's business).
     *
     * @throws IllegalArgumentException for a bad size or alignment, or a 4 KiB page inside an existing
     *     2 MiB block (or a block over an existing level-3 table); nothing is written then
     */
    public void map(int pe, long ipa, long pa, long size, boolean writable, boolean executable, int memAttr) {
        if (size != PAGE_SIZE && size != BLOCK_SIZE) throw new IllegalArgumentException("stage-2 mapping size must be 4 KiB or 2 MiB, got " + size);
        checkIpa(ipa, size);
        if ((pa & (size - 1)) != 0 || pa < 0) throw new IllegalArgumentException(String.format("pa 0x%x is not %d KiB aligned", pa, size >> 10));
        long l1Pa = rootPa + ((ipa >>> 30) & 511) * 8;
        long l1 = host.read64(pe, l1Pa);
        if ((l1 & VALID) != 0 && (l1 & TABLE) == 0) throw new IllegalArgumentException(String.format("ipa 0x%x lies in a 1 GiB block", ipa));
        long l2Pa = (l1 & VALID) != 0 ? l1 & OA_MASK : -1;
        long l2DescPa = l2Pa < 0 ? -1 : l2Pa + ((ipa >>> 21) & 511) * 8;
        if (size == BLOCK_SIZE) {
            if (l2DescPa >= 0) {
                long l2 = host.read64(pe, l2DescPa);
                if ((l2 & (VALID | TABLE)) == (VALID | TABLE)) {
                    throw new IllegalArgumentException(String.format("ipa 0x%x: a level-3 table is in the way of a 2 MiB block", ipa));
                }
            } else {
                l2Pa = newTable(pe);
                host.write64(pe, l1Pa, l2Pa | VALID | TABLE);
                l2DescPa = l2Pa + ((ipa >>> 21) & 511) * 8;
            }
            host.write64(pe, l2DescPa, leaf(pa, true, writable, executable, memAttr));
            return;
        }
        long l3Pa;
        if (l2DescPa >= 0) {
            long l2 = host.read64(pe, l2DescPa);
            if ((l2 & VALID) != 0 && (l2 & TABLE) == 0) {
                throw new IllegalArgumentException(String.format("ipa 0x%x lies in a 2 MiB block", ipa));
            }
            if ((l2 & VALID) == 0) {
                l3Pa = newTable(pe);
                host.write64(pe, l2DescPa, l3Pa | VALID | TABLE);
            } else {
                l3Pa = l2 & OA_MASK;
            }
        } else {
            l2Pa = newTable(pe);
            host.write64(pe, l1Pa, l2Pa | VALID | TABLE);
            l3Pa = newTable(pe);
            host.write64(pe, l2Pa + ((ipa >>> 21) & 511) * 8, l3Pa | VALID | TABLE);
        }
        host.write64(pe, l3Pa + ((ipa >>> 12) & 511) * 8, leaf(pa, false, writable, executable, memAttr));
    }

    /**
     * The PA of the leaf descriptor that maps {@code ipa} (a level-2 block or level-3 page entry),
     * or -1 if there is none. Reads through the host mapping.
     */
    public long leafDescriptorPa(int pe, long ipa) {
        checkIpa(ipa & ~(PAGE_SIZE - 1), PAGE_SIZE);
        long l1 = host.read64(pe, rootPa + ((ipa >>> 30) & 511) * 8);
        if ((l1 & (VALID | TABLE)) != (VALID | TABLE)) return -1;
        long l2DescPa = (l1 & OA_MASK) + ((ipa >>> 21) & 511) * 8;
        long l2 = host.read64(pe, l2DescPa);
        if ((l2 & VALID) == 0) return -1;
        if ((l2 & TABLE) == 0) return l2DescPa;
        long l3DescPa = (l2 & OA_MASK) + ((ipa >>> 12) & 511) * 8;
        return (host.read64(pe, l3DescPa) & VALID) != 0 ? l3DescPa : -1;
    }

    /**
     * Clears the leaf that maps {@code ipa} (page or whole block); returns the old descriptor, or 0
     * if nothing was mapped. Table pages stay (as KVM keeps them until the VM goes).
     */
    public long unmap(int pe, long ipa) {
        long descPa = leafDescriptorPa(pe, ipa);
        if (descPa < 0) return 0;
        long old = host.read64(pe, descPa);
        host.write64(pe, descPa, 0);
        return old;
    }

    /** What {@link #forEachLeaf} hands over for each valid leaf. */
    @FunctionalInterface
    public interface LeafVisitor {
        /** A leaf mapping {@code [ipa, ipa + size)} to {@code [pa, pa + size)} (size 4 KiB or 2 MiB). */
        void leaf(long ipa, long pa, long size);
    }

    /**
     * Walks the tables in simulated RAM (reading descriptors through the host mapping on {@code pe}, as
     * KVM's stage2_flush_memslot walks pgd/pud/pmd/pte) and calls {@code visitor} once for each valid
     * leaf whose first IPA lies in {@code [ipaStart, ipaEnd)}, in IPA order. Blocks are reported whole.
     *
     * @throws IllegalArgumentException if the range is empty, negative or beyond the IPA space
     */
    public void forEachLeaf(int pe, long ipaStart, long ipaEnd, LeafVisitor visitor) {
        if (ipaStart < 0 || ipaEnd <= ipaStart || ipaEnd > (1L << IPA_BITS) || visitor == null) {
            throw new IllegalArgumentException(String.format("stage-2 walk over [0x%x, 0x%x): not a non-empty range below 2^%d",
                    ipaStart, ipaEnd, IPA_BITS));
        }
        long l1Size = 1L << 30;
        for (long l1Ipa = ipaStart & -l1Size; l1Ipa < ipaEnd; l1Ipa += l1Size) {
            long l1 = host.read64(pe, rootPa + ((l1Ipa >>> 30) & 511) * 8);
            if ((l1 & (VALID | TABLE)) != (VALID | TABLE)) continue; // no 1 GiB blocks are ever written here
            long l2Pa = l1 & OA_MASK;
            long l2First = Math.max(l1Ipa, ipaStart & -BLOCK_SIZE), l2End = Math.min(l1Ipa + l1Size, ipaEnd);
            for (long l2Ipa = l2First; l2Ipa < l2End; l2Ipa += BLOCK_SIZE) {
                long l2 = host.read64(pe, l2Pa + ((l2Ipa >>> 21) & 511) * 8);
                if ((l2 & VALID) == 0) continue;
                if ((l2 & TABLE) == 0) {
                    if (l2Ipa >= ipaStart) visitor.leaf(l2Ipa, l2 & OA_MASK & -BLOCK_SIZE, BLOCK_SIZE);
                    continue;
                }
                long l3Pa = l2 & OA_MASK;
                long l3First = Math.max(l2Ipa, ipaStart), l3End = Math.min(l2Ipa + BLOCK_SIZE, ipaEnd);
                for (long l3Ipa = l3First & -PAGE_SIZE; l3Ipa < l3End; l3Ipa += PAGE_SIZE) {
                    if (l3Ipa < ipaStart) continue;
                    long l3 = host.read64(pe, l3Pa + ((l3Ipa >>> 12) & 511) * 8);
                    if ((l3 & (VALID | TABLE)) == (VALID | TABLE)) visitor.leaf(l3Ipa, l3 & OA_MASK, PAGE_SIZE);
                }
            }
        }
    }

    /** Frees every table page (the VM is gone; its mappings must have been removed from the TLBs). */
    public void freeTables() {
        for (long pa : tablePages) allocator.freePage(pa);
        tablePages.clear();
    }
}
