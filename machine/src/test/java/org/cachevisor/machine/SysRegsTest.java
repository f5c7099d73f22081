package org.cachevisor.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The PE's system-register table and the values its ID and cache registers read back. */
class SysRegsTest {
    @Test
    void table_encodingsAgreeWithIsaCatalogue() {
        List<String> mismatches = new ArrayList<>();
        int matched = 0;
        for (SysRegs.Reg r : SysRegs.table()) {
            org.cachevisor.isa.SysRegs.SysReg c = org.cachevisor.isa.SysRegs.byName(r.name());
            if (c == null) continue;
            matched++;
            if (c.key() != r.key()) mismatches.add(r.name() + ": " + SysRegs.describeKey(r.key()) + " vs isa " + SysRegs.describeKey(c.key()));
        }
        assertThat(mismatches).isEmpty();
        assertThat(matched).isGreaterThan(40);
    }

    @Test
    void lookup_everyRow_findsItselfAndReservedIdSpaceReadsAsZero() {
        for (SysRegs.Reg r : SysRegs.table()) assertThat(SysRegs.lookup(r.key())).isSameAs(r);
        assertThat(SysRegs.lookup(SysRegs.key(3, 0, 0, 3, 7)).id()).isEqualTo(SysRegs.ID_RAZ);
        assertThat(SysRegs.lookup(SysRegs.key(3, 0, 15, 0, 0))).isNull();
    }

    private static long mrs(TestGuest g, int op0, int op1, int crn, int crm, int op2) {
        g.code(0x1000, Words.mrs(op0, op1, crn, crm, op2, 7));
        g.pe.setPc(0x1000);
        g.pe.step();
        assertThat(g.pe.pc()).as("MRS S%d_%d_C%d_C%d_%d executed", op0, op1, crn, crm, op2).isEqualTo(0x1004L);
        return g.pe.x(7);
    }

    @Test
    void idRegisters_advertiseNoFpSimdNoLseNoPauth() {
        TestGuest g = new TestGuest(2);
        long pfr0 = mrs(g, 3, 0, 0, 4, 0);
        assertThat((pfr0 >>> 16) & 0xF).as("FP").isEqualTo(0xF);
        assertThat((pfr0 >>> 20) & 0xF).as("AdvSIMD").isEqualTo(0xF);
        assertThat(pfr0 & 0xF).as("EL0 AArch64").isEqualTo(1);
        long isar0 = mrs(g, 3, 0, 0, 6, 0);
        assertThat((isar0 >>> 20) & 0xF).as("Atomic (LSE)").isZero();
        assertThat((isar0 >>> 16) & 0xF).as("CRC32").isEqualTo(1);
        assertThat(mrs(g, 3, 0, 0, 6, 1)).as("ID_AA64ISAR1_EL1 (PAuth, ...)").isZero();
        assertThat(mrs(g, 3, 0, 0, 0, 0)).as("MIDR_EL1").isEqualTo(0x411F_D070L);
        assertThat(mrs(g, 3, 0, 0, 0, 5)).as("MPIDR_EL1 of PE0").isEqualTo(0x8000_0000L);
        Pe pe1 = g.platform.pe(1);
        g.code(0x2000, Words.mrs(3, 0, 0, 0, 5, 7));
        pe1.reset(0x2000);
        pe1.step();
        assertThat(pe1.x(7)).as("MPIDR_EL1 of PE1").isEqualTo(0x8000_0001L);
        assertThat(mrs(g, 3, 0, 1, 0, 0)).as("SCTLR_EL1 reset").isEqualTo(0x00C5_0078L);
        assertThat(mrs(g, 3, 3, 14, 0, 0)).as("CNTFRQ_EL0").isEqualTo(62_500_000L);
    }

    @Test
    void cacheIdRegisters_followMemoryGeometry() {
        TestGuest g = new TestGuest();
        // Default geometry: 64-byte lines, L1D 64 sets x 4 ways, L1I 64 x 4, L2 512 x 8.
        long ctr = mrs(g, 3, 3, 0, 0, 1);
        assertThat(ctr & 0xF).as("IminLine = log2(16 words)").isEqualTo(4);
        assertThat((ctr >>> 16) & 0xF).as("DminLine").isEqualTo(4);
        assertThat(ctr >>> 31).as("RES1").isEqualTo(1);
        assertThat(mrs(g, 3, 1, 0, 0, 1)).as("CLIDR_EL1").isEqualTo(0b011L | (0b100L << 3) | (1L << 21) | (2L << 24) | (1L << 27));
        // CSSELR_EL1 = 0 (L1 data): LineSize 2 (64 B), Associativity 3, NumSets 63
        assertThat(mrs(g, 3, 1, 0, 0, 0)).isEqualTo(2L | (3L << 3) | (63L << 13));
        g.pe.writeSysReg(SysRegs.CSSELR_EL1, 0b10); // level 2, data/unified
        assertThat(mrs(g, 3, 1, 0, 0, 0)).isEqualTo(2L | (7L << 3) | (511L << 13));
        assertThat(mrs(g, 3, 3, 0, 0, 7)).as("DCZID_EL0: 64-byte blocks, DZP = 0").isEqualTo(4L);
    }

