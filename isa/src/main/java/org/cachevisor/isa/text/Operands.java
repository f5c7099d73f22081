package org.cachevisor.isa.text;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cachevisor.isa.A64;
import org.cachevisor.isa.Bits;
import org.cachevisor.isa.Encoding;
import org.cachevisor.isa.Field;
import org.cachevisor.isa.SysOps;
import org.cachevisor.isa.SysRegs;

/**
 * The operand kinds of the table's templates: each knows how to print its fields the way
 * {@code aarch64-linux-gnu-objdump} does and how to parse GNU assembler syntax back into them.
 *
 * <p>A template is {@code mnemonic op, op, ...}; an op is {@code KIND} or {@code KIND(args)}.
 * Register kinds: {@code X(f)}, {@code W(f)} (31 = XZR/WZR), {@code XS(f)}, {@code WS(f)}
 * (31 = SP/WSP), {@code OX(f,default)} (optional X register), {@code TREG(Rt)} (W or X by b5);
 * {@code X(Rn=Rm)} writes both fields. Immediates: {@code HEX(f[:g])} {@code #0x..},
 * {@code DEC(f)} {@code #..}, {@code OHEX(f,default)}, {@code AIMM} (imm12{, lsl #12}),
 * {@code BIMM} (bitmask), {@code MOVW} (imm16{, lsl #hw*16}), {@code MOVZ}/{@code MOVN} (mov
 * aliases' value), {@code LSLAMT}, {@code IZLSB}, {@code IZWIDTH}, {@code XWIDTH} (bitfield
 * aliases), {@code TBIT}, {@code NZCV}. Shifted/extended registers: {@code SX(f)}, {@code SW(f)},
 * {@code EXT(f)}. Targets: {@code LABEL(f)}, {@code ADR}, {@code ADRP}. Conditions: {@code COND},
 * {@code NCOND} (inverted). Memory: {@code M0}, {@code MU(scale)}, {@code M9}, {@code MPRE9},
 * {@code MPOST9}, {@code MP(scale)}, {@code MPPRE(scale)}, {@code MPPOST(scale)},
 * {@code MR(scale)}. System: {@code SYSREG}, {@code PSTATE}, {@code BOPT(f)}, {@code CR(f)},
 * {@code SYSOP}, {@code PRFOP(f)}, {@code BTI}. A lower-case word is literal text.
 */
public final class Operands {
    private Operands() {}

    /** Accumulates one instruction's operand text and objdump-style comment. */
    static final class Out {
        final StringBuilder sb = new StringBuilder();
        String comment;          // e.g. "// #65536"
        int padFrom = -1;        // objdump pads the commented immediate to 23 columns: its start
    }

    /** One operand of a template. */
    abstract static class Operand {
        /** May be omitted in assembly (and prints nothing for its default value). */
        boolean optional() { return false; }

        /** Appends the operand text; returns false if it printed nothing. */
        abstract boolean format(Encoding e, int w, long pc, Out o);

        /** Parses the operand at the cursor into {@code w}'s fields; returns the new word. */
        abstract int parse(Encoding e, int w, Cursor c, AsmContext ctx);

        /** For an optional operand that is absent: {@code w} with the default value. */
        int applyDefault(Encoding e, int w) { return w; }
    }

    /** A parsed template. */
    record Template(String mnemonic, List<Operand> operands) {}

    /** Every row's parsed template, built once (a bad template fails class initialisation). */
    private static final Map<String, Template> TEMPLATES = new HashMap<>();

    static {
        for (Encoding e : A64.encodings()) TEMPLATES.computeIfAbsent(e.template(), Operands::parseTemplate);
        for (Encoding e : A64.aliases()) TEMPLATES.computeIfAbsent(e.template(), Operands::parseTemplate);
    }

    /** The parsed template of a row. */
    static Template of(Encoding e) {
        Template t = TEMPLATES.get(e.template());
        return t != null ? t : parseTemplate(e.template());
    }

    static Template parseTemplate(String t) {
        int sp = t.indexOf(' ');
        String mn = sp < 0 ? t : t.substring(0, sp);
        List<Operand> ops = new ArrayList<>();
        if (sp >= 0) {
            for (String spec : t.substring(sp + 1).split(", ")) ops.add(operand(spec.trim()));
        }
        return new Template(mn, ops);
    }

    // ------------------------------------------------------------------------------ helpers
    static final String[] COND = {"eq", "ne", "cs", "cc", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "al", "nv"};
    /** objdump's SVE-flavoured condition synonyms, printed as a comment. */
    static final String[] COND_ALIASES = {"none", "any", "hs, nlast", "lo, ul, last", "first", "nfrst", null, null,
                                          "pmore", "plast", "tcont", "tstop", null, null, null, null};
    static final String[] SHIFT = {"lsl", "lsr", "asr", "ror"};
    static final String[] EXTEND = {"uxtb", "uxth", "uxtw", "uxtx", "sxtb", "sxth", "sxtw", "sxtx"};
    static final String[] BARRIER = {null, "oshld", "oshst", "osh", null, "nshld", "nshst", "nsh",
                                     null, "ishld", "ishst", "ish", null, "ld", "st", "sy"};
    static final String[] PRF_TYPE = {"pld", "pli", "pst"};
    static final String[] PRF_TARGET = {"l1", "l2", "l3"};

    static int get(Encoding e, int w, String f) { return e.field(f).extract(w); }

    static int datasize(Encoding e, int w) { return e.has("sf") && get(e, w, "sf") == 1 ? 64 : 32; }

    static int put(Encoding e, int w, String f, long v, Cursor c, int at, String what) {
        Field fl = e.field(f);
        if (v < 0 || v > fl.mask()) throw c.errorAt(what + " out of range: " + v, at);
        return fl.insert(w, (int) v);
    }

