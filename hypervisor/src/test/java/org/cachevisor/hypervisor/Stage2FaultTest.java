package org.cachevisor.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.cachevisor.hypervisor.api.MemorySlot;
import org.cachevisor.hypervisor.api.VcpuExit;
import org.cachevisor.hypervisor.api.VcpuInit;
import org.cachevisor.isa.Esr;
import org.cachevisor.machine.SysRegs;
import org.cachevisor.machine.mmu.FaultRecord;
import org.cachevisor.machine.mmu.Mmu;
import org.cachevisor.machine.mmu.Tlb;
import org.cachevisor.memsys.AccessKind;
import org.cachevisor.memsys.Attrs;
import org.cachevisor.memsys.LineState;
import org.cachevisor.memsys.MemorySystem;
import org.junit.jupiter.api.Test;

/**
 * The stage-2 fault path, fed with the syndromes the hardware would give (ESR_EL2, FAR_EL2,
 * HPFAR_EL2), checked by walking the resulting tables with the machine's own stage-2 walker.
 */
class Stage2FaultTest {
    static final long RAM_IPA = 0x4000_0000L;
    static final int DFSC_TRANSLATION_L3 = 0x07, DFSC_TRANSLATION_L1 = 0x05, FSC_PERMISSION_L3 = 0x0F;

    static long dabt(boolean isv, int sizeLog2, boolean sse, int srt, boolean sf, boolean write, int dfsc) {
        return Esr.esr(Esr.EC_DABT_LOWER, true, Esr.dataAbortIss(isv, sizeLog2, sse, srt, sf, false, false, false, write, dfsc));
    }

    static long hpfar(long ipa) { return (ipa >>> 12) << 4; }

    final List<String> calls = new ArrayList<>();
    final TestMachine m = new TestMachine(TestMachine.recording(calls));
    final KvmVm vm = m.hyp.createVm("guest");
    final KvmVcpu vcpu = (KvmVcpu) vm.createVcpu(0);

    Stage2FaultTest() {
        vm.setUserMemoryRegion(new MemorySlot(0, RAM_IPA, 4L << 20, false));
        vcpu.init(VcpuInit.at(0x4010_0000L, 0));
    }

    @Test
    void dataAbort_inRamSlot_allocatesZeroesAndMapsThePage() {
        long backingPa = TestMachine.HOST_PA + 0x1000; // the root table took the pool's first page
        for (int i = 0; i < 4096; i += 8) m.mem.ramPoke(backingPa + i, 8, 0xAAAA_AAAA_AAAA_AAAAL);

        VcpuExit exit = vm.handleGuestAbort(vcpu, dabt(true, 3, false, 1, true, false, DFSC_TRANSLATION_L3),
                RAM_IPA + 0x1234, hpfar(RAM_IPA + 0x1000));

        assertThat(exit).isNull();
        Mmu walker = m.stage2Walker(vm, 0);
        assertThat(walker.translate(RAM_IPA + 0x1234, Mmu.LOAD, 1)).isEqualTo(backingPa + 0x234);
        // Stage 1 off: data is Device-nGnRnE, which beats stage 2's Normal Write-Back.
        assertThat(Attrs.type(walker.attrs())).isEqualTo(Attrs.DEVICE);
        // The zeroes went through the host's cacheable mapping; the I-cache baseline (DC CVAU) cleaned
        // them from PE0's L1D to the PoU (the L2), where they are dirty: RAM still holds the old bytes.
        assertThat(m.mem.lineState(MemorySystem.l1dId(0), backingPa)).isEqualTo(LineState.CLEAN);
        assertThat(m.mem.lineState(MemorySystem.L2_ID, backingPa)).isEqualTo(LineState.DIRTY);
        assertThat(m.mem.ramPeek(backingPa, 8)).isEqualTo(0xAAAA_AAAA_AAAA_AAAAL);
        assertThat(m.mem.read(0, 0, AccessKind.LOAD, backingPa + 0x234, 8, Attrs.HOST_WB)).isZero();
        // The neighbouring page is not mapped.
        assertThat(m.stage2Walker(vm, 0).translate(RAM_IPA + 0x2000, Mmu.LOAD, 1)).isEqualTo(Mmu.FAULT);
        assertThat(calls).containsExactly("init:0:false", "map:0x40001000:0x1000");
        assertThat(m.hyp.costs().stage2Faults()).isEqualTo(1);
    }

