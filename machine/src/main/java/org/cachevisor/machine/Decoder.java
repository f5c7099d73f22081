package org.cachevisor.machine;

import org.cachevisor.isa.A64;
import org.cachevisor.isa.Encoding;
import org.cachevisor.isa.ExecClass;

/**
 * The ASL "decode" step of every instruction class: from the isa table's row and its named fields
 * (sf, op, S, imm12, Rn, ...) it computes the values the execute step uses (d, n, datasize, setflags,
 * imm, wback...) and picks the handler ({@link Op}). Runs once per distinct instruction word (the PE
 * caches the result), so clarity matters more than speed here.
 *
 * <p>Every {@link ExecClass} is handled by an exhaustive {@code switch}: adding a class to the table
 * without a handler fails to compile. CONSTRAINED UNPREDICTABLE cases take one of the permitted
 * behaviours, named where they are decided.
 */
public final class Decoder {
    private Decoder() {}

    /** Decodes a word; unallocated words (and reserved field values) give {@link Op#UNDEFINED}. */
    public static Decoded decode(int word) {
        Encoding enc = A64.decode(word);
        Decoded di = new Decoded(word, enc);
        if (enc == null) {
            di.op = Op.UNDEFINED;
            return di;
        }
        try {
            decodeInto(di, enc, word);
        } catch (Reserved e) {
            di.op = Op.UNDEFINED;
        }
        di.touchesMemory = touchesMemory(di.op);
        di.changesContext = di.touchesMemory && !isLoadStore(di.op);
        return di;
    }

    /** A reserved value (the ASL says UNDEFINED) found while decoding. */
    private static final class Reserved extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final Reserved INSTANCE = new Reserved();