    static String reg(char size, int n, boolean sp) {
        if (n == 31) return sp ? (size == 'x' ? "sp" : "wsp") : (size == 'x' ? "xzr" : "wzr");
        return size + Integer.toString(n);
    }

    static String hex(long v) { return "#0x" + Long.toHexString(v); }

    /** A parsed register: size 'x'/'w', number 0..31, and whether 31 was written as SP/WSP. */
    record Reg(char size, int num, boolean sp) {}

    static Reg parseReg(Cursor c) {
        int save = c.pos;
        String id = c.ident();
        Reg r = regOf(id);
        if (r == null) c.pos = save;
        return r;
    }

    static Reg regOf(String id) {
        switch (id) {
            case "sp": return new Reg('x', 31, true);
            case "wsp": return new Reg('w', 31, true);
            case "xzr": return new Reg('x', 31, false);
            case "wzr": return new Reg('w', 31, false);
            case "lr": return new Reg('x', 30, false);
            default:
        }
        if (id.length() >= 2 && (id.charAt(0) == 'x' || id.charAt(0) == 'w')) {
            String n = id.substring(1);
            if (n.chars().allMatch(Character::isDigit) && n.length() <= 2) {
                int v = Integer.parseInt(n);
                if (v <= 30) return new Reg(id.charAt(0), v, false);
            }
        }
        return null;
    }

    static Reg expectReg(Cursor c, char size, boolean sp) {
        int at = c.pos;
        c.skipWs();
        at = c.pos;
        Reg r = parseReg(c);
        String want = (size == 'x' ? "a 64-bit" : "a 32-bit") + " register" + (sp ? " or " + (size == 'x' ? "sp" : "wsp") : "");
        if (r == null) throw c.errorAt("expected " + want, at);
        if (r.size() != size || (r.num() == 31 && r.sp() != sp)) throw c.errorAt("expected " + want + ", not " + reg(r.size(), r.num(), r.sp()), at);
        return r;
    }

    /** Parses "#expr" (the '#' is optional, as in GNU as). */
    static long imm(Cursor c, AsmContext ctx) {
        c.eat('#');
        return ctx.eval(c);
    }

    /** Eats ", <word>" if the word after the comma is one of {@code words}; returns its index or -1. */
    static int eatCommaWord(Cursor c, String[] words) {
        int save = c.pos;
        if (!c.eat(',')) return -1;
        String id = c.peekIdent();
        for (int i = 0; i < words.length; i++) {
            if (words[i] != null && words[i].equals(id)) {
                c.ident();
                return i;
            }
        }
        c.pos = save;
        return -1;
    }

    // --------------------------------------------------------------------------- the kinds
    static Operand operand(String spec) {
        String name = spec, arg = null;
        int lp = spec.indexOf('(');
        if (lp > 0) {
            name = spec.substring(0, lp);
            arg = spec.substring(lp + 1, spec.length() - 1);
        }
        switch (name) {
            case "X": return new RegOp('x', false, arg);
            case "W": return new RegOp('w', false, arg);
            case "XS": return new RegOp('x', true, arg);
            case "WS": return new RegOp('w', true, arg);
            case "OX": return new OptReg(arg.split(",")[0], Integer.parseInt(arg.split(",")[1]));
            case "TREG": return new TReg(arg);
            case "HEX": return new Imm(arg, true, -1);
            case "DEC": return new Imm(arg, false, -1);
            case "OHEX": return new Imm(arg.split(",")[0], true, Integer.parseInt(arg.split(",")[1]));
            case "AIMM": return new AddImm();
            case "BIMM": return new BitmaskImm(false);
            case "MOVB": return new BitmaskImm(true);
            case "MOVW": return new MovWide();
            case "MOVZ": return new MovAlias(false);
            case "MOVN": return new MovAlias(true);
            case "LSLAMT": return new BitfieldImm(BitfieldImm.LSL);
            case "IZLSB": return new BitfieldImm(BitfieldImm.IZLSB);
            case "IZWIDTH": return new BitfieldImm(BitfieldImm.IZWIDTH);
            case "XWIDTH": return new BitfieldImm(BitfieldImm.XWIDTH);
            case "TBIT": return new TestBit();
            case "SX": return new ShiftedReg('x', arg);
            case "SW": return new ShiftedReg('w', arg);
            case "EXT": return new ExtendedReg(arg);
            case "LABEL": return new Label(arg);
            case "ADR": return new Adr(false);
            case "ADRP": return new Adr(true);
            case "COND": return new Cond(false);
            case "NCOND": return new Cond(true);
            case "M0": return new Mem(Mem.ZERO, 0);
            case "MU": return new Mem(Mem.UNSIGNED, Integer.parseInt(arg));
            case "M9": return new Mem(Mem.SIMM9, 0);
            case "MPRE9": return new Mem(Mem.PRE9, 0);
            case "MPOST9": return new Mem(Mem.POST9, 0);
            case "MP": return new Mem(Mem.PAIR, Integer.parseInt(arg));
            case "MPPRE": return new Mem(Mem.PAIR_PRE, Integer.parseInt(arg));
            case "MPPOST": return new Mem(Mem.PAIR_POST, Integer.parseInt(arg));
            case "MR": return new RegMem(Integer.parseInt(arg));
            case "SYSREG": return new SysReg();
            case "PSTATE": return new PState();
            case "BOPT": return new BarrierOpt(arg);
            case "CR": return new Cr(arg);
            case "SYSOP": return new SysOp();
            case "PRFOP": return new PrfOp(arg);
            case "BTI": return new Bti();
            default:
                if (spec.chars().allMatch(ch -> Character.isLowerCase(ch))) return new Literal(spec);
                throw new IllegalArgumentException("unknown operand kind in template: " + spec);
        }
    }

