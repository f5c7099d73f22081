package org.cachevisor.machine.mmu;

import static org.assertj.core.api.Assertions.assertThat;

import org.cachevisor.isa.text.Assembler;
import org.cachevisor.machine.Pe;
import org.cachevisor.machine.Platform;
import org.cachevisor.machine.RunStatus;
import org.cachevisor.machine.SysRegs;
import org.cachevisor.memsys.Attrs;
import org.cachevisor.memsys.MemConfig;
import org.cachevisor.memsys.MemorySystem;
import org.junit.jupiter.api.Test;

/**
 * The MMU wired into the PE: guest code at EL1 (and EL0) running under stage-1 tables (and stage 2),
 * executing TLBI and AT, taking stage-1 faults to EL1 and stage-2 faults to the hypervisor. Code is
 * assembled with the isa Assembler; tables are built with {@link TableBuilder}; expected values are
 * computed by hand in each test.
 */
class PeMmuTest {
    static final long CODE = 0x1000, VBAR = 0x8000, DATA_VA = 0x0040_0000L, PA_A = 0x0020_0000L, PA_B = 0x0030_0000L;
    static final long TABLES = 15L << 20;
    /** EL1 read/write/execute, Normal WB ISH, global. */
    static final long KERNEL = (long) TableBuilder.ATTR_WB << 2 | TableBuilder.SH_ISH | TableBuilder.AF | TableBuilder.UXN;

    final MemorySystem mem = new MemorySystem(MemConfig.defaults().withPeCount(2));
    final Platform platform;
    final Pe pe;
    final TableBuilder tables;

    PeMmuTest() {
        mem.map().addRam("ram", 0, 16L << 20);
        platform = new Platform(mem);
        pe = platform.pe(0);
        tables = new TableBuilder(mem, -1, 0, Attrs.NC, TABLES, 1L << 20);
        tables.mapPages(0, 0, 0x10_0000, KERNEL);           // code, vectors
        tables.mapPages(TABLES, TABLES, 1L << 20, KERNEL); // the tables themselves
        tables.mapPages(DATA_VA, PA_A, 0x1000, KERNEL);
        mem.ramPoke(PA_A, 8, 0xAAAA);
        mem.ramPoke(PA_B, 8, 0xBBBB);
    }

    private void load(String source) {
        byte[] image = Assembler.assemble(source, "t.s", CODE).image();
        for (int i = 0; i < image.length; i++) mem.ramPoke(CODE + i, 1, image[i] & 0xFF);
    }

    private void start(Pe p) {
        p.reset(CODE);
        p.writeSysReg(SysRegs.TCR_EL1, TableBuilder.TCR_EL1_48BIT);
        p.writeSysReg(SysRegs.MAIR_EL1, TableBuilder.MAIR_EL1);
        p.writeSysReg(SysRegs.TTBR0_EL1, tables.root() | 1L << 48);
        p.writeSysReg(SysRegs.VBAR_EL1, VBAR);
        p.writeSysReg(SysRegs.SCTLR_EL1, Pe.SCTLR_EL1_RESET | Pe.SCTLR_M | Pe.SCTLR_C | Pe.SCTLR_I);
    }

    /** The PA of the level-3 descriptor of {@code va} in {@link #tables} (read back from RAM). */
    private long leafDescriptorPa(long va) {
        long t = tables.root();
        for (int level = 0; level < 3; level++) t = mem.ramPeek(t + 8 * ((va >>> (39 - 9 * level)) & 511), 8) & 0xFFFF_FFFF_F000L;
        return t + 8 * ((va >>> 12) & 511);
    }

    @Test
    void guestRemapsPage_oldTranslationUntilTlbiVae1() {
        load("""
                ldr x0, [x1]
                str x3, [x4]
                dsb ish
                ldr x5, [x1]
                tlbi vae1, x6
                dsb ish
                isb
                ldr x7, [x1]
                b .
                """);
        start(pe);
        long descPa = leafDescriptorPa(DATA_VA);
        pe.setX(1, DATA_VA);
        pe.setX(3, mem.ramPeek(descPa, 8) - PA_A + PA_B);
        pe.setX(4, descPa);
        pe.setX(6, Tlbi.xt(1, DATA_VA));
        pe.run(8);
        assertThat(pe.x(0)).isEqualTo(0xAAAAL);
        assertThat(pe.x(5)).as("no TLBI yet: the TLB still maps the old page").isEqualTo(0xAAAAL);
        assertThat(pe.x(7)).isEqualTo(0xBBBBL);
        assertThat(pe.tlbiCount()).isEqualTo(1);
    }

    @Test
    void tlbiVae1isOnPe0_dropsPe1sEntry() {
        load("""
                tlbi vae1is, x6
                dsb ish
                b .
                """);
        Pe other = platform.pe(1);
        start(other);
        assertThat(other.mmu().translate(DATA_VA, Mmu.LOAD, 1)).isEqualTo(PA_A);
        long descPa = leafDescriptorPa(DATA_VA);
        mem.ramPoke(descPa, 8, mem.ramPeek(descPa, 8) - PA_A + PA_B); // the walks of PE1 have cached nothing else
        mem.dcInvalidatePoC(1, 1, descPa);
        assertThat(other.mmu().translate(DATA_VA, Mmu.LOAD, 1)).isEqualTo(PA_A);
        start(pe);
        pe.setX(6, Tlbi.xt(1, DATA_VA));
        pe.run(2);
        assertThat(other.mmu().translate(DATA_VA, Mmu.LOAD, 1)).isEqualTo(PA_B);
    }

