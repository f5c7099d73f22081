package org.cachevisor.machine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Exception entry and return (AArch64.TakeException, AArch64.ExceptionReturn). Expected ESR values
 * are composed by hand from the Arm ARM's field layout: EC[31:26], IL[25], ISS[24:0].
 */
class PeExceptionTest {
    private static final long VBAR = 0x8000;

    private static TestGuest at(long pc, int... words) {
        TestGuest g = new TestGuest().code(pc, words);
        g.pe.reset(pc);
        g.pe.writeSysReg(SysRegs.VBAR_EL1, VBAR);
        return g;
    }

    @Test
    void svc_fromEl0_entersEl1AtLowerElVectorWithSyndrome() {
        TestGuest g = at(0x1000, Words.svc(0x42));
        g.pe.setPstate(0xA000_0000L); // EL0t, N and C set, DAIF clear
        g.pe.setSp(0x5000);
        assertThat(g.pe.step()).isEqualTo(RunStatus.BUDGET_EXHAUSTED);
        assertThat(g.pe.readSysReg(SysRegs.ESR_EL1)).isEqualTo(0x5600_0042L);
        assertThat(g.pe.readSysReg(SysRegs.ELR_EL1)).isEqualTo(0x1004L);
        assertThat(g.pe.readSysReg(SysRegs.SPSR_EL1)).isEqualTo(0xA000_0000L);
        assertThat(g.pe.pc()).isEqualTo(VBAR + 0x400);
        assertThat(g.pe.currentEl()).isEqualTo(1);
        assertThat(g.pe.spSel()).isEqualTo(1);
        assertThat(g.pe.daif()).isEqualTo(0xF);
        assertThat(g.pe.spEl0()).isEqualTo(0x5000L);
    }

    @Test
    void undefinedWord_atEl1h_entersCurrentElSpxVector() {
        TestGuest g = at(0x1000, 0x0000_0000);
        g.pe.step();
        assertThat(g.pe.readSysReg(SysRegs.ESR_EL1)).isEqualTo(0x0200_0000L);
        assertThat(g.pe.readSysReg(SysRegs.ELR_EL1)).isEqualTo(0x1000L);
        assertThat(g.pe.readSysReg(SysRegs.SPSR_EL1)).isEqualTo(0x3C5L); // DAIF masked, EL1h
        assertThat(g.pe.pc()).isEqualTo(VBAR + 0x200);
    }

    @Test
    void undefinedWord_atEl1t_entersCurrentElSp0Vector() {
        TestGuest g = at(0x1000, 0x0000_0000);
        g.pe.setPstate(0x3C4); // EL1t
        g.pe.step();
        assertThat(g.pe.pc()).isEqualTo(VBAR);
        assertThat(g.pe.readSysReg(SysRegs.SPSR_EL1)).isEqualTo(0x3C4L);
    }

    @Test
    void unalignedLoad_mmuOffDevice_takesAlignmentFaultWithFar() {
        TestGuest g = at(0x1000, Words.ldrX(0, 1, 0));
        g.pe.setX(1, 0x2001);
        g.pe.step();
        assertThat(g.pe.readSysReg(SysRegs.ESR_EL1)).isEqualTo(0x9600_0021L); // EC 0x25, DFSC alignment
        assertThat(g.pe.readSysReg(SysRegs.FAR_EL1)).isEqualTo(0x2001L);
        assertThat(g.pe.readSysReg(SysRegs.ELR_EL1)).isEqualTo(0x1000L);
        assertThat(g.pe.pc()).isEqualTo(VBAR + 0x200);
    }

    @Test
    void unalignedStore_mmuOffDevice_setsWnR() {
        TestGuest g = at(0x1000, Words.strW(2, 3, 0));
        g.pe.setX(3, 0x2002);
        g.pe.step();
        assertThat(g.pe.readSysReg(SysRegs.ESR_EL1)).isEqualTo(0x9600_0061L);
        assertThat(g.pe.readSysReg(SysRegs.FAR_EL1)).isEqualTo(0x2002L);
    }

    @Test
    void unalignedLoad_flatWriteBack_isAllowed() {
        TestGuest g = at(0x1000, Words.ldrX(0, 1, 0));
        g.pe.setRegime(Pe.REGIME_FLAT_WB);
        g.mem.ramPoke(0x2000, 8, 0x8877_6655_4433_2211L);
        g.mem.ramPoke(0x2008, 8, 0x0000_0000_0000_0099L);
        g.pe.setX(1, 0x2001);
        g.pe.step();
        assertThat(g.pe.x(0)).isEqualTo(0x9988_7766_5544_3322L);
        assertThat(g.pe.pc()).isEqualTo(0x1004L);
    }