    /** Literal text such as "csync". */
    static final class Literal extends Operand {
        final String text;
        Literal(String text) { this.text = text; }
        @Override boolean format(Encoding e, int w, long pc, Out o) { o.sb.append(text); return true; }
        @Override int parse(Encoding e, int w, Cursor c, AsmContext ctx) {
            if (!c.eatWord(text)) throw c.error("expected '" + text + "'");
            return w;
        }
    }

    /** A general-purpose register in one or more fields. */
    static final class RegOp extends Operand {
        final char size;
        final boolean sp;
        final String[] fields;
        RegOp(char size, boolean sp, String arg) { this.size = size; this.sp = sp; this.fields = arg.split("="); }
        @Override boolean format(Encoding e, int w, long pc, Out o) {
            o.sb.append(reg(size, get(e, w, fields[0]), sp));
            return true;
        }
        @Override int parse(Encoding e, int w, Cursor c, AsmContext ctx) {
            Reg r = expectReg(c, size, sp);
            for (String f : fields) w = e.field(f).insert(w, r.num());
            return w;
        }
    }

    /** An optional X register with a default (RET's X30, SYS's Xt = 31). */
    static final class OptReg extends Operand {
        final String field;
        final int dflt;
        OptReg(String field, int dflt) { this.field = field; this.dflt = dflt; }
        @Override boolean optional() { return true; }
        @Override boolean format(Encoding e, int w, long pc, Out o) {
            int n = get(e, w, field);
            if (n == dflt) return false;
            o.sb.append(reg('x', n, false));
            return true;
        }
        @Override int parse(Encoding e, int w, Cursor c, AsmContext ctx) {
            return e.field(field).insert(w, expectReg(c, 'x', false).num());
        }
        @Override int applyDefault(Encoding e, int w) { return e.field(field).insert(w, dflt); }
    }

    /** TBZ/TBNZ's register: X if b5 = 1, else W. */
    static final class TReg extends Operand {
        final String field;
        TReg(String field) { this.field = field; }
        @Override boolean format(Encoding e, int w, long pc, Out o) {
            o.sb.append(reg(get(e, w, "b5") == 1 ? 'x' : 'w', get(e, w, field), false));
            return true;
        }
        @Override int parse(Encoding e, int w, Cursor c, AsmContext ctx) {
            int at = c.pos;
            Reg r = parseReg(c);
            if (r == null || r.sp()) throw c.errorAt("expected a register", at);
            return e.field(field).insert(w, r.num());
        }
    }

    /** A plain immediate from one field or a concatenation "f:g" (high first). */
    static final class Imm extends Operand {
        final String[] fields;
        final boolean hex;
        final int dflt;   // -1: mandatory
        Imm(String arg, boolean hex, int dflt) { this.fields = arg.split(":"); this.hex = hex; this.dflt = dflt; }
        @Override boolean optional() { return dflt >= 0; }
        long value(Encoding e, int w) {
            long v = 0;
            for (String f : fields) v = (v << e.field(f).width()) | get(e, w, f);
            return v;
        }
        @Override boolean format(Encoding e, int w, long pc, Out o) {
            long v = value(e, w);
            if (dflt >= 0 && v == dflt) return false;
            o.sb.append(hex ? hex(v) : "#" + v);
            return true;
        }
        @Override int parse(Encoding e, int w, Cursor c, AsmContext ctx) {
            c.skipWs();
            int at = c.pos;
            long v = imm(c, ctx);
            int total = 0;
            for (String f : fields) total += e.field(f).width();
            if (v < 0 || v >= (1L << total)) throw c.errorAt("immediate out of range: " + v + " (0.." + ((1L << total) - 1) + ")", at);
            for (int i = fields.length - 1; i >= 0; i--) {
                Field f = e.field(fields[i]);
                w = f.insert(w, (int) (v & f.mask()));
                v >>>= f.width();
            }
            return w;
        }
        @Override int applyDefault(Encoding e, int w) { return e.field(fields[0]).insert(w, dflt); }
    }

    /** ADD/SUB immediate: #imm12{, lsl #12}. */
    static final class AddImm extends Operand {
        @Override boolean format(Encoding e, int w, long pc, Out o) {
            o.sb.append(hex(get(e, w, "imm12")));
            if (get(e, w, "sh") == 1) o.sb.append(", lsl #12");
            return true;
        }
        @Override int parse(Encoding e, int w, Cursor c, AsmContext ctx) {
            c.skipWs();
            int at = c.pos;
            long v = imm(c, ctx);
            int sh = 0;
            int save = c.pos;
            if (eatCommaWord(c, new String[] {"lsl"}) == 0) {
                int at2 = c.pos;
                long amount = imm(c, ctx);
                if (amount != 0 && amount != 12) throw c.errorAt("shift amount must be 0 or 12", at2);
                sh = amount == 12 ? 1 : 0;
            } else {
                c.pos = save;
                if (v > 4095 && (v & 0xfff) == 0 && (v >>> 12) <= 4095) { v >>>= 12; sh = 1; }
            }
            if (v < 0 || v > 4095) throw c.errorAt("immediate out of range: " + v + " (0..4095, optionally lsl #12)", at);
            return e.field("sh").insert(e.field("imm12").insert(w, (int) v), sh);
        }
    }