    @Test
    void leafDescriptor_ofAFaultedPage_hasTheStage2FormatBits() {
        vm.handleGuestAbort(vcpu, dabt(true, 3, false, 1, true, true, DFSC_TRANSLATION_L3), RAM_IPA, hpfar(RAM_IPA));
        long descPa = vm.stage2().leafDescriptorPa(0, RAM_IPA);
        long desc = m.mem.read(0, 0, AccessKind.LOAD, descPa, 8, Attrs.HOST_WB);
        // page 0x4800_1000 | XN (recording policy: data faults map non-executable) | AF | SH=11 | S2AP=11 | MemAttr=1111 | 0b11
        assertThat(desc).isEqualTo(0x4800_1000L | (1L << 54) | 0x400 | 0x300 | 0xC0 | 0x3C | 0x3);
    }

    @Test
    void instructionAbort_onNonExecutablePage_callsExecHookAndRemapsExecutable() {
        vm.handleGuestAbort(vcpu, dabt(true, 2, false, 0, false, false, DFSC_TRANSLATION_L3), RAM_IPA + 8, hpfar(RAM_IPA));
        assertThat(m.stage2Walker(vm, 0).translate(RAM_IPA, Mmu.FETCH, 1)).isEqualTo(Mmu.FAULT);

        long iabt = Esr.esr(Esr.EC_IABT_LOWER, true, Esr.instructionAbortIss(false, FSC_PERMISSION_L3));
        assertThat(vm.handleGuestAbort(vcpu, iabt, RAM_IPA + 8, hpfar(RAM_IPA))).isNull();

        Mmu walker = m.stage2Walker(vm, 0);
        assertThat(walker.translate(RAM_IPA + 8, Mmu.FETCH, 1)).isEqualTo(TestMachine.HOST_PA + 0x1008);
        assertThat(calls).containsExactly("init:0:false", "map:0x40000000:0x1000", "exec:0x40000000", "map:0x40000000:0x1000");
        assertThat(vm.backedPages()).isEqualTo(1);
    }

    @Test
    void dataAbort_outsideSlotsWithIsv_isAnMmioWriteExitWithTheDecodedAccess() {
        vcpu.setX(3, 0x1_0000_0041L);
        VcpuExit exit = vm.handleGuestAbort(vcpu, dabt(true, 2, false, 3, false, true, DFSC_TRANSLATION_L1),
                0x0900_0000L, hpfar(0x0900_0000L));
        assertThat(exit).isEqualTo(new VcpuExit.Mmio(0x0900_0000L, 4, true, 0x41, 3, false, false));
        assertThat(m.hyp.costs().mmioExits()).isEqualTo(1);
    }

    @Test
    void mmioRead_completedWithAByte_isSignExtendedIntoTheRegisterAndPcAdvances() {
        long pc = vcpu.pc();
        VcpuExit exit = vm.handleGuestAbort(vcpu, dabt(true, 0, true, 5, true, false, DFSC_TRANSLATION_L1),
                0x0900_0018L, hpfar(0x0900_0000L));
        assertThat(exit).isEqualTo(new VcpuExit.Mmio(0x0900_0018L, 1, false, 0, 5, true, true));

        vcpu.completeMmioRead(0x1_80);
        // The next run completes the load, then its budget of one goes to the stage-2 fault of the fetch
        // of the following instruction (a fresh page).
        VcpuExit next = vcpu.run(1);

        assertThat(vcpu.x(5)).isEqualTo(0xFFFF_FFFF_FFFF_FF80L);
        assertThat(vcpu.pc()).isEqualTo(pc + 4);
        assertThat(next).isEqualTo(new VcpuExit.Interrupted(VcpuExit.Interrupted.Reason.QUANTUM_EXPIRED));
        assertThat(m.hyp.costs().traps(Costs.Trap.INSTRUCTION_ABORT)).isEqualTo(1);
    }

    @Test
    void mmioRead_intoAWRegister_zeroExtendsTheSignExtendedHalfword() {
        vm.handleGuestAbort(vcpu, dabt(true, 1, true, 7, false, false, DFSC_TRANSLATION_L1), 0x0900_0000L, hpfar(0x0900_0000L));
        vcpu.completeMmioRead(0x8001);
        vcpu.run(1);
        assertThat(vcpu.x(7)).isEqualTo(0xFFFF_8001L);
    }