    @Test
    void loadOutsideMap_takesSynchronousExternalAbort() {
        TestGuest g = at(0x1000, Words.ldrX(0, 1, 0));
        g.pe.setX(1, 0x4000_0000L);
        g.pe.step();
        assertThat(g.pe.readSysReg(SysRegs.ESR_EL1)).isEqualTo(0x9600_0010L);
        assertThat(g.pe.readSysReg(SysRegs.FAR_EL1)).isEqualTo(0x4000_0000L);
    }

    @Test
    void eret_toEl0t_restoresPstateAndSelectsSpEl0() {
        TestGuest g = at(0x1000, Words.ERET);
        g.pe.writeSysReg(SysRegs.SPSR_EL1, 0x6000_0000L); // EL0t, Z and C
        g.pe.writeSysReg(SysRegs.ELR_EL1, 0x3000);
        g.pe.writeSysReg(SysRegs.SP_EL0, 0x7000);
        g.pe.setSp(0x9000); // SP_EL1
        g.pe.step();
        assertThat(g.pe.pc()).isEqualTo(0x3000L);
        assertThat(g.pe.currentEl()).isZero();
        assertThat(g.pe.sp()).isEqualTo(0x7000L);
        assertThat(g.pe.spEl1()).isEqualTo(0x9000L);
        assertThat(g.pe.nzcv()).isEqualTo(0b0110);
        assertThat(g.pe.daif()).isZero();
    }

    @Test
    void eret_atEl0_isUndefined() {
        TestGuest g = at(0x1000, Words.ERET);
        g.pe.setPstate(0);
        g.pe.step();
        assertThat(g.pe.readSysReg(SysRegs.ESR_EL1)).isEqualTo(0x0200_0000L);
        assertThat(g.pe.pc()).isEqualTo(VBAR + 0x400);
    }

    @Test
    void eret_toEl2_isIllegalReturnThenIllegalStateException() {
        TestGuest g = at(0x1000, Words.ERET);
        g.code(0x3000, Words.NOP);
        g.pe.writeSysReg(SysRegs.SPSR_EL1, 0x9); // EL2h: not reachable from EL1
        g.pe.writeSysReg(SysRegs.ELR_EL1, 0x3000);
        g.pe.step();
        assertThat(g.pe.pc()).isEqualTo(0x3000L);
        assertThat(g.pe.currentEl()).isEqualTo(1);
        assertThat(g.pe.pstate() & (1L << 20)).isNotZero();
        g.pe.step();
        assertThat(g.pe.readSysReg(SysRegs.ESR_EL1)).isEqualTo(0x3A00_0000L); // EC 0x0E
        assertThat(g.pe.readSysReg(SysRegs.ELR_EL1)).isEqualTo(0x3000L);
        assertThat(g.pe.readSysReg(SysRegs.SPSR_EL1) & (1L << 20)).isNotZero();
        assertThat(g.pe.pstate() & (1L << 20)).isZero();
    }

    @Test
    void irq_atEl0_isTakenToLowerElIrqVectorWithoutTouchingEsr() {
        TestGuest g = at(0x1000, Words.NOP, Words.NOP);
        g.pe.setPstate(0); // EL0t, DAIF clear
        g.pe.writeSysReg(SysRegs.ESR_EL1, 0x1234);
        g.pe.step();
        g.pe.setIrqLine(true);
        g.pe.step();
        assertThat(g.pe.pc()).isEqualTo(VBAR + 0x480);
        assertThat(g.pe.readSysReg(SysRegs.ELR_EL1)).isEqualTo(0x1004L);
        assertThat(g.pe.readSysReg(SysRegs.ESR_EL1)).isEqualTo(0x1234L);
        assertThat(g.pe.readSysReg(SysRegs.SPSR_EL1)).isZero();
    }

    @Test
    void irq_atEl1Masked_waitsUntilDaifClr() {
        TestGuest g = at(0x1000, Words.NOP, Words.msrDaifClr(2), Words.NOP);
        g.pe.setIrqLine(true);
        g.pe.step();
        assertThat(g.pe.pc()).isEqualTo(0x1004L);
        g.pe.step(); // msr daifclr, #2
        assertThat(g.pe.daif()).isEqualTo(0b1101);
        g.pe.step(); // the IRQ is taken before the next instruction
        assertThat(g.pe.pc()).isEqualTo(VBAR + 0x280);
        assertThat(g.pe.readSysReg(SysRegs.ELR_EL1)).isEqualTo(0x1008L);
        assertThat(g.pe.readSysReg(SysRegs.SPSR_EL1)).isEqualTo(0x345L); // D, A, F masked; EL1h
    }

    @Test
    void branchToMisalignedPc_takesPcAlignmentFault() {
        TestGuest g = at(0x1000, Words.br(3));
        g.pe.setX(3, 0x2002);
        g.pe.step();
        g.pe.step();
        assertThat(g.pe.readSysReg(SysRegs.ESR_EL1)).isEqualTo(0x8A00_0000L);
        assertThat(g.pe.readSysReg(SysRegs.FAR_EL1)).isEqualTo(0x2002L);
        assertThat(g.pe.readSysReg(SysRegs.ELR_EL1)).isEqualTo(0x2002L);
    }