    /** Logical (bitmask) immediate, DecodeBitMasks(N, imms, immr). */
    static final class BitmaskImm extends Operand {
        final boolean movComment;
        BitmaskImm(boolean movComment) { this.movComment = movComment; }
        @Override boolean format(Encoding e, int w, long pc, Out o) {
            int ds = datasize(e, w);
            long v = Bits.decodeBitMasks(get(e, w, "N"), get(e, w, "imms"), get(e, w, "immr"), ds);
            if (movComment) o.padFrom = o.sb.length();
            o.sb.append(hex(v));
            if (movComment) o.comment = "// #" + (ds == 32 ? (long) (int) v : v);
            return true;
        }
        @Override int parse(Encoding e, int w, Cursor c, AsmContext ctx) {
            c.skipWs();
            int at = c.pos;
            long v = imm(c, ctx);
            int ds = datasize(e, w);
            if (ds == 32 && (v >>> 32) != 0 && (v >> 31) != -1) throw c.errorAt("immediate out of range for a 32-bit operation: " + v, at);
            int enc = Bits.encodeBitMask(v, ds);
            if (enc < 0) throw c.errorAt("immediate cannot be encoded as a bitmask: 0x" + Long.toHexString(v), at);
            w = e.field("N").insert(w, enc >>> 12);
            w = e.field("immr").insert(w, (enc >>> 6) & 0x3f);
            return e.field("imms").insert(w, enc & 0x3f);
        }
    }

    /** MOVN/MOVZ/MOVK: #imm16{, lsl #(hw*16)}. */
    static final class MovWide extends Operand {
        @Override boolean format(Encoding e, int w, long pc, Out o) {
            o.sb.append(hex(get(e, w, "imm16")));
            int hw = get(e, w, "hw");
            if (hw != 0) o.sb.append(", lsl #").append(hw * 16);
            return true;
        }
        @Override int parse(Encoding e, int w, Cursor c, AsmContext ctx) {
            c.skipWs();
            int at = c.pos;
            long v = imm(c, ctx);
            if (v < 0 || v > 0xffff) throw c.errorAt("immediate out of range: " + v + " (0..65535)", at);
            int hw = 0;
            if (eatCommaWord(c, new String[] {"lsl"}) == 0) {
                int at2 = c.pos;
                long amount = imm(c, ctx);
                if (amount % 16 != 0 || amount < 0 || amount > (datasize(e, w) == 64 ? 48 : 16)) {
                    throw c.errorAt("shift amount must be 0, 16" + (datasize(e, w) == 64 ? ", 32 or 48" : ""), at2);
                }
                hw = (int) (amount / 16);
            }
            return e.field("hw").insert(e.field("imm16").insert(w, (int) v), hw);
        }
    }

    /** The value of MOV (wide immediate) / MOV (inverted wide immediate), with objdump's decimal comment. */
    static final class MovAlias extends Operand {
        final boolean inverted;
        MovAlias(boolean inverted) { this.inverted = inverted; }
        @Override boolean format(Encoding e, int w, long pc, Out o) {
            long v = (long) get(e, w, "imm16") << (16 * get(e, w, "hw"));
            if (inverted) v = ~v;
            boolean is64 = datasize(e, w) == 64;
            if (!is64) v = (int) v;
            o.padFrom = o.sb.length();
            o.sb.append(hex(is64 ? v : v & 0xffffffffL));
            o.comment = "// #" + v;
            return true;
        }
        @Override int parse(Encoding e, int w, Cursor c, AsmContext ctx) {
            c.skipWs();
            int at = c.pos;
            long v = imm(c, ctx);
            boolean is64 = datasize(e, w) == 64;
            if (!is64) {
                if ((v >>> 32) != 0 && (v >> 31) != -1) throw c.errorAt("immediate out of range for a 32-bit register: " + v, at);
                v &= 0xffffffffL;
            }
            long t = inverted ? (is64 ? ~v : ~v & 0xffffffffL) : v;
            for (int hw = 0; hw < (is64 ? 4 : 2); hw++) {
                if ((t & ~(0xffffL << (16 * hw))) == 0) {
                    return e.field("hw").insert(e.field("imm16").insert(w, (int) (t >>> (16 * hw))), hw);
                }
            }
            throw c.errorAt("immediate cannot be moved with a single mov" + (inverted ? "n" : "z") + ": 0x" + Long.toHexString(v), at);
        }
    }

    /** Bitfield alias immediates (LSL shift, BFI/SBFIZ/UBFIZ lsb and width, BFXIL/SBFX/UBFX width). */
    static final class BitfieldImm extends Operand {
        static final int LSL = 0, IZLSB = 1, IZWIDTH = 2, XWIDTH = 3;
        final int kind;
        BitfieldImm(int kind) { this.kind = kind; }
        @Override boolean format(Encoding e, int w, long pc, Out o) {
            int ds = datasize(e, w), immr = get(e, w, "immr"), imms = get(e, w, "imms");
            int v;
            switch (kind) {
                case LSL: v = ds - 1 - imms; break;
                case IZLSB: v = (ds - immr) % ds; break;
                case IZWIDTH: v = imms + 1; break;
                default: v = imms - immr + 1; break;
            }
            o.sb.append('#').append(v);
            return true;
        }
        @Override int parse(Encoding e, int w, Cursor c, AsmContext ctx) {
            c.skipWs();
            int at = c.pos;
            long v = imm(c, ctx);
            int ds = datasize(e, w);
            switch (kind) {
                case LSL:
                    if (v < 0 || v >= ds) throw c.errorAt("shift amount out of range: " + v, at);
                    w = e.field("immr").insert(w, (int) ((ds - v) % ds));
                    return e.field("imms").insert(w, (int) (ds - 1 - v));
                case IZLSB:
                    if (v < 0 || v >= ds) throw c.errorAt("lsb out of range: " + v, at);
                    return e.field("immr").insert(w, (int) ((ds - v) % ds));
                case IZWIDTH: {
                    int lsb = (ds - get(e, w, "immr")) % ds;
                    if (v < 1 || v > ds - lsb) throw c.errorAt("width out of range: " + v, at);
                    return e.field("imms").insert(w, (int) (v - 1));
                }
                default: {
                    int lsb = get(e, w, "immr");
                    if (v < 1 || v > ds - lsb) throw c.errorAt("width out of range: " + v, at);
                    return e.field("imms").insert(w, (int) (lsb + v - 1));
                }
            }
        }
    }

