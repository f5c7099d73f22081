package org.cachevisor.isa;

import static org.cachevisor.isa.ExecClass.*;

/**
 * THE A64 encoding table: one row per Arm ARM encoding of the supported base integer ISA, plus
 * alias rows. Every other view (decoder {@link A64}, encoder, assembler, disassembler,
 * generators, coverage report) is derived from these rows.
 *
 * <p>Row = Arm encoding id, Arm ARM heading, {@link ExecClass}, pattern (syntax in
 * {@link TableBuilder}), template (mnemonic then operand specs, see
 * {@code org.cachevisor.isa.text.Operands}), optional guard (an {@link Expr} that makes a matching
 * word UNALLOCATED) and feature. Rows written once for both register widths use placeholders
 * that {@link #both} expands: {@code %d} in the id (32/64), {@code sf=?} in the pattern (and {@code N=?}: N = sf; {@code N=L}: N = 0 fixed
 * in the 32-bit row, variable in the 64-bit row),
 * {@code %} in the template (W/X register kinds), {@code $M} in fixed values and conditions
 * (31/63, the top bit index).
 *
 * <p>Not covered (decode as UNALLOCATED, so the CPU raises UNDEFINED): FP/SIMD/SVE, LSE atomics
 * and CAS, MTE, pointer-authentication instructions outside the hint space, FEAT_FlagM, LDAPUR/STLUR,
 * LOR (LDLAR/STLLR), DCPS, DRPS, TME, BC.cond, the nXS barriers.
 */
final class Table {
    private Table() {}

    static TableBuilder build() {
        TableBuilder t = new TableBuilder();
        dataProcessingImmediate(t);
        branchesExceptionsSystem(t);
        loadsAndStores(t);
        dataProcessingRegister(t);
        t.flush();
        return t;
    }

    /** Adds the 32-bit (sf=0) and 64-bit (sf=1) rows of one encoding. */
    private static void both(TableBuilder t, String id, String heading, ExecClass ec, String pattern, String template, String guard) {
        for (int sf = 0; sf <= 1; sf++) {
            TableBuilder.Row r = t.row(id.replace("%d", sf == 0 ? "32" : "64"), heading, ec,
                    pattern.replace("sf=?", "sf=" + sf).replace("N=?", "N=" + sf).replace("N=L", sf == 0 ? "N=0" : "N:1"),
                    template.replace("%", sf == 0 ? "W" : "X"));
            if (guard != null) r.guard(guard);
        }
    }

    /** Adds the alias rows of both widths. */
    private static void alias2(TableBuilder t, String id, String heading, String baseId, String fixed, String cond, String template) {
        for (int sf = 0; sf <= 1; sf++) {
            String m = sf == 0 ? "31" : "63";
            String size = sf == 0 ? "32" : "64";
            t.alias(id.replace("%d", size), heading, baseId.replace("%d", size),
                    fixed == null ? null : fixed.replace("$M", m), cond == null ? null : cond.replace("$M", m),
                    template.replace("%", sf == 0 ? "W" : "X"));
        }
    }

