package org.cachevisor.machine;

/**
 * Handler ids of the executor (the {@code switch} in {@link Pe}). One id per ASL execute family,
 * plus a few specialised fast forms of the most frequent instructions (64-bit ADD/SUB immediate,
 * CMP, register ADD/AND/ORR/EOR, LSL immediate, unsigned-offset LDR/STR) whose decode step already
 * proved the general case reduces to them.
 */
public final class Op {
    private Op() {}

    public static final int UNDEFINED = 0;
    // data processing, immediate
    public static final int ADDSUB_IMM = 1, ADD_X_IMM = 2, SUB_X_IMM = 3, SUBS_X_IMM = 4;
    public static final int LOGICAL_IMM = 5, MOV_IMM = 6, MOVK = 7, BITFIELD = 8, EXTRACT = 9, ADR = 10, ADRP = 11;
    // data processing, register
    public static final int ADDSUB_SHIFTED = 12, ADD_X_REG = 13, SUBS_X_REG = 14, ADDSUB_EXT = 15, ADDSUB_CARRY = 16;
    public static final int LOGICAL_SHIFTED = 17, MOV_REG = 18, COND_COMPARE = 19, COND_SELECT = 20;
    public static final int DP_1SRC = 21, DP_2SRC = 22, DP_3SRC = 23;
    // loads and stores
    public static final int LDST = 24, LDR_X_UIMM = 25, STR_X_UIMM = 26, LDST_PAIR = 27, LOAD_LITERAL = 28;
    public static final int LDST_EXCLUSIVE = 29, LDST_ORDERED = 30, PREFETCH = 31, LDR_W_UIMM = 32, STR_W_UIMM = 33;
    // branches
    public static final int B = 34, BL = 35, B_COND = 36, CBZ = 37, CBNZ = 38, TBZ = 39, TBNZ = 40;
    public static final int BR = 41, BLR = 42, RET = 43, ERET = 44;
    // exception generation and system
    public static final int SVC = 45, HVC = 46, SMC = 47, BRK = 48, HLT = 49;
    public static final int NOP = 50, WFI = 51, WFE = 52, CLREX = 53, BARRIER = 54;
    public static final int MSR_IMM = 55, MSR_REG = 56, MRS = 57, SYS = 58, SYSL = 59;
    public static final int SEV = 60, SEVL = 61;
    public static final int LDRB_UIMM = 62, STR_X_POST = 63, LDR_X_POST = 64;
    // fast forms: 64-bit AND/ORR/EOR (shifted register) with LSL #0; LSL (immediate) of an X register
    public static final int AND_X_REG = 65, ORR_X_REG = 66, EOR_X_REG = 67, LSL_X_IMM = 68;
    public static final int COUNT = 69;

    // DP_1SRC subs
    public static final int RBIT = 0, REV16 = 1, REV32 = 2, REV64 = 3, CLZ = 4, CLS = 5;
    // DP_2SRC subs
    public static final int UDIV = 0, SDIV = 1, LSLV = 2, LSRV = 3, ASRV = 4, RORV = 5, CRC32 = 6, CRC32C = 7;
    // DP_3SRC subs
    public static final int MADD = 0, MSUB = 1, SMADDL = 2, SMSUBL = 3, UMADDL = 4, UMSUBL = 5, SMULH = 6, UMULH = 7;
    // LOGICAL subs (opc): AND, ORR, EOR, ANDS
    public static final int AND = 0, ORR = 1, EOR = 2, ANDS = 3;
    // MSR_IMM subs
    public static final int PSTATE_SPSEL = 0, PSTATE_DAIFSET = 1, PSTATE_DAIFCLR = 2;
    // SYS subs
    public static final int SYS_DC_IVAC = 0, SYS_DC_ISW = 1, SYS_DC_CSW = 2, SYS_DC_CISW = 3, SYS_DC_ZVA = 4,
            SYS_DC_CVAC = 5, SYS_DC_CVAU = 6, SYS_DC_CIVAC = 7, SYS_IC_IALLUIS = 8, SYS_IC_IALLU = 9,
            SYS_IC_IVAU = 10, SYS_TLBI = 11, SYS_AT = 12, SYS_OTHER = 13;
    // BARRIER subs
    public static final int DSB = 0, DMB = 1, ISB = 2, SB = 3;
}
