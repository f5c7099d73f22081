package org.cachevisor.memsys;

/**
 * The one configuration of a memory system (no globals): PE count, line size, the geometry of each
 * PE's L1D and L1I and of the shared unified L2, the CTR_EL0.IDC/DIC platform choices, the DC ZVA
 * block size and the physical address width. Every implementation-defined choice of the memory
 * system lives here. The constructor rejects an impossible configuration with a one-line message.
 *
 * <p>It also produces the identification registers software uses to discover the hierarchy
 * (CLIDR_EL1, CCSIDR_EL1, CTR_EL0, DCZID_EL0), with the field layouts of the Arm ARM (DDI 0487,
 * D19 "AArch64 System Register Descriptions").
 *
 * @param peCount      processing elements, 1..64
 * @param lineSize     bytes per cache line (all levels), a power of two in 16..256
 * @param l1d          geometry of each PE's L1 data cache
 * @param l1i          geometry of each PE's L1 instruction cache
 * @param l2           geometry of the shared unified L2 (the PoU)
 * @param idc          CTR_EL0.IDC: an L1I fill sees data still dirty in an L1D (no DC CVAU needed)
 * @param dic          CTR_EL0.DIC: a cacheable data write removes the line from every L1I, so no
 *                     IC IVAU is needed (a DC CVAU still is, unless {@code idc})
 * @param dczBlockSize DC ZVA block size in bytes, a power of two in 4..2048 (DCZID_EL0.BS <= 9)
 * @param paBits       physical address width in bits, 32..52
 */
