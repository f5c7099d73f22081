package org.cachevisor.machine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import java.util.stream.Stream;

/**
 * HCR_EL2 trap routing: with a hypervisor attached, a trapped instruction stops the PE before it
 * executes (PC unchanged, state untouched) with an ESR_EL2-style syndrome; without one, HCR_EL2 is
 * ignored. Expected syndromes are composed by hand: EC 0x18 ISS = Op0[21:20] Op2[19:17] Op1[16:14]
 * CRn[13:10] Rt[9:5] CRm[4:1] Direction[0].
 */
class PeTrapTest {
    private static final long VBAR = 0x8000;

    private static TestGuest el1(int... words) {
        TestGuest g = new TestGuest().code(0x1000, words);
        g.pe.reset(0x1000);
        g.pe.writeSysReg(SysRegs.VBAR_EL1, VBAR);
        return g;
    }

    static Stream<Arguments> trappedInstructions() {
        return Stream.of(
                Arguments.of("msr sctlr_el1, x0 / TVM", Words.MSR_SCTLR_X0, Pe.HCR_TVM, 0x6230_0400L),
                Arguments.of("mrs x0, ttbr0_el1 / TRVM", Words.mrs(3, 0, 2, 0, 0, 0), Pe.HCR_TRVM, 0x6230_0801L),
                Arguments.of("dc cisw, x1 / TSW", Words.sys(0, 7, 14, 2, 1), Pe.HCR_TSW, 0x6214_1C3CL),
                Arguments.of("mrs x0, id_aa64pfr0_el1 / TID3", Words.mrs(3, 0, 0, 4, 0, 0), Pe.HCR_TID3, 0x6230_0009L),
                Arguments.of("mrs x0, ctr_el0 / TID2", Words.mrs(3, 3, 0, 0, 1, 0), Pe.HCR_TID2, 0x6232_C001L),
                Arguments.of("mrs x0, actlr_el1 / TACR", Words.mrs(3, 0, 1, 0, 1, 0), Pe.HCR_TACR, 0x6232_0401L),
                Arguments.of("ic iallu / TPU", Words.sys(0, 7, 5, 0, 31), Pe.HCR_TPU, 0x6210_1FEAL),
                Arguments.of("dc civac, x1 / TPCP", Words.sys(3, 7, 14, 1, 1), Pe.HCR_TPCP, 0x6212_DC3CL),
                Arguments.of("wfi / TWI", Words.WFI, Pe.HCR_TWI, 0x07E0_0000L),
                Arguments.of("smc #3 / TSC", Words.smc(3), Pe.HCR_TSC, 0x5E00_0003L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("trappedInstructions")
    void trappedInstruction_withEl2Attached_stopsBeforeExecutingWithSyndrome(String name, int word, long hcrBit, long esr) {
        TestGuest g = el1(word);
        g.pe.setX(0, 0x1234_5000L | Pe.SCTLR_M);
        g.pe.setX(1, 0x2000);
        g.pe.attachEl2(true);
        g.pe.setHcrEl2(hcrBit);
        long sctlrBefore = g.pe.readSysReg(SysRegs.SCTLR_EL1);
        assertThat(g.pe.run(10)).isEqualTo(RunStatus.TRAP_EL2);
        assertThat(g.pe.el2Syndrome()).as("ESR_EL2 for %s", name).isEqualTo(esr);
        assertThat(g.pe.pc()).isEqualTo(0x1000L);
        assertThat(g.pe.instructionCount()).isZero();
        assertThat(g.pe.readSysReg(SysRegs.SCTLR_EL1)).isEqualTo(sctlrBefore);
        assertThat(g.pe.currentEl()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("trappedInstructions")
    void trappedInstruction_withoutEl2_behavesAsArchitectureWithoutEl2(String name, int word, long hcrBit, long esr) {
        TestGuest g = el1(word, Words.NOP);
        g.pe.setX(1, 0x2000);
        g.pe.setHcrEl2(hcrBit); // ignored: no hypervisor attached
        RunStatus s = g.pe.step();
        if (word == Words.WFI) {
            assertThat(s).isEqualTo(RunStatus.WFI);
            assertThat(g.pe.pc()).isEqualTo(0x1004L);
        } else if (word == Words.smc(3)) {
            // EL3 not implemented: SMC is UNDEFINED
            assertThat(g.pe.readSysReg(SysRegs.ESR_EL1)).isEqualTo(0x0200_0000L);
            assertThat(g.pe.pc()).isEqualTo(VBAR + 0x200);
        } else {
            assertThat(s).isEqualTo(RunStatus.BUDGET_EXHAUSTED);
            assertThat(g.pe.pc()).isEqualTo(0x1004L);
        }
    }

    @Test
    void tvm_trapsWritesButNotReads() {
        TestGuest g = el1(Words.mrs(3, 0, 1, 0, 0, 2), Words.MSR_SCTLR_X0);
        g.pe.attachEl2(true);
        g.pe.setHcrEl2(Pe.HCR_TVM);
        assertThat(g.pe.step()).isEqualTo(RunStatus.BUDGET_EXHAUSTED);
        assertThat(g.pe.x(2)).isEqualTo(Pe.SCTLR_EL1_RESET);
        assertThat(g.pe.step()).isEqualTo(RunStatus.TRAP_EL2);
    }

    @Test
    void trappedWrite_hypervisorEmulatesAndAdvances_guestContinues() {
        TestGuest g = el1(Words.MSR_SCTLR_X0, Words.movz(5, 7));
        g.pe.setX(0, Pe.SCTLR_EL1_RESET | Pe.SCTLR_C);
        g.pe.attachEl2(true);
        g.pe.setHcrEl2(Pe.HCR_TVM);
        assertThat(g.pe.run(5)).isEqualTo(RunStatus.TRAP_EL2);
        // the hypervisor: decode Rt from the ISS, write the shadow register, step over the instruction
        int rt = (int) (g.pe.el2Syndrome() >>> 5) & 31;
        g.pe.writeSysReg(SysRegs.SCTLR_EL1, g.pe.x(rt));
        g.pe.advancePc();
        g.pe.setHcrEl2(0);
        g.pe.step();
        assertThat(g.pe.x(5)).isEqualTo(7L);
        assertThat(g.pe.readSysReg(SysRegs.SCTLR_EL1) & Pe.SCTLR_C).isNotZero();
    }

    @Test
    void hvc_withEl2_stopsWithImmediateAndReturnAddressAfterIt() {
        TestGuest g = el1(Words.hvc(7));
        g.pe.attachEl2(true);
        assertThat(g.pe.step()).isEqualTo(RunStatus.TRAP_EL2);
        assertThat(g.pe.el2Syndrome()).isEqualTo(0x5A00_0007L);
        assertThat(g.pe.pc()).isEqualTo(0x1004L);
    }

    @Test
    void hvc_withoutEl2_isUndefined() {
        TestGuest g = el1(Words.hvc(7));
        g.pe.step();
        assertThat(g.pe.readSysReg(SysRegs.ESR_EL1)).isEqualTo(0x0200_0000L);
        assertThat(g.pe.readSysReg(SysRegs.ELR_EL1)).isEqualTo(0x1000L);
    }

    @Test
    void hvc_atEl0_isUndefinedEvenWithEl2() {
        TestGuest g = el1(Words.hvc(7));
        g.pe.attachEl2(true);
        g.pe.setPstate(0);
        g.pe.step();
        assertThat(g.pe.readSysReg(SysRegs.ESR_EL1)).isEqualTo(0x0200_0000L);
        assertThat(g.pe.pc()).isEqualTo(VBAR + 0x400);
    }

    @Test
    void wfiAtEl0_withSctlrNTwiClear_trapsToEl1WithWfxSyndrome() {
        TestGuest g = el1(Words.WFI);
        g.pe.writeSysReg(SysRegs.SCTLR_EL1, Pe.SCTLR_EL1_RESET & ~Pe.SCTLR_nTWI);
        g.pe.setPstate(0);
        g.pe.step();
        assertThat(g.pe.readSysReg(SysRegs.ESR_EL1)).isEqualTo(0x07E0_0000L);
        assertThat(g.pe.pc()).isEqualTo(VBAR + 0x400);
    }

    @Test
    void mrsSctlrAtEl0_isUndefined() {
        TestGuest g = el1(Words.mrs(3, 0, 1, 0, 0, 0));
        g.pe.setPstate(0);
        g.pe.step();
        assertThat(g.pe.readSysReg(SysRegs.ESR_EL1)).isEqualTo(0x0200_0000L);
    }

    @Test
    void mrsCtrAtEl0_withoutUct_trapsToEl1() {
        TestGuest g = el1(Words.mrs(3, 3, 0, 0, 1, 0));
        g.pe.writeSysReg(SysRegs.SCTLR_EL1, Pe.SCTLR_EL1_RESET & ~Pe.SCTLR_UCT);
        g.pe.setPstate(0);
        g.pe.step();
        assertThat(g.pe.readSysReg(SysRegs.ESR_EL1)).isEqualTo(0x6232_C001L);
    }

    @Test
    void physicalIrq_withImo_goesToHypervisorWhateverDaif() {
        TestGuest g = el1(Words.NOP);
        g.pe.attachEl2(true);
        g.pe.setHcrEl2(Pe.HCR_IMO);
        g.pe.setIrqLine(true);
        assertThat(g.pe.step()).isEqualTo(RunStatus.INTERRUPT_TO_EL2);
        assertThat(g.pe.pc()).isEqualTo(0x1000L);
    }

    @Test
    void virtualIrq_withImoAndVi_isTakenAtEl1WhenUnmasked() {
        TestGuest g = el1(Words.msrDaifClr(2), Words.NOP);
        g.pe.attachEl2(true);
        g.pe.setHcrEl2(Pe.HCR_IMO | Pe.HCR_VI);
        g.pe.step();
        g.pe.step();
        assertThat(g.pe.pc()).isEqualTo(VBAR + 0x280);
    }
}