    @Test
    void run_withMmioReadNotCompleted_isRefused() {
        vm.handleGuestAbort(vcpu, dabt(true, 2, false, 1, false, false, DFSC_TRANSLATION_L1), 0x0900_0000L, hpfar(0x0900_0000L));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> vcpu.run(1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("completeMmioRead");
    }

    @Test
    void readOnlySlot_readMapsReadOnlyAndWriteIsAnMmioExit() {
        vm.setUserMemoryRegion(new MemorySlot(1, 0, 1L << 20, true));
        assertThat(vm.handleGuestAbort(vcpu, dabt(true, 2, false, 0, false, false, DFSC_TRANSLATION_L3), 0x1004, hpfar(0x1000))).isNull();
        Mmu walker = m.stage2Walker(vm, 0);
        assertThat(walker.translate(0x1004, Mmu.LOAD, 1)).isNotEqualTo(Mmu.FAULT);
        assertThat(walker.translate(0x1004, Mmu.STORE, 1)).isEqualTo(Mmu.FAULT);
        assertThat(walker.fault().type).isEqualTo(FaultRecord.PERMISSION);
        assertThat(walker.fault().stage2).isTrue();

        vcpu.setX(2, 0x98);
        VcpuExit exit = vm.handleGuestAbort(vcpu, dabt(true, 1, false, 2, false, true, FSC_PERMISSION_L3), 0x1000, hpfar(0x1000));
        assertThat(exit).isEqualTo(new VcpuExit.Mmio(0x1000, 2, true, 0x98, 2, false, false));
    }

    @Test
    void dataAbort_outsideSlotsWithoutIsv_injectsAnExternalAbortIntoTheGuest() {
        vcpu.writeSysRegById(SysRegs.VBAR_EL1, 0x4008_0000L);
        long pc = vcpu.pc();
        VcpuExit exit = vm.handleGuestAbort(vcpu, dabt(false, 0, false, 0, false, false, DFSC_TRANSLATION_L1),
                0x0A00_0010L, hpfar(0x0A00_0000L));
        assertThat(exit).isNull();
        // Taken from EL1h: current EL with SP_ELx, offset 0x200; EC 0x25, IL, DFSC 0x10.
        assertThat(vcpu.pc()).isEqualTo(0x4008_0200L);
        assertThat(vcpu.sysRegById(SysRegs.ESR_EL1)).isEqualTo(0x9600_0010L);
        assertThat(vcpu.sysRegById(SysRegs.FAR_EL1)).isEqualTo(0x0A00_0010L);
        assertThat(vcpu.sysRegById(SysRegs.ELR_EL1)).isEqualTo(pc);
        assertThat(vcpu.sysRegById(SysRegs.SPSR_EL1)).isEqualTo(0x3C5L);
    }

    @Test
    void blockMappings_wholeAlignedUnbackedRange_mapsA2MiBBlock() {
        m.hyp.setBlockMappings(true);
        vm.handleGuestAbort(vcpu, dabt(true, 3, false, 0, true, false, 0x06), RAM_IPA + 0x20_3456, hpfar(RAM_IPA + 0x20_3000));
        // The pool's first 2 MiB holds the root table: the first free aligned run is the second.
        long blockPa = TestMachine.HOST_PA + (2L << 20);
        Mmu walker = m.stage2Walker(vm, 0);
        assertThat(walker.translate(RAM_IPA + 0x20_3456, Mmu.LOAD, 1)).isEqualTo(blockPa + 0x3456);
        assertThat(walker.translate(RAM_IPA + 0x3F_FFF8, Mmu.LOAD, 1)).isEqualTo(blockPa + 0x1F_FFF8);
        assertThat(vm.mappingOf(RAM_IPA + 0x21_0000)).containsExactly(RAM_IPA + 0x20_0000, blockPa, 2L << 20);
        assertThat(calls).contains("map:0x40200000:0x200000");
    }

    @Test
    void unmapRange_removesTheMappingFromTablesAndTlbs() {
        vm.handleGuestAbort(vcpu, dabt(true, 3, false, 0, true, false, DFSC_TRANSLATION_L3), RAM_IPA, hpfar(RAM_IPA));
        Tlb tlb = new Tlb();
        m.tlbs.add(tlb);
        Mmu hw = new Mmu(m.mem, 1, tlb, m.tlbs);
        hw.setContext(m.stage2Walker(vm, 1).context());
        assertThat(hw.translate(RAM_IPA, Mmu.LOAD, 1)).isEqualTo(TestMachine.HOST_PA + 0x1000);
        assertThat(tlb.validEntries()).isEqualTo(1);

        vm.unmapRange(1, RAM_IPA, 0x1000);

        assertThat(tlb.validEntries()).isZero();
        assertThat(hw.translate(RAM_IPA, Mmu.LOAD, 1)).isEqualTo(Mmu.FAULT);
        assertThat(hw.fault().type).isEqualTo(FaultRecord.TRANSLATION);
        assertThat(calls).endsWith("unmap:0x40000000:0x1000");
        assertThat(vm.backingPa(RAM_IPA)).isEqualTo(TestMachine.HOST_PA + 0x1000); // backing stays
    }
}