public record MemConfig(int peCount, int lineSize, CacheGeometry l1d, CacheGeometry l1i, CacheGeometry l2,
        boolean idc, boolean dic, int dczBlockSize, int paBits) {

    public static final int MAX_PES = 64;

    public MemConfig {
        if (peCount < 1 || peCount > MAX_PES) {
            throw new IllegalArgumentException("peCount must be in 1.." + MAX_PES + ", got " + peCount);
        }
        if (lineSize < 16 || lineSize > 256 || Integer.bitCount(lineSize) != 1) {
            throw new IllegalArgumentException("lineSize must be a power of two in 16..256 bytes, got " + lineSize);
        }
        if (l1d == null || l1i == null || l2 == null) {
            throw new IllegalArgumentException("cache geometries must not be null");
        }
        checkSetWayFits("L1D", l1d, lineSize);
        checkSetWayFits("L1I", l1i, lineSize);
        checkSetWayFits("L2", l2, lineSize);
        if (dczBlockSize < 4 || dczBlockSize > 2048 || Integer.bitCount(dczBlockSize) != 1) {
            throw new IllegalArgumentException(
                    "dczBlockSize must be a power of two in 4..2048 bytes (DCZID_EL0.BS <= 9), got " + dczBlockSize);
        }
        if (paBits < 32 || paBits > 52) {
            throw new IllegalArgumentException("paBits must be in 32..52, got " + paBits);
        }
        // Sparse RAM pages are 4 KiB and a cache line must never straddle a page.
        if (lineSize > 4096) throw new IllegalArgumentException("lineSize must not exceed the 4 KiB page");
    }

    /*
     * The set/way operand of DC ISW/CSW/CISW (Arm ARM, "DC ISW" and "Set/way" operand description)
     * places Set in bits [B-1:L] and Way in bits [31:32-A], with L = log2(line bytes),
     * B = L + log2(sets), A = ceil(log2(ways)). They must not overlap: B <= 32 - A.
     */
    private static void checkSetWayFits(String name, CacheGeometry g, int lineSize) {
        int l = Integer.numberOfTrailingZeros(lineSize);
        int b = l + g.setBits();
        int a = g.wayBits();
        if (b > 32 - a) {
            throw new IllegalArgumentException(String.format(
                    "impossible %s geometry: %d sets x %d ways of %d-byte lines needs %d set/way operand bits, "
                            + "more than the 32 the DC ISW/CSW/CISW operand has",
                    name, g.sets(), g.ways(), lineSize, b + a));
        }
    }

    /** Defaults: 2 PEs, 64-byte lines, L1D and L1I 64 sets x 4 ways (16 KiB), L2 512 x 8 (256 KiB). */
    public static MemConfig defaults() {
        return new MemConfig(2, 64, new CacheGeometry(64, 4), new CacheGeometry(64, 4), new CacheGeometry(512, 8),
                false, false, 64, 40);
    }

    public MemConfig withPeCount(int n) { return new MemConfig(n, lineSize, l1d, l1i, l2, idc, dic, dczBlockSize, paBits); }

    public MemConfig withLineSize(int bytes) { return new MemConfig(peCount, bytes, l1d, l1i, l2, idc, dic, dczBlockSize, paBits); }

    public MemConfig withCaches(CacheGeometry d, CacheGeometry i, CacheGeometry u) {
        return new MemConfig(peCount, lineSize, d, i, u, idc, dic, dczBlockSize, paBits);
    }

    public MemConfig withIdcDic(boolean newIdc, boolean newDic) {
        return new MemConfig(peCount, lineSize, l1d, l1i, l2, newIdc, newDic, dczBlockSize, paBits);
    }

    public MemConfig withDczBlockSize(int bytes) { return new MemConfig(peCount, lineSize, l1d, l1i, l2, idc, dic, bytes, paBits); }

    public MemConfig withPaBits(int bits) { return new MemConfig(peCount, lineSize, l1d, l1i, l2, idc, dic, dczBlockSize, bits); }

    /** log2(lineSize). */
    public int lineShift() { return Integer.numberOfTrailingZeros(lineSize); }

    /**
     * CLIDR_EL1: Ctype1 [2:0] = 0b011 (separate I and D), Ctype2 [5:3] = 0b100 (unified), LoUIS [23:21]
     * = 1, LoC [26:24] = 2, LoUU [29:27] = 1 (the L2 is the PoU: unification happens after level 1; the
     * PoC is memory, after level 2). ICB [32:30] = 0 (not disclosed).
     */
    public long clidrEl1() {
        long ctype1 = 0b011, ctype2 = 0b100, louis = 1, loc = 2, louu = 1;
        return ctype1 | (ctype2 << 3) | (louis << 21) | (loc << 24) | (louu << 27);
    }

    /**
     * CCSIDR_EL1 of one cache in the format without FEAT_CCIDX: LineSize [2:0] = log2(bytes) - 4,
     * Associativity [12:3] = ways - 1, NumSets [27:13] = sets - 1; bits [31:28] are 0 (the old
     * WT/WB/RA/WA hints, RES0/UNKNOWN in later versions of the architecture).
     *
     * @param level       1 or 2 (as CSSELR_EL1.Level + 1)
     * @param instruction CSSELR_EL1.InD; only level 1 has an instruction cache
     */
    public long ccsidrEl1(int level, boolean instruction) {
        CacheGeometry g = geometry(level, instruction);
        long lineField = lineShift() - 4;
        return lineField | ((long) (g.ways() - 1) << 3) | ((long) (g.sets() - 1) << 13);
    }

    /** The geometry of cache {@code level} (1 or 2), I or D side; IllegalArgumentException otherwise. */
    public CacheGeometry geometry(int level, boolean instruction) {
        if (level == 1) return instruction ? l1i : l1d;
        if (level == 2 && !instruction) return l2;
        throw new IllegalArgumentException("no " + (instruction ? "instruction" : "data/unified") + " cache at level "
                + level + " (CLIDR_EL1: L1 separate I/D, L2 unified)");
    }

    /**
     * CTR_EL0: IminLine [3:0] and DminLine [19:16] = log2(line size in 4-byte words); L1Ip [15:14] =
     * 0b11 (PIPT); ERG [23:20] and CWG [27:24] = log2(line size in words) (the exclusives granule and
     * the write-back granule are one line); IDC [28]; DIC [29]; bit 31 RES1.
     */
    public long ctrEl0() {
        long words = lineShift() - 2;
        return words | (0b11L << 14) | (words << 16) | (words << 20) | (words << 24) | ((idc ? 1L : 0L) << 28)
                | ((dic ? 1L : 0L) << 29) | (1L << 31);
    }

    /** DCZID_EL0: BS [3:0] = log2(block size in 4-byte words); DZP [4] = 0 (DC ZVA permitted). */
    public long dczidEl0() {
        return Integer.numberOfTrailingZeros(dczBlockSize) - 2;
    }

    /*
     * equals and hashCode written out, with the record's meaning (every component equal): the generated ones
     * are bootstrapped through method handles on first use (java.lang.runtime.ObjectMethods), ~10-15 ms of
     * start-up when KvmHypervisor checks the platform configuration.
     */
    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof MemConfig c && peCount == c.peCount && lineSize == c.lineSize && l1d.equals(c.l1d)
                && l1i.equals(c.l1i) && l2.equals(c.l2) && idc == c.idc && dic == c.dic && dczBlockSize == c.dczBlockSize
                && paBits == c.paBits;
    }

    @Override
    public int hashCode() {
        int h = peCount;
        h = 31 * h + lineSize;
        h = 31 * h + l1d.hashCode();
        h = 31 * h + l1i.hashCode();
        h = 31 * h + l2.hashCode();
        h = 31 * h + Boolean.hashCode(idc);
        h = 31 * h + Boolean.hashCode(dic);
        h = 31 * h + dczBlockSize;
        return 31 * h + paBits;
    }
}
