package org.cachevisor.machine.mmu;

/**
 * The TLB invalidation operations of the EL1&amp;0 regime (Arm ARM C5.5 "A64 system instructions for
 * TLB maintenance"), as ints. {@code Xt} layouts: the VA forms carry ASID[63:48] and VA[55:12] in
 * bits [43:0]; the IPA forms carry IPA[47:12] in bits [35:0]; the rest ignore Xt. Each has an Inner
 * Shareable form ({@code ...IS}) that acts on every TLB of the platform's {@link TlbDomain}.
 */
public final class Tlbi {
    private Tlbi() {}

    /** All stage-1 entries of the current VMID (every ASID, global included). */
    public static final int VMALLE1 = 0;
    /** Entries for VA with ASID Xt[63:48] or global, current VMID. */
    public static final int VAE1 = 1;
    /** As VAE1, last level only (we cache only leaf entries, so the same set). */
    public static final int VALE1 = 2;
    /** Non-global entries of ASID Xt[63:48], current VMID. */
    public static final int ASIDE1 = 3;
    /** Entries for VA, every ASID, current VMID. */
    public static final int VAAE1 = 4;
    /** As VAAE1, last level only. */
    public static final int VAALE1 = 5;
    /** Stage-2-only entries for IPA Xt[35:0] &lt;&lt; 12, current VMID (no combined entries; see {@link Tlb}). */
    public static final int IPAS2E1 = 6;
    /** As IPAS2E1, last level only. */
    public static final int IPAS2LE1 = 7;
    /** All stage-1 and stage-2 entries of the current VMID. */
    public static final int VMALLS12E1 = 8;
    /** All EL1&amp;0 entries, every VMID. */
    public static final int ALLE1 = 9;

    private static final String[] NAMES = {"VMALLE1", "VAE1", "VALE1", "ASIDE1", "VAAE1", "VAALE1", "IPAS2E1",
        "IPAS2LE1", "VMALLS12E1", "ALLE1"};

    public static final int COUNT = NAMES.length;

    public static String name(int op) { return op >= 0 && op < COUNT ? NAMES[op] : "tlbi" + op; }

    /** The VA an Xt of a VA form names: VA[55:12] = Xt[43:0], sign-extended from bit 55. */
    public static long va(long xt) {
        return ((xt & 0xFFF_FFFF_FFFFL) << 20) >> 8;
    }

    /** The ASID field of an Xt: Xt[63:48]. */
    public static int asid(long xt) { return (int) (xt >>> 48); }

    /** An Xt for a VA form: ASID in [63:48], VA[55:12] in [43:0]. */
    public static long xt(int asid, long va) {
        return ((long) (asid & 0xFFFF) << 48) | ((va >>> 12) & 0xFFF_FFFF_FFFFL);
    }
}
