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

    /** Flag in {@link #decode}'s result: the Inner Shareable form. */
    public static final int IS = 0x100;

    /**
     * The operation named by a {@code TLBI} encoding (SYS with op0 = 1, CRn = 8): the op code, with
     * {@link #IS} set for an Inner Shareable form, or -1 for an encoding that is none of these (Arm ARM
     * C5.5: op1 = 0 are the EL1 forms, CRm = 3 IS, CRm = 7 local, op2 0 VMALLE1, 1 VAE1, 2 ASIDE1,
     * 3 VAAE1, 5 VALE1, 7 VAALE1; op1 = 4 the EL2 forms IPAS2E1 (CRm 0 IS / 4, op2 1), IPAS2LE1
     * (op2 5), ALLE1 (CRm 3 / 7, op2 4), VMALLS12E1 (CRm 3 / 7, op2 6)).
     */
    public static int decode(int op1, int crm, int op2) {
        if (op1 == 0 && (crm == 3 || crm == 7)) {
            int is = crm == 3 ? IS : 0;
            return switch (op2) {
                case 0 -> VMALLE1 | is;
                case 1 -> VAE1 | is;
                case 2 -> ASIDE1 | is;
                case 3 -> VAAE1 | is;
                case 5 -> VALE1 | is;
                case 7 -> VAALE1 | is;
                default -> -1;
            };
        }
        if (op1 == 4 && (crm == 0 || crm == 4)) {
            int is = crm == 0 ? IS : 0;
            return op2 == 1 ? IPAS2E1 | is : op2 == 5 ? IPAS2LE1 | is : -1;
        }
        if (op1 == 4 && (crm == 3 || crm == 7)) {
            int is = crm == 3 ? IS : 0;
            return op2 == 4 ? ALLE1 | is : op2 == 6 ? VMALLS12E1 | is : -1;
        }
        return -1;
    }

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