    /** TBZ/TBNZ bit number b5:b40. */
    static final class TestBit extends Operand {
        @Override boolean format(Encoding e, int w, long pc, Out o) {
            o.sb.append('#').append((get(e, w, "b5") << 5) | get(e, w, "b40"));
            return true;
        }
        @Override int parse(Encoding e, int w, Cursor c, AsmContext ctx) {
            c.skipWs();
            int at = c.pos;
            long v = imm(c, ctx);
            if (v < 0 || v > 63) throw c.errorAt("bit number out of range: " + v + " (0..63)", at);
            return e.field("b40").insert(e.field("b5").insert(w, (int) (v >>> 5)), (int) (v & 31));
        }
    }

    /** Shifted register: Rm{, lsl|lsr|asr|ror #imm6}. */
    static final class ShiftedReg extends Operand {
        final char size;
        final String field;
        ShiftedReg(char size, String field) { this.size = size; this.field = field; }
        @Override boolean format(Encoding e, int w, long pc, Out o) {
            o.sb.append(reg(size, get(e, w, field), false));
            int shift = get(e, w, "shift"), amount = get(e, w, "imm6");
            if (shift != 0 || amount != 0) o.sb.append(", ").append(SHIFT[shift]).append(" #").append(amount);
            return true;
        }
        @Override int parse(Encoding e, int w, Cursor c, AsmContext ctx) {
            w = e.field(field).insert(w, expectReg(c, size, false).num());
            int shift = eatCommaWord(c, SHIFT);
            long amount = 0;
            if (shift >= 0) {
                c.skipWs();
                int at = c.pos;
                amount = imm(c, ctx);
                if (amount < 0 || amount >= (size == 'x' ? 64 : 32)) throw c.errorAt("shift amount out of range: " + amount, at);
            } else {
                shift = 0;
            }
            return e.field("imm6").insert(e.field("shift").insert(w, shift), (int) amount);
        }
    }

    /** Extended register: Wm|Xm{, extend {#imm3}}, LSL preferred when Rd/Rn is SP. */
    static final class ExtendedReg extends Operand {
        final String field;
        ExtendedReg(String field) { this.field = field; }
        @Override boolean format(Encoding e, int w, long pc, Out o) {
            int sf = get(e, w, "sf"), option = get(e, w, "option"), imm3 = get(e, w, "imm3");
            boolean x = sf == 1 && (option & 3) == 3;
            o.sb.append(reg(x ? 'x' : 'w', get(e, w, field), false));
            boolean spForm = get(e, w, "Rn") == 31 || (get(e, w, "S") == 0 && get(e, w, "Rd") == 31);
            if (spForm && option == (sf == 1 ? 3 : 2)) {
                if (imm3 != 0) o.sb.append(", lsl #").append(imm3);
            } else {
                o.sb.append(", ").append(EXTEND[option]);
                if (imm3 != 0) o.sb.append(" #").append(imm3);
            }
            return true;
        }
        @Override int parse(Encoding e, int w, Cursor c, AsmContext ctx) {
            c.skipWs();
            int at = c.pos;
            Reg r = parseReg(c);
            if (r == null || r.sp()) throw c.errorAt("expected a register", at);
            int sf = get(e, w, "sf");
            w = e.field(field).insert(w, r.num());
            String[] words = {"uxtb", "uxth", "uxtw", "uxtx", "sxtb", "sxth", "sxtw", "sxtx", "lsl"};
            int ext = eatCommaWord(c, words);
            long amount = 0;
            if (ext >= 0 && (!c.atEnd() && c.peek('#') || ext == 8)) {
                c.skipWs();
                int at2 = c.pos;
                amount = imm(c, ctx);
                if (amount < 0 || amount > 4) throw c.errorAt("extend shift out of range: " + amount + " (0..4)", at2);
            }
            int option;
            if (ext == 8 || ext < 0) {
                option = sf == 1 ? 3 : 2;
                if (ext < 0 && sf == 1 && r.size() == 'w') option = 2;   // "add x0, x1, w2" = uxtw
            } else {
                option = ext;
            }
            boolean wantX = sf == 1 && (option & 3) == 3;
            if ((r.size() == 'x') != wantX) throw c.errorAt("register width does not match the extend", at);
            return e.field("imm3").insert(e.field("option").insert(w, option), (int) amount);
        }
    }

    /** A PC-relative target: imm26/imm19/imm14 times 4. */
    static final class Label extends Operand {
        final String field;
        Label(String field) { this.field = field; }
        @Override boolean format(Encoding e, int w, long pc, Out o) {
            long target = pc + 4L * e.field(field).extractSigned(w);
            o.sb.append("0x").append(Long.toHexString(target));
            return true;
        }
        @Override int parse(Encoding e, int w, Cursor c, AsmContext ctx) {
            c.skipWs();
            int at = c.pos;
            long target;
            if (c.eat('=')) {
                long value = ctx.eval(c);
                int size = e.id().startsWith("LDR_64") ? 8 : 4;
                target = ctx.literal(value, size, c);
            } else {
                target = ctx.eval(c);
            }
            long off = target - ctx.pc();
            if ((off & 3) != 0) throw c.errorAt("target not 4-byte aligned: 0x" + Long.toHexString(target), at);
            Field f = e.field(field);
            long imm = off >> 2;
            if (imm < -(1L << (f.width() - 1)) || imm >= (1L << (f.width() - 1))) {
                throw c.errorAt("target out of range (" + off + " bytes away, limit +/-" + (2L << f.width()) + ")", at);
            }
            return f.insert(w, (int) (imm & f.mask()));
        }
    }

