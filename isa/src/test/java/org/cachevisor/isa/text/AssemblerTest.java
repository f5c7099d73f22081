package org.cachevisor.isa.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

/** Assembler behaviour on bad input and on a few hand-encoded instructions. */
class AssemblerTest {

    private static AssemblyException error(String src) {
        return catchThrowableOfType(() -> Assembler.assemble(src, "bad.s", 0x1000), AssemblyException.class);
    }

    private static int word(String src) {
        byte[] b = Assembler.assemble(src, "t.s", 0x1000).image();
        return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
    }

    @Test
    void assemble_unknownMnemonic_namesFileLineAndColumn() {
        AssemblyException e = error("  nop\n\n    frob x0, x1\n");
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).isEqualTo("bad.s:3:5: unknown mnemonic 'frob'");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.column()).isEqualTo(5);
    }

    @Test
    void assemble_immediateOutOfRange_pointsAtTheOperand() {
        AssemblyException e = error("nop\n\tmovz x0, #0x10000\n");
        assertThat(e.getMessage()).startsWith("bad.s:2:11: immediate out of range");
        AssemblyException e2 = error("add x0, x1, #4097");
        assertThat(e2.getMessage()).startsWith("bad.s:1:13: immediate out of range");
    }

    @Test
    void assemble_offsetOutOfRange_pointsAtTheOffset() {
        AssemblyException e = error("ldp x0, x1, [sp, #1024]");
        assertThat(e.getMessage()).startsWith("bad.s:1:18: offset out of range");
    }

    @Test
    void assemble_undefinedSymbol_isReportedWithItsColumn() {
        AssemblyException e = error("b nowhere");
        assertThat(e.getMessage()).isEqualTo("bad.s:1:3: undefined symbol 'nowhere'");
    }

    @Test
    void assemble_wrongRegisterWidth_isRefused() {
        AssemblyException e = error("add x0, w1, #1");
        assertThat(e.getMessage()).contains(":1:9:").contains("register");
    }

    @Test
    void assemble_handEncodedInstructions_matchTheArmArmEncodings() {
        // ADD (immediate) 64: sf=1 op=0 S=0 100010 sh imm12 Rn Rd = 0x91000000 | imm12<<10 | Rn<<5 | Rd
        assertThat(word("add x0, x1, #16")).isEqualTo(0x91000000 | 16 << 10 | 1 << 5);
        // B: 000101 imm26; forward 8 bytes = imm26 2
        assertThat(word("b 1f\nnop\n1: nop")).isEqualTo(0x14000002);
        // RET: 0xd65f0000 | Rn<<5 with Rn = 30 by default
        assertThat(word("ret")).isEqualTo(0xd65f03c0);
        // MOV x0, sp = ADD x0, sp, #0
        assertThat(word("mov x0, sp")).isEqualTo(0x910003e0);
        // MOV x0, x1 = ORR x0, xzr, x1
        assertThat(word("mov x0, x1")).isEqualTo(0xaa0103e0);
        // CSET w0, eq = CSINC w0, wzr, wzr, ne
        assertThat(word("cset w0, eq")).isEqualTo(0x1a9f17e0);
    }

    @Test
    void assemble_semicolonsAndBlockComments_separateStatements() {
        Program p = Assembler.assemble("nop ; /* two\n lines */ nop // tail\n# whole line\n", "t.s", 0);
        assertThat(p.image()).hasSize(8);
    }

    @Test
    void assemble_reptWithoutEndr_namesItsLine() {
        AssemblyException e = error("nop\n  .rept 3\n  nop\n");
        assertThat(e.getMessage()).isEqualTo("bad.s:2:1: .rept without .endr");
    }

    @Test
    void assemble_macroWithMissingArgument_isRefused() {
        AssemblyException e = error(".macro m a\n add \\a, \\a, #1\n.endm\n m\n");
        assertThat(e.getMessage()).isEqualTo("bad.s:4:1: missing argument 'a' of macro m");
    }

    @Test
    void assemble_sameLiteralBeforeAndAfterLtorg_eachLoadUsesItsOwnPool() {
        // GNU as: a pool is shared only up to its .ltorg; the later load gets an entry in the next pool.
        byte[] b = Assembler.assemble("\tldr x1, =0x1005\n\t.ltorg\n\tnop\n\tldr x2, =0x1005\n", "t.s", 0).image();
        int first = (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
        int second = (b[0x14] & 0xff) | (b[0x15] & 0xff) << 8 | (b[0x16] & 0xff) << 16 | (b[0x17] & 0xff) << 24;
        // LDR (literal) 64-bit: 0x58000000 | imm19 << 5 | Rt; first pool at 0x8 (imm19 = 2), second at 0x18 from 0x14 (imm19 = 1)
        assertThat(first).isEqualTo(0x58000000 | 2 << 5 | 1);
        assertThat(second).isEqualTo(0x58000000 | 1 << 5 | 2);
    }
}
