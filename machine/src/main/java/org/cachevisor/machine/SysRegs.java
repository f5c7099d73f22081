package org.cachevisor.machine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The system-register table of the PE: one row per register the PE implements (encoding, name, the
 * lowest EL that may access it, read-only/write-only, the HCR_EL2 trap group it belongs to). The PE's
 * read and write handlers switch on {@link Reg#id()}; the decode step resolves an MRS/MSR encoding to
 * a row once per instruction word ({@link #lookup(int)}: binary search of the sorted table).
 *
 * <p>Built once, sorted by encoding and checked when the class initialises: duplicate encodings or
 * names throw (the {@code SysRegsTest} touches the class so a bad table fails the build).
 *
 * <p>Encodings are packed as {@code op0<<14 | op1<<11 | CRn<<7 | CRm<<3 | op2}, the order of the
 * ISS of ESR EC 0x18 and of the Arm ARM's "S<op0>_<op1>_C<n>_C<m>_<op2>" names.
 */
public final class SysRegs {
    private SysRegs() {}

    /** Trap groups: which HCR_EL2 control (if any) traps EL1 accesses (Arm ARM D13.2.46 HCR_EL2). */
    public static final int TRAP_NONE = 0, TRAP_VM = 1, TRAP_TID1 = 2, TRAP_TID2 = 3, TRAP_TID3 = 4,
            TRAP_TACR = 5, TRAP_TIDCP = 6;

    /** Access: from which EL (0 or 1) the register is accessible, and direction limits. */
    public static final int RW = 0, RO = 1, WO = 2;

    /** One row of the table. {@code el0} says EL0 may access it (subject to SCTLR_EL1/CNTKCTL_EL1 enables). */
    public record Reg(int id, String name, int key, boolean el0, int access, int trapGroup) {}

    // ids (dense; the PE stores plain registers in long[] by id)
    public static final int MIDR_EL1 = 0, MPIDR_EL1 = 1, REVIDR_EL1 = 2,
            ID_AA64PFR0_EL1 = 3, ID_AA64PFR1_EL1 = 4, ID_AA64DFR0_EL1 = 5, ID_AA64DFR1_EL1 = 6,
            ID_AA64AFR0_EL1 = 7, ID_AA64AFR1_EL1 = 8, ID_AA64ISAR0_EL1 = 9, ID_AA64ISAR1_EL1 = 10,
            ID_AA64MMFR0_EL1 = 11, ID_AA64MMFR1_EL1 = 12, ID_AA64MMFR2_EL1 = 13,
            SCTLR_EL1 = 14, ACTLR_EL1 = 15, CPACR_EL1 = 16, TTBR0_EL1 = 17, TTBR1_EL1 = 18, TCR_EL1 = 19,
            SPSR_EL1 = 20, ELR_EL1 = 21, SP_EL0 = 22, SPSEL = 23, CURRENTEL = 24, DAIF = 25, NZCV = 26,
            AFSR0_EL1 = 27, AFSR1_EL1 = 28, ESR_EL1 = 29, FAR_EL1 = 30, PAR_EL1 = 31, MAIR_EL1 = 32,
            AMAIR_EL1 = 33, VBAR_EL1 = 34, ISR_EL1 = 35, CONTEXTIDR_EL1 = 36, TPIDR_EL1 = 37,
            CNTKCTL_EL1 = 38, CCSIDR_EL1 = 39, CLIDR_EL1 = 40, AIDR_EL1 = 41, CSSELR_EL1 = 42,
            CTR_EL0 = 43, DCZID_EL0 = 44, TPIDR_EL0 = 45, TPIDRRO_EL0 = 46, CNTFRQ_EL0 = 47,
            CNTPCT_EL0 = 48, CNTVCT_EL0 = 49, CNTP_TVAL_EL0 = 50, CNTP_CTL_EL0 = 51, CNTP_CVAL_EL0 = 52,
            CNTV_TVAL_EL0 = 53, CNTV_CTL_EL0 = 54, CNTV_CVAL_EL0 = 55, MDSCR_EL1 = 56, OSLAR_EL1 = 57,
            OSLSR_EL1 = 58, OSDLR_EL1 = 59, MDCCSR_EL0 = 60, ID_AA64ZFR0_EL1 = 61,
            /** Every other op0=3, op1=0, CRn=0, CRm=1..7 encoding: reserved ID space, RAZ (ID group 3). */
            ID_RAZ = 62;
    public static final int COUNT = 63;

    /** Packs an encoding. */
    public static int key(int op0, int op1, int crn, int crm, int op2) {
        return (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
    }

    private static final Reg[] TABLE;
    private static final int[] KEYS;
    private static final Reg[] BY_ID = new Reg[COUNT];

    static {
        List<Reg> t = new ArrayList<>();
        add(t, MIDR_EL1, "MIDR_EL1", 3, 0, 0, 0, 0, false, RO, TRAP_NONE);
        add(t, MPIDR_EL1, "MPIDR_EL1", 3, 0, 0, 0, 5, false, RO, TRAP_NONE);
        add(t, REVIDR_EL1, "REVIDR_EL1", 3, 0, 0, 0, 6, false, RO, TRAP_TID1);
        add(t, ID_AA64PFR0_EL1, "ID_AA64PFR0_EL1", 3, 0, 0, 4, 0, false, RO, TRAP_TID3);
        add(t, ID_AA64PFR1_EL1, "ID_AA64PFR1_EL1", 3, 0, 0, 4, 1, false, RO, TRAP_TID3);
        add(t, ID_AA64ZFR0_EL1, "ID_AA64ZFR0_EL1", 3, 0, 0, 4, 4, false, RO, TRAP_TID3);
        add(t, ID_AA64DFR0_EL1, "ID_AA64DFR0_EL1", 3, 0, 0, 5, 0, false, RO, TRAP_TID3);
        add(t, ID_AA64DFR1_EL1, "ID_AA64DFR1_EL1", 3, 0, 0, 5, 1, false, RO, TRAP_TID3);
        add(t, ID_AA64AFR0_EL1, "ID_AA64AFR0_EL1", 3, 0, 0, 5, 4, false, RO, TRAP_TID3);
        add(t, ID_AA64AFR1_EL1, "ID_AA64AFR1_EL1", 3, 0, 0, 5, 5, false, RO, TRAP_TID3);
        add(t, ID_AA64ISAR0_EL1, "ID_AA64ISAR0_EL1", 3, 0, 0, 6, 0, false, RO, TRAP_TID3);
        add(t, ID_AA64ISAR1_EL1, "ID_AA64ISAR1_EL1", 3, 0, 0, 6, 1, false, RO, TRAP_TID3);
        add(t, ID_AA64MMFR0_EL1, "ID_AA64MMFR0_EL1", 3, 0, 0, 7, 0, false, RO, TRAP_TID3);
        add(t, ID_AA64MMFR1_EL1, "ID_AA64MMFR1_EL1", 3, 0, 0, 7, 1, false, RO, TRAP_TID3);
        add(t, ID_AA64MMFR2_EL1, "ID_AA64MMFR2_EL1", 3, 0, 0, 7, 2, false, RO, TRAP_TID3);
        add(t, SCTLR_EL1, "SCTLR_EL1", 3, 0, 1, 0, 0, false, RW, TRAP_VM);
        add(t, ACTLR_EL1, "ACTLR_EL1", 3, 0, 1, 0, 1, false, RW, TRAP_TACR);
        add(t, CPACR_EL1, "CPACR_EL1", 3, 0, 1, 0, 2, false, RW, TRAP_NONE);
        add(t, TTBR0_EL1, "TTBR0_EL1", 3, 0, 2, 0, 0, false, RW, TRAP_VM);
        add(t, TTBR1_EL1, "TTBR1_EL1", 3, 0, 2, 0, 1, false, RW, TRAP_VM);
        add(t, TCR_EL1, "TCR_EL1", 3, 0, 2, 0, 2, false, RW, TRAP_VM);
        add(t, SPSR_EL1, "SPSR_EL1", 3, 0, 4, 0, 0, false, RW, TRAP_NONE);
        add(t, ELR_EL1, "ELR_EL1", 3, 0, 4, 0, 1, false, RW, TRAP_NONE);
        add(t, SP_EL0, "SP_EL0", 3, 0, 4, 1, 0, false, RW, TRAP_NONE);
        add(t, SPSEL, "SPSel", 3, 0, 4, 2, 0, false, RW, TRAP_NONE);
        add(t, CURRENTEL, "CurrentEL", 3, 0, 4, 2, 2, false, RO, TRAP_NONE);
        add(t, DAIF, "DAIF", 3, 3, 4, 2, 1, true, RW, TRAP_NONE);
        add(t, NZCV, "NZCV", 3, 3, 4, 2, 0, true, RW, TRAP_NONE);
        add(t, AFSR0_EL1, "AFSR0_EL1", 3, 0, 5, 1, 0, false, RW, TRAP_VM);
        add(t, AFSR1_EL1, "AFSR1_EL1", 3, 0, 5, 1, 1, false, RW, TRAP_VM);
        add(t, ESR_EL1, "ESR_EL1", 3, 0, 5, 2, 0, false, RW, TRAP_VM);
        add(t, FAR_EL1, "FAR_EL1", 3, 0, 6, 0, 0, false, RW, TRAP_VM);
        add(t, PAR_EL1, "PAR_EL1", 3, 0, 7, 4, 0, false, RW, TRAP_NONE);
        add(t, MAIR_EL1, "MAIR_EL1", 3, 0, 10, 2, 0, false, RW, TRAP_VM);
        add(t, AMAIR_EL1, "AMAIR_EL1", 3, 0, 10, 3, 0, false, RW, TRAP_VM);
        add(t, VBAR_EL1, "VBAR_EL1", 3, 0, 12, 0, 0, false, RW, TRAP_NONE);
        add(t, ISR_EL1, "ISR_EL1", 3, 0, 12, 1, 0, false, RO, TRAP_NONE);
        add(t, CONTEXTIDR_EL1, "CONTEXTIDR_EL1", 3, 0, 13, 0, 1, false, RW, TRAP_VM);
        add(t, TPIDR_EL1, "TPIDR_EL1", 3, 0, 13, 0, 4, false, RW, TRAP_NONE);
        add(t, CNTKCTL_EL1, "CNTKCTL_EL1", 3, 0, 14, 1, 0, false, RW, TRAP_NONE);
        add(t, CCSIDR_EL1, "CCSIDR_EL1", 3, 1, 0, 0, 0, false, RO, TRAP_TID2);
        add(t, CLIDR_EL1, "CLIDR_EL1", 3, 1, 0, 0, 1, false, RO, TRAP_TID2);
        add(t, AIDR_EL1, "AIDR_EL1", 3, 1, 0, 0, 7, false, RO, TRAP_TID1);
        add(t, CSSELR_EL1, "CSSELR_EL1", 3, 2, 0, 0, 0, false, RW, TRAP_TID2);
        add(t, CTR_EL0, "CTR_EL0", 3, 3, 0, 0, 1, true, RO, TRAP_TID2);
        add(t, DCZID_EL0, "DCZID_EL0", 3, 3, 0, 0, 7, true, RO, TRAP_NONE);
        add(t, TPIDR_EL0, "TPIDR_EL0", 3, 3, 13, 0, 2, true, RW, TRAP_NONE);
        add(t, TPIDRRO_EL0, "TPIDRRO_EL0", 3, 3, 13, 0, 3, true, RW, TRAP_NONE);
        add(t, CNTFRQ_EL0, "CNTFRQ_EL0", 3, 3, 14, 0, 0, true, RW, TRAP_NONE);
        add(t, CNTPCT_EL0, "CNTPCT_EL0", 3, 3, 14, 0, 1, true, RO, TRAP_NONE);
        add(t, CNTVCT_EL0, "CNTVCT_EL0", 3, 3, 14, 0, 2, true, RO, TRAP_NONE);
        add(t, CNTP_TVAL_EL0, "CNTP_TVAL_EL0", 3, 3, 14, 2, 0, true, RW, TRAP_NONE);
        add(t, CNTP_CTL_EL0, "CNTP_CTL_EL0", 3, 3, 14, 2, 1, true, RW, TRAP_NONE);
        add(t, CNTP_CVAL_EL0, "CNTP_CVAL_EL0", 3, 3, 14, 2, 2, true, RW, TRAP_NONE);
        add(t, CNTV_TVAL_EL0, "CNTV_TVAL_EL0", 3, 3, 14, 3, 0, true, RW, TRAP_NONE);
        add(t, CNTV_CTL_EL0, "CNTV_CTL_EL0", 3, 3, 14, 3, 1, true, RW, TRAP_NONE);
        add(t, CNTV_CVAL_EL0, "CNTV_CVAL_EL0", 3, 3, 14, 3, 2, true, RW, TRAP_NONE);
        add(t, MDSCR_EL1, "MDSCR_EL1", 2, 0, 0, 2, 2, false, RW, TRAP_NONE);
        add(t, OSLAR_EL1, "OSLAR_EL1", 2, 0, 1, 0, 4, false, WO, TRAP_NONE);
        add(t, OSLSR_EL1, "OSLSR_EL1", 2, 0, 1, 1, 4, false, RO, TRAP_NONE);
        add(t, OSDLR_EL1, "OSDLR_EL1", 2, 0, 1, 3, 4, false, RW, TRAP_NONE);
        add(t, MDCCSR_EL0, "MDCCSR_EL0", 2, 3, 0, 1, 0, true, RO, TRAP_NONE);

        t.sort((a, b) -> Integer.compare(a.key(), b.key()));
        TABLE = t.toArray(new Reg[0]);
        KEYS = new int[TABLE.length];
        for (int i = 0; i < TABLE.length; i++) {
            KEYS[i] = TABLE[i].key();
            if (i > 0 && KEYS[i] == KEYS[i - 1]) {
                throw new IllegalStateException("system-register table: " + TABLE[i].name() + " and "
                        + TABLE[i - 1].name() + " share encoding " + describeKey(KEYS[i]));
            }
            Reg r = TABLE[i];
            if (BY_ID[r.id()] != null) {
                throw new IllegalStateException("system-register table: id " + r.id() + " used by "
                        + r.name() + " and " + BY_ID[r.id()].name());
            }
            BY_ID[r.id()] = r;
        }
        BY_ID[ID_RAZ] = new Reg(ID_RAZ, "ID_RAZ", -1, false, RO, TRAP_TID3);
        for (int id = 0; id < COUNT; id++) {
            if (BY_ID[id] == null) throw new IllegalStateException("system-register table: id " + id + " has no row");
        }
    }

    private static void add(List<Reg> t, int id, String name, int op0, int op1, int crn, int crm, int op2,
            boolean el0, int access, int trapGroup) {
        for (Reg r : t) {
            if (r.name().equals(name)) throw new IllegalStateException("system-register table: duplicate name " + name);
        }
        t.add(new Reg(id, name, key(op0, op1, crn, crm, op2), el0, access, trapGroup));
    }

    /**
     * The row for an encoding, or {@code null} if the PE does not implement it (an MRS/MSR of it is
     * UNDEFINED). The reserved ID space (op0=3, op1=0, CRn=0, CRm=1..7) reads as zero.
     */
    public static Reg lookup(int key) {
        int i = Arrays.binarySearch(KEYS, key);
        if (i >= 0) return TABLE[i];
        int op0 = key >>> 14, op1 = (key >>> 11) & 7, crn = (key >>> 7) & 0xF, crm = (key >>> 3) & 0xF;
        if (op0 == 3 && op1 == 0 && crn == 0 && crm >= 1 && crm <= 7) return BY_ID[ID_RAZ];
        return null;
    }

    /** The row with this id. */
    public static Reg byId(int id) {
        return BY_ID[id];
    }

    /** The rows, sorted by encoding. */
    public static List<Reg> table() {
        return List.of(TABLE);
    }

    /** "S3_0_C1_C0_0" style name of an encoding. */
    public static String describeKey(int key) {
        return "S" + (key >>> 14) + "_" + ((key >>> 11) & 7) + "_C" + ((key >>> 7) & 0xF) + "_C"
                + ((key >>> 3) & 0xF) + "_" + (key & 7);
    }
}
