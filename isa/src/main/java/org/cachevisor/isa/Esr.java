package org.cachevisor.isa;

/**
 * ESR_ELx syndrome encodings (Arm ARM D17.2 "ESR_EL1, Exception Syndrome Register (EL1)"):
 * {@code EC [31:26], IL [25], ISS [24:0]}; exception class constants; ISS builders for the
 * classes the machine raises; fault status codes (DFSC/IFSC).
 */
public final class Esr {
    private Esr() {}

    // Exception classes (EC)
    public static final int EC_UNKNOWN = 0x00;
    public static final int EC_WFX = 0x01;
    public static final int EC_ILLEGAL_STATE = 0x0E;
    public static final int EC_SVC64 = 0x15;
    public static final int EC_HVC64 = 0x16;
    public static final int EC_SMC64 = 0x17;
    public static final int EC_SYS64 = 0x18;          // trapped MSR, MRS or System instruction
    public static final int EC_IABT_LOWER = 0x20;
    public static final int EC_IABT_CURRENT = 0x21;
    public static final int EC_PC_ALIGN = 0x22;
    public static final int EC_DABT_LOWER = 0x24;
    public static final int EC_DABT_CURRENT = 0x25;
    public static final int EC_SP_ALIGN = 0x26;
    public static final int EC_SERROR = 0x2F;
    public static final int EC_BREAKPOINT_LOWER = 0x30;
    public static final int EC_BREAKPOINT_CURRENT = 0x31;
    public static final int EC_SOFTWARE_STEP_LOWER = 0x32;
    public static final int EC_SOFTWARE_STEP_CURRENT = 0x33;
    public static final int EC_WATCHPOINT_LOWER = 0x34;
    public static final int EC_WATCHPOINT_CURRENT = 0x35;
    public static final int EC_BRK64 = 0x3C;

    // Fault status codes (DFSC/IFSC, ISS[5:0]); the *_L0 codes take + level (0..3)
    public static final int FSC_ADDRESS_SIZE_L0 = 0x00;
    public static final int FSC_TRANSLATION_L0 = 0x04;
    public static final int FSC_ACCESS_FLAG_L0 = 0x08;
    public static final int FSC_PERMISSION_L0 = 0x0C;
    public static final int FSC_SYNC_EXTERNAL = 0x10;
    public static final int FSC_ALIGNMENT = 0x21;
    public static final int FSC_TLB_CONFLICT = 0x30;

    /** ESR value from EC, IL (true: 32-bit instruction) and ISS. */
    public static long esr(int ec, boolean il, int iss) {
        if ((ec & ~0x3f) != 0) throw new IllegalArgumentException("EC out of range: " + ec);
        if ((iss & ~0x1ffffff) != 0) throw new IllegalArgumentException("ISS out of range: 0x" + Integer.toHexString(iss));
        return ((long) ec << 26) | (il ? 1L << 25 : 0) | iss;
    }

    public static int ec(long esr) { return (int) (esr >>> 26) & 0x3f; }
    public static boolean il(long esr) { return ((esr >>> 25) & 1) != 0; }
    public static int iss(long esr) { return (int) esr & 0x1ffffff; }

    /** SVC/HVC/SMC/BRK: ISS = imm16 of the instruction. */
    public static long immediate(int ec, int imm16) {
        return esr(ec, true, imm16 & 0xffff);
    }

    /** WFI/WFE trapped (EC 0x01): ISS.TI = 0 for WFI, 1 for WFE; CV = 1 with COND = 0b1110 (unconditional). */
    public static long wfx(boolean wfe) {
        return esr(EC_WFX, true, (1 << 24) | (0xE << 20) | (wfe ? 1 : 0));
    }

    /**
     * Trapped MSR/MRS/System instruction (EC 0x18): ISS = Op0 [21:20], Op2 [19:17], Op1 [16:14],
     * CRn [13:10], Rt [9:5], CRm [4:1], Direction [0] (1 = read, i.e. MRS/SYSL).
     */
    public static long sys64(int op0, int op1, int crn, int crm, int op2, int rt, boolean read) {
        int iss = (op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | (rt << 5) | (crm << 1) | (read ? 1 : 0);
        return esr(EC_SYS64, true, iss);
    }

    /**
     * Data abort ISS: ISV [24], SAS [23:22] (log2 of access size), SSE [21], SRT [20:16], SF [15]
     * (64-bit register), AR [14], FnV [10], EA [9], CM [8] (cache maintenance), S1PTW [7],
     * WnR [6], DFSC [5:0]. Pass isv = false to leave SAS..AR zero (e.g. for pairs, exclusives).
     */
    public static int dataAbortIss(boolean isv, int sizeLog2, boolean signExtend, int srt, boolean sf, boolean acquireRelease,
                                   boolean cm, boolean s1ptw, boolean write, int dfsc) {
        int iss = dfsc & 0x3f;
        if (write) iss |= 1 << 6;
        if (s1ptw) iss |= 1 << 7;
        if (cm) iss |= 1 << 8;
        if (isv) {
            iss |= 1 << 24 | (sizeLog2 & 3) << 22 | (signExtend ? 1 << 21 : 0) | (srt & 31) << 16 | (sf ? 1 << 15 : 0) | (acquireRelease ? 1 << 14 : 0);
        }
        return iss;
    }

    /** Instruction abort ISS: S1PTW [7], IFSC [5:0]. */
    public static int instructionAbortIss(boolean s1ptw, int ifsc) {
        return (s1ptw ? 1 << 7 : 0) | (ifsc & 0x3f);
    }

    /** A short name for an EC (for traces): e.g. "SVC64", or "EC 0x2c". */
    public static String ecName(int ec) {
        switch (ec) {
            case EC_UNKNOWN: return "UNKNOWN";
            case EC_WFX: return "WFx";
            case EC_ILLEGAL_STATE: return "IL";
            case EC_SVC64: return "SVC64";
            case EC_HVC64: return "HVC64";
            case EC_SMC64: return "SMC64";
            case EC_SYS64: return "SYS64";
            case EC_IABT_LOWER: return "IABT_LOW";
            case EC_IABT_CURRENT: return "IABT_CUR";
            case EC_PC_ALIGN: return "PC_ALIGN";
            case EC_DABT_LOWER: return "DABT_LOW";
            case EC_DABT_CURRENT: return "DABT_CUR";
            case EC_SP_ALIGN: return "SP_ALIGN";
            case EC_SERROR: return "SERROR";
            case EC_BRK64: return "BRK64";
            default: return String.format("EC 0x%02x", ec);
        }
    }
}
