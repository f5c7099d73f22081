package org.cachevisor.isa;

/**
 * The instruction classes the executor implements: one per ASL "execute" family of the Arm ARM
 * (the shared pseudocode after the per-encoding decode step). Every base row of the table names
 * exactly one class; the executor computes its decode-step values (d, n, datasize, setflags, imm...)
 * from the row's named fields, whose fixed bits carry the variant (sf, op, S, opc, size, L...).
 */
public enum ExecClass {
    /** ADD/ADDS/SUB/SUBS (immediate): fields sf, op, S, sh, imm12, Rn, Rd. Rn (and Rd unless S=1) may be SP. */
    ADD_SUB_IMM,
    /** ADD/ADDS/SUB/SUBS (shifted register): sf, op, S, shift, Rm, imm6, Rn, Rd. */
    ADD_SUB_SHIFTED,
    /** ADD/ADDS/SUB/SUBS (extended register): sf, op, S, opt, Rm, option, imm3, Rn, Rd (ExtendReg). */
    ADD_SUB_EXTENDED,
    /** ADC/ADCS/SBC/SBCS: sf, op, S, Rm, Rn, Rd (AddWithCarry with PSTATE.C). */
    ADD_SUB_CARRY,
    /** AND/ORR/EOR/ANDS (immediate): sf, opc, N, immr, imms, Rn, Rd (DecodeBitMasks). */
    LOGICAL_IMM,
    /** AND/BIC/ORR/ORN/EOR/EON/ANDS/BICS (shifted register): sf, opc, shift, N (invert), Rm, imm6, Rn, Rd. */
    LOGICAL_SHIFTED,
    /** MOVN/MOVZ/MOVK: sf, opc, hw, imm16, Rd. */
    MOVE_WIDE,
    /** SBFM/BFM/UBFM: sf, opc, N, immr, imms, Rn, Rd. */
    BITFIELD,
    /** EXTR: sf, N, Rm, imms (lsb), Rn, Rd. */
    EXTRACT,
    /** ADR/ADRP: op, immlo, immhi, Rd. */
    PC_REL,
    /** CCMN/CCMP (immediate): sf, op, imm5, cond, Rn, nzcv. */
    COND_COMPARE_IMM,
    /** CCMN/CCMP (register): sf, op, Rm, cond, Rn, nzcv. */
    COND_COMPARE_REG,
    /** CSEL/CSINC/CSINV/CSNEG: sf, op, Rm, cond, op2 (o2 in the manual's newer boxes), Rn, Rd. */
    COND_SELECT,
    /** RBIT/REV16/REV32/REV/CLZ/CLS: sf, opcode, Rn, Rd. */
    DP_1SRC,
    /** UDIV/SDIV/LSLV/LSRV/ASRV/RORV/CRC32{B,H,W,X}/CRC32C{B,H,W,X}: sf, Rm, opcode, Rn, Rd (CRC: sz = opcode[1:0], C = opcode[2]). */
    DP_2SRC,
    /** MADD/MSUB/SMADDL/SMSUBL/UMADDL/UMSUBL/SMULH/UMULH: sf, op54, op31, Rm, o0, Ra, Rn, Rd. */
    DP_3SRC,
    /** LDR/STR (immediate, unsigned offset) incl. B/H/SB/SH/SW: size, V, opc, imm12 (scaled by size), Rn, Rt. */
    LDST_IMM_UNSIGNED,
    /** LDR/STR (immediate, pre-index): size, V, opc, imm9, Rn, Rt; writeback before the access. */
    LDST_IMM_PRE,
    /** LDR/STR (immediate, post-index): size, V, opc, imm9, Rn, Rt; writeback after the access. */
    LDST_IMM_POST,
    /** LDUR/STUR family (unscaled 9-bit signed offset, no writeback). */
    LDST_UNSCALED,
    /** LDTR/STTR family (unprivileged: at EL1 the access is checked as EL0). */
    LDST_UNPRIV,
    /** LDR/STR (register offset): size, V, opc, Rm, option, S, Rn, Rt (ExtendReg, shift by size if S=1). */
    LDST_REG_OFFSET,
    /** LDP/STP/LDPSW (signed offset): opc, V, L, imm7 (scaled), Rt2, Rn, Rt. */
    LDST_PAIR_OFFSET,
    /** LDP/STP/LDPSW (pre-index). */
    LDST_PAIR_PRE,
    /** LDP/STP/LDPSW (post-index). */
    LDST_PAIR_POST,
    /** LDNP/STNP (signed offset, non-temporal hint). */
    LDST_PAIR_NONTEMPORAL,
    /** LDR/LDRSW (literal): opc, V, imm19, Rt (address = PC + SignExtend(imm19:'00')). */
    LOAD_LITERAL,
    /** LDXR/LDAXR/STXR/STLXR (B/H/W/X) and LDXP/LDAXP/STXP/STLXP: size, o2, L, o1, Rs, o0 (acquire/release), Rt2, Rn, Rt. */
    LDST_EXCLUSIVE,
    /** LDAR/STLR (B/H/W/X), LDAPR (B/H/W/X, FEAT_LRCPC): size, L (or opc for LDAPR), Rn, Rt. */
    LDST_ORDERED,
    /** PRFM (immediate, literal, register), PRFUM: Rt is the prfop; executes as a no-op. */
    PREFETCH,
    /** B/BL: op, imm26. */
    BRANCH_IMM,
    /** B.cond: imm19, cond. */
    BRANCH_COND,
    /** CBZ/CBNZ: sf, op, imm19, Rt. */
    COMPARE_BRANCH,
    /** TBZ/TBNZ: b5, op, b40, imm14, Rt. */
    TEST_BRANCH,
    /** BR/BLR: opc, Rn. */
    BRANCH_REG,
    /** RET: Rn (X30 unless given). */
    RET,
    /** ERET: restores PC from ELR_ELx and PSTATE from SPSR_ELx. */
    ERET,
    /** SVC/HVC/SMC/BRK/HLT: opc, imm16, op2, LL. */
    EXCEPTION_GEN,
    /**
     * The hint space (CRm, op2): NOP, YIELD, WFE, WFI, SEV, SEVL have their own rows; every other
     * hint (pointer authentication *SP/*Z/1716, BTI, ESB, CSDB, PSB, ...) decodes as the generic
     * HINT row and executes as a NOP (Arm ARM: unallocated hints behave as NOP).
     */
    HINT,
    /** CLREX, DSB, DMB, ISB, SB: CRm (option / domain and type), op2 selects the barrier. */
    BARRIER,
    /** MSR (immediate) to a PSTATE field: op1, CRm (the immediate), op2 (op1:op2 select the field). */
    MSR_IMM,
    /** MSR (register): op0, op1, CRn, CRm, op2, Rt. */
    MSR_REG,
    /** MRS: op0, op1, CRn, CRm, op2, Rt. */
    MRS,
    /** SYS (and its aliases DC, IC, TLBI, AT): op1, CRn, CRm, op2, Rt. */
    SYS,
    /** SYSL: op1, CRn, CRm, op2, Rt (result register). */
    SYSL,
}
