package org.cachevisor.machine.mmu;

/**
 * A translation fault as data: filled by {@link Mmu} when a translation fails (preallocated, reused;
 * nothing is allocated per fault), read by the PE to build the exception.
 *
 * <p>Which exception: a stage-1 fault ({@link #stage2} false) is taken to EL1 with
 * {@link #esrEl1()} and FAR_EL1 = {@link #va}; a stage-2 fault is taken to EL2 with
 * {@link #esrEl2(long)}, FAR_EL2 = {@link #va} and HPFAR_EL2 = {@link #hpfarEl2()} (Arm ARM D13.2.37
 * ESR_ELx, "ISS encoding for an exception from a Data Abort / Instruction Abort"; D13.2.54 HPFAR_EL2).
 */
public final class FaultRecord {
    /** Fault kinds; their DFSC/IFSC is {@code base | level} (Arm ARM ESR_ELx.DFSC). */
    public static final int NONE = -1, ADDRESS_SIZE = 0b000000, TRANSLATION = 0b000100, ACCESS_FLAG = 0b001000,
            PERMISSION = 0b001100, EXTERNAL_WALK = 0b010100;

    /** EC values of aborts (Arm ARM D13.2.37). */
    public static final int EC_IABT_LOWER = 0x20, EC_IABT_SAME = 0x21, EC_DABT_LOWER = 0x24, EC_DABT_SAME = 0x25;

    /** One of the kinds above, or {@link #NONE}. */
    public int type = NONE;
    /** The lookup level the fault belongs to (0..3). */
    public int level;
    /** The fault is a stage-2 fault (taken to EL2). */
    public boolean stage2;
    /** The stage-2 fault happened on a stage-1 translation table walk (ISS.S1PTW). */
    public boolean s1ptw;
    /** The VA of the access (FAR_ELx). */
    public long va;
    /** For stage-2 faults: the faulting IPA (the table's IPA when {@link #s1ptw}). */
    public long ipa;
    /** ISS.WnR: a write, or a cache maintenance instruction. */
    public boolean write;
    /** ISS.CM: the access was a cache maintenance instruction. */
    public boolean cm;
    /** The access was an instruction fetch (instruction abort). */
    public boolean fetch;
    /** The exception level the access was made from (0 or 1). */
    public int el;

    /** No fault. */
    public boolean isFault() { return type != NONE; }

    void clear() { type = NONE; }

    void set(int type, int level, boolean stage2, boolean s1ptw, long va, long ipa) {
        this.type = type;
        this.level = level;
        this.stage2 = stage2;
        this.s1ptw = s1ptw;
        this.va = va;
        this.ipa = ipa;
    }

    /** The 6-bit fault status code (DFSC/IFSC). */
    public int fsc() { return type | level; }

    private static final long IL = 1L << 25;
    /** ISS bits [24:14]: ISV, SAS, SSE, SRT, SF, AR. */
    private static final long ISV_FIELDS = 0x7FFL << 14;

    /** ESR_EL1 for a stage-1 fault: EC 0x20/0x21 or 0x24/0x25, IL = 1, ISS CM[8] WnR[6] DFSC. */
    public long esrEl1() {
        int ec = fetch ? (el == 0 ? EC_IABT_LOWER : EC_IABT_SAME) : (el == 0 ? EC_DABT_LOWER : EC_DABT_SAME);
        long iss = fsc();
        if (!fetch) iss |= (cm ? 1L << 8 : 0) | (write ? 1L << 6 : 0);
        return ((long) ec << 26) | IL | iss;
    }

    /**
     * ESR_EL2 for a stage-2 fault: EC 0x20 (instruction abort from a lower EL) or 0x24 (data abort
     * from a lower EL), IL = 1, ISS S1PTW[7], and for data aborts CM[8], WnR[6] and the instruction
     * syndrome {@code instructionSyndrome} (ISV[24] SAS[23:22] SSE[21] SRT[20:16] SF[15] AR[14], from
     * {@link #instructionSyndrome}); it is dropped (ISV = 0) for faults on a stage-1 walk and for
     * cache maintenance. WnR is 1 for cache maintenance and AT (Arm ARM: "for faults on cache
     * maintenance and address translation instructions, this bit always returns 1"), otherwise 0 for
     * a fault on a stage-1 walk (the walk reads).
     */
    public long esrEl2(long instructionSyndrome) {
        long iss = fsc() | (s1ptw ? 1L << 7 : 0);
        if (fetch) return ((long) EC_IABT_LOWER << 26) | IL | iss;
        if (!s1ptw && !cm) iss |= instructionSyndrome & ISV_FIELDS;
        iss |= (cm ? 1L << 8 : 0) | (cm || (write && !s1ptw) ? 1L << 6 : 0);
        return ((long) EC_DABT_LOWER << 26) | IL | iss;
    }

    /**
     * The ISV part of a data-abort ISS for a single-register load or store (Arm ARM "ISS encoding for
     * an exception from a Data Abort"): ISV = 1, SAS = log2(size), SSE = sign-extending load, SRT = Rt,
     * SF = 64-bit register, AR = acquire/release. Pairs, writeback forms and exclusives pass 0 instead.
     */
    public static long instructionSyndrome(int sizeLog2, boolean signExtend, int rt, boolean sixtyFourBit,
                                           boolean acquireRelease) {
        return (1L << 24) | ((long) (sizeLog2 & 3) << 22) | (signExtend ? 1L << 21 : 0) | ((long) (rt & 31) << 16)
                | (sixtyFourBit ? 1L << 15 : 0) | (acquireRelease ? 1L << 14 : 0);
    }

    /** HPFAR_EL2: FIPA[39:4] = IPA[47:12] (0 bits elsewhere). */
    public long hpfarEl2() {
        return ((ipa & 0x0000_FFFF_FFFF_F000L) >>> 12) << 4;
    }

    /** PAR_EL1 for a failed AT: F[0] = 1, FST[6:1], PTW[8], S[9], bit 11 RES1. */
    public long parEl1() {
        return 1L | ((long) fsc() << 1) | (s1ptw ? 1L << 8 : 0) | (stage2 ? 1L << 9 : 0) | (1L << 11);
    }

    /** Copies every field of {@code o}. */
    public void copyFrom(FaultRecord o) {
        type = o.type; level = o.level; stage2 = o.stage2; s1ptw = o.s1ptw; va = o.va; ipa = o.ipa;
        write = o.write; cm = o.cm; fetch = o.fetch; el = o.el;
    }

    @Override
    public String toString() {
        if (type == NONE) return "no fault";
        String kind = switch (type) {
            case ADDRESS_SIZE -> "address size";
            case TRANSLATION -> "translation";
            case ACCESS_FLAG -> "access flag";
            case PERMISSION -> "permission";
            default -> "external abort on walk";
        };
        return "stage-" + (stage2 ? 2 : 1) + " " + kind + " fault level " + level + (s1ptw ? " (S1PTW)" : "")
                + " va=0x" + Long.toHexString(va) + (stage2 ? " ipa=0x" + Long.toHexString(ipa) : "")
                + (write ? " WnR" : "") + (cm ? " CM" : "") + (fetch ? " fetch" : "");
    }
}
