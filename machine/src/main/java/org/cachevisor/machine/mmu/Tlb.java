package org.cachevisor.machine.mmu;

/**
 * One PE's main TLB: set-associative, holding combined (stage 1 + stage 2) leaf translations
 * tagged by VMID, ASID (or global) and which stages were on. Entries live in parallel primitive
 * arrays (no objects per entry, nothing allocated after construction). An entry stays in use until
 * a {@link Tlbi} operation that covers it removes it, or it is replaced: changing a table without a
 * TLBI leaves the old translation visible, as on hardware.
 *
 * <p>An entry covers the smaller of the stage-1 and stage-2 block sizes (4 KiB, 2 MiB or 1 GiB);
 * a lookup probes the set of each size. The entry keeps stage 1's and stage 2's permissions apart
 * (so a hit can still report which stage's permission fault it is) and the IPA and levels needed
 * for the syndrome.
 *
 * <p>Simplification: hardware also caches intermediate walk entries and stage-2-only entries; we cache
 * only combined leaf entries. So {@code TLBI IPAS2E1} (which the architecture does not require to
 * touch combined entries) removes nothing here, and a hypervisor that changes stage 2 must follow it
 * with {@code TLBI VMALLE1}/{@code VMALLS12E1} as the Arm ARM requires; omitting that stays
 * observable. Keeping fewer entries than hardware may only make a stale translation disappear
 * earlier, never invent one.
 *
 * <p>Replacement is round-robin per set (deterministic).
 */
public final class Tlb {
    static final int PAGE_SHIFT = 12, BLOCK2_SHIFT = 21, BLOCK1_SHIFT = 30;
    static final int FLAG_GLOBAL = 1, FLAG_S1 = 2, FLAG_S2 = 4;

    private final int sets;
    private final int ways;
    private final int setMask;

    // ---- entries (index = set * ways + way); shift 0 = invalid
    final byte[] shift;
    final long[] vaBase;
    final long[] ipaBase;
    final long[] paBase;
    final int[] asid;
    final int[] vmid;
    final byte[] flags;
    /** Stage-2 MemAttr[3:0] | SH[1:0] << 4 (0 when stage 2 is off). */
    final int[] attrs;
    /** Stage-1 {@link org.cachevisor.memsys.Attrs} from the descriptor (before SCTLR_EL1.C/I). */
    final int[] s1AttrsOf;
    /** Stage-1 permission bits (Mmu.P_*), all set when stage 1 is off. */
    final byte[] s1Perm;
    /** Stage-2 permission bits (Mmu.P_*), all set when stage 2 is off. */
    final byte[] s2Perm;
    final byte[] s1Level;
    final byte[] s2Level;
    private final byte[] nextWay;

    private Mmu owner;
    private long invalidations;

    /** A TLB of {@code sets} (a power of two) sets of {@code ways} ways. */
    public Tlb(int sets, int ways) {
        if (sets <= 0 || Integer.bitCount(sets) != 1) throw new IllegalArgumentException("TLB sets must be a power of two, got " + sets);
        if (ways <= 0 || ways > 64) throw new IllegalArgumentException("TLB ways must be 1..64, got " + ways);
        this.sets = sets;
        this.ways = ways;
        this.setMask = sets - 1;
        int n = sets * ways;
        shift = new byte[n];
        vaBase = new long[n];
        ipaBase = new long[n];
        paBase = new long[n];
        asid = new int[n];
        vmid = new int[n];
        flags = new byte[n];
        attrs = new int[n];
        s1AttrsOf = new int[n];
        s1Perm = new byte[n];
        s2Perm = new byte[n];
        s1Level = new byte[n];
        s2Level = new byte[n];
        nextWay = new byte[sets];
    }

    /** The default geometry: 128 sets x 4 ways (512 entries), as a Cortex-A57's main TLB (1024) halved. */
    public Tlb() { this(128, 4); }

    void attach(Mmu mmu) {
        if (owner != null && owner != mmu) throw new IllegalArgumentException("TLB already belongs to another MMU");
        owner = mmu;
    }

    public int capacity() { return sets * ways; }

    /** Number of valid entries. */
    public int validEntries() {
        int n = 0;
        for (byte s : shift) if (s != 0) n++;
        return n;
    }

