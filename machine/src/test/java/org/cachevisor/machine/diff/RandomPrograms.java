package org.cachevisor.machine.diff;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.cachevisor.isa.A64;
import org.cachevisor.isa.Encoding;
import org.cachevisor.isa.ExecClass;
import org.cachevisor.isa.Field;

/**
 * Random instruction sequences drawn from the isa table, for differential testing against a
 * reference executor (qemu-aarch64), wrapped in a harness that sets every register, runs the
 * sequence and stores every register, NZCV, SP and a scratch buffer for comparison.
 *
 * <p>Register discipline: x28 is the base of every load and store (it points into a scratch buffer
 * of {@link #BUFFER_BYTES} bytes, in the middle); x27 holds a small index (register-offset addressing)
 * and x30 belongs to the harness: neither is ever written by a generated instruction. Memory offsets
 * are kept small so that writeback drift keeps every access inside the buffer.
 *
 * <p>Exclusions, with their reasons (the unit tests of machine cover these instead):
 * <ul>
 *   <li>BL, BR, BLR, RET, ERET: they leave the sequence (B, B.cond, CBZ/CBNZ, TBZ/TBNZ are kept,
 *       with their offset forced to skip exactly one instruction);</li>
 *   <li>SVC/HVC/SMC/BRK/HLT, SYS/SYSL (except DC ZVA), MSR/MRS (except NZCV), MSR (immediate),
 *       WFI/WFE: system behaviour at EL0 belongs to the OS (qemu-user is Linux), not to the ISA;</li>
 *   <li>exclusives and load-acquire/store-release: their alignment requirement would need a
 *       drift-free aligned base; covered by unit tests;</li>
 *   <li>rows that need an architecture feature other than FEAT_CRC32 (the machine does not
 *       advertise them).</li>
 * </ul>
 */
final class RandomPrograms {
    static final int BUFFER_BYTES = 1024;
    static final int MAX_LEN = 6;

    private static final Set<ExecClass> EXCLUDED = EnumSet.of(ExecClass.BRANCH_REG, ExecClass.RET,
            ExecClass.ERET, ExecClass.EXCEPTION_GEN, ExecClass.SYS, ExecClass.SYSL, ExecClass.MSR_IMM,
            ExecClass.MSR_REG, ExecClass.MRS, ExecClass.LDST_EXCLUSIVE, ExecClass.LDST_ORDERED);

    private static final Set<ExecClass> MEMORY = EnumSet.of(ExecClass.LDST_IMM_UNSIGNED, ExecClass.LDST_IMM_PRE,
            ExecClass.LDST_IMM_POST, ExecClass.LDST_UNSCALED, ExecClass.LDST_UNPRIV, ExecClass.LDST_REG_OFFSET,
            ExecClass.LDST_PAIR_OFFSET, ExecClass.LDST_PAIR_PRE, ExecClass.LDST_PAIR_POST,
            ExecClass.LDST_PAIR_NONTEMPORAL, ExecClass.PREFETCH);

    private static final Set<ExecClass> SKIPPING_BRANCHES = EnumSet.of(ExecClass.BRANCH_IMM, ExecClass.BRANCH_COND,
            ExecClass.COMPARE_BRANCH, ExecClass.TEST_BRANCH);

    /** msr nzcv, x0..x26 / mrs x0..x26, nzcv are generated directly (op0=3 op1=3 CRn=4 CRm=2 op2=0). */
    private static final int MSR_NZCV = 0xd51b4200;
    private static final int MRS_NZCV = 0xd53b4200;
    /** dc zva, x28 (SYS op1=3 CRn=7 CRm=4 op2=1). */
    private static final int DC_ZVA_X28 = 0xd50b7420 | 28;
    /** nop */
    static final int NOP = 0xd503201f;

    private final List<Encoding> rows = new ArrayList<>();

    RandomPrograms() {
        for (Encoding e : A64.encodings()) {
            if (EXCLUDED.contains(e.execClass())) continue;
            if (e.feature() != null && !e.feature().equals("FEAT_CRC32")) continue;
            if (e.execClass() == ExecClass.HINT && !isPlainNopHint(e)) continue;
            if (e.execClass() == ExecClass.BRANCH_IMM && e.has("op") && fixedOrZero(e, "op") != 0) continue; // BL
            rows.add(e);
        }
        if (rows.isEmpty()) throw new IllegalStateException("no eligible rows in the isa table");
    }

    List<Encoding> rows() { return rows; }

    /** One test case: the sequence, the initial registers x0..x29 and NZCV, SP, and the buffer. */
    record Case(int[] words, long[] regs, long nzcv, byte[] buffer) {}