    // ---------------------------------------------------------------- Data processing -- immediate
    private static void dataProcessingImmediate(TableBuilder t) {
        t.row("ADR_only_pcreladdr", "ADR", PC_REL, "op=0 immlo:2 10000 immhi:19 Rd:5", "adr X(Rd), ADR");
        t.row("ADRP_only_pcreladdr", "ADRP", PC_REL, "op=1 immlo:2 10000 immhi:19 Rd:5", "adrp X(Rd), ADRP");

        String addsubImm = " 100010 sh:1 imm12:12 Rn:5 Rd:5";
        both(t, "ADD_%d_addsub_imm", "ADD (immediate)", ADD_SUB_IMM, "sf=? op=0 S=0" + addsubImm, "add %S(Rd), %S(Rn), AIMM", null);
        both(t, "ADDS_%dS_addsub_imm", "ADDS (immediate)", ADD_SUB_IMM, "sf=? op=0 S=1" + addsubImm, "adds %(Rd), %S(Rn), AIMM", null);
        both(t, "SUB_%d_addsub_imm", "SUB (immediate)", ADD_SUB_IMM, "sf=? op=1 S=0" + addsubImm, "sub %S(Rd), %S(Rn), AIMM", null);
        both(t, "SUBS_%dS_addsub_imm", "SUBS (immediate)", ADD_SUB_IMM, "sf=? op=1 S=1" + addsubImm, "subs %(Rd), %S(Rn), AIMM", null);
        alias2(t, "MOV_ADD_%d_addsub_imm", "MOV (to/from SP)", "ADD_%d_addsub_imm", "sh=0 imm12=0", "Rd == 31 || Rn == 31", "mov %S(Rd), %S(Rn)");
        alias2(t, "CMN_ADDS_%dS_addsub_imm", "CMN (immediate)", "ADDS_%dS_addsub_imm", "Rd=31", null, "cmn %S(Rn), AIMM");
        alias2(t, "CMP_SUBS_%dS_addsub_imm", "CMP (immediate)", "SUBS_%dS_addsub_imm", "Rd=31", null, "cmp %S(Rn), AIMM");

        String logImm = " 100100 N=L immr:6 imms:6 Rn:5 Rd:5";   // N=0 fixed in the 32-bit rows
        String logGuard = "!validBitMasks(N, imms, immr, 32 + 32 * sf)";
        both(t, "AND_%d_log_imm", "AND (immediate)", LOGICAL_IMM, "sf=? opc=00" + logImm, "and %S(Rd), %(Rn), BIMM", logGuard);
        both(t, "ORR_%d_log_imm", "ORR (immediate)", LOGICAL_IMM, "sf=? opc=01" + logImm, "orr %S(Rd), %(Rn), BIMM", logGuard);
        both(t, "EOR_%d_log_imm", "EOR (immediate)", LOGICAL_IMM, "sf=? opc=10" + logImm, "eor %S(Rd), %(Rn), BIMM", logGuard);
        both(t, "ANDS_%dS_log_imm", "ANDS (immediate)", LOGICAL_IMM, "sf=? opc=11" + logImm, "ands %(Rd), %(Rn), BIMM", logGuard);
        alias2(t, "MOV_ORR_%d_log_imm", "MOV (bitmask immediate)", "ORR_%d_log_imm", "Rn=31",
                "Rd == 31 || !bitmaskIsWideConstant(sf, N, imms, immr)", "mov %S(Rd), MOVB");
        // (Arm's condition is !MoveWidePreferred(); objdump tests the value and also prefers MOV
        // when Rd is SP, which MOVZ cannot write; we follow objdump, see Bits.bitmaskIsWideConstant.)
        alias2(t, "TST_ANDS_%dS_log_imm", "TST (immediate)", "ANDS_%dS_log_imm", "Rd=31", null, "tst %(Rn), BIMM");

        String movw = " 100101 hw:2 imm16:16 Rd:5";
        String movwGuard = "sf == 0 && hw > 1";
        both(t, "MOVN_%d_movewide", "MOVN", MOVE_WIDE, "sf=? opc=00" + movw, "movn %(Rd), MOVW", movwGuard);
        both(t, "MOVZ_%d_movewide", "MOVZ", MOVE_WIDE, "sf=? opc=10" + movw, "movz %(Rd), MOVW", movwGuard);
        both(t, "MOVK_%d_movewide", "MOVK", MOVE_WIDE, "sf=? opc=11" + movw, "movk %(Rd), MOVW", movwGuard);
        alias2(t, "MOV_MOVN_%d_movewide", "MOV (inverted wide immediate)", "MOVN_%d_movewide", null,
                "!(imm16 == 0 && hw != 0) && !(sf == 0 && imm16 == 0xffff)", "mov %(Rd), MOVN");
        alias2(t, "MOV_MOVZ_%d_movewide", "MOV (wide immediate)", "MOVZ_%d_movewide", null, "!(imm16 == 0 && hw != 0)", "mov %(Rd), MOVZ");

        String bf = " 100110 N=? immr:6 imms:6 Rn:5 Rd:5";       // N = sf fixed (Arm: "sf == 0 && N == 0" ...)
        String bfGuard = "sf == 0 && (immr > 31 || imms > 31)";
        both(t, "SBFM_%dM_bitfield", "SBFM", BITFIELD, "sf=? opc=00" + bf, "sbfm %(Rd), %(Rn), DEC(immr), DEC(imms)", bfGuard);
        both(t, "BFM_%dM_bitfield", "BFM", BITFIELD, "sf=? opc=01" + bf, "bfm %(Rd), %(Rn), DEC(immr), DEC(imms)", bfGuard);
        both(t, "UBFM_%dM_bitfield", "UBFM", BITFIELD, "sf=? opc=10" + bf, "ubfm %(Rd), %(Rn), DEC(immr), DEC(imms)", bfGuard);
        // Alias order is Arm's order on each page; the first whose condition holds is preferred.
        alias2(t, "ASR_SBFM_%dM_bitfield", "ASR (immediate)", "SBFM_%dM_bitfield", "imms=$M", null, "asr %(Rd), %(Rn), DEC(immr)");
        alias2(t, "SBFIZ_SBFM_%dM_bitfield", "SBFIZ", "SBFM_%dM_bitfield", null, "imms < immr", "sbfiz %(Rd), %(Rn), IZLSB, IZWIDTH");
        alias2(t, "SBFX_SBFM_%dM_bitfield", "SBFX", "SBFM_%dM_bitfield", null, "bfxPreferred(sf, 0, imms, immr)", "sbfx %(Rd), %(Rn), DEC(immr), XWIDTH");
        alias2(t, "SXTB_SBFM_%dM_bitfield", "SXTB", "SBFM_%dM_bitfield", "immr=0 imms=7", null, "sxtb %(Rd), W(Rn)");
        alias2(t, "SXTH_SBFM_%dM_bitfield", "SXTH", "SBFM_%dM_bitfield", "immr=0 imms=15", null, "sxth %(Rd), W(Rn)");
        t.alias("SXTW_SBFM_64M_bitfield", "SXTW", "SBFM_64M_bitfield", "immr=0 imms=31", null, "sxtw X(Rd), W(Rn)");
        alias2(t, "BFC_BFM_%dM_bitfield", "BFC", "BFM_%dM_bitfield", "Rn=31", "imms < immr", "bfc %(Rd), IZLSB, IZWIDTH");
        alias2(t, "BFI_BFM_%dM_bitfield", "BFI", "BFM_%dM_bitfield", null, "Rn != 31 && imms < immr", "bfi %(Rd), %(Rn), IZLSB, IZWIDTH");
        alias2(t, "BFXIL_BFM_%dM_bitfield", "BFXIL", "BFM_%dM_bitfield", null, "imms >= immr", "bfxil %(Rd), %(Rn), DEC(immr), XWIDTH");
        alias2(t, "LSL_UBFM_%dM_bitfield", "LSL (immediate)", "UBFM_%dM_bitfield", null, "imms != $M && imms + 1 == immr", "lsl %(Rd), %(Rn), LSLAMT");
        alias2(t, "LSR_UBFM_%dM_bitfield", "LSR (immediate)", "UBFM_%dM_bitfield", "imms=$M", null, "lsr %(Rd), %(Rn), DEC(immr)");
        alias2(t, "UBFIZ_UBFM_%dM_bitfield", "UBFIZ", "UBFM_%dM_bitfield", null, "imms < immr", "ubfiz %(Rd), %(Rn), IZLSB, IZWIDTH");
        alias2(t, "UBFX_UBFM_%dM_bitfield", "UBFX", "UBFM_%dM_bitfield", null, "bfxPreferred(sf, 1, imms, immr)", "ubfx %(Rd), %(Rn), DEC(immr), XWIDTH");
        t.alias("UXTB_UBFM_32M_bitfield", "UXTB", "UBFM_32M_bitfield", "immr=0 imms=7", null, "uxtb W(Rd), W(Rn)");
        t.alias("UXTH_UBFM_32M_bitfield", "UXTH", "UBFM_32M_bitfield", "immr=0 imms=15", null, "uxth W(Rd), W(Rn)");

        t.row("EXTR_32_extract", "EXTR", EXTRACT, "sf=0 op21=00 100111 N=0 o0=0 Rm:5 imms:6 Rn:5 Rd:5",
                "extr W(Rd), W(Rn), W(Rm), DEC(imms)").guard("imms > 31");
        t.row("EXTR_64_extract", "EXTR", EXTRACT, "sf=1 op21=00 100111 N=1 o0=0 Rm:5 imms:6 Rn:5 Rd:5",
                "extr X(Rd), X(Rn), X(Rm), DEC(imms)");
        alias2(t, "ROR_EXTR_%d_extract", "ROR (immediate)", "EXTR_%d_extract", null, "Rn == Rm", "ror %(Rd), %(Rn=Rm), DEC(imms)");
    }