    /** ADR / ADRP targets from immhi:immlo. */
    static final class Adr extends Operand {
        final boolean page;
        Adr(boolean page) { this.page = page; }
        @Override boolean format(Encoding e, int w, long pc, Out o) {
            long imm = Bits.signExtend(((long) get(e, w, "immhi") << 2) | get(e, w, "immlo"), 21);
            long target = page ? (pc & ~0xfffL) + (imm << 12) : pc + imm;
            o.sb.append("0x").append(Long.toHexString(target));
            return true;
        }
        @Override int parse(Encoding e, int w, Cursor c, AsmContext ctx) {
            c.skipWs();
            int at = c.pos;
            long target = ctx.eval(c);
            long imm = page ? ((target & ~0xfffL) - (ctx.pc() & ~0xfffL)) >> 12 : target - ctx.pc();
            if (imm < -(1L << 20) || imm >= (1L << 20)) throw c.errorAt("target out of range for " + (page ? "adrp" : "adr"), at);
            w = e.field("immlo").insert(w, (int) (imm & 3));
            return e.field("immhi").insert(w, (int) ((imm >> 2) & 0x7ffff));
        }
    }

    static int parseCond(Cursor c) {
        c.skipWs();
        int at = c.pos;
        String id = c.ident();
        int v = condOf(id);
        if (v < 0) throw c.errorAt("expected a condition, not '" + id + "'", at);
        return v;
    }

    static int condOf(String id) {
        switch (id) {
            case "hs": return 2;
            case "lo": return 3;
            default:
        }
        for (int i = 0; i < 16; i++) if (COND[i].equals(id)) return i;
        return -1;
    }

    /** Condition (NCOND: the alias prints the inverted condition). */
    static final class Cond extends Operand {
        final boolean inverted;
        Cond(boolean inverted) { this.inverted = inverted; }
        @Override boolean format(Encoding e, int w, long pc, Out o) {
            int cond = get(e, w, "cond") ^ (inverted ? 1 : 0);
            o.sb.append(COND[cond]);
            if (COND_ALIASES[cond] != null) o.comment = "// " + COND[cond] + " = " + COND_ALIASES[cond];
            return true;
        }
        @Override int parse(Encoding e, int w, Cursor c, AsmContext ctx) {
            return e.field("cond").insert(w, parseCond(c) ^ (inverted ? 1 : 0));
        }
    }

    /** Base-register memory operands with immediate offsets. */
    static final class Mem extends Operand {
        static final int ZERO = 0, UNSIGNED = 1, SIMM9 = 2, PRE9 = 3, POST9 = 4, PAIR = 5, PAIR_PRE = 6, PAIR_POST = 7;
        final int mode, scale;
        Mem(int mode, int scale) { this.mode = mode; this.scale = scale; }

        long offset(Encoding e, int w) {
            switch (mode) {
                case UNSIGNED: return (long) get(e, w, "imm12") << scale;
                case SIMM9: case PRE9: case POST9: return e.field("imm9").extractSigned(w);
                case PAIR: case PAIR_PRE: case PAIR_POST: return (long) e.field("imm7").extractSigned(w) << scale;
                default: return 0;
            }
        }

        @Override boolean format(Encoding e, int w, long pc, Out o) {
            String rn = reg('x', get(e, w, "Rn"), true);
            long off = offset(e, w);
            switch (mode) {
                case PRE9: case PAIR_PRE: o.sb.append('[').append(rn).append(", #").append(off).append("]!"); break;
                case POST9: case PAIR_POST: o.sb.append('[').append(rn).append("], #").append(off); break;
                default:
                    o.sb.append('[').append(rn);
                    if (off != 0) o.sb.append(", #").append(off);
                    o.sb.append(']');
            }
            return true;
        }

        @Override int parse(Encoding e, int w, Cursor c, AsmContext ctx) {
            c.expect('[');
            w = e.field("Rn").insert(w, expectReg(c, 'x', true).num());
            long off = 0;
            int at = -1;
            if (c.eat(',')) {
                c.skipWs();
                at = c.pos;
                off = imm(c, ctx);
            }
            c.expect(']');
            if (mode == PRE9 || mode == PAIR_PRE) {
                if (at < 0) throw c.error("expected an offset for pre-index");
                c.expect('!');
            } else if (mode == POST9 || mode == PAIR_POST) {
                if (at >= 0) throw c.errorAt("post-index takes the offset after ']'", at);
                c.expect(',');
                c.skipWs();
                at = c.pos;
                off = imm(c, ctx);
            } else if (c.peek('!')) {
                throw c.error("writeback not allowed here");
            }
            if (at < 0) at = c.pos;
            switch (mode) {
                case ZERO:
                    if (off != 0) throw c.errorAt("offset must be 0", at);
                    return w;
                case UNSIGNED: {
                    long unit = 1L << scale;
                    if (off < 0 || off % unit != 0 || off / unit > 4095) {
                        throw c.errorAt("offset out of range: " + off + " (0.." + 4095 * unit + ", multiple of " + unit + ")", at);
                    }
                    return e.field("imm12").insert(w, (int) (off / unit));
                }
                case SIMM9: case PRE9: case POST9:
                    if (off < -256 || off > 255) throw c.errorAt("offset out of range: " + off + " (-256..255)", at);
                    return e.field("imm9").insert(w, (int) (off & 0x1ff));
                default: {
                    long unit = 1L << scale;
                    if (off % unit != 0 || off / unit < -64 || off / unit > 63) {
                        throw c.errorAt("offset out of range: " + off + " (" + (-64 * unit) + ".." + 63 * unit + ", multiple of " + unit + ")", at);
                    }
                    return e.field("imm7").insert(w, (int) ((off / unit) & 0x7f));
                }
            }
        }
    }

