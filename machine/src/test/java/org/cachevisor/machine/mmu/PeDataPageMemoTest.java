package org.cachevisor.machine.mmu;

import static org.assertj.core.api.Assertions.assertThat;

import org.cachevisor.isa.text.Assembler;
import org.cachevisor.machine.Pe;
import org.cachevisor.machine.RunStatus;
import org.cachevisor.machine.SysRegs;
import org.cachevisor.memsys.AccessKind;
import org.cachevisor.memsys.Attrs;
import org.cachevisor.memsys.MemConfig;
import org.cachevisor.memsys.MemorySystem;
import org.junit.jupiter.api.Test;

/**
 * The PE's load and store page memos (the last data page translated, checked before the MMU) never
 * carry a translation across a change of exception level: an EL1 access to an EL1-only page, then
 * ERET to EL0 and the same access, must take the EL0 permission fault. Expected syndromes are
 * computed by hand from the Arm ARM ESR_ELx encoding (EC 0x24 = data abort from a lower EL, IL = 1,
 * WnR, DFSC 0b001111 = permission fault, level 3).
 */
class PeDataPageMemoTest {
    static final long CODE = 0x1000, USER_CODE = 0x2000, VBAR = 0x8000, DATA_VA = 0x0040_0000L, PA_A = 0x0020_0000L;
    static final long TABLES = 15L << 20;
    /** EL1 read/write/execute (EL0 no access), Normal WB ISH, global. */
    static final long KERNEL = (long) TableBuilder.ATTR_WB << 2 | TableBuilder.SH_ISH | TableBuilder.AF | TableBuilder.UXN;

    final MemorySystem mem = new MemorySystem(MemConfig.defaults().withPeCount(1));
    final Pe pe = new Pe(0, mem);

    PeDataPageMemoTest() {
        mem.map().addRam("ram", 0, 16L << 20);
        TableBuilder tables = new TableBuilder(mem, -1, 0, Attrs.NC, TABLES, 1L << 20);
        tables.mapPages(CODE, CODE, 0x1000, KERNEL);
        tables.mapPages(USER_CODE, USER_CODE, 0x1000, TableBuilder.USER_TEXT);
        tables.mapPages(VBAR, VBAR, 0x1000, KERNEL);
        tables.mapPages(DATA_VA, PA_A, 0x1000, KERNEL);
        mem.ramPoke(PA_A, 8, 0xAAAA);
        pe.reset(CODE);
        pe.writeSysReg(SysRegs.TCR_EL1, TableBuilder.TCR_EL1_48BIT);
        pe.writeSysReg(SysRegs.MAIR_EL1, TableBuilder.MAIR_EL1);
        pe.writeSysReg(SysRegs.TTBR0_EL1, tables.root());
        pe.writeSysReg(SysRegs.VBAR_EL1, VBAR);
        pe.writeSysReg(SysRegs.SCTLR_EL1, Pe.SCTLR_EL1_RESET | Pe.SCTLR_M | Pe.SCTLR_C | Pe.SCTLR_I);
        pe.writeSysReg(SysRegs.ELR_EL1, USER_CODE);
        pe.writeSysReg(SysRegs.SPSR_EL1, 0); // EL0t, DAIF clear
        pe.setX(1, DATA_VA);
    }

    private void load(long at, String source) {
        byte[] image = Assembler.assemble(source, "t.s", at).image();
        for (int i = 0; i < image.length; i++) mem.ramPoke(at + i, 1, image[i] & 0xFF);
    }

    @Test
    void load_el1ThenSamePageAtEl0_permissionFaultFromEl0() {
        load(CODE, """
                ldr x2, [x1]
                eret
                """);
        load(USER_CODE, """
                ldr x0, [x1]
                b .
                """);
        assertThat(pe.run(3)).isEqualTo(RunStatus.BUDGET_EXHAUSTED);
        assertThat(pe.x(2)).as("the EL1 load").isEqualTo(0xAAAAL);
        assertThat(pe.x(0)).as("the EL0 load did not complete").isZero();
        assertThat(pe.readSysReg(SysRegs.ESR_EL1)).isEqualTo(0x9200_000FL);
        assertThat(pe.readSysReg(SysRegs.FAR_EL1)).isEqualTo(DATA_VA);
        assertThat(pe.readSysReg(SysRegs.ELR_EL1)).isEqualTo(USER_CODE);
        assertThat(pe.currentEl()).isEqualTo(1);
        assertThat(pe.pc()).isEqualTo(VBAR + 0x400);
    }

    @Test
    void store_el1ThenSamePageAtEl0_permissionFaultFromEl0() {
        load(CODE, """
                str x1, [x1, #8]
                eret
                """);
        load(USER_CODE, """
                str xzr, [x1, #8]
                b .
                """);
        assertThat(pe.run(3)).isEqualTo(RunStatus.BUDGET_EXHAUSTED);
        // Read through PE 0's caches (the EL1 store left the line dirty in its L1D).
        assertThat(mem.read(0, 0, AccessKind.LOAD, PA_A + 8, 8, Attrs.HOST_WB)).as("the EL1 store, not overwritten at EL0")
                .isEqualTo(DATA_VA);
        assertThat(pe.readSysReg(SysRegs.ESR_EL1)).isEqualTo(0x9200_004FL);
        assertThat(pe.readSysReg(SysRegs.FAR_EL1)).isEqualTo(DATA_VA + 8);
        assertThat(pe.readSysReg(SysRegs.ELR_EL1)).isEqualTo(USER_CODE);
        assertThat(pe.pc()).isEqualTo(VBAR + 0x400);
    }
}
