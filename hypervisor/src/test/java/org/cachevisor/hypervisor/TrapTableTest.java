package org.cachevisor.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.cachevisor.hypervisor.api.MemorySlot;
import org.cachevisor.hypervisor.api.VcpuInit;
import org.cachevisor.isa.Esr;
import org.cachevisor.machine.SysRegs;
import org.junit.jupiter.api.Test;

class TrapTableTest {
    final List<String> calls = new ArrayList<>();
    final TestMachine m = new TestMachine(TestMachine.recording(calls));
    final KvmVm vm = m.hyp.createVm("guest");
    final KvmVcpu vcpu = (KvmVcpu) vm.createVcpu(0);

    TrapTableTest() {
        vm.setUserMemoryRegion(new MemorySlot(0, 0x4000_0000L, 1L << 20, false));
        vcpu.init(VcpuInit.at(0x4010_0000L, 0));
        calls.clear();
    }

    /** ESR_EL2 of a trapped MSR (read = false) or MRS with the encoding written out by hand. */
    static long sysTrap(int op0, int op1, int crn, int crm, int op2, int rt, boolean read) {
        long iss = ((long) op0 << 20) | ((long) op2 << 17) | ((long) op1 << 14) | ((long) crn << 10) | ((long) rt << 5)
                | ((long) crm << 1) | (read ? 1 : 0);
        return (0x18L << 26) | (1L << 25) | iss;
    }

    @Test
    void standard_rows_areTheExpectedEncodingsInAscendingOrder() {
        // op0:op1:CRn:CRm:op2 from the Arm ARM register descriptions, packed op0<<14|op1<<11|CRn<<7|CRm<<3|op2.
        int[][] enc = {{1, 0, 7, 6, 2}, {1, 0, 7, 10, 2}, {1, 0, 7, 14, 2}, {3, 0, 1, 0, 0}, {3, 0, 1, 0, 1},
            {3, 0, 2, 0, 0}, {3, 0, 2, 0, 1}, {3, 0, 2, 0, 2}, {3, 0, 5, 1, 0}, {3, 0, 5, 1, 1}, {3, 0, 5, 2, 0},
            {3, 0, 6, 0, 0}, {3, 0, 10, 2, 0}, {3, 0, 10, 3, 0}, {3, 0, 13, 0, 1}};
        String[] names = {"DC ISW", "DC CSW", "DC CISW", "SCTLR_EL1", "ACTLR_EL1", "TTBR0_EL1", "TTBR1_EL1", "TCR_EL1",
            "AFSR0_EL1", "AFSR1_EL1", "ESR_EL1", "FAR_EL1", "MAIR_EL1", "AMAIR_EL1", "CONTEXTIDR_EL1"};
        List<TrapTable.Row> rows = TrapTable.standard().rows();
        assertThat(rows).hasSize(enc.length);
        for (int i = 0; i < enc.length; i++) {
            int[] e = enc[i];
            assertThat(rows.get(i).name()).isEqualTo(names[i]);
            assertThat(rows.get(i).key()).isEqualTo((e[0] << 14) | (e[1] << 11) | (e[2] << 7) | (e[3] << 3) | e[4]);
        }
        for (int i = 1; i < rows.size(); i++) assertThat(rows.get(i).key()).isGreaterThan(rows.get(i - 1).key());
    }