    // ---------------------------------------------------- Branches, exception generating and system
    private static void branchesExceptionsSystem(TableBuilder t) {
        t.row("B_only_branch_imm", "B", BRANCH_IMM, "op=0 00101 imm26:26", "b LABEL(imm26)");
        t.row("BL_only_branch_imm", "BL", BRANCH_IMM, "op=1 00101 imm26:26", "bl LABEL(imm26)");
        t.row("B_only_condbranch", "B.cond", BRANCH_COND, "0101010 o1=0 imm19:19 o0=0 cond:4", "b.C LABEL(imm19)");
        both(t, "CBZ_%d_compbranch", "CBZ", COMPARE_BRANCH, "sf=? 011010 op=0 imm19:19 Rt:5", "cbz %(Rt), LABEL(imm19)", null);
        both(t, "CBNZ_%d_compbranch", "CBNZ", COMPARE_BRANCH, "sf=? 011010 op=1 imm19:19 Rt:5", "cbnz %(Rt), LABEL(imm19)", null);
        t.row("TBZ_only_testbranch", "TBZ", TEST_BRANCH, "b5:1 011011 op=0 b40:5 imm14:14 Rt:5", "tbz TREG(Rt), TBIT, LABEL(imm14)");
        t.row("TBNZ_only_testbranch", "TBNZ", TEST_BRANCH, "b5:1 011011 op=1 b40:5 imm14:14 Rt:5", "tbnz TREG(Rt), TBIT, LABEL(imm14)");

        t.row("BR_64_branch_reg", "BR", BRANCH_REG, "1101011 opc=0000 op2=11111 op3=000000 Rn:5 op4=00000", "br X(Rn)");
        t.row("BLR_64_branch_reg", "BLR", BRANCH_REG, "1101011 opc=0001 op2=11111 op3=000000 Rn:5 op4=00000", "blr X(Rn)");
        t.row("RET_64R_branch_reg", "RET", RET, "1101011 opc=0010 op2=11111 op3=000000 Rn:5 op4=00000", "ret OX(Rn,30)");
        t.row("ERET_64E_branch_reg", "ERET", ERET, "1101011 opc=0100 op2=11111 op3=000000 Rn=11111 op4=00000", "eret");

        t.row("SVC_EX_exception", "SVC", EXCEPTION_GEN, "11010100 opc=000 imm16:16 op2=000 LL=01", "svc HEX(imm16)");
        t.row("HVC_EX_exception", "HVC", EXCEPTION_GEN, "11010100 opc=000 imm16:16 op2=000 LL=10", "hvc HEX(imm16)");
        t.row("SMC_EX_exception", "SMC", EXCEPTION_GEN, "11010100 opc=000 imm16:16 op2=000 LL=11", "smc HEX(imm16)");
        t.row("BRK_EX_exception", "BRK", EXCEPTION_GEN, "11010100 opc=001 imm16:16 op2=000 LL=00", "brk HEX(imm16)");
        t.row("HLT_EX_exception", "HLT", EXCEPTION_GEN, "11010100 opc=010 imm16:16 op2=000 LL=00", "hlt HEX(imm16)");

        // Hints: NOP..SEVL are rows of their own (the executor treats them specially); every other
        // CRm:op2 value is the generic HINT row (a NOP), with disassembly aliases below.
        String hint = "1101010100 L=0 op0=00 op1=011 CRn=0010 ";
        t.row("HINT_HM_hints", "HINT", HINT, hint + "CRm:4 op2:3 Rt=11111", "hint HEX(CRm:op2)");
        String[] hints = {"NOP", "YIELD", "WFE", "WFI", "SEV", "SEVL"};
        for (int i = 0; i < hints.length; i++) {
            t.row(hints[i] + "_HI_hints", hints[i], HINT, hint + "CRm=0000 op2=" + bin(i, 3) + " Rt=11111", hints[i].toLowerCase())
                    .overrides("HINT_HM_hints");
        }
        hintAlias(t, "XPACLRI", 0, 7, "xpaclri", "FEAT_PAuth");
        hintAlias(t, "PACIA1716", 1, 0, "pacia1716", "FEAT_PAuth");
        hintAlias(t, "PACIB1716", 1, 2, "pacib1716", "FEAT_PAuth");
        hintAlias(t, "AUTIA1716", 1, 4, "autia1716", "FEAT_PAuth");
        hintAlias(t, "AUTIB1716", 1, 6, "autib1716", "FEAT_PAuth");
        hintAlias(t, "ESB", 2, 0, "esb", "FEAT_RAS");
        hintAlias(t, "PSB", 2, 1, "psb csync", "FEAT_SPE");
        hintAlias(t, "TSB", 2, 2, "tsb csync", "FEAT_TRF");
        hintAlias(t, "CSDB", 2, 4, "csdb", null);
        hintAlias(t, "CLRBHB", 2, 6, "clearbhb", "FEAT_CLRBHB");
        hintAlias(t, "PACIAZ", 3, 0, "paciaz", "FEAT_PAuth");
        hintAlias(t, "PACIASP", 3, 1, "paciasp", "FEAT_PAuth");
        hintAlias(t, "PACIBZ", 3, 2, "pacibz", "FEAT_PAuth");
        hintAlias(t, "PACIBSP", 3, 3, "pacibsp", "FEAT_PAuth");
        hintAlias(t, "AUTIAZ", 3, 4, "autiaz", "FEAT_PAuth");
        hintAlias(t, "AUTIASP", 3, 5, "autiasp", "FEAT_PAuth");
        hintAlias(t, "AUTIBZ", 3, 6, "autibz", "FEAT_PAuth");
        hintAlias(t, "AUTIBSP", 3, 7, "autibsp", "FEAT_PAuth");
        t.alias("BTI_HB_hints", "BTI", "HINT_HM_hints", "CRm=4", "(op2 & 1) == 0", "bti BTI");

        String barrier = "1101010100 L=0 op0=00 op1=011 CRn=0011 ";
        t.row("CLREX_BN_barriers", "CLREX", BARRIER, barrier + "CRm:4 op2=010 Rt=11111", "clrex OHEX(CRm,15)");
        t.row("DSB_BO_barriers", "DSB", BARRIER, barrier + "CRm:4 op2=100 Rt=11111", "dsb BOPT(CRm)");
        t.row("DMB_BO_barriers", "DMB", BARRIER, barrier + "CRm:4 op2=101 Rt=11111", "dmb BOPT(CRm)");
        t.row("ISB_BI_barriers", "ISB", BARRIER, barrier + "CRm:4 op2=110 Rt=11111", "isb OHEX(CRm,15)");
        t.row("SB_only_barriers", "SB", BARRIER, barrier + "CRm=0000 op2=111 Rt=11111", "sb").feature("FEAT_SB");
        t.alias("SSBB_DSB_BO_barriers", "SSBB", "DSB_BO_barriers", "CRm=0", null, "ssbb");
        t.alias("PSSBB_DSB_BO_barriers", "PSSBB", "DSB_BO_barriers", "CRm=4", null, "pssbb");

        // MSR (immediate): allocated PSTATE fields here: SPSel (op1=0,op2=5), DAIFSet (3,6),
        // DAIFClr (3,7), PAN (0,4, FEAT_PAN), UAO (0,3, FEAT_UAO); the 1-bit fields take CRm 0 or 1
        // (objdump treats other CRm values as MSR (register) to s0_..., not a PSTATE write). Others (DIT, SSBS, TCO, ALLINT,
        // SVCR, CFINV/XAFLAG/AXFLAG) are not modelled and decode as UNALLOCATED.
        t.row("MSR_SI_pstate", "MSR (immediate)", MSR_IMM, "1101010100 L=0 op0=00 op1:3 CRn=0100 CRm:4 op2:3 Rt=11111",
                "msr PSTATE, HEX(CRm)")
                .guard("!((op1 == 0 && op2 >= 3 && op2 <= 5 && CRm <= 1) || (op1 == 3 && op2 >= 6))");

        t.row("SYS_CR_systeminstrs", "SYS", SYS, "1101010100 L=0 op0=01 op1:3 CRn:4 CRm:4 op2:3 Rt:5",
                "sys DEC(op1), CR(CRn), CR(CRm), DEC(op2), OX(Rt,31)");
        t.row("SYSL_RC_systeminstrs", "SYSL", SYSL, "1101010100 L=1 op0=01 op1:3 CRn:4 CRm:4 op2:3 Rt:5",
                "sysl X(Rt), DEC(op1), CR(CRn), CR(CRm), DEC(op2)");
        t.alias("AT_SYS_CR_systeminstrs", "AT", "SYS_CR_systeminstrs", null, "sysOp(op1, CRn, CRm, op2, Rt) == 1", "at SYSOP");
        t.alias("DC_SYS_CR_systeminstrs", "DC", "SYS_CR_systeminstrs", null, "sysOp(op1, CRn, CRm, op2, Rt) == 2", "dc SYSOP");
        t.alias("IC_SYS_CR_systeminstrs", "IC", "SYS_CR_systeminstrs", null, "sysOp(op1, CRn, CRm, op2, Rt) == 3", "ic SYSOP");
        t.alias("TLBI_SYS_CR_systeminstrs", "TLBI", "SYS_CR_systeminstrs", null, "sysOp(op1, CRn, CRm, op2, Rt) == 4", "tlbi SYSOP");

        // FEAT_SPECRES prediction restriction (CFP/DVP/CPP RCTX, Xt): SYS aliases
        t.alias("CFP_SYS_CR_systeminstrs", "CFP", "SYS_CR_systeminstrs", "op1=3 CRn=7 CRm=3 op2=4", null, "cfp rctx, X(Rt)");
        t.alias("DVP_SYS_CR_systeminstrs", "DVP", "SYS_CR_systeminstrs", "op1=3 CRn=7 CRm=3 op2=5", null, "dvp rctx, X(Rt)");
        t.alias("CPP_SYS_CR_systeminstrs", "CPP", "SYS_CR_systeminstrs", "op1=3 CRn=7 CRm=3 op2=7", null, "cpp rctx, X(Rt)");

        t.row("MSR_SR_systemmove", "MSR (register)", MSR_REG, "1101010100 L=0 op0=1x op1:3 CRn:4 CRm:4 op2:3 Rt:5", "msr SYSREG, X(Rt)");
        t.row("MRS_RS_systemmove", "MRS", MRS, "1101010100 L=1 op0=1x op1:3 CRn:4 CRm:4 op2:3 Rt:5", "mrs X(Rt), SYSREG");
    }

