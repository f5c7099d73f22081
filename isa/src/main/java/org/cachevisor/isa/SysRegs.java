package org.cachevisor.isa;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * System-register catalogue: Arm ARM name &lt;-&gt; (op0, op1, CRn, CRm, op2) for the registers
 * the machine models or a guest commonly touches, with the access direction (for the executor:
 * an MRS of a write-only or MSR of a read-only register is UNDEFINED). Unknown encodings print
 * as the generic {@code s<op0>_<op1>_c<CRn>_c<CRm>_<op2>}, as objdump does.
 */
public final class SysRegs {
    /** Access directions. */
    public static final int RO = 1, WO = 2, RW = 3;

    /** One register. {@link #key()} is the packed encoding {@code op0:op1:CRn:CRm:op2} (16 bits). */
    public record SysReg(String name, int op0, int op1, int crn, int crm, int op2, int access) {
        public int key() { return SysRegs.key(op0, op1, crn, crm, op2); }
        public boolean readable() { return (access & RO) != 0; }
        public boolean writable() { return (access & WO) != 0; }
    }

    /** Packs op0:op1:CRn:CRm:op2 into 16 bits (op0 in [15:14] ... op2 in [2:0]). */
    public static int key(int op0, int op1, int crn, int crm, int op2) {
        return (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
    }

    private static final List<SysReg> ALL = new ArrayList<>();
    private static final Map<Integer, SysReg> BY_KEY = new HashMap<>();
    private static final Map<String, SysReg> BY_NAME = new HashMap<>();

    private static void r(String name, int op0, int op1, int crn, int crm, int op2, int access) {
        SysReg s = new SysReg(name, op0, op1, crn, crm, op2, access);
        if (BY_KEY.putIfAbsent(s.key(), s) != null) throw new IllegalStateException("duplicate system register encoding " + name);
        if (BY_NAME.putIfAbsent(name.toLowerCase(Locale.ROOT), s) != null) throw new IllegalStateException("duplicate system register " + name);
        ALL.add(s);
    }

    static {
        // Identification (read-only)
        r("MIDR_EL1", 3, 0, 0, 0, 0, RO); r("MPIDR_EL1", 3, 0, 0, 0, 5, RO); r("REVIDR_EL1", 3, 0, 0, 0, 6, RO);
        r("ID_AA64PFR0_EL1", 3, 0, 0, 4, 0, RO); r("ID_AA64PFR1_EL1", 3, 0, 0, 4, 1, RO);
        r("ID_AA64DFR0_EL1", 3, 0, 0, 5, 0, RO); r("ID_AA64DFR1_EL1", 3, 0, 0, 5, 1, RO);
        r("ID_AA64AFR0_EL1", 3, 0, 0, 5, 4, RO); r("ID_AA64AFR1_EL1", 3, 0, 0, 5, 5, RO);
        r("ID_AA64ISAR0_EL1", 3, 0, 0, 6, 0, RO); r("ID_AA64ISAR1_EL1", 3, 0, 0, 6, 1, RO);
        r("ID_AA64MMFR0_EL1", 3, 0, 0, 7, 0, RO); r("ID_AA64MMFR1_EL1", 3, 0, 0, 7, 1, RO); r("ID_AA64MMFR2_EL1", 3, 0, 0, 7, 2, RO);
        r("ID_AA64ZFR0_EL1", 3, 0, 0, 4, 4, RO); r("ID_AA64SMFR0_EL1", 3, 0, 0, 4, 5, RO); r("ID_AA64ISAR2_EL1", 3, 0, 0, 6, 2, RO);
        // AArch32 identification registers (Linux reads them when it builds its feature view)
        String[] aarch32Id = {"ID_PFR0_EL1", "ID_PFR1_EL1", "ID_DFR0_EL1", "ID_AFR0_EL1", "ID_MMFR0_EL1", "ID_MMFR1_EL1", "ID_MMFR2_EL1",
                              "ID_MMFR3_EL1", "ID_ISAR0_EL1", "ID_ISAR1_EL1", "ID_ISAR2_EL1", "ID_ISAR3_EL1", "ID_ISAR4_EL1", "ID_ISAR5_EL1",
                              "ID_MMFR4_EL1", "ID_ISAR6_EL1", "MVFR0_EL1", "MVFR1_EL1", "MVFR2_EL1", null, "ID_PFR2_EL1", "ID_DFR1_EL1",
                              "ID_MMFR5_EL1"};
        for (int i = 0; i < aarch32Id.length; i++) {
            if (aarch32Id[i] != null) r(aarch32Id[i], 3, 0, 0, 1 + i / 8, i % 8, RO);
        }
        r("CCSIDR_EL1", 3, 1, 0, 0, 0, RO); r("CLIDR_EL1", 3, 1, 0, 0, 1, RO); r("AIDR_EL1", 3, 1, 0, 0, 7, RO);
        r("CSSELR_EL1", 3, 2, 0, 0, 0, RW);
        r("CTR_EL0", 3, 3, 0, 0, 1, RO); r("DCZID_EL0", 3, 3, 0, 0, 7, RO);
        r("VPIDR_EL2", 3, 4, 0, 0, 0, RW); r("VMPIDR_EL2", 3, 4, 0, 0, 5, RW);
        // EL1 system control and memory
        r("SCTLR_EL1", 3, 0, 1, 0, 0, RW); r("ACTLR_EL1", 3, 0, 1, 0, 1, RW); r("CPACR_EL1", 3, 0, 1, 0, 2, RW);
        r("TTBR0_EL1", 3, 0, 2, 0, 0, RW); r("TTBR1_EL1", 3, 0, 2, 0, 1, RW); r("TCR_EL1", 3, 0, 2, 0, 2, RW);
        r("SPSR_EL1", 3, 0, 4, 0, 0, RW); r("ELR_EL1", 3, 0, 4, 0, 1, RW); r("SP_EL0", 3, 0, 4, 1, 0, RW);
        r("SPSel", 3, 0, 4, 2, 0, RW); r("CurrentEL", 3, 0, 4, 2, 2, RO); r("PAN", 3, 0, 4, 2, 3, RW); r("UAO", 3, 0, 4, 2, 4, RW);
        r("AFSR0_EL1", 3, 0, 5, 1, 0, RW); r("AFSR1_EL1", 3, 0, 5, 1, 1, RW); r("ESR_EL1", 3, 0, 5, 2, 0, RW);
        r("FAR_EL1", 3, 0, 6, 0, 0, RW); r("PAR_EL1", 3, 0, 7, 4, 0, RW);
        r("MAIR_EL1", 3, 0, 10, 2, 0, RW); r("AMAIR_EL1", 3, 0, 10, 3, 0, RW);
        r("VBAR_EL1", 3, 0, 12, 0, 0, RW); r("ISR_EL1", 3, 0, 12, 1, 0, RO);
        r("CONTEXTIDR_EL1", 3, 0, 13, 0, 1, RW); r("TPIDR_EL1", 3, 0, 13, 0, 4, RW);
        r("CNTKCTL_EL1", 3, 0, 14, 1, 0, RW);
        // EL0-accessible
        r("NZCV", 3, 3, 4, 2, 0, RW); r("DAIF", 3, 3, 4, 2, 1, RW);
        r("FPCR", 3, 3, 4, 4, 0, RW); r("FPSR", 3, 3, 4, 4, 1, RW);
        r("TPIDR_EL0", 3, 3, 13, 0, 2, RW); r("TPIDRRO_EL0", 3, 3, 13, 0, 3, RW);
        r("CNTFRQ_EL0", 3, 3, 14, 0, 0, RW); r("CNTPCT_EL0", 3, 3, 14, 0, 1, RO); r("CNTVCT_EL0", 3, 3, 14, 0, 2, RO);
        r("CNTP_TVAL_EL0", 3, 3, 14, 2, 0, RW); r("CNTP_CTL_EL0", 3, 3, 14, 2, 1, RW); r("CNTP_CVAL_EL0", 3, 3, 14, 2, 2, RW);
        r("CNTV_TVAL_EL0", 3, 3, 14, 3, 0, RW); r("CNTV_CTL_EL0", 3, 3, 14, 3, 1, RW); r("CNTV_CVAL_EL0", 3, 3, 14, 3, 2, RW);
        r("PMCR_EL0", 3, 3, 9, 12, 0, RW); r("PMCCNTR_EL0", 3, 3, 9, 13, 0, RW); r("PMUSERENR_EL0", 3, 3, 9, 14, 0, RW);
        // EL2
        r("SCTLR_EL2", 3, 4, 1, 0, 0, RW); r("ACTLR_EL2", 3, 4, 1, 0, 1, RW);
        r("HCR_EL2", 3, 4, 1, 1, 0, RW); r("MDCR_EL2", 3, 4, 1, 1, 1, RW); r("CPTR_EL2", 3, 4, 1, 1, 2, RW);
        r("HSTR_EL2", 3, 4, 1, 1, 3, RW); r("HACR_EL2", 3, 4, 1, 1, 7, RW);
        r("TTBR0_EL2", 3, 4, 2, 0, 0, RW); r("TCR_EL2", 3, 4, 2, 0, 2, RW);
        r("VTTBR_EL2", 3, 4, 2, 1, 0, RW); r("VTCR_EL2", 3, 4, 2, 1, 2, RW);
        r("SPSR_EL2", 3, 4, 4, 0, 0, RW); r("ELR_EL2", 3, 4, 4, 0, 1, RW); r("SP_EL1", 3, 4, 4, 1, 0, RW);
        r("ESR_EL2", 3, 4, 5, 2, 0, RW); r("FAR_EL2", 3, 4, 6, 0, 0, RW); r("HPFAR_EL2", 3, 4, 6, 0, 4, RW);
        r("MAIR_EL2", 3, 4, 10, 2, 0, RW); r("VBAR_EL2", 3, 4, 12, 0, 0, RW); r("TPIDR_EL2", 3, 4, 13, 0, 2, RW);
        r("CNTVOFF_EL2", 3, 4, 14, 0, 3, RW); r("CNTHCTL_EL2", 3, 4, 14, 1, 0, RW);
        // EL3
        r("SCTLR_EL3", 3, 6, 1, 0, 0, RW); r("SCR_EL3", 3, 6, 1, 1, 0, RW);
        r("TTBR0_EL3", 3, 6, 2, 0, 0, RW); r("TCR_EL3", 3, 6, 2, 0, 2, RW);
        r("SPSR_EL3", 3, 6, 4, 0, 0, RW); r("ELR_EL3", 3, 6, 4, 0, 1, RW); r("SP_EL2", 3, 6, 4, 1, 0, RW);
        r("ESR_EL3", 3, 6, 5, 2, 0, RW); r("FAR_EL3", 3, 6, 6, 0, 0, RW); r("MAIR_EL3", 3, 6, 10, 2, 0, RW);
        r("VBAR_EL3", 3, 6, 12, 0, 0, RW);
        // Debug (Linux touches the OS lock at boot)
        r("MDCCSR_EL0", 2, 3, 0, 1, 0, RO); r("MDCCINT_EL1", 2, 0, 0, 2, 0, RW);
        r("MDSCR_EL1", 2, 0, 0, 2, 2, RW); r("OSLAR_EL1", 2, 0, 1, 0, 4, WO);
        r("OSLSR_EL1", 2, 0, 1, 1, 4, RO); r("OSDLR_EL1", 2, 0, 1, 3, 4, RW);
        // GICv3 CPU interface
        r("ICC_PMR_EL1", 3, 0, 4, 6, 0, RW); r("ICC_IAR1_EL1", 3, 0, 12, 12, 0, RO); r("ICC_EOIR1_EL1", 3, 0, 12, 12, 1, WO);
        r("ICC_BPR1_EL1", 3, 0, 12, 12, 3, RW); r("ICC_CTLR_EL1", 3, 0, 12, 12, 4, RW); r("ICC_SRE_EL1", 3, 0, 12, 12, 5, RW);
        r("ICC_IGRPEN1_EL1", 3, 0, 12, 12, 7, RW); r("ICC_SGI1R_EL1", 3, 0, 12, 11, 5, WO);
    }

    private SysRegs() {}

    /** Every catalogued register. */
    public static List<SysReg> all() { return Collections.unmodifiableList(ALL); }

    /** The register at this encoding, or null. */
    public static SysReg lookup(int op0, int op1, int crn, int crm, int op2) {
        return BY_KEY.get(key(op0, op1, crn, crm, op2));
    }

    /** The register by name (case-insensitive, e.g. "sctlr_el1"), or null. */
    public static SysReg byName(String name) {
        return BY_NAME.get(name.toLowerCase(Locale.ROOT));
    }

    /**
     * The name objdump prints for this encoding in an MRS ({@code read}) or MSR: the catalogue
     * name in lower case if known and accessible in that direction, else the generic
     * {@code s<op0>_<op1>_c<CRn>_c<CRm>_<op2>}.
     */
    public static String displayName(int op0, int op1, int crn, int crm, int op2, boolean read) {
        SysReg s = lookup(op0, op1, crn, crm, op2);
        // objdump names a catalogued register in both directions (e.g. "msr midr_el1, x0").
        if (s != null) return s.name().toLowerCase(Locale.ROOT);
        return "s" + op0 + "_" + op1 + "_c" + crn + "_c" + crm + "_" + op2;
    }
}