    /** Register-offset memory operand [Xn|SP, Wm|Xm{, extend {#amount}}]. */
    static final class RegMem extends Operand {
        final int scale;
        RegMem(int scale) { this.scale = scale; }
        @Override boolean format(Encoding e, int w, long pc, Out o) {
            int option = get(e, w, "option"), s = get(e, w, "S");
            o.sb.append('[').append(reg('x', get(e, w, "Rn"), true)).append(", ")
                    .append(reg((option & 1) == 1 ? 'x' : 'w', get(e, w, "Rm"), false));
            if (option == 3) {
                if (s == 1) o.sb.append(", lsl #").append(scale);
            } else {
                o.sb.append(", ").append(EXTEND[option]);
                if (s == 1) o.sb.append(" #").append(scale);
            }
            o.sb.append(']');
            return true;
        }
        @Override int parse(Encoding e, int w, Cursor c, AsmContext ctx) {
            c.expect('[');
            w = e.field("Rn").insert(w, expectReg(c, 'x', true).num());
            c.expect(',');
            c.skipWs();
            int at = c.pos;
            Reg rm = parseReg(c);
            if (rm == null || rm.sp()) throw c.errorAt("expected an index register", at);
            w = e.field("Rm").insert(w, rm.num());
            int option = rm.size() == 'x' ? 3 : 2;
            int s = 0;
            String[] words = {null, null, "uxtw", "lsl", null, null, "sxtw", "sxtx"};
            int ext = eatCommaWord(c, words);
            if (ext >= 0) {
                option = ext;
                if ((rm.size() == 'x') != ((option & 1) == 1)) throw c.errorAt("index register width does not match " + words[ext], at);
                if (c.peek('#')) {
                    c.skipWs();
                    int at2 = c.pos;
                    long amount = imm(c, ctx);
                    // S selects a shift by the access size; for bytes an explicit "#0" sets S
                    // (GNU as: "ldrb w0, [x1, x2, lsl #0]" has S = 1), otherwise "#0" means S = 0.
                    if (amount != 0 && amount != scale) throw c.errorAt("shift amount must be 0 or " + scale, at2);
                    s = amount == scale ? 1 : 0;
                } else if (ext == 3) {
                    throw c.error("expected a shift amount after lsl");
                }
            }
            c.expect(']');
            return e.field("S").insert(e.field("option").insert(w, option), s);
        }
    }

    /** MRS/MSR system register by name or generic s<op0>_<op1>_c<n>_c<m>_<op2>. */
    static final class SysReg extends Operand {
        @Override boolean format(Encoding e, int w, long pc, Out o) {
            o.sb.append(SysRegs.displayName(get(e, w, "op0"), get(e, w, "op1"), get(e, w, "CRn"), get(e, w, "CRm"), get(e, w, "op2"),
                    get(e, w, "L") == 1));
            return true;
        }
        @Override int parse(Encoding e, int w, Cursor c, AsmContext ctx) {
            c.skipWs();
            int at = c.pos;
            String id = c.ident();
            int op0, op1, crn, crm, op2;
            SysRegs.SysReg r = SysRegs.byName(id);
            if (r != null) {
                op0 = r.op0(); op1 = r.op1(); crn = r.crn(); crm = r.crm(); op2 = r.op2();
            } else {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("s([0-3])_([0-7])_c([0-9]+)_c([0-9]+)_([0-7])").matcher(id);
                if (!m.matches()) throw c.errorAt("unknown system register '" + id + "'", at);
                op0 = Integer.parseInt(m.group(1)); op1 = Integer.parseInt(m.group(2));
                crn = Integer.parseInt(m.group(3)); crm = Integer.parseInt(m.group(4)); op2 = Integer.parseInt(m.group(5));
                if (crn > 15 || crm > 15) throw c.errorAt("system register encoding out of range: " + id, at);
            }
            if (op0 < 2) throw c.errorAt("system register op0 must be 2 or 3: " + id, at);
            w = e.field("op0").insert(w, op0);
            w = e.field("op1").insert(w, op1);
            w = e.field("CRn").insert(w, crn);
            w = e.field("CRm").insert(w, crm);
            return e.field("op2").insert(w, op2);
        }
    }

    /** MSR (immediate) PSTATE field names by op1:op2. */
    static final String[][] PSTATE_FIELDS = {{"uao", "0", "3"}, {"pan", "0", "4"}, {"spsel", "0", "5"}, {"daifset", "3", "6"}, {"daifclr", "3", "7"}};

    static final class PState extends Operand {
        @Override boolean format(Encoding e, int w, long pc, Out o) {
            int op1 = get(e, w, "op1"), op2 = get(e, w, "op2");
            for (String[] p : PSTATE_FIELDS) {
                if (Integer.parseInt(p[1]) == op1 && Integer.parseInt(p[2]) == op2) { o.sb.append(p[0]); return true; }
            }
            o.sb.append("s0_").append(op1).append("_c4_c").append(get(e, w, "CRm")).append('_').append(op2);
            return true;
        }
        @Override int parse(Encoding e, int w, Cursor c, AsmContext ctx) {
            c.skipWs();
            int at = c.pos;
            String id = c.ident();
            for (String[] p : PSTATE_FIELDS) {
                if (p[0].equals(id)) return e.field("op2").insert(e.field("op1").insert(w, Integer.parseInt(p[1])), Integer.parseInt(p[2]));
            }
            throw c.errorAt("unknown PSTATE field '" + id + "'", at);
        }
    }

