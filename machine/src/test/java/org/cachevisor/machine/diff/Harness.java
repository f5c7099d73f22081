package org.cachevisor.machine.diff;

import java.util.List;

/**
 * Emits a GNU assembler source that runs a batch of {@link RandomPrograms.Case}s one after the other
 * as a static Linux user program, then writes every case's result record to stdout and exits 0.
 *
 * <p>Result record of one case ({@link #RECORD_BYTES} bytes, contiguous in {@code .data} for all
 * cases): x0..x29 (30 x 8 bytes), SP, NZCV, then the case's scratch buffer.
 */
final class Harness {
    private Harness() {}

    static final int REGS_BYTES = 32 * 8;
    static final int RECORD_BYTES = REGS_BYTES + RandomPrograms.BUFFER_BYTES;

    static String source(List<RandomPrograms.Case> cases) {
        StringBuilder s = new StringBuilder(cases.size() * 2048);
        s.append("\t.text\n\t.global _start\n_start:\n");
        for (int i = 0; i < cases.size(); i++) {
            RandomPrograms.Case c = cases.get(i);
            // SP: a 16-byte aligned scratch stack; x28: the middle of this case's buffer
            s.append("\tadrp x30, stack_top\n\tadd x30, x30, :lo12:stack_top\n\tmov sp, x30\n");
            s.append("\tadrp x28, rec").append(i).append("\n\tadd x28, x28, :lo12:rec").append(i).append('\n');
            s.append("\tadd x28, x28, #").append(REGS_BYTES + RandomPrograms.BUFFER_BYTES / 2).append('\n');
            s.append("\tadrp x30, init").append(i).append("\n\tadd x30, x30, :lo12:init").append(i).append('\n');
            s.append("\tldr x0, [x30, #").append(30 * 8).append("]\n\tmsr nzcv, x0\n");
            for (int r = 0; r < 28; r += 2) {
                s.append("\tldp x").append(r).append(", x").append(r + 1).append(", [x30, #").append(r * 8).append("]\n");
            }
            s.append("\tldr x29, [x30, #").append(29 * 8).append("]\n");
            s.append("case").append(i).append(":\n");
            for (int w : c.words()) s.append("\t.inst 0x").append(Integer.toHexString(w)).append('\n');
            s.append("\tadrp x30, rec").append(i).append("\n\tadd x30, x30, :lo12:rec").append(i).append('\n');
            for (int r = 0; r < 30; r += 2) {
                s.append("\tstp x").append(r).append(", x").append(r + 1).append(", [x30, #").append(r * 8).append("]\n");
            }
            s.append("\tmov x0, sp\n\tmrs x1, nzcv\n\tstp x0, x1, [x30, #").append(30 * 8).append("]\n");
        }
        // write(1, records, n * RECORD_BYTES); exit(0)
        s.append("\tmov x0, #1\n\tadrp x1, rec0\n\tadd x1, x1, :lo12:rec0\n");
        s.append("\tldr x2, =").append((long) cases.size() * RECORD_BYTES).append('\n');
        s.append("\tmov x8, #64\n\tsvc #0\n\tmov x0, #0\n\tmov x8, #93\n\tsvc #0\n\t.ltorg\n");
        s.append("\t.section .rodata\n\t.balign 16\n");
        for (int i = 0; i < cases.size(); i++) {
            RandomPrograms.Case c = cases.get(i);
            s.append("init").append(i).append(":\n");
            for (int r = 0; r < 30; r++) s.append("\t.quad 0x").append(Long.toHexString(c.regs()[r])).append('\n');
            s.append("\t.quad 0x").append(Long.toHexString(c.nzcv())).append('\n');
        }
        s.append("\t.data\n\t.balign 64\n");
        for (int i = 0; i < cases.size(); i++) {
            RandomPrograms.Case c = cases.get(i);
            s.append("rec").append(i).append(":\n\t.space ").append(REGS_BYTES).append('\n');
            byte[] b = c.buffer();
            for (int k = 0; k < b.length; k += 8) {
                long q = 0;
                for (int j = 7; j >= 0; j--) q = (q << 8) | (b[k + j] & 0xff);
                s.append("\t.quad 0x").append(Long.toHexString(q)).append('\n');
            }
        }
        s.append("\t.bss\n\t.balign 16\n\t.space 4096\nstack_top:\n");
        return s.toString();
    }
}