    /** How many invalidation operations reached this TLB. */
    public long invalidations() { return invalidations; }

    private int set(long vaKey, int sh) {
        long p = vaKey >>> sh;
        return (int) (p ^ (p >>> 7)) & setMask;
    }

    /**
     * Finds the entry translating {@code vaKey} (a VA sign-extended from bit 55) for {@code vmid},
     * {@code asid}, with stage-1/stage-2 flags {@code stageFlags}; returns its index or -1.
     */
    int lookup(long vaKey, int vmid, int asid, int stageFlags) {
        for (int k = 0; k < 3; k++) {
            int sh = k == 0 ? PAGE_SHIFT : k == 1 ? BLOCK2_SHIFT : BLOCK1_SHIFT;
            long base = vaKey & -(1L << sh);
            int first = set(vaKey, sh) * ways;
            for (int e = first; e < first + ways; e++) {
                if (shift[e] == sh && vaBase[e] == base && this.vmid[e] == vmid
                        && (flags[e] & (FLAG_S1 | FLAG_S2)) == stageFlags
                        && ((flags[e] & FLAG_GLOBAL) != 0 || this.asid[e] == asid)) {
                    return e;
                }
            }
        }
        return -1;
    }

    /** Inserts an entry (replacing round-robin in its set); returns its index. */
    int insert(int sh, long vaKey, long ipa, long pa, int asid, int vmid, int flags, int s2Attrs,
               int s1Perm, int s2Perm, int s1Level, int s2Level) {
        long mask = -(1L << sh);
        int set = set(vaKey, sh);
        int e = set * ways + nextWay[set];
        nextWay[set] = (byte) ((nextWay[set] + 1) % ways);
        shift[e] = (byte) sh;
        vaBase[e] = vaKey & mask;
        ipaBase[e] = ipa & mask;
        paBase[e] = pa & mask;
        this.asid[e] = asid;
        this.vmid[e] = vmid;
        this.flags[e] = (byte) flags;
        this.attrs[e] = s2Attrs;
        this.s1AttrsOf[e] = 0;
        this.s1Perm[e] = (byte) s1Perm;
        this.s2Perm[e] = (byte) s2Perm;
        this.s1Level[e] = (byte) s1Level;
        this.s2Level[e] = (byte) s2Level;
        return e;
    }

    /**
     * Carries out one {@link Tlbi} operation on this TLB only (the IS forms call this on every TLB of
     * the domain). {@code vmid} is the executing PE's current VMID, {@code asidMask} 0xFF or 0xFFFF
     * (TCR_EL1.AS of the executing PE: with 8-bit ASIDs the upper ASID bits of Xt are ignored).
     *
     * @throws IllegalArgumentException for an unknown operation
     */
    public void invalidate(int op, long xt, int vmid, int asidMask) {
        if (op < 0 || op >= Tlbi.COUNT) throw new IllegalArgumentException("unknown TLBI operation " + op);
        invalidations++;
        if (op == Tlbi.IPAS2E1 || op == Tlbi.IPAS2LE1) return; // no stage-2-only entries (class comment)
        long va = Tlbi.va(xt);
        int xtAsid = Tlbi.asid(xt) & asidMask;
        for (int e = 0; e < shift.length; e++) {
            if (shift[e] == 0) continue;
            boolean hit;
            if (op == Tlbi.ALLE1) {
                hit = true;
            } else if (this.vmid[e] != vmid) {
                hit = false;
            } else {
                boolean global = (flags[e] & FLAG_GLOBAL) != 0;
                boolean vaMatch = (va & -(1L << shift[e])) == vaBase[e];
                boolean asidMatch = !global && (asid[e] & asidMask) == xtAsid;
                hit = switch (op) {
                    case Tlbi.VAE1, Tlbi.VALE1 -> vaMatch && (global || asidMatch);
                    case Tlbi.ASIDE1 -> asidMatch;
                    case Tlbi.VAAE1, Tlbi.VAALE1 -> vaMatch;
                    default -> true; // VMALLE1, VMALLS12E1
                };
            }
            if (hit) shift[e] = 0;
        }
        if (owner != null) owner.flushMicroTlb();
    }
}
