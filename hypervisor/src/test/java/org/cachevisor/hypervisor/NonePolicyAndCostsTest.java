package org.cachevisor.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import org.cachevisor.hypervisor.api.MemorySlot;
import org.cachevisor.hypervisor.api.VcpuInit;
import org.cachevisor.memsys.AccessKind;
import org.cachevisor.memsys.Attrs;
import org.cachevisor.memsys.LineState;
import org.cachevisor.memsys.MemorySystem;
import org.junit.jupiter.api.Test;

class NonePolicyAndCostsTest {
    @Test
    void cycles_followTheDocumentedModel() {
        Costs c = new Costs();
        c.trap(Costs.Trap.HVC);
        c.trap(Costs.Trap.DATA_ABORT);
        c.trap(Costs.Trap.SET_WAY);
        c.stage2Fault();
        c.cmo(Costs.Cmo.DC_CIVAC, 64);
        c.pageZeroed(64);
        c.atWalk();
        c.tlbi();
        // 3 traps x 1000 + 1 fault x 2000 + 64 CMO lines x 20 + 64 lines written x 4 + 1 AT x 50 + 1 TLBI x 200
        assertThat(c.cycles()).isEqualTo(3000 + 2000 + 1280 + 256 + 50 + 200);
        assertThat(c.trapsTotal()).isEqualTo(3);
        assertThat(c.cmoLines(Costs.Cmo.DC_CIVAC)).isEqualTo(64);
    }

    @Test
    void vmid_andStage2Registers_haveTheArchitecturalLayout() {
        TestMachine m = new TestMachine(Policies.NONE);
        KvmVm a = m.hyp.createVm("a"), b = m.hyp.createVm("b");
        assertThat(a.stage2().vmid()).isEqualTo(1);
        assertThat(b.stage2().vmid()).isEqualTo(2);
        // VTTBR_EL2: VMID[55:48], BADDR: b's root is the pool's second page.
        assertThat(b.stage2().vttbrEl2()).isEqualTo((2L << 48) | (TestMachine.HOST_PA + 0x1000));
        // VTCR_EL2 for 40-bit PA: RES1[31] | PS=010 | SH0=11 | ORGN0=01 | IRGN0=01 | SL0=01 | T0SZ=25.
        assertThat(Stage2Tables.vtcrEl2(40)).isEqualTo(0x8002_3559L);
    }

    @Test
    void noneFault_cleansThePageToPouAndInvalidatesItsIcacheLinesBeforeMapping() {
        TestMachine m = new TestMachine(Policies.NONE);
        KvmVm vm = m.hyp.createVm("g");
        vm.setUserMemoryRegion(new MemorySlot(0, 0x4000_0000L, 1L << 20, false));
        KvmVcpu v = (KvmVcpu) vm.createVcpu(1); // scheduled on PE1
        v.init(VcpuInit.at(0x4000_0000L, 0));
        long pa = TestMachine.HOST_PA + 0x1000; // the page the fault will get
        // A stale instruction line of that page sits in PE0's I-cache (from its previous life).
        m.mem.fetch32(0, 0, pa + 0x40, Attrs.HOST_WB);
        assertThat(m.mem.lineState(MemorySystem.l1iId(0), pa + 0x40)).isNotEqualTo(LineState.INVALID);

        vm.handleGuestAbort(v, Stage2FaultTest.dabt(true, 2, false, 0, false, false, 7), 0x4000_0040L, Stage2FaultTest.hpfar(0x4000_0000L));

        assertThat(m.mem.lineState(MemorySystem.l1iId(0), pa + 0x40)).isEqualTo(LineState.INVALID);
        // Zeroed on the vCPU's PE (PE1) and cleaned to the PoU: clean in PE1's L1D, dirty in the L2, not in RAM.
        assertThat(m.mem.lineState(MemorySystem.l1dId(1), pa)).isEqualTo(LineState.CLEAN);
        assertThat(m.mem.lineState(MemorySystem.L2_ID, pa)).isEqualTo(LineState.DIRTY);
        Costs c = m.hyp.costs();
        assertThat(c.cmoLines(Costs.Cmo.DC_CVAU)).isEqualTo(64);
        assertThat(c.cmoLines(Costs.Cmo.IC_IVAU)).isEqualTo(64);
        assertThat(c.cmoLines(Costs.Cmo.DC_CIVAC)).isZero(); // none: no D-cache maintenance to the PoC
        assertThat(v.hcr() & org.cachevisor.machine.Pe.HCR_TVM).isZero();
        assertThat(m.mem.read(1, 0, AccessKind.LOAD, pa, 8, Attrs.HOST_WB)).isZero();
    }
}