    @Test
    void build_unsortedRows_isRejectedNamingBoth() {
        TrapTable.Handler h = (v, r, read, rt) -> {};
        List<TrapTable.Row> rows = List.of(new TrapTable.Row(SysRegs.key(3, 0, 2, 0, 0), "TTBR0_EL1", -1, Costs.Trap.VM_REGISTER, h),
                new TrapTable.Row(SysRegs.key(3, 0, 1, 0, 0), "SCTLR_EL1", -1, Costs.Trap.VM_REGISTER, h));
        assertThatThrownBy(() -> new TrapTable(rows)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not sorted").hasMessageContaining("TTBR0_EL1").hasMessageContaining("SCTLR_EL1");
    }

    @Test
    void build_duplicateEncoding_isRejected() {
        TrapTable.Handler h = (v, r, read, rt) -> {};
        List<TrapTable.Row> rows = List.of(new TrapTable.Row(SysRegs.key(3, 0, 1, 0, 0), "A", -1, Costs.Trap.VM_REGISTER, h),
                new TrapTable.Row(SysRegs.key(3, 0, 1, 0, 0), "B", -1, Costs.Trap.VM_REGISTER, h));
        assertThatThrownBy(() -> new TrapTable(rows)).hasMessageContaining("duplicate encoding");
    }

    @Test
    void trappedWrite_ofEachVmRegister_goesToTheShadowThenThePolicy() {
        int[][] enc = {{1, 0, 0}, {2, 0, 0}, {2, 0, 1}, {2, 0, 2}, {5, 1, 0}, {5, 1, 1}, {5, 2, 0}, {6, 0, 0}, {10, 2, 0},
            {10, 3, 0}, {13, 0, 1}};
        int[] ids = {SysRegs.SCTLR_EL1, SysRegs.TTBR0_EL1, SysRegs.TTBR1_EL1, SysRegs.TCR_EL1, SysRegs.AFSR0_EL1,
            SysRegs.AFSR1_EL1, SysRegs.ESR_EL1, SysRegs.FAR_EL1, SysRegs.MAIR_EL1, SysRegs.AMAIR_EL1, SysRegs.CONTEXTIDR_EL1};
        for (int i = 0; i < ids.length; i++) {
            long pc = vcpu.pc();
            long old = vcpu.sysRegById(ids[i]);
            long value = 0x1000L * (i + 1) + 5;
            vcpu.setX(9, value);
            assertThat(vcpu.handleTrap(null, sysTrap(3, 0, enc[i][0], enc[i][1], enc[i][2], 9, false))).isNull();
            assertThat(vcpu.sysRegById(ids[i])).as(SysRegs.byId(ids[i]).name()).isEqualTo(value);
            assertThat(vcpu.pc()).isEqualTo(pc + 4);
            assertThat(calls).last().isEqualTo(String.format("vmreg:%s:0x%x->0x%x", SysRegs.byId(ids[i]).name(), old, value));
        }
        assertThat(m.hyp.costs().traps(Costs.Trap.VM_REGISTER)).isEqualTo(11);
    }

    @Test
    void trappedRead_ofAVmRegister_returnsTheShadowValue() {
        vcpu.writeSysRegById(SysRegs.MAIR_EL1, 0xFF44_0400L);
        vcpu.handleTrap(null, sysTrap(3, 0, 10, 2, 0, 4, true));
        assertThat(vcpu.x(4)).isEqualTo(0xFF44_0400L);
        assertThat(calls).isEmpty();
    }

    @Test
    void trappedSetWayOp_reachesThePolicyWithOpAndOperand() {
        vcpu.setX(1, 0x8000_0042L);
        vcpu.handleTrap(null, sysTrap(1, 0, 7, 6, 2, 1, false));
        vcpu.handleTrap(null, sysTrap(1, 0, 7, 10, 2, 1, false));
        vcpu.handleTrap(null, sysTrap(1, 0, 7, 14, 2, 1, false));
        assertThat(calls).containsExactly("setway:DC ISW:0x80000042", "setway:DC CSW:0x80000042", "setway:DC CISW:0x80000042");
        assertThat(m.hyp.costs().traps(Costs.Trap.SET_WAY)).isEqualTo(3);
    }

    @Test
    void noneSetWay_marksEveryOtherPeForAFlushAtNextLoad() {
        TestMachine n = new TestMachine(Policies.NONE);
        KvmVm v = n.hyp.createVm("g");
        KvmVcpu c = (KvmVcpu) v.createVcpu(0);
        c.init(VcpuInit.at(0x4010_0000L, 0));
        c.setX(1, 0); // set 0, way 0, level 1
        c.handleTrap(null, sysTrap(1, 0, 7, 6, 2, 1, false));
        assertThat(c.requireFlush().get(0)).isFalse();
        assertThat(c.requireFlush().get(1)).isTrue();
        assertThat(n.hyp.costs().cmoLines(Costs.Cmo.DC_SET_WAY)).isEqualTo(1);
    }

    @Test
    void trappedActlr_readsAsZeroAndIgnoresWrites() {
        vcpu.setX(3, 0x1234);
        vcpu.handleTrap(null, sysTrap(3, 0, 1, 0, 1, 3, true));
        assertThat(vcpu.x(3)).isZero();
        vcpu.setX(3, 0x77);
        vcpu.handleTrap(null, sysTrap(3, 0, 1, 0, 1, 3, false));
        assertThat(vcpu.sysRegById(SysRegs.ACTLR_EL1)).isZero();
        assertThat(m.hyp.costs().traps(Costs.Trap.OTHER_SYSREG)).isEqualTo(2);
    }

    @Test
    void trappedUnknownEncoding_injectsAnUndefinedInstruction() {
        vcpu.writeSysRegById(SysRegs.VBAR_EL1, 0x4008_0000L);
        long pc = vcpu.pc();
        vcpu.handleTrap(null, sysTrap(3, 0, 15, 2, 0, 0, true)); // IMPLEMENTATION DEFINED space (TIDCP)
        assertThat(vcpu.pc()).isEqualTo(0x4008_0200L);
        assertThat(vcpu.sysRegById(SysRegs.ESR_EL1)).isEqualTo(1L << 25); // EC 0, IL 1
        assertThat(vcpu.sysRegById(SysRegs.ELR_EL1)).isEqualTo(pc);
    }

    @Test
    void keyOfIss_decodesTheEsrFieldOrder() {
        long esr = sysTrap(3, 5, 13, 9, 6, 17, true);
        assertThat(TrapTable.keyOfIss(Esr.iss(esr))).isEqualTo((3 << 14) | (5 << 11) | (13 << 7) | (9 << 3) | 6);
    }
}
