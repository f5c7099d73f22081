package org.cachevisor.isa.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Disassembler API details (texts hand-copied from aarch64-linux-gnu-objdump 2.40 output). */
class DisassemblerTest {
    @Test
    void disassembleAll_words_areObjdumpLikeLines() {
        byte[] code = {0x00, 0x00, (byte) 0x80, (byte) 0xd2, (byte) 0xc0, 0x03, 0x5f, (byte) 0xd6};   // mov x0, #0 ; ret
        List<String> lines = Disassembler.disassembleAll(code, 0x4000a0);
        assertThat(lines).containsExactly(
                "  4000a0:\td2800000 \tmov\tx0, #0x0                   \t// #0",
                "  4000a4:\td65f03c0 \tret");
    }

    @Test
    void disassemble_unallocatedWord_printsInstUndefined() {
        assertThat(Disassembler.disassemble(0xd500401f, 0)).isEqualTo(".inst\t0xd500401f ; undefined");   // CFINV: not modelled
        assertThat(Disassembler.disassemble(0xf8200020, 0)).isEqualTo(".inst\t0xf8200020 ; undefined");   // LSE LDADD
    }

    @Test
    void disassemble_branchAndConditionComments_matchObjdump() {
        assertThat(Disassembler.disassemble(0x54000001, 0x14)).isEqualTo("b.ne\t0x14  // b.any");
        assertThat(Disassembler.disassemble(0xfa411800, 0)).isEqualTo("ccmp\tx0, #0x1, #0x0, ne\t// ne = any");
        assertThat(Disassembler.disassemble(0x9a9f17e0, 0)).isEqualTo("cset\tx0, eq\t// eq = none");
    }

    @Test
    void assemble_negativeScaledOffset_fallsBackToTheUnscaledFormLikeGnuAs() {
        byte[] b = Assembler.assemble("ldr x0, [x1, #-8]", "t.s", 0).image();
        int w = (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
        assertThat(w).isEqualTo(0xf85f8020);   // GNU as: ldur x0, [x1, #-8]
    }
}
