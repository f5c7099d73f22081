package org.cachevisor.machine;

/**
 * Builds ESR_ELx syndrome values (Arm ARM D13.2.37 ESR_EL1: EC[31:26], IL[25], ISS[24:0]) for the
 * exceptions the PE generates. All syndromes here are of 32-bit A64 instructions, so IL = 1.
 */
public final class Syndrome {
    private Syndrome() {}

    public static final int EC_UNKNOWN = 0x00, EC_WFX = 0x01, EC_ILLEGAL_STATE = 0x0E, EC_SVC = 0x15,
            EC_HVC = 0x16, EC_SMC = 0x17, EC_SYS = 0x18, EC_IABT_LOWER = 0x20, EC_IABT_SAME = 0x21,
            EC_PC_ALIGN = 0x22, EC_DABT_LOWER = 0x24, EC_DABT_SAME = 0x25, EC_SP_ALIGN = 0x26,
            EC_SERROR = 0x2F, EC_BRK = 0x3C;

    /** Fault status codes (DFSC/IFSC). */
    public static final int FSC_ALIGNMENT = 0x21, FSC_SYNC_EXTERNAL = 0x10;

    private static final long IL = 1L << 25;

    /** EC and ISS with IL = 1. */
    public static long make(int ec, long iss) {
        return ((long) ec << 26) | IL | (iss & 0x1FF_FFFF);
    }

    public static int ec(long esr) {
        return (int) (esr >>> 26) & 0x3F;
    }

    public static long iss(long esr) {
        return esr & 0x1FF_FFFF;
    }

    /**
     * EC 0x18 (trapped MSR, MRS or System instruction): ISS = Op0[21:20] Op2[19:17] Op1[16:14]
     * CRn[13:10] Rt[9:5] CRm[4:1] Direction[0] (1 = read, i.e. MRS/SYSL).
     */
    public static long sysTrap(int sysKey, int rt, boolean read) {
        int op0 = sysKey >>> 14, op1 = (sysKey >>> 11) & 7, crn = (sysKey >>> 7) & 0xF,
                crm = (sysKey >>> 3) & 0xF, op2 = sysKey & 7;
        long iss = ((long) op0 << 20) | ((long) op2 << 17) | ((long) op1 << 14) | ((long) crn << 10)
                | ((long) rt << 5) | ((long) crm << 1) | (read ? 1 : 0);
        return make(EC_SYS, iss);
    }

    /** EC 0x01 (WFI/WFE trapped): CV=1, COND=0b1110, TI[0] = 0 for WFI, 1 for WFE. */
    public static long wfx(boolean wfe) {
        return make(EC_WFX, (1L << 24) | (0xEL << 20) | (wfe ? 1 : 0));
    }

    /** Data abort ISS: WnR[6], DFSC[5:0]; CM[8] for cache maintenance. ISV = 0. */
    public static long dataAbort(boolean lowerEl, boolean write, boolean cacheMaintenance, int dfsc) {
        long iss = (write ? 1L << 6 : 0) | (cacheMaintenance ? 1L << 8 : 0) | dfsc;
        return make(lowerEl ? EC_DABT_LOWER : EC_DABT_SAME, iss);
    }

    /** Instruction abort ISS: IFSC[5:0]. */
    public static long instructionAbort(boolean lowerEl, int ifsc) {
        return make(lowerEl ? EC_IABT_LOWER : EC_IABT_SAME, ifsc);
    }
}