    @Test
    void loadFromUnmappedVa_stage1DataAbortToEl1() {
        load("""
                ldr x0, [x1]
                b .
                """);
        start(pe);
        pe.setX(1, 0x0050_0008L);
        pe.run(1);
        // EC 0x25 (same EL), IL, translation fault level 3 (the level-2 table exists for 0x40_0000..).
        assertThat(pe.readSysReg(SysRegs.ESR_EL1)).isEqualTo(0x9600_0007L);
        assertThat(pe.readSysReg(SysRegs.FAR_EL1)).isEqualTo(0x0050_0008L);
        assertThat(pe.readSysReg(SysRegs.ELR_EL1)).isEqualTo(CODE);
        assertThat(pe.pc()).isEqualTo(VBAR + 0x200);
    }

    @Test
    void ldtrAtEl1_el1OnlyPage_permissionFaultFromTheCurrentEl() {
        load("""
                ldr x2, [x1]
                ldtr x0, [x1]
                b .
                """);
        start(pe);
        pe.setX(1, DATA_VA);
        pe.run(2);
        assertThat(pe.x(2)).isEqualTo(0xAAAAL);
        // LDTR is checked with EL0 permissions (AP = 00: none); EC 0x25 (taken from EL1), permission level 3.
        assertThat(pe.readSysReg(SysRegs.ESR_EL1)).isEqualTo(0x9600_000FL);
        assertThat(pe.readSysReg(SysRegs.ELR_EL1)).isEqualTo(CODE + 4);
    }

    @Test
    void atS1e1r_mappedVa_parHoldsPa() {
        load("""
                at s1e1r, x1
                isb
                mrs x2, par_el1
                b .
                """);
        start(pe);
        pe.setX(1, DATA_VA + 0x123);
        pe.run(3);
        // PA[47:12], ATTR 0xFF, SH 0b11, bit 11.
        assertThat(pe.x(2)).isEqualTo(0xFF00_0000_0000_0000L | PA_A | 0b11L << 7 | 1L << 11);
    }

    @Test
    void storeToIpaUnmappedAtStage2_trapsToEl2WithSyndrome() {
        load("""
                str w3, [x1, #8]
                b .
                """);
        MmuTestStage2 s2 = new MmuTestStage2(mem);
        s2.identity(0, 0x10_0000);          // code
        s2.identity(TABLES, 1L << 20);     // stage-1 tables
        pe.attachEl2(true);
        pe.setVtcrEl2(PageTables.VTCR);
        pe.setVttbrEl2(s2.root | 5L << 48);
        pe.setHcrEl2(Pe.HCR_VM);
        start(pe);
        pe.setX(1, DATA_VA);
        RunStatus s = pe.run(1);
        assertThat(s).isEqualTo(RunStatus.TRAP_EL2);
        // Stage 2 maps 0..2 MiB and 14..16 MiB: IPA 0x20_0008 has no level-2 entry. ESR_EL2: EC 0x24,
        // IL, ISV = 1, SAS = 0b10 (word), SSE = 0, SRT = 3, SF = 0, AR = 0, WnR = 1, DFSC translation
        // fault level 2: 0x92000000 | 0x01000000 | 0x00800000 | 0x00030000 | 0x40 | 0x06.
        assertThat(pe.el2Syndrome()).isEqualTo(0x9383_0046L);
        assertThat(pe.el2Far()).isEqualTo(DATA_VA + 8);
        assertThat(pe.hpfarEl2()).isEqualTo((PA_A >>> 12) << 4);
        assertThat(pe.pc()).isEqualTo(CODE);
    }

    /** A stage-2 table ({@link PageTables#VTCR} layout) built with 2 MiB blocks in the test's RAM. */
    static final class MmuTestStage2 {
        final MemorySystem mem;
        final long root = 14L << 20; // 8 KiB: two concatenated level-1 tables
        long next = root + 0x2000;

        MmuTestStage2(MemorySystem mem) { this.mem = mem; }

        void identity(long ipa, long size) {
            for (long a = ipa & -(2L << 20); a < ipa + size; a += 2L << 20) {
                long l1 = root + 8 * ((a >>> 30) & 1023);
                long d = mem.ramPeek(l1, 8);
                if ((d & 3) != 3) {
                    d = next | 3;
                    next += 0x1000;
                    mem.ramPoke(l1, 8, d);
                }
                mem.ramPoke((d & 0xFFFF_FFFF_F000L) + 8 * ((a >>> 21) & 511), 8,
                        PageTables.s2Leaf(false, a, 0b1111, 0b11, 0b11, true, false));
            }
        }
    }
}