    @Test
    void loadFromMisalignedSp_withSctlrSa_takesSpAlignmentFault() {
        TestGuest g = at(0x1000, Words.ldrX(0, 31, 0));
        g.pe.writeSysReg(SysRegs.SCTLR_EL1, Pe.SCTLR_EL1_RESET | Pe.SCTLR_SA);
        g.pe.setSp(0x7008);
        g.pe.step();
        assertThat(g.pe.readSysReg(SysRegs.ESR_EL1)).isEqualTo(0x9A00_0000L);
        assertThat(g.pe.readSysReg(SysRegs.ELR_EL1)).isEqualTo(0x1000L);
    }

    @Test
    void brk_takesBreakpointExceptionAtTheInstruction() {
        TestGuest g = at(0x1000, Words.brk(9));
        g.pe.step();
        assertThat(g.pe.readSysReg(SysRegs.ESR_EL1)).isEqualTo(0xF200_0009L);
        assertThat(g.pe.readSysReg(SysRegs.ELR_EL1)).isEqualTo(0x1000L);
    }

    @Test
    void exceptionEntry_clearsExclusiveMonitor() {
        // ldxr x0, [x1] (c85f7c20), then svc
        TestGuest g = at(0x1000, 0xC85F7C20, Words.svc(0));
        g.pe.setRegime(Pe.REGIME_FLAT_WB);
        g.pe.setX(1, 0x2000);
        g.pe.step();
        assertThat(g.pe.exclusiveMonitorArmed()).isTrue();
        g.pe.step();
        assertThat(g.pe.exclusiveMonitorArmed()).isFalse();
    }

    @Test
    void fiq_atEl1h_whenUnmasked_entersFiqVector() {
        TestGuest g = at(0x1000, Words.msrDaifClr(1), Words.NOP);
        g.pe.setFiqLine(true);
        g.pe.step();
        g.pe.step();
        assertThat(g.pe.pc()).isEqualTo(VBAR + 0x300);
        assertThat(g.pe.readSysReg(SysRegs.ELR_EL1)).isEqualTo(0x1004L);
        assertThat(g.pe.readSysReg(SysRegs.SPSR_EL1)).isEqualTo(0x385L); // D, A, I masked; EL1h
    }

    @Test
    void serror_fromEl0_entersSErrorVectorWithSyndrome() {
        TestGuest g = at(0x1000, Words.NOP);
        g.pe.setPstate(0);
        g.pe.raiseSError();
        g.pe.step();
        assertThat(g.pe.pc()).isEqualTo(VBAR + 0x580);
        assertThat(g.pe.readSysReg(SysRegs.ESR_EL1)).isEqualTo(0xBE00_0000L); // EC 0x2F, IL
        assertThat(g.pe.readSysReg(SysRegs.ELR_EL1)).isEqualTo(0x1000L);
    }

    @Test
    void exclusivePair_loadThenStore_isSingleCopyAtomic16Bytes() {
        // ldxp x0, x1, [x2] ; stxp w3, x4, x5, [x2] ; ldaxp w6, w7, [x2]
        TestGuest g = at(0x1000, 0xC87F0440, 0xC8231444, 0x887F9C46);
        g.pe.setRegime(Pe.REGIME_FLAT_WB);
        g.mem.ramPoke(0x2000, 8, 0x1111L);
        g.mem.ramPoke(0x2008, 8, 0x2222L);
        g.pe.setX(2, 0x2000);
        g.pe.setX(4, 0xAAAA_0000_BBBBL);
        g.pe.setX(5, 0xCCCCL);
        g.pe.setX(3, 9);
        g.pe.run(3);
        assertThat(g.pe.x(0)).isEqualTo(0x1111L);
        assertThat(g.pe.x(1)).isEqualTo(0x2222L);
        assertThat(g.pe.x(3)).as("STXP status").isZero();
        assertThat(g.pe.x(6)).isEqualTo(0x0000_BBBBL);
        assertThat(g.pe.x(7)).isEqualTo(0xAAAAL);
    }

    @Test
    void exclusiveLoad_misaligned_isAlignmentFaultEvenForNormalMemory() {
        TestGuest g = at(0x1000, 0xC87F0440); // ldxp x0, x1, [x2]
        g.pe.setRegime(Pe.REGIME_FLAT_WB);
        g.pe.setX(2, 0x2008); // 8-aligned but not 16-aligned
        g.pe.step();
        assertThat(g.pe.readSysReg(SysRegs.ESR_EL1)).isEqualTo(0x9600_0021L);
        assertThat(g.pe.readSysReg(SysRegs.FAR_EL1)).isEqualTo(0x2008L);
    }
}