    private static void hintAlias(TableBuilder t, String name, int crm, int op2, String template, String feature) {
        String id = name + (name.equals("PSB") || name.equals("TSB") ? "_HC_hints" : "_HI_hints");
        t.alias(id, name + (template.contains(" ") ? " CSYNC" : ""), "HINT_HM_hints", "CRm=" + crm + " op2=" + op2, null, template);
    }

    // ------------------------------------------------------------------------- Loads and stores
    /** {size, opc, mnemonic, register kind, id width} of the integer load/store register forms. */
    private static final String[][] LDST = {
        {"00", "00", "strb", "W", "32"}, {"00", "01", "ldrb", "W", "32"}, {"00", "10", "ldrsb", "X", "64"}, {"00", "11", "ldrsb", "W", "32"},
        {"01", "00", "strh", "W", "32"}, {"01", "01", "ldrh", "W", "32"}, {"01", "10", "ldrsh", "X", "64"}, {"01", "11", "ldrsh", "W", "32"},
        {"10", "00", "str", "W", "32"}, {"10", "01", "ldr", "W", "32"}, {"10", "10", "ldrsw", "X", "64"},
        {"11", "00", "str", "X", "64"}, {"11", "01", "ldr", "X", "64"},
    };

    private static void loadsAndStores(TableBuilder t) {
        // Exclusives and load-acquire/store-release (ARMv8.0 layout of "Load/store exclusive").
        // Simplification: the Arm ARM draws the unused Rs/Rt2 of LDXR/STLR/STXR/LDXP (and Ra of
        // SMULH/UMULH below) as should-be-one "(1)" bits, CONSTRAINED UNPREDICTABLE when not
        // ones; the rows mark them "=(11111)": variable when decoding (the executor ignores them,
        // executing as if ones, as objdump decodes them and cores commonly behave), ones when
        // encoding (as GNU as writes). LDAR keeps them fixed: objdump treats other values as
        // undefined, so do we (UNDEFINED is one of the permitted behaviours).
        String[][] ex = {{"00", "B", "W", "32"}, {"01", "H", "W", "32"}, {"10", "", "W", "32"}, {"11", "", "X", "64"}};
        for (String[] e : ex) {
            String size = e[0], sfx = e[1], r = e[2], w = e[3];
            String p = "size=" + size + " 001000 ";
            String low = sfx.toLowerCase();
            t.row("STXR" + sfx + "_SR" + w + "_ldstexcl", "STXR" + sfx, LDST_EXCLUSIVE, p + "o2=0 L=0 o1=0 Rs:5 o0=0 Rt2=(11111) Rn:5 Rt:5", "stxr" + low + " W(Rs), " + r + "(Rt), M0");
            t.row("STLXR" + sfx + "_SR" + w + "_ldstexcl", "STLXR" + sfx, LDST_EXCLUSIVE, p + "o2=0 L=0 o1=0 Rs:5 o0=1 Rt2=(11111) Rn:5 Rt:5", "stlxr" + low + " W(Rs), " + r + "(Rt), M0");
            t.row("LDXR" + sfx + "_LR" + w + "_ldstexcl", "LDXR" + sfx, LDST_EXCLUSIVE, p + "o2=0 L=1 o1=0 Rs=(11111) o0=0 Rt2=(11111) Rn:5 Rt:5", "ldxr" + low + " " + r + "(Rt), M0");
            t.row("LDAXR" + sfx + "_LR" + w + "_ldstexcl", "LDAXR" + sfx, LDST_EXCLUSIVE, p + "o2=0 L=1 o1=0 Rs=(11111) o0=1 Rt2=(11111) Rn:5 Rt:5", "ldaxr" + low + " " + r + "(Rt), M0");
            t.row("STLR" + sfx + "_SL" + w + "_ldstexcl", "STLR" + sfx, LDST_ORDERED, p + "o2=1 L=0 o1=0 Rs=(11111) o0=1 Rt2=(11111) Rn:5 Rt:5", "stlr" + low + " " + r + "(Rt), M0");
            t.row("LDAR" + sfx + "_LR" + w + "_ldstexcl", "LDAR" + sfx, LDST_ORDERED, p + "o2=1 L=1 o1=0 Rs=11111 o0=1 Rt2=11111 Rn:5 Rt:5", "ldar" + low + " " + r + "(Rt), M0");
            String lp = "size=" + size + " 111 V=0 00 A=1 R=0 1 Rs=11111 o3=1 opc=100 00 Rn:5 Rt:5";
            t.row("LDAPR" + sfx + "_" + w + "L_memop", "LDAPR" + sfx, LDST_ORDERED, lp, "ldapr" + low + " " + r + "(Rt), M0").feature("FEAT_LRCPC");
        }
        for (String[] e : new String[][] {{"10", "W", "32"}, {"11", "X", "64"}}) {
            String p = "size=" + e[0] + " 001000 ", r = e[1], w = e[2];
            t.row("STXP_SP" + w + "_ldstexcl", "STXP", LDST_EXCLUSIVE, p + "o2=0 L=0 o1=1 Rs:5 o0=0 Rt2:5 Rn:5 Rt:5", "stxp W(Rs), " + r + "(Rt), " + r + "(Rt2), M0");
            t.row("STLXP_SP" + w + "_ldstexcl", "STLXP", LDST_EXCLUSIVE, p + "o2=0 L=0 o1=1 Rs:5 o0=1 Rt2:5 Rn:5 Rt:5", "stlxp W(Rs), " + r + "(Rt), " + r + "(Rt2), M0");
            t.row("LDXP_LP" + w + "_ldstexcl", "LDXP", LDST_EXCLUSIVE, p + "o2=0 L=1 o1=1 Rs=(11111) o0=0 Rt2:5 Rn:5 Rt:5", "ldxp " + r + "(Rt), " + r + "(Rt2), M0");
            t.row("LDAXP_LP" + w + "_ldstexcl", "LDAXP", LDST_EXCLUSIVE, p + "o2=0 L=1 o1=1 Rs=(11111) o0=1 Rt2:5 Rn:5 Rt:5", "ldaxp " + r + "(Rt), " + r + "(Rt2), M0");
        }

        t.row("LDR_32_loadlit", "LDR (literal)", LOAD_LITERAL, "opc=00 011 V=0 00 imm19:19 Rt:5", "ldr W(Rt), LABEL(imm19)");
        t.row("LDR_64_loadlit", "LDR (literal)", LOAD_LITERAL, "opc=01 011 V=0 00 imm19:19 Rt:5", "ldr X(Rt), LABEL(imm19)");
        t.row("LDRSW_64_loadlit", "LDRSW (literal)", LOAD_LITERAL, "opc=10 011 V=0 00 imm19:19 Rt:5", "ldrsw X(Rt), LABEL(imm19)");
        t.row("PRFM_P_loadlit", "PRFM (literal)", PREFETCH, "opc=11 011 V=0 00 imm19:19 Rt:5", "prfm PRFOP(Rt), LABEL(imm19)");

        // Pairs: bits [25:23] select no-allocate (000), post (001), offset (010), pre (011).
        String[][] pairModes = {{"000", "ldstnapair_offs", "MP"}, {"001", "ldstpair_post", "MPPOST"}, {"010", "ldstpair_off", "MP"}, {"011", "ldstpair_pre", "MPPRE"}};
        ExecClass[] pairClass = {LDST_PAIR_NONTEMPORAL, LDST_PAIR_POST, LDST_PAIR_OFFSET, LDST_PAIR_PRE};
        String[] pairHeadingSuffix = {"", " (post-index)", " (signed offset)", " (pre-index)"};
        for (int m = 0; m < 4; m++) {
            String mode = pairModes[m][0], suffix = pairModes[m][1], mem = pairModes[m][2];
            boolean nt = m == 0;
            String[] names = nt ? new String[] {"stnp", "ldnp"} : new String[] {"stp", "ldp"};
            for (int l = 0; l <= 1; l++) {
                String mn = names[l];
                String up = mn.toUpperCase();
                t.row(up + "_32_" + suffix, up + pairHeadingSuffix[m], pairClass[m],
                        "opc=00 101 V=0 " + mode + " L=" + l + " imm7:7 Rt2:5 Rn:5 Rt:5", mn + " W(Rt), W(Rt2), " + mem + "(2)");
                t.row(up + "_64_" + suffix, up + pairHeadingSuffix[m], pairClass[m],
                        "opc=10 101 V=0 " + mode + " L=" + l + " imm7:7 Rt2:5 Rn:5 Rt:5", mn + " X(Rt), X(Rt2), " + mem + "(3)");
            }
            if (!nt) {
                // Simplification: Rt == Rt2, and writeback into Rt/Rt2, are CONSTRAINED
                // UNPREDICTABLE for LDPSW (Arm ARM "LDPSW"); we take the UNDEFINED choice, as
                // objdump does (GNU as warns about them; no correct guest uses them).
                t.row("LDPSW_64_" + suffix, "LDPSW" + pairHeadingSuffix[m], pairClass[m],
                        "opc=01 101 V=0 " + mode + " L=1 imm7:7 Rt2:5 Rn:5 Rt:5", "ldpsw X(Rt), X(Rt2), " + mem + "(2)")
                        .guard(m == 2 ? "Rt == Rt2" : "Rt == Rt2 || ((Rn == Rt || Rn == Rt2) && Rn != 31)");
            }
        }

        // Register (immediate) forms: bits [11:10] 00 unscaled, 01 post-index, 10 unprivileged, 11 pre-index.
        for (String[] e : LDST) {
            String size = e[0], opc = e[1], mn = e[2], r = e[3], w = e[4];
            String head = "size=" + size + " 111 V=0 00 opc=" + opc + " 0 imm9:9 ";
            String tail = " Rn:5 Rt:5";
            String un = mn.substring(0, 2) + "u" + mn.substring(2);
            String tt = mn.substring(0, 2) + "t" + mn.substring(2);
            String heading = mn.toUpperCase() + " (immediate)";
            t.row(un.toUpperCase() + "_" + w + "_ldst_unscaled", un.toUpperCase(), LDST_UNSCALED, head + "00" + tail, un + " " + r + "(Rt), M9");
            t.row(mn.toUpperCase() + "_" + w + "_ldst_immpost", heading, LDST_IMM_POST, head + "01" + tail, mn + " " + r + "(Rt), MPOST9");
            t.row(tt.toUpperCase() + "_" + w + "_ldst_unpriv", tt.toUpperCase(), LDST_UNPRIV, head + "10" + tail, tt + " " + r + "(Rt), M9");
            t.row(mn.toUpperCase() + "_" + w + "_ldst_immpre", heading, LDST_IMM_PRE, head + "11" + tail, mn + " " + r + "(Rt), MPRE9");
            t.row(mn.toUpperCase() + "_" + w + "_ldst_pos", heading, LDST_IMM_UNSIGNED,
                    "size=" + size + " 111 V=0 01 opc=" + opc + " imm12:12 Rn:5 Rt:5", mn + " " + r + "(Rt), MU(" + Integer.parseInt(size, 2) + ")");
            String reg = "size=" + size + " 111 V=0 00 opc=" + opc + " 1 Rm:5 ";
            String regGuard = "(option & 2) == 0";
            String regHeading = mn.toUpperCase() + " (register)";
            if (size.equals("00")) {
                String base = mn.toUpperCase() + "_" + w + "B_ldst_regoff";
                t.row(base, regHeading, LDST_REG_OFFSET, reg + "option:3 S:1 10 Rn:5 Rt:5", mn + " " + r + "(Rt), MR(0)").guard(regGuard);
                t.row(mn.toUpperCase() + "_" + w + "BL_ldst_regoff", regHeading, LDST_REG_OFFSET, reg + "option=011 S:1 10 Rn:5 Rt:5",
                        mn + " " + r + "(Rt), MR(0)").overrides(base);
            } else {
                t.row(mn.toUpperCase() + "_" + w + "_ldst_regoff", regHeading, LDST_REG_OFFSET, reg + "option:3 S:1 10 Rn:5 Rt:5",
                        mn + " " + r + "(Rt), MR(" + Integer.parseInt(size, 2) + ")").guard(regGuard);
            }
        }
        t.row("PRFUM_P_ldst_unscaled", "PRFUM", PREFETCH, "size=11 111 V=0 00 opc=10 0 imm9:9 00 Rn:5 Rt:5", "prfum PRFOP(Rt), M9");
        t.row("PRFM_P_ldst_pos", "PRFM (immediate)", PREFETCH, "size=11 111 V=0 01 opc=10 imm12:12 Rn:5 Rt:5", "prfm PRFOP(Rt), MU(3)");
        t.row("PRFM_P_ldst_regoff", "PRFM (register)", PREFETCH, "size=11 111 V=0 00 opc=10 1 Rm:5 option:3 S:1 10 Rn:5 Rt:5",
                "prfm PRFOP(Rt), MR(3)").guard("(option & 2) == 0");
    }

