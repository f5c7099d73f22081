package org.cachevisor.isa.text;

import java.util.ArrayList;
import java.util.List;
import org.cachevisor.isa.A64;
import org.cachevisor.isa.Encoding;

/**
 * Disassembler derived from the table: the text {@code aarch64-linux-gnu-objdump -d} prints for
 * the instruction part (mnemonic, tab, operands; objdump's immediate styles and comments;
 * Arm's preferred aliases). Branch targets are absolute addresses in objdump's
 * {@code -b binary} style ({@code 0x4000a0}, no symbol).
 */
public final class Disassembler {
    private Disassembler() {}

    /** The instruction text of {@code word} at address {@code pc}; UNALLOCATED words print as objdump's {@code .inst}. */
    public static String disassemble(int word, long pc) {
        Encoding e = A64.preferred(word);
        if (e == null) return String.format(".inst\t0x%08x ; undefined", word);
        Operands.Template t = Operands.of(e);
        Operands.Out o = new Operands.Out();
        String mnemonic = t.mnemonic();
        String branchComment = null;
        if (mnemonic.equals("b.C")) {
            int cond = e.field("cond").extract(word);
            mnemonic = "b." + Operands.COND[cond];
            String a = Operands.COND_ALIASES[cond];
            if (a != null) branchComment = "// b." + a.replace(", ", ", b.");
        }
        boolean first = true;
        for (Operands.Operand op : t.operands()) {
            int mark = o.sb.length();
            if (!first) o.sb.append(", ");
            if (op.format(e, word, pc, o)) first = false;
            else o.sb.setLength(mark);
        }
        StringBuilder out = new StringBuilder(mnemonic);
        if (o.sb.length() > 0) out.append('\t').append(o.sb);
        if (branchComment != null) {
            out.append("  ").append(branchComment);
        } else if (o.comment != null) {
            if (o.padFrom >= 0) {
                for (int i = o.sb.length() - o.padFrom; i < 23; i++) out.append(' ');
            }
            out.append('\t').append(o.comment);
        }
        return out.toString();
    }

    /**
     * objdump-like lines for a code buffer (little-endian words from {@code base}):
     * {@code "  4000a0:\td2800000 \tmov\tx0, #0x0"}. A trailing partial word is ignored.
     *
     * <p>The address column follows objdump's rule: the 16-digit address loses the leading zeros that
     * the buffer's end address has, in chunks of four, always keeping one; remaining leading zeros
     * print as spaces.
     */
    public static List<String> disassembleAll(byte[] code, long base) {
        List<String> lines = new ArrayList<>();
        int skip = addressCharsToSkip(base + code.length);
        for (int i = 0; i + 4 <= code.length; i += 4) {
            int w = (code[i] & 0xff) | (code[i + 1] & 0xff) << 8 | (code[i + 2] & 0xff) << 16 | (code[i + 3] & 0xff) << 24;
            long pc = base + i;
            lines.add(address(pc, skip) + ":\t" + String.format("%08x \t%s", w, disassemble(w, pc)));
        }
        return lines;
    }

    private static int addressCharsToSkip(long end) {
        String digits = String.format("%016x", end);
        int zeros = 0;
        while (zeros < 16 && digits.charAt(zeros) == '0') zeros++;
        if (zeros == 16 && end != 0) return 0;
        return zeros == 0 ? 0 : (zeros - 1) & -4;
    }

    private static String address(long pc, int skip) {
        char[] c = String.format("%016x", pc).substring(skip).toCharArray();
        int i = 0;
        while (i < c.length - 1 && c[i] == '0') c[i++] = ' ';
        return new String(c);
    }
}
