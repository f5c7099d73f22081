package org.cachevisor.memsys;

/** Cache-maintenance operations (Arm names), as delivered to {@link MemoryObserver#onMaintenance}. */
public final class Maintenance {
    private Maintenance() {}

    /** DC CVAC: clean to PoC by address. */
    public static final int DC_CVAC = 0;
    /** DC CIVAC: clean and invalidate to PoC by address. */
    public static final int DC_CIVAC = 1;
    /** DC IVAC: invalidate to PoC by address (dirty data is lost). */
    public static final int DC_IVAC = 2;
    /** DC CVAU: clean to PoU by address. */
    public static final int DC_CVAU = 3;
    /** DC ZVA: zero a block (reported also as a write of kind {@link AccessKind#ZERO}). */
    public static final int DC_ZVA = 4;
    /** DC ISW: invalidate by set/way (one level of one PE). */
    public static final int DC_ISW = 5;
    /** DC CSW: clean by set/way. */
    public static final int DC_CSW = 6;
    /** DC CISW: clean and invalidate by set/way. */
    public static final int DC_CISW = 7;
    /** IC IALLU: invalidate this PE's I-cache. */
    public static final int IC_IALLU = 8;
    /** IC IALLUIS: invalidate every PE's I-cache in the Inner Shareable domain. */
    public static final int IC_IALLUIS = 9;
    /** IC IVAU: invalidate I-cache lines of an address to PoU, in every PE of the domain. */
    public static final int IC_IVAU = 10;

    private static final String[] NAMES = {"DC CVAC", "DC CIVAC", "DC IVAC", "DC CVAU", "DC ZVA", "DC ISW",
            "DC CSW", "DC CISW", "IC IALLU", "IC IALLUIS", "IC IVAU"};

    public static String name(int op) { return op >= 0 && op < NAMES.length ? NAMES[op] : "op" + op; }

    public static boolean isSetWay(int op) { return op == DC_ISW || op == DC_CSW || op == DC_CISW; }
}