    Case generate(SplittableRandom rnd) {
        int len = 1 + rnd.nextInt(MAX_LEN);
        int[] words = new int[len + 1];
        for (int i = 0; i < len; i++) words[i] = instruction(rnd);
        words[len] = NOP; // the target of a skipping branch in the last slot
        long[] regs = new long[30];
        for (int r = 0; r < 30; r++) regs[r] = interesting(rnd);
        regs[27] = rnd.nextInt(32); // the small index register
        regs[28] = 0;               // set by the harness to the buffer's middle
        long nzcv = ((long) rnd.nextInt(16)) << 28;
        byte[] buffer = new byte[BUFFER_BYTES];
        rnd.nextBytes(buffer);
        return new Case(words, regs, nzcv, buffer);
    }

    private int instruction(SplittableRandom rnd) {
        int special = rnd.nextInt(100);
        if (special < 2) return MSR_NZCV | rnd.nextInt(27);
        if (special < 4) return MRS_NZCV | rnd.nextInt(27);
        if (special < 5) return DC_ZVA_X28;
        for (int attempt = 0; attempt < 1000; attempt++) {
            Encoding e = rows.get(rnd.nextInt(rows.size()));
            int word = (rnd.nextInt() & ~e.mask()) | e.value();
            word = constrain(e, word, rnd);
            if (word != 0 && A64.decode(word) == e) return word;
        }
        throw new IllegalStateException("could not generate a valid instruction in 1000 attempts");
    }

    /** Applies the register and offset discipline; returns 0 to ask for another draw. */
    private int constrain(Encoding e, int word, SplittableRandom rnd) {
        ExecClass ec = e.execClass();
        if (SKIPPING_BRANCHES.contains(ec)) {
            for (String imm : new String[] {"imm26", "imm19", "imm14"}) {
                if (e.has(imm)) word = set(e, word, imm, 2); // skip exactly one instruction
            }
            if (e.has("Rt")) word = set(e, word, "Rt", rnd.nextInt(31));
            return word;
        }
        if (ec == ExecClass.LOAD_LITERAL || (ec == ExecClass.PREFETCH && e.has("imm19"))) {
            word = set(e, word, "imm19", rnd.nextInt(33) - 16);
            return ec == ExecClass.PREFETCH ? word : set(e, word, "Rt", writableReg(rnd));
        }
        if (MEMORY.contains(ec)) {
            word = set(e, word, "Rn", 28);
            if (e.has("imm12")) word = set(e, word, "imm12", rnd.nextInt(16));
            if (e.has("imm9")) word = set(e, word, "imm9", rnd.nextInt(128) - 64);
            if (e.has("imm7")) word = set(e, word, "imm7", rnd.nextInt(16) - 8);
            if (e.has("Rm")) word = set(e, word, "Rm", 27);
            if (ec != ExecClass.PREFETCH) {
                if (e.has("Rt")) word = set(e, word, "Rt", writableReg(rnd));
                if (e.has("Rt2")) word = set(e, word, "Rt2", writableReg(rnd));
                if (e.has("Rt2") && e.has("L") && e.field("L").extract(word) == 1
                        && e.field("Rt").extract(word) == e.field("Rt2").extract(word)) {
                    return 0; // LDP with Rt == Rt2 is CONSTRAINED UNPREDICTABLE
                }
            }
            return word;
        }
        // data processing: never write x27, x28, x30
        if (e.has("Rd")) {
            int rd = e.field("Rd").extract(word);
            if (rd == 27 || rd == 28 || rd == 30) word = set(e, word, "Rd", writableReg(rnd));
        }
        return word;
    }

    private static int writableReg(SplittableRandom rnd) {
        int r = rnd.nextInt(29); // 0..28
        return r >= 27 ? 29 : r;  // never 27, 28 or 30
    }

    private static int set(Encoding e, int word, String name, int value) {
        Field f = e.field(name);
        int mask = (f.width() == 32 ? -1 : (1 << f.width()) - 1) << f.lsb();
        return (word & ~mask) | ((value << f.lsb()) & mask);
    }

    private static int fixedOrZero(Encoding e, String name) {
        Field f = e.field(name);
        return f.extract(e.value());
    }

    private static boolean isPlainNopHint(Encoding e) {
        String m = e.mnemonic();
        return !(m.equals("wfi") || m.equals("wfe"));
    }

    private static long interesting(SplittableRandom rnd) {
        return switch (rnd.nextInt(10)) {
            case 0 -> 0;
            case 1 -> 1;
            case 2 -> -1;
            case 3 -> Long.MIN_VALUE;
            case 4 -> Long.MAX_VALUE;
            case 5 -> 0x80000000L;
            case 6 -> 0x7fffffffL;
            case 7 -> rnd.nextInt(256) - 128;
            case 8 -> rnd.nextInt() & 0xffffffffL;
            default -> rnd.nextLong();
        };
    }
}