        private Reserved() { super("reserved encoding", null, false, false); }
    }

    private static int f(Encoding e, int word, String name) {
        return e.field(name).extract(word);
    }

    private static long sext(long v, int bits) {
        int s = 64 - bits;
        return (v << s) >> s;
    }

    /** Register operand read where 31 means XZR. */
    private static int zr(int reg) { return reg == 31 ? Pe.ZR : reg; }

    /** Destination where 31 means XZR (write discarded). */
    private static int zrDst(int reg) { return reg == 31 ? Pe.SINK : reg; }

    /** Operand or destination where 31 means SP. */
    private static int sp(int reg) { return reg; }

    private static void decodeInto(Decoded di, Encoding e, int w) {
        ExecClass ec = e.execClass();
        switch (ec) {
            case ADD_SUB_IMM: {
                boolean s = f(e, w, "S") == 1, sub = f(e, w, "op") == 1;
                di.datasize = f(e, w, "sf") == 1 ? 64 : 32;
                di.n = sp(f(e, w, "Rn"));
                di.d = s ? zrDst(f(e, w, "Rd")) : sp(f(e, w, "Rd"));
                di.imm = (long) f(e, w, "imm12") << (12 * f(e, w, "sh"));
                di.setflags = s;
                di.flag1 = sub;
                if (di.datasize == 64 && !s) di.op = sub ? Op.SUB_X_IMM : Op.ADD_X_IMM;
                else if (di.datasize == 64 && sub) di.op = Op.SUBS_X_IMM;
                else di.op = Op.ADDSUB_IMM;
                break;
            }
            case ADD_SUB_SHIFTED: {
                boolean s = f(e, w, "S") == 1, sub = f(e, w, "op") == 1;
                di.datasize = f(e, w, "sf") == 1 ? 64 : 32;
                di.n = zr(f(e, w, "Rn"));
                di.m = zr(f(e, w, "Rm"));
                di.d = zrDst(f(e, w, "Rd"));
                di.shiftType = f(e, w, "shift");
                di.shiftAmount = f(e, w, "imm6");
                if (di.shiftType == 3) throw Reserved.INSTANCE;
                di.setflags = s;
                di.flag1 = sub;
                boolean plain = di.datasize == 64 && di.shiftAmount == 0;
                if (plain && !s && !sub) di.op = Op.ADD_X_REG;
                else if (plain && s && sub) di.op = Op.SUBS_X_REG;
                else di.op = Op.ADDSUB_SHIFTED;
                break;
            }
            case ADD_SUB_EXTENDED: {
                boolean s = f(e, w, "S") == 1;
                di.datasize = f(e, w, "sf") == 1 ? 64 : 32;
                di.n = sp(f(e, w, "Rn"));
                di.m = zr(f(e, w, "Rm"));
                di.d = s ? zrDst(f(e, w, "Rd")) : sp(f(e, w, "Rd"));
                di.extendType = f(e, w, "option");
                di.shiftAmount = f(e, w, "imm3");
                if (di.shiftAmount > 4) throw Reserved.INSTANCE;
                di.setflags = s;
                di.flag1 = f(e, w, "op") == 1;
                di.op = Op.ADDSUB_EXT;
                break;
            }
            case ADD_SUB_CARRY:
                di.datasize = f(e, w, "sf") == 1 ? 64 : 32;
                di.n = zr(f(e, w, "Rn"));
                di.m = zr(f(e, w, "Rm"));
                di.d = zrDst(f(e, w, "Rd"));
                di.setflags = f(e, w, "S") == 1;
                di.flag1 = f(e, w, "op") == 1;
                di.op = Op.ADDSUB_CARRY;
                break;
            case LOGICAL_IMM: {
                di.datasize = f(e, w, "sf") == 1 ? 64 : 32;
                di.sub = f(e, w, "opc");
                di.n = zr(f(e, w, "Rn"));
                di.d = di.sub == Op.ANDS ? zrDst(f(e, w, "Rd")) : sp(f(e, w, "Rd"));
                int nBit = f(e, w, "N");
                if (di.datasize == 32 && nBit == 1) throw Reserved.INSTANCE;
                long[] masks = Asl.decodeBitMasks(nBit, f(e, w, "imms"), f(e, w, "immr"), true, di.datasize);
                if (masks == null) throw Reserved.INSTANCE;
                di.imm = masks[0];
                di.op = Op.LOGICAL_IMM;
                break;
            }
            case LOGICAL_SHIFTED: {
                di.datasize = f(e, w, "sf") == 1 ? 64 : 32;
                di.sub = f(e, w, "opc");
                di.n = zr(f(e, w, "Rn"));
                di.m = zr(f(e, w, "Rm"));
                di.d = zrDst(f(e, w, "Rd"));
                di.shiftType = f(e, w, "shift");
                di.shiftAmount = f(e, w, "imm6");
                di.flag2 = f(e, w, "N") == 1;
                if (di.datasize == 32 && di.shiftAmount > 31) throw Reserved.INSTANCE;
                boolean mov = di.sub == Op.ORR && !di.flag2 && di.n == Pe.ZR && di.shiftAmount == 0;
                di.op = mov ? Op.MOV_REG : Op.LOGICAL_SHIFTED;
                if (!mov && di.datasize == 64 && di.shiftAmount == 0 && !di.flag2 && di.sub != Op.ANDS) {
                    di.op = di.sub == Op.AND ? Op.AND_X_REG : di.sub == Op.ORR ? Op.ORR_X_REG : Op.EOR_X_REG;
                }
                break;
            }
            case MOVE_WIDE: {
                di.datasize = f(e, w, "sf") == 1 ? 64 : 32;
                int opc = f(e, w, "opc"), hw = f(e, w, "hw");
                if (opc == 1 || (di.datasize == 32 && hw > 1)) throw Reserved.INSTANCE;
                int pos = hw * 16;
                long imm = (long) f(e, w, "imm16") << pos;
                di.d = zrDst(f(e, w, "Rd"));
                if (opc == 3) {
                    di.op = Op.MOVK;
                    di.imm = imm;
                    di.imm2 = 0xFFFFL << pos;
                } else {
                    di.op = Op.MOV_IMM;
                    di.imm = Asl.trunc(opc == 0 ? ~imm : imm, di.datasize);
                }
                break;
            }
            case BITFIELD: {
                di.datasize = f(e, w, "sf") == 1 ? 64 : 32;
                int opc = f(e, w, "opc"), nBit = f(e, w, "N"), immr = f(e, w, "immr"), imms = f(e, w, "imms");
                if (opc == 3) throw Reserved.INSTANCE;
                if (di.datasize == 64 && nBit != 1) throw Reserved.INSTANCE;
                if (di.datasize == 32 && (nBit != 0 || immr > 31 || imms > 31)) throw Reserved.INSTANCE;
                long[] masks = Asl.decodeBitMasks(nBit, imms, immr, false, di.datasize);
                if (masks == null) throw Reserved.INSTANCE;
                di.imm = masks[0];
                di.imm2 = masks[1];
                di.shiftAmount = immr; // R
                di.sub = imms;         // S
                di.flag1 = opc != 1;   // inzero: SBFM and UBFM
                di.flag2 = opc == 0;   // extend: SBFM
                di.n = zr(f(e, w, "Rn"));
                di.d = zrDst(f(e, w, "Rd"));
                di.op = Op.BITFIELD;
                // LSL Xd, Xn, #sh is UBFM Xd, Xn, #(-sh MOD 64), #(63 - sh) with imms + 1 == immr.
                if (opc == 2 && di.datasize == 64 && imms != 63 && imms + 1 == immr) {
                    di.op = Op.LSL_X_IMM;
                    di.shiftAmount = 63 - imms;
                }
                break;
            }
            case EXTRACT: {
                di.datasize = f(e, w, "sf") == 1 ? 64 : 32;
                di.shiftAmount = f(e, w, "imms");
                if (di.datasize == 32 && di.shiftAmount > 31) throw Reserved.INSTANCE;
                di.n = zr(f(e, w, "Rn"));
                di.m = zr(f(e, w, "Rm"));
                di.d = zrDst(f(e, w, "Rd"));
                di.op = Op.EXTRACT;
                break;
            }
            case PC_REL: {
                long imm = sext(((long) f(e, w, "immhi") << 2) | f(e, w, "immlo"), 21);
                di.d = zrDst(f(e, w, "Rd"));
                if (f(e, w, "op") == 1) {
                    di.imm = imm << 12;
                    di.op = Op.ADRP;
                } else {
                    di.imm = imm;
                    di.op = Op.ADR;
                }
                break;
            }
            case COND_COMPARE_IMM:
            case COND_COMPARE_REG:
                di.datasize = f(e, w, "sf") == 1 ? 64 : 32;
                di.flag1 = f(e, w, "op") == 1; // CCMP subtracts
                di.flag2 = ec == ExecClass.COND_COMPARE_IMM;
                if (di.flag2) di.imm = f(e, w, "imm5");
                else di.m = zr(f(e, w, "Rm"));
                di.n = zr(f(e, w, "Rn"));
                di.cond = f(e, w, "cond");
                di.imm2 = f(e, w, "nzcv");
                di.op = Op.COND_COMPARE;
                break;
            case COND_SELECT: {
                di.datasize = f(e, w, "sf") == 1 ? 64 : 32;
                di.flag2 = f(e, w, "op") == 1; // else_inv
                int o2 = e.has("op2") ? f(e, w, "op2") : f(e, w, "o2");
                if (o2 > 1) throw Reserved.INSTANCE;
                di.flag1 = o2 == 1;            // else_inc
                di.n = zr(f(e, w, "Rn"));
                di.m = zr(f(e, w, "Rm"));
                di.d = zrDst(f(e, w, "Rd"));
                di.cond = f(e, w, "cond");
                di.op = Op.COND_SELECT;
                break;
            }
            case DP_1SRC: {
                di.datasize = f(e, w, "sf") == 1 ? 64 : 32;
                int opcode = f(e, w, "opcode");
                switch (opcode) {
                    case 0: di.sub = Op.RBIT; break;
                    case 1: di.sub = Op.REV16; break;
                    case 2: di.sub = Op.REV32; break;
                    case 3: if (di.datasize == 32) throw Reserved.INSTANCE; di.sub = Op.REV64; break;
                    case 4: di.sub = Op.CLZ; break;
                    case 5: di.sub = Op.CLS; break;
                    default: throw Reserved.INSTANCE;
                }
                di.n = zr(f(e, w, "Rn"));
                di.d = zrDst(f(e, w, "Rd"));
                di.op = Op.DP_1SRC;
                break;
            }
            case DP_2SRC: {
                di.datasize = f(e, w, "sf") == 1 ? 64 : 32;
                int opcode = f(e, w, "opcode");
                switch (opcode) {
                    case 2: di.sub = Op.UDIV; break;
                    case 3: di.sub = Op.SDIV; break;
                    case 8: di.sub = Op.LSLV; break;
                    case 9: di.sub = Op.LSRV; break;
                    case 10: di.sub = Op.ASRV; break;
                    case 11: di.sub = Op.RORV; break;
                    default:
                        if ((opcode & 0b111000) != 0b010000) throw Reserved.INSTANCE;
                        int sz = opcode & 3;
                        if ((sz == 3) != (di.datasize == 64)) throw Reserved.INSTANCE;
                        di.sub = (opcode & 4) != 0 ? Op.CRC32C : Op.CRC32;
                        di.size = 1 << sz;
                        di.datasize = 32;
                        break;
                }
                di.n = zr(f(e, w, "Rn"));
                di.m = zr(f(e, w, "Rm"));
                di.d = zrDst(f(e, w, "Rd"));
                di.op = Op.DP_2SRC;
                break;
            }
            case DP_3SRC: {
                di.datasize = f(e, w, "sf") == 1 ? 64 : 32;
                int op31 = f(e, w, "op31"), o0 = f(e, w, "o0");
                switch (op31) {
                    case 0: di.sub = o0 == 0 ? Op.MADD : Op.MSUB; break;
                    case 1: di.sub = o0 == 0 ? Op.SMADDL : Op.SMSUBL; break;
                    case 5: di.sub = o0 == 0 ? Op.UMADDL : Op.UMSUBL; break;
                    case 2: di.sub = Op.SMULH; break;
                    case 6: di.sub = Op.UMULH; break;
                    default: throw Reserved.INSTANCE;
                }
                di.n = zr(f(e, w, "Rn"));
                di.m = zr(f(e, w, "Rm"));
                di.a = e.has("Ra") ? zr(f(e, w, "Ra")) : Pe.ZR;
                di.d = zrDst(f(e, w, "Rd"));
                di.op = Op.DP_3SRC;
                break;
            }
            case LDST_IMM_UNSIGNED:
            case LDST_IMM_PRE:
            case LDST_IMM_POST:
            case LDST_UNSCALED:
            case LDST_UNPRIV:
            case LDST_REG_OFFSET:
                decodeLoadStore(di, e, w, ec);
                break;
            case LDST_PAIR_OFFSET:
            case LDST_PAIR_PRE:
            case LDST_PAIR_POST:
            case LDST_PAIR_NONTEMPORAL:
                decodePair(di, e, w, ec);
                break;
            case LOAD_LITERAL: {
                int opc = f(e, w, "opc");
                di.size = opc == 1 ? 8 : 4;
                di.flag2 = opc == 2;
                di.imm = sext(f(e, w, "imm19"), 19) << 2;
                di.t = zrDst(f(e, w, "Rt"));
                di.op = opc == 3 ? Op.PREFETCH : Op.LOAD_LITERAL;
                break;
            }
            case LDST_EXCLUSIVE: {
                int rn = f(e, w, "Rn");
                di.size = 1 << f(e, w, "size");
                di.flag1 = f(e, w, "L") == 0;     // store
                di.flag2 = f(e, w, "o1") == 1;    // pair
                di.n = sp(rn);
                di.spBase = rn == 31;
                int rt = f(e, w, "Rt"), rt2 = f(e, w, "Rt2");
                di.t = di.flag1 ? zr(rt) : zrDst(rt);
                di.t2 = di.flag1 ? zr(rt2) : zrDst(rt2);
                di.s = zrDst(f(e, w, "Rs"));
                if (di.flag2 && di.size < 4) throw Reserved.INSTANCE;
                // CONSTRAINED UNPREDICTABLE (LDXP with Rt == Rt2; STXR with Rs == Rt or Rs == Rn): we
                // execute as written (Constraint_NONE / UNKNOWN values), a permitted behaviour.
                di.op = Op.LDST_EXCLUSIVE;
                break;
            }
            case LDST_ORDERED: {
                int rn = f(e, w, "Rn"), rt = f(e, w, "Rt");
                di.size = 1 << f(e, w, "size");
                di.flag1 = e.has("L") && f(e, w, "L") == 0; // STLR* store; LDAPR rows have no L
                di.n = sp(rn);
                di.spBase = rn == 31;
                di.t = di.flag1 ? zr(rt) : zrDst(rt);
                di.op = Op.LDST_ORDERED;
                break;
            }
            case PREFETCH:
                di.op = Op.PREFETCH;
                break;
            case BRANCH_IMM:
                di.imm = sext(f(e, w, "imm26"), 26) << 2;
                di.op = f(e, w, "op") == 1 ? Op.BL : Op.B;
                break;
            case BRANCH_COND:
                di.imm = sext(f(e, w, "imm19"), 19) << 2;
                di.cond = f(e, w, "cond");
                di.op = Op.B_COND;
                break;
            case COMPARE_BRANCH:
                di.datasize = f(e, w, "sf") == 1 ? 64 : 32;
                di.imm = sext(f(e, w, "imm19"), 19) << 2;
                di.t = zr(f(e, w, "Rt"));
                di.op = f(e, w, "op") == 1 ? Op.CBNZ : Op.CBZ;
                break;
            case TEST_BRANCH: {
                int bit = (f(e, w, "b5") << 5) | f(e, w, "b40");
                di.imm2 = 1L << bit;
                di.imm = sext(f(e, w, "imm14"), 14) << 2;
                di.t = zr(f(e, w, "Rt"));
                di.op = f(e, w, "op") == 1 ? Op.TBNZ : Op.TBZ;
                break;
            }
            case BRANCH_REG:
                di.n = zr(f(e, w, "Rn"));
                switch (f(e, w, "opc")) {
                    case 0: di.op = Op.BR; break;
                    case 1: di.op = Op.BLR; break;
                    case 2: di.op = Op.RET; break;
                    default: throw Reserved.INSTANCE;
                }
                break;
            case RET:
                di.n = zr(f(e, w, "Rn"));
                di.op = Op.RET;
                break;
            case ERET:
                di.op = Op.ERET;
                break;
            case EXCEPTION_GEN: {
                di.imm = f(e, w, "imm16");
                int opc = f(e, w, "opc"), ll = f(e, w, "LL");
                if (opc == 0 && ll == 1) di.op = Op.SVC;
                else if (opc == 0 && ll == 2) di.op = Op.HVC;
                else if (opc == 0 && ll == 3) di.op = Op.SMC;
                else if (opc == 1 && ll == 0) di.op = Op.BRK;
                else if (opc == 2 && ll == 0) di.op = Op.HLT;
                else throw Reserved.INSTANCE;
                break;
            }
            case HINT: {
                int imm = (f(e, w, "CRm") << 3) | f(e, w, "op2");
                switch (imm) {
                    case 2: di.op = Op.WFE; break;
                    case 3: di.op = Op.WFI; break;
                    case 4: di.op = Op.SEV; break;
                    case 5: di.op = Op.SEVL; break;
                    // NOP, YIELD, and every other hint (PAuth *SP/*Z/1716, BTI, ESB, CSDB, DGH...):
                    // FEAT_PAuth and FEAT_BTI are not advertised, so their hint-space encodings are NOPs.
                    default: di.op = Op.NOP; break;
                }
                break;
            }
            case BARRIER: {
                int op2 = f(e, w, "op2");
                if (op2 == 2) di.op = Op.CLREX;
                else if (op2 >= 4) di.op = Op.BARRIER;
                else throw Reserved.INSTANCE;
                break;
            }
            case MSR_IMM: {
                int op1 = f(e, w, "op1"), op2 = f(e, w, "op2"), crm = f(e, w, "CRm");
                di.imm = crm;
                di.sysKey = SysRegs.key(0, op1, 4, crm, op2);
                di.rtRaw = 31;
                di.op = Op.MSR_IMM;
                if (op1 == 0 && op2 == 5) di.sub = Op.PSTATE_SPSEL;
                else if (op1 == 3 && op2 == 6) di.sub = Op.PSTATE_DAIFSET;
                else if (op1 == 3 && op2 == 7) di.sub = Op.PSTATE_DAIFCLR;
                else throw Reserved.INSTANCE; // PAN, UAO, ...: not advertised by ID_AA64MMFR1/2
                break;
            }
            case MSR_REG:
            case MRS: {
                di.sysKey = SysRegs.key(f(e, w, "op0"), f(e, w, "op1"), f(e, w, "CRn"), f(e, w, "CRm"), f(e, w, "op2"));
                di.sysReg = SysRegs.lookup(di.sysKey);
                di.rtRaw = f(e, w, "Rt");
                di.t = ec == ExecClass.MRS ? zrDst(di.rtRaw) : zr(di.rtRaw);
                di.op = ec == ExecClass.MRS ? Op.MRS : Op.MSR_REG;
                break;
            }
            case SYS: {
                int op1 = f(e, w, "op1"), crn = f(e, w, "CRn"), crm = f(e, w, "CRm"), op2 = f(e, w, "op2");
                di.sysKey = SysRegs.key(1, op1, crn, crm, op2);
                di.rtRaw = f(e, w, "Rt");
                di.t = zr(di.rtRaw);
                di.sub = sysOp(op1, crn, crm, op2);
                di.op = Op.SYS;
                break;
            }
            case SYSL:
                di.sysKey = SysRegs.key(1, f(e, w, "op1"), f(e, w, "CRn"), f(e, w, "CRm"), f(e, w, "op2"));
                di.rtRaw = f(e, w, "Rt");
                di.op = Op.SYSL;
                break;
        }
    }

    /** False only for handlers that never call the memory system (register-only data processing, branches). */
    static boolean touchesMemory(int op) {
        switch (op) {
            case Op.ADDSUB_IMM: case Op.ADD_X_IMM: case Op.SUB_X_IMM: case Op.SUBS_X_IMM: case Op.LOGICAL_IMM:
            case Op.MOV_IMM: case Op.MOVK: case Op.BITFIELD: case Op.EXTRACT: case Op.ADR: case Op.ADRP:
            case Op.ADDSUB_SHIFTED: case Op.ADD_X_REG: case Op.SUBS_X_REG: case Op.ADDSUB_EXT: case Op.ADDSUB_CARRY:
            case Op.LOGICAL_SHIFTED: case Op.MOV_REG: case Op.COND_COMPARE: case Op.COND_SELECT:
            case Op.AND_X_REG: case Op.ORR_X_REG: case Op.EOR_X_REG: case Op.LSL_X_IMM:
            case Op.DP_1SRC: case Op.DP_2SRC: case Op.DP_3SRC: case Op.PREFETCH: case Op.NOP: case Op.BARRIER:
            case Op.B: case Op.BL: case Op.B_COND: case Op.CBZ: case Op.CBNZ: case Op.TBZ: case Op.TBNZ:
            case Op.BR: case Op.BLR: case Op.RET:
                return false;
            default:
                return true;
        }
    }

    /** Loads and stores (they may fault, which the run loop handles separately, but change no context). */
    static boolean isLoadStore(int op) {
        switch (op) {
            case Op.LDST: case Op.LDR_X_UIMM: case Op.STR_X_UIMM: case Op.LDST_PAIR: case Op.LOAD_LITERAL:
            case Op.LDST_EXCLUSIVE: case Op.LDST_ORDERED: case Op.LDR_W_UIMM: case Op.STR_W_UIMM:
            case Op.LDRB_UIMM: case Op.STR_X_POST: case Op.LDR_X_POST:
                return true;
            default:
                return false;
        }
    }

    /** Classifies a SYS encoding into a DC/IC/TLBI/AT operation (Arm ARM C5.3 "A64 System instructions"). */
    static int sysOp(int op1, int crn, int crm, int op2) {
        if (crn == 7) {
            if (op1 == 0 && crm == 1 && op2 == 0) return Op.SYS_IC_IALLUIS;
            if (op1 == 0 && crm == 5 && op2 == 0) return Op.SYS_IC_IALLU;
            if (op1 == 3 && crm == 5 && op2 == 1) return Op.SYS_IC_IVAU;
            if (op1 == 0 && crm == 6 && op2 == 1) return Op.SYS_DC_IVAC;
            if (op1 == 0 && crm == 6 && op2 == 2) return Op.SYS_DC_ISW;
            if (op1 == 0 && crm == 10 && op2 == 2) return Op.SYS_DC_CSW;
            if (op1 == 0 && crm == 14 && op2 == 2) return Op.SYS_DC_CISW;
            if (op1 == 3 && crm == 4 && op2 == 1) return Op.SYS_DC_ZVA;
            if (op1 == 3 && crm == 10 && op2 == 1) return Op.SYS_DC_CVAC;
            if (op1 == 3 && crm == 11 && op2 == 1) return Op.SYS_DC_CVAU;
            if (op1 == 3 && crm == 14 && op2 == 1) return Op.SYS_DC_CIVAC;
            if (crm == 8 || crm == 9) return Op.SYS_AT;
        }
        if (crn == 8) return Op.SYS_TLBI;
        return Op.SYS_OTHER;
    }

    private static void decodeLoadStore(Decoded di, Encoding e, int w, ExecClass ec) {
        int size = f(e, w, "size"), opc = f(e, w, "opc");
        int rn = f(e, w, "Rn"), rt = f(e, w, "Rt");
        di.size = 1 << size;
        boolean store = opc == 0;
        di.flag1 = store;
        di.flag2 = opc >= 2;                               // signed load
        di.regsize = (opc == 3 || (opc == 1 && size < 3) || (opc == 0 && size < 3)) ? 32 : 64;
        if (opc == 2 && size == 3) throw Reserved.INSTANCE; // PRFM has its own rows
        if (opc == 3 && size >= 2) throw Reserved.INSTANCE;
        di.n = sp(rn);
        di.spBase = rn == 31;
        di.t = store ? zr(rt) : zrDst(rt);
        switch (ec) {
            case LDST_IMM_UNSIGNED: di.imm = (long) f(e, w, "imm12") << size; di.mode = Decoded.MODE_OFFSET; break;
            case LDST_IMM_PRE: di.imm = sext(f(e, w, "imm9"), 9); di.mode = Decoded.MODE_PRE; break;
            case LDST_IMM_POST: di.imm = sext(f(e, w, "imm9"), 9); di.mode = Decoded.MODE_POST; break;
            case LDST_REG_OFFSET: {
                int option = f(e, w, "option");
                if ((option & 2) == 0) throw Reserved.INSTANCE;
                di.sub = 1;
                di.m = zr(f(e, w, "Rm"));
                di.extendType = option;
                di.shiftAmount = f(e, w, "S") == 1 ? size : 0;
                di.mode = Decoded.MODE_OFFSET;
                break;
            }
            default:
                di.imm = sext(f(e, w, "imm9"), 9);
                di.mode = Decoded.MODE_OFFSET;
                if (ec == ExecClass.LDST_UNPRIV) di.sub = 2; // LDTR/STTR: checked with EL0 permissions at EL1
                break;
        }
        // Writeback with Rn == Rt (Rn != 31) is CONSTRAINED UNPREDICTABLE: for loads we suppress the
        // writeback (Constraint_WBSUPPRESS); stores store the register's value before writeback
        // (Constraint_NONE).
        di.flag3 = di.mode != Decoded.MODE_OFFSET && (store || rn != rt || rn == 31);
        di.op = Op.LDST;
        if (ec == ExecClass.LDST_IMM_UNSIGNED && size == 3 && opc <= 1) di.op = store ? Op.STR_X_UIMM : Op.LDR_X_UIMM;
        if (ec == ExecClass.LDST_IMM_UNSIGNED && size == 2 && opc <= 1) di.op = store ? Op.STR_W_UIMM : Op.LDR_W_UIMM;
        if (ec == ExecClass.LDST_IMM_UNSIGNED && size == 0 && opc == 1) di.op = Op.LDRB_UIMM;
        if (ec == ExecClass.LDST_IMM_POST && size == 3 && opc <= 1 && di.flag3) di.op = store ? Op.STR_X_POST : Op.LDR_X_POST;
    }

    private static void decodePair(Decoded di, Encoding e, int w, ExecClass ec) {
        int opc = f(e, w, "opc"), rn = f(e, w, "Rn"), rt = f(e, w, "Rt"), rt2 = f(e, w, "Rt2");
        boolean load = f(e, w, "L") == 1;
        if (opc == 3 || (opc == 1 && !load)) throw Reserved.INSTANCE;
        di.size = opc == 2 ? 8 : 4;
        di.flag1 = !load;
        di.flag2 = opc == 1; // LDPSW
        di.imm = sext(f(e, w, "imm7"), 7) << (opc == 2 ? 3 : 2);
        di.n = sp(rn);
        di.spBase = rn == 31;
        di.t = load ? zrDst(rt) : zr(rt);
        di.t2 = load ? zrDst(rt2) : zr(rt2);
        switch (ec) {
            case LDST_PAIR_PRE: di.mode = Decoded.MODE_PRE; break;
            case LDST_PAIR_POST: di.mode = Decoded.MODE_POST; break;
            default: di.mode = Decoded.MODE_OFFSET; break;
        }
        // LDP with Rt == Rt2 is CONSTRAINED UNPREDICTABLE: we load both, Rt2's value wins (UNKNOWN).
        // Writeback with Rn == Rt or Rt2 (Rn != 31): loads suppress the writeback; stores store the
        // old value (as for single registers).
        di.flag3 = di.mode != Decoded.MODE_OFFSET && (!load || rn == 31 || (rn != rt && rn != rt2));
        di.op = Op.LDST_PAIR;
    }
}