    // ------------------------------------------------------------- Data processing -- register
    private static void dataProcessingRegister(TableBuilder t) {
        String[][] logical = {{"AND", "00", "0"}, {"BIC", "00", "1"}, {"ORR", "01", "0"}, {"ORN", "01", "1"},
                              {"EOR", "10", "0"}, {"EON", "10", "1"}, {"ANDS", "11", "0"}, {"BICS", "11", "1"}};
        for (String[] l : logical) {
            both(t, l[0] + "_%d_log_shift", l[0] + " (shifted register)", LOGICAL_SHIFTED,
                    "sf=? opc=" + l[1] + " 01010 shift:2 N=" + l[2] + " Rm:5 imm6:6 Rn:5 Rd:5",
                    l[0].toLowerCase() + " %(Rd), %(Rn), S%(Rm)", "sf == 0 && imm6 > 31");
        }
        alias2(t, "MOV_ORR_%d_log_shift", "MOV (register)", "ORR_%d_log_shift", "shift=0 imm6=0 Rn=31", null, "mov %(Rd), %(Rm)");
        alias2(t, "MVN_ORN_%d_log_shift", "MVN", "ORN_%d_log_shift", "Rn=31", null, "mvn %(Rd), S%(Rm)");
        alias2(t, "TST_ANDS_%d_log_shift", "TST (shifted register)", "ANDS_%d_log_shift", "Rd=31", null, "tst %(Rn), S%(Rm)");

        String[][] addsub = {{"ADD", "0", "0", ""}, {"ADDS", "0", "1", "S"}, {"SUB", "1", "0", ""}, {"SUBS", "1", "1", "S"}};
        for (String[] a : addsub) {
            String lc = a[0].toLowerCase();
            both(t, a[0] + "_%d_addsub_shift", a[0] + " (shifted register)", ADD_SUB_SHIFTED,
                    "sf=? op=" + a[1] + " S=" + a[2] + " 01011 shift:2 0 Rm:5 imm6:6 Rn:5 Rd:5",
                    lc + " %(Rd), %(Rn), S%(Rm)", "shift == 3 || (sf == 0 && imm6 > 31)");
            both(t, a[0] + "_%d" + a[3] + "_addsub_ext", a[0] + " (extended register)", ADD_SUB_EXTENDED,
                    "sf=? op=" + a[1] + " S=" + a[2] + " 01011 opt=00 1 Rm:5 option:3 imm3:3 Rn:5 Rd:5",
                    lc + (a[3].isEmpty() ? " %S(Rd)" : " %(Rd)") + ", %S(Rn), EXT(Rm)", "imm3 > 4");
            both(t, a[0].replace("ADD", "ADC").replace("SUB", "SBC") + "_%d_addsub_carry",
                    a[0].replace("ADD", "ADC").replace("SUB", "SBC"), ADD_SUB_CARRY,
                    "sf=? op=" + a[1] + " S=" + a[2] + " 11010000 Rm:5 000000 Rn:5 Rd:5",
                    lc.replace("add", "adc").replace("sub", "sbc") + " %(Rd), %(Rn), %(Rm)", null);
        }
        alias2(t, "CMN_ADDS_%d_addsub_shift", "CMN (shifted register)", "ADDS_%d_addsub_shift", "Rd=31", null, "cmn %(Rn), S%(Rm)");
        alias2(t, "CMP_SUBS_%d_addsub_shift", "CMP (shifted register)", "SUBS_%d_addsub_shift", "Rd=31", null, "cmp %(Rn), S%(Rm)");
        alias2(t, "NEG_SUB_%d_addsub_shift", "NEG (shifted register)", "SUB_%d_addsub_shift", "Rn=31", null, "neg %(Rd), S%(Rm)");
        alias2(t, "NEGS_SUBS_%d_addsub_shift", "NEGS", "SUBS_%d_addsub_shift", "Rn=31", null, "negs %(Rd), S%(Rm)");
        alias2(t, "CMN_ADDS_%dS_addsub_ext", "CMN (extended register)", "ADDS_%dS_addsub_ext", "Rd=31", null, "cmn %S(Rn), EXT(Rm)");
        alias2(t, "CMP_SUBS_%dS_addsub_ext", "CMP (extended register)", "SUBS_%dS_addsub_ext", "Rd=31", null, "cmp %S(Rn), EXT(Rm)");
        alias2(t, "NGC_SBC_%d_addsub_carry", "NGC", "SBC_%d_addsub_carry", "Rn=31", null, "ngc %(Rd), %(Rm)");
        alias2(t, "NGCS_SBCS_%d_addsub_carry", "NGCS", "SBCS_%d_addsub_carry", "Rn=31", null, "ngcs %(Rd), %(Rm)");

        for (String[] c : new String[][] {{"CCMN", "0"}, {"CCMP", "1"}}) {
            String lc = c[0].toLowerCase();
            both(t, c[0] + "_%d_condcmp_reg", c[0] + " (register)", COND_COMPARE_REG,
                    "sf=? op=" + c[1] + " S=1 11010010 Rm:5 cond:4 0 o2=0 Rn:5 o3=0 nzcv:4", lc + " %(Rn), %(Rm), HEX(nzcv), COND", null);
            both(t, c[0] + "_%d_condcmp_imm", c[0] + " (immediate)", COND_COMPARE_IMM,
                    "sf=? op=" + c[1] + " S=1 11010010 imm5:5 cond:4 1 o2=0 Rn:5 o3=0 nzcv:4", lc + " %(Rn), HEX(imm5), HEX(nzcv), COND", null);
        }

        String[][] csel = {{"CSEL", "0", "00"}, {"CSINC", "0", "01"}, {"CSINV", "1", "00"}, {"CSNEG", "1", "01"}};
        for (String[] c : csel) {
            both(t, c[0] + "_%d_condsel", c[0], COND_SELECT, "sf=? op=" + c[1] + " S=0 11010100 Rm:5 cond:4 op2=" + c[2] + " Rn:5 Rd:5",
                    c[0].toLowerCase() + " %(Rd), %(Rn), %(Rm), COND", null);
        }
        alias2(t, "CINC_CSINC_%d_condsel", "CINC", "CSINC_%d_condsel", null, "Rm != 31 && cond < 14 && Rn != 31 && Rn == Rm", "cinc %(Rd), %(Rn=Rm), NCOND");
        alias2(t, "CSET_CSINC_%d_condsel", "CSET", "CSINC_%d_condsel", "Rm=31 Rn=31", "cond < 14", "cset %(Rd), NCOND");
        alias2(t, "CINV_CSINV_%d_condsel", "CINV", "CSINV_%d_condsel", null, "Rm != 31 && cond < 14 && Rn != 31 && Rn == Rm", "cinv %(Rd), %(Rn=Rm), NCOND");
        alias2(t, "CSETM_CSINV_%d_condsel", "CSETM", "CSINV_%d_condsel", "Rm=31 Rn=31", "cond < 14", "csetm %(Rd), NCOND");
        alias2(t, "CNEG_CSNEG_%d_condsel", "CNEG", "CSNEG_%d_condsel", null, "cond < 14 && Rn == Rm", "cneg %(Rd), %(Rn=Rm), NCOND");

        String dp1 = " 1 S=0 11010110 opcode2=00000 opcode=";
        String[][] one = {{"RBIT", "000000"}, {"REV16", "000001"}, {"CLZ", "000100"}, {"CLS", "000101"}};
        for (String[] o : one) {
            both(t, o[0] + "_%d_dp_1src", o[0], DP_1SRC, "sf=?" + dp1 + o[1] + " Rn:5 Rd:5", o[0].toLowerCase() + " %(Rd), %(Rn)", null);
        }
        t.row("REV_32_dp_1src", "REV", DP_1SRC, "sf=0" + dp1 + "000010 Rn:5 Rd:5", "rev W(Rd), W(Rn)");
        t.row("REV32_64_dp_1src", "REV32", DP_1SRC, "sf=1" + dp1 + "000010 Rn:5 Rd:5", "rev32 X(Rd), X(Rn)");
        t.row("REV_64_dp_1src", "REV", DP_1SRC, "sf=1" + dp1 + "000011 Rn:5 Rd:5", "rev X(Rd), X(Rn)");

        String dp2 = " 0 S=0 11010110 Rm:5 opcode=";
        String[][] two = {{"UDIV", "000010"}, {"SDIV", "000011"}, {"LSLV", "001000"}, {"LSRV", "001001"}, {"ASRV", "001010"}, {"RORV", "001011"}};
        for (String[] o : two) {
            both(t, o[0] + "_%d_dp_2src", o[0], DP_2SRC, "sf=?" + dp2 + o[1] + " Rn:5 Rd:5", o[0].toLowerCase() + " %(Rd), %(Rn), %(Rm)", null);
        }
        for (String s : new String[] {"LSL", "LSR", "ASR", "ROR"}) {
            alias2(t, s + "_" + s + "V_%d_dp_2src", s + " (register)", s + "V_%d_dp_2src", null, null, s.toLowerCase() + " %(Rd), %(Rn), %(Rm)");
        }
        String[] crcSz = {"B", "H", "W", "X"};
        for (int c = 0; c <= 1; c++) {
            for (int sz = 0; sz < 4; sz++) {
                String name = "CRC32" + (c == 1 ? "C" : "") + crcSz[sz];
                t.row(name + (sz == 3 ? "_64C" : "_32C") + "_dp_2src", name, DP_2SRC,
                        "sf=" + (sz == 3 ? 1 : 0) + dp2 + "010" + c + bin(sz, 2) + " Rn:5 Rd:5",
                        name.toLowerCase() + " W(Rd), W(Rn), " + (sz == 3 ? "X" : "W") + "(Rm)").feature("FEAT_CRC32");
            }
        }

        String dp3 = " op54=00 11011 op31=";
        both(t, "MADD_%dA_dp_3src", "MADD", DP_3SRC, "sf=?" + dp3 + "000 Rm:5 o0=0 Ra:5 Rn:5 Rd:5", "madd %(Rd), %(Rn), %(Rm), %(Ra)", null);
        both(t, "MSUB_%dA_dp_3src", "MSUB", DP_3SRC, "sf=?" + dp3 + "000 Rm:5 o0=1 Ra:5 Rn:5 Rd:5", "msub %(Rd), %(Rn), %(Rm), %(Ra)", null);
        alias2(t, "MUL_MADD_%dA_dp_3src", "MUL", "MADD_%dA_dp_3src", "Ra=31", null, "mul %(Rd), %(Rn), %(Rm)");
        alias2(t, "MNEG_MSUB_%dA_dp_3src", "MNEG", "MSUB_%dA_dp_3src", "Ra=31", null, "mneg %(Rd), %(Rn), %(Rm)");
        String[][] longs = {{"SMADDL", "001", "0"}, {"SMSUBL", "001", "1"}, {"UMADDL", "101", "0"}, {"UMSUBL", "101", "1"}};
        for (String[] l : longs) {
            t.row(l[0] + "_64WA_dp_3src", l[0], DP_3SRC, "sf=1" + dp3 + l[1] + " Rm:5 o0=" + l[2] + " Ra:5 Rn:5 Rd:5",
                    l[0].toLowerCase() + " X(Rd), W(Rn), W(Rm), X(Ra)");
        }
        t.alias("SMULL_SMADDL_64WA_dp_3src", "SMULL", "SMADDL_64WA_dp_3src", "Ra=31", null, "smull X(Rd), W(Rn), W(Rm)");
        t.alias("SMNEGL_SMSUBL_64WA_dp_3src", "SMNEGL", "SMSUBL_64WA_dp_3src", "Ra=31", null, "smnegl X(Rd), W(Rn), W(Rm)");
        t.alias("UMULL_UMADDL_64WA_dp_3src", "UMULL", "UMADDL_64WA_dp_3src", "Ra=31", null, "umull X(Rd), W(Rn), W(Rm)");
        t.alias("UMNEGL_UMSUBL_64WA_dp_3src", "UMNEGL", "UMSUBL_64WA_dp_3src", "Ra=31", null, "umnegl X(Rd), W(Rn), W(Rm)");
        t.row("SMULH_64_dp_3src", "SMULH", DP_3SRC, "sf=1" + dp3 + "010 Rm:5 o0=0 Ra=(11111) Rn:5 Rd:5", "smulh X(Rd), X(Rn), X(Rm)");
        t.row("UMULH_64_dp_3src", "UMULH", DP_3SRC, "sf=1" + dp3 + "110 Rm:5 o0=0 Ra=(11111) Rn:5 Rd:5", "umulh X(Rd), X(Rn), X(Rm)");
    }

    static String bin(int v, int width) {
        StringBuilder sb = new StringBuilder();
        for (int i = width - 1; i >= 0; i--) sb.append((v >>> i) & 1);
        return sb.toString();
    }
}
