package org.cachevisor.machine;

import org.cachevisor.isa.Esr;

/**
 * The syndromes (ESR_ELx values: EC[31:26], IL[25], ISS[24:0]) the PE generates, built with the isa
 * module's {@link Esr} encodings. All syndromes here are of 32-bit A64 instructions, so IL = 1.
 */
public final class Syndrome {
    private Syndrome() {}

    public static final int EC_UNKNOWN = Esr.EC_UNKNOWN, EC_WFX = Esr.EC_WFX, EC_ILLEGAL_STATE = Esr.EC_ILLEGAL_STATE,
            EC_SVC = Esr.EC_SVC64, EC_HVC = Esr.EC_HVC64, EC_SMC = Esr.EC_SMC64, EC_SYS = Esr.EC_SYS64,
            EC_IABT_LOWER = Esr.EC_IABT_LOWER, EC_IABT_SAME = Esr.EC_IABT_CURRENT, EC_PC_ALIGN = Esr.EC_PC_ALIGN,
            EC_DABT_LOWER = Esr.EC_DABT_LOWER, EC_DABT_SAME = Esr.EC_DABT_CURRENT, EC_SP_ALIGN = Esr.EC_SP_ALIGN,
            EC_SERROR = Esr.EC_SERROR, EC_BRK = Esr.EC_BRK64;

    /** Fault status codes (DFSC/IFSC). */
    public static final int FSC_ALIGNMENT = Esr.FSC_ALIGNMENT, FSC_SYNC_EXTERNAL = Esr.FSC_SYNC_EXTERNAL;

    /** EC and ISS with IL = 1. */
    public static long make(int ec, long iss) {
        return Esr.esr(ec, true, (int) iss);
    }

    public static int ec(long esr) {
        return Esr.ec(esr);
    }

    public static long iss(long esr) {
        return Esr.iss(esr);
    }

    /** EC 0x18 (trapped MSR, MRS or System instruction) for an encoding packed as {@link SysRegs#key}. */
    public static long sysTrap(int sysKey, int rt, boolean read) {
        return Esr.sys64(sysKey >>> 14, (sysKey >>> 11) & 7, (sysKey >>> 7) & 0xF, (sysKey >>> 3) & 0xF, sysKey & 7, rt, read);
    }

    /** EC 0x01 (WFI/WFE trapped). */
    public static long wfx(boolean wfe) {
        return Esr.wfx(wfe);
    }

    /**
     * Data abort (EC 0x24 from a lower EL, 0x25 from the current one): WnR, CM (cache maintenance),
     * DFSC; ISV = 0 (no instruction syndrome: the hypervisor's MMIO emulation arrives with stage 2).
     */
    public static long dataAbort(boolean lowerEl, boolean write, boolean cacheMaintenance, int dfsc) {
        return Esr.esr(lowerEl ? Esr.EC_DABT_LOWER : Esr.EC_DABT_CURRENT, true,
                Esr.dataAbortIss(false, 0, false, 0, false, false, cacheMaintenance, false, write, dfsc));
    }

    /** Instruction abort (EC 0x20 / 0x21) with IFSC. */
    public static long instructionAbort(boolean lowerEl, int ifsc) {
        return Esr.esr(lowerEl ? Esr.EC_IABT_LOWER : Esr.EC_IABT_CURRENT, true, Esr.instructionAbortIss(false, ifsc));
    }
}