    @Test
    void dczid_atEl0WithoutDze_reportsProhibited() {
        TestGuest g = new TestGuest();
        g.pe.writeSysReg(SysRegs.SCTLR_EL1, Pe.SCTLR_EL1_RESET & ~Pe.SCTLR_DZE);
        g.pe.setPstate(0);
        assertThat(mrs(g, 3, 3, 0, 0, 7)).isEqualTo(4L | (1L << 4));
    }

    @Test
    void virtualCounter_advancesWithInstructionsNotWallClock() {
        TestGuest g = new TestGuest();
        // mrs x7, cntvct_el0 ; 159 x nop ; mrs x8, cntvct_el0
        int[] code = new int[161];
        code[0] = Words.mrs(3, 3, 14, 0, 2, 7);
        for (int i = 1; i < 160; i++) code[i] = Words.NOP;
        code[160] = Words.mrs(3, 3, 14, 0, 2, 8);
        g.code(0x1000, code);
        g.pe.reset(0x1000);
        g.pe.run(161);
        // 160 instructions between the reads = 160 ns of virtual time = 10 ticks at 62.5 MHz
        assertThat(g.pe.x(8) - g.pe.x(7)).isEqualTo(10L);
    }

    @Test
    void virtualCounter_sameValueAtEl1AsAtEl0() {
        // EL1 reads take the interpreter's inline path, EL0 reads (CNTKCTL_EL1.EL0VCTEN set) the executor's:
        // both are the instruction count before the read (plus idle time) in 16 ns ticks.
        long[] seen = new long[2];
        for (int el = 0; el <= 1; el++) {
            TestGuest g = new TestGuest();
            int[] code = new int[40];
            for (int i = 0; i < 39; i++) code[i] = Words.NOP;
            code[39] = Words.mrs(3, 3, 14, 0, 2, 7); // mrs x7, cntvct_el0, as the 40th instruction
            g.code(0x1000, code);
            g.pe.reset(0x1000);
            g.pe.writeSysReg(SysRegs.CNTKCTL_EL1, 2);
            if (el == 0) g.pe.setPstate(0);
            g.pe.creditIdle(1000);
            g.pe.run(40);
            assertThat(g.pe.pc()).isEqualTo(0x1000L + 4 * 40);
            seen[el] = g.pe.x(7);
        }
        assertThat(seen[0]).isEqualTo((39 + 1000) >>> 4);
        assertThat(seen[1]).isEqualTo(seen[0]);
    }

    @Test
    void dcZva_withCachesOn_zeroesTheAlignedBlock() {
        TestGuest g = new TestGuest();
        for (long a = 0x3000; a < 0x30C0; a += 8) g.mem.ramPoke(a, 8, -1L);
        // dc zva, x1 ; ldr x2, [x3] ; ldr x4, [x3, #0x38] ; ldr x5, [x3, #0x40]
        g.code(0x1000, Words.sys(3, 7, 4, 1, 1), Words.ldrX(2, 3, 0), Words.ldrX(4, 3, 0x38), Words.ldrX(5, 3, 0x40));
        g.pe.reset(0x1000);
        g.pe.setRegime(Pe.REGIME_FLAT_WB);
        g.pe.setX(1, 0x3047);
        g.pe.setX(3, 0x3040);
        g.pe.run(4);
        assertThat(g.pe.pc()).isEqualTo(0x1010L);
        assertThat(g.pe.x(2)).isZero();
        assertThat(g.pe.x(4)).isZero();
        assertThat(g.pe.x(5)).as("next block untouched").isEqualTo(-1L);
        assertThat(g.mem.ramPeek(0x3000, 8)).as("previous block untouched").isEqualTo(-1L);
    }

    @Test
    void dcZva_withMmuOff_isAlignmentFault() {
        TestGuest g = new TestGuest();
        g.code(0x1000, Words.sys(3, 7, 4, 1, 1));
        g.pe.reset(0x1000);
        g.pe.writeSysReg(SysRegs.VBAR_EL1, 0x8000);
        g.pe.setX(1, 0x3000);
        g.pe.step();
        // EC 0x25, WnR = 1, CM = 1 (cache maintenance), DFSC alignment
        assertThat(g.pe.readSysReg(SysRegs.ESR_EL1)).isEqualTo(0x9600_0161L);
        assertThat(g.pe.readSysReg(SysRegs.FAR_EL1)).isEqualTo(0x3000L);
    }

    @Test
    void atS1e1r_mmuOff_writesIdentityPaWithDeviceAttributes() {
        TestGuest g = new TestGuest();
        // at s1e1r, x1 ; tlbi vmalle1
        g.code(0x1000, Words.sys(0, 7, 8, 0, 1), Words.sys(0, 8, 7, 0, 31));
        g.pe.reset(0x1000);
        g.pe.setX(1, 0x12_3456_7ABCL);
        g.pe.run(2);
        // PAR_EL1: F = 0, SH[8:7] = 0b10 (outer shareable: Device), PA[47:12], ATTR[63:56] = 0x00
        // (Device-nGnRnE), bit 11 RES1
        assertThat(g.pe.readSysReg(SysRegs.PAR_EL1)).isEqualTo(0x12_3456_7000L | (0b10L << 7) | (1L << 11));
        assertThat(g.pe.tlbiCount()).isEqualTo(1L);
        assertThat(g.pe.pc()).isEqualTo(0x1008L);
    }
}
