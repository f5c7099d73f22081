package org.cachevisor.memsys;

/**
 * Memory attributes of one access, packed in an {@code int} so the hot path never allocates.
 *
 * <p>Layout: bits [1:0] memory type ({@link #DEVICE}, {@link #NORMAL_NC}, {@link #NORMAL_WT},
 * {@link #NORMAL_WB}); bits [3:2] shareability ({@link #NSH}, {@link #ISH}, {@link #OSH}).
 *
 * <p>Simplification: the architecture gives Normal memory separate inner and outer cacheability
 * and allocation hints; we model one cacheability for every level (inner = outer) and always
 * allocate on read and on write-back writes. The oracle is unaffected: it compares values, and every
 * mismatch the architecture allows with split attributes is also reachable with equal ones.
 */
public final class Attrs {
    private Attrs() {}

    public static final int TYPE_MASK = 0b11;
    /** Device memory (any of nGnRnE..GRE): never cached. */
    public static final int DEVICE = 0;
    /** Normal, Non-cacheable: goes to the PoC, neither looks up nor updates any cache. */
    public static final int NORMAL_NC = 1;
    /** Normal, Write-Through: reads allocate, writes update the cache if present and memory. */
    public static final int NORMAL_WT = 2;
    /** Normal, Write-Back, read/write-allocate. */
    public static final int NORMAL_WB = 3;

    public static final int SH_SHIFT = 2;
    public static final int SH_MASK = 0b11 << SH_SHIFT;
    public static final int NSH = 0;
    public static final int ISH = 1 << SH_SHIFT;
    public static final int OSH = 2 << SH_SHIFT;

    /** Normal Inner/Outer Write-Back, Inner Shareable: the host's linear map and the VMM's mapping. */
    public static final int HOST_WB = NORMAL_WB | ISH;
    /** Device-nGnRnE, what an EL1 data access sees with SCTLR_EL1.M = 0. */
    public static final int DEVICE_nGnRnE = DEVICE | OSH;
    /** Normal Non-cacheable, Outer Shareable (architecturally NC Normal is treated as OSH). */
    public static final int NC = NORMAL_NC | OSH;

    public static int type(int attrs) { return attrs & TYPE_MASK; }

    public static boolean cacheable(int attrs) { return (attrs & TYPE_MASK) >= NORMAL_WT; }

    public static int make(int type, int sh) { return (type & TYPE_MASK) | (sh & SH_MASK); }

    /** A short human rendering, e.g. {@code Normal-WB ISH}. */
    public static String describe(int attrs) {
        String t = switch (attrs & TYPE_MASK) {
            case DEVICE -> "Device";
            case NORMAL_NC -> "Normal-NC";
            case NORMAL_WT -> "Normal-WT";
            default -> "Normal-WB";
        };
        String s = switch (attrs & SH_MASK) {
            case NSH -> "NSH";
            case ISH -> "ISH";
            case OSH -> "OSH";
            default -> "SH?";
        };
        return t + " " + s;
    }
}