    /** DSB/DMB option: a name, or #0x.. (two hex digits, as objdump prints). */
    static final class BarrierOpt extends Operand {
        final String field;
        BarrierOpt(String field) { this.field = field; }
        @Override boolean format(Encoding e, int w, long pc, Out o) {
            int v = get(e, w, field);
            o.sb.append(BARRIER[v] != null ? BARRIER[v] : String.format("#0x%02x", v));
            return true;
        }
        @Override int parse(Encoding e, int w, Cursor c, AsmContext ctx) {
            String id = c.peekIdent();
            for (int i = 0; i < 16; i++) {
                if (BARRIER[i] != null && BARRIER[i].equals(id)) { c.ident(); return e.field(field).insert(w, i); }
            }
            c.skipWs();
            int at = c.pos;
            long v = imm(c, ctx);
            if (v < 0 || v > 15) throw c.errorAt("barrier option out of range: " + v, at);
            return e.field(field).insert(w, (int) v);
        }
    }

    /** Cn (objdump prints upper-case C). */
    static final class Cr extends Operand {
        final String field;
        Cr(String field) { this.field = field; }
        @Override boolean format(Encoding e, int w, long pc, Out o) { o.sb.append('C').append(get(e, w, field)); return true; }
        @Override int parse(Encoding e, int w, Cursor c, AsmContext ctx) {
            c.skipWs();
            int at = c.pos;
            String id = c.ident();
            if (id.length() < 2 || id.charAt(0) != 'c' || !id.substring(1).chars().allMatch(Character::isDigit)) {
                throw c.errorAt("expected C0..C15", at);
            }
            int v = Integer.parseInt(id.substring(1));
            if (v > 15) throw c.errorAt("expected C0..C15", at);
            return e.field(field).insert(w, v);
        }
    }

    /** AT/DC/IC/TLBI operation name, with ", Xt" if the operation takes a register. */
    static final class SysOp extends Operand {
        @Override boolean format(Encoding e, int w, long pc, Out o) {
            SysOps.Op op = SysOps.lookup(get(e, w, "op1"), get(e, w, "CRn"), get(e, w, "CRm"), get(e, w, "op2"));
            o.sb.append(op.name());
            if (op.hasXt()) o.sb.append(", ").append(reg('x', get(e, w, "Rt"), false));
            return true;
        }
        @Override int parse(Encoding e, int w, Cursor c, AsmContext ctx) {
            c.skipWs();
            int at = c.pos;
            String id = c.ident();
            int kind = e.id().startsWith("AT") ? SysOps.AT : e.id().startsWith("DC") ? SysOps.DC : e.id().startsWith("IC") ? SysOps.IC : SysOps.TLBI;
            SysOps.Op op = SysOps.byName(kind, id);
            if (op == null) throw c.errorAt("unknown operation '" + id + "'", at);
            w = e.field("op1").insert(w, op.op1());
            w = e.field("CRn").insert(w, op.crn());
            w = e.field("CRm").insert(w, op.crm());
            w = e.field("op2").insert(w, op.op2());
            int rt = 31;
            if (op.hasXt()) {
                c.expect(',');
                rt = expectReg(c, 'x', false).num();
            }
            return e.field("Rt").insert(w, rt);
        }
    }

    /** PRFM operation: pld|pli|pst l1|l2|l3 keep|strm, or #0x.. . */
    static final class PrfOp extends Operand {
        final String field;
        PrfOp(String field) { this.field = field; }
        static String name(int v) {
            int type = v >>> 3, target = (v >>> 1) & 3, policy = v & 1;
            if (type > 2 || target > 2) return null;
            return PRF_TYPE[type] + PRF_TARGET[target] + (policy == 0 ? "keep" : "strm");
        }
        @Override boolean format(Encoding e, int w, long pc, Out o) {
            int v = get(e, w, field);
            String n = name(v);
            o.sb.append(n != null ? n : String.format("#0x%02x", v));
            return true;
        }
        @Override int parse(Encoding e, int w, Cursor c, AsmContext ctx) {
            String id = c.peekIdent();
            for (int v = 0; v < 32; v++) {
                if (id.equals(name(v))) { c.ident(); return e.field(field).insert(w, v); }
            }
            c.skipWs();
            int at = c.pos;
            long v = imm(c, ctx);
            if (v < 0 || v > 31) throw c.errorAt("prefetch operation out of range: " + v, at);
            return e.field(field).insert(w, (int) v);
        }
    }

    /** BTI target: nothing, c, j or jc (op2 = target << 1). */
    static final class Bti extends Operand {
        static final String[] T = {null, "c", "j", "jc"};
        @Override boolean optional() { return true; }
        @Override boolean format(Encoding e, int w, long pc, Out o) {
            String t = T[get(e, w, "op2") >>> 1];
            if (t == null) return false;
            o.sb.append(t);
            return true;
        }
        @Override int parse(Encoding e, int w, Cursor c, AsmContext ctx) {
            c.skipWs();
            int at = c.pos;
            String id = c.ident();
            for (int i = 1; i < 4; i++) if (T[i].equals(id)) return e.field("op2").insert(w, i << 1);
            throw c.errorAt("expected c, j or jc", at);
        }
    }
}
