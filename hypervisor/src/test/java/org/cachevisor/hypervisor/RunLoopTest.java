package org.cachevisor.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.cachevisor.hypervisor.api.MemorySlot;
import org.cachevisor.hypervisor.api.MpState;
import org.cachevisor.hypervisor.api.VcpuExit;
import org.cachevisor.hypervisor.api.VcpuInit;
import org.cachevisor.isa.text.Assembler;
import org.cachevisor.isa.text.Program;
import org.cachevisor.machine.SysRegs;
import org.cachevisor.memsys.AccessKind;
import org.cachevisor.memsys.Attrs;
import org.cachevisor.memsys.LineState;
import org.cachevisor.memsys.MemorySystem;
import org.junit.jupiter.api.Test;

/**
 * The vCPU run loop with real guest code.
 *
 * <p>Until the MMU is wired into the PE (TODO(machine) in KvmVcpu#load), the PE does not apply stage 2:
 * guest addresses reach the memory system as PAs. These tests therefore place the guest's code at a
 * PA equal to its IPA (outside the host page pool) with {@code ramPoke}, and exercise only what needs no
 * stage-2 translation: trapped system registers, set/way, WFI, HVC/PSCI, migration.
 */
class RunLoopTest {
    static final long CODE = 0x4010_0000L;

    static void load(TestMachine m, String source) {
        Program p = Assembler.assemble(source, "guest.s", CODE);
        byte[] image = p.image();
        for (int i = 0; i < image.length; i++) m.mem.ramPoke(CODE + i, 1, image[i] & 0xFF);
    }

    @Test
    void guest_psciVersionSetWayWfiThenSystemOff_exitsAsKvmWould() {
        List<String> calls = new ArrayList<>();
        TestMachine m = new TestMachine(TestMachine.recording(calls));
        load(m, """
                ldr x0, =0x84000000
                hvc #0
                mov x19, x0
                ldr x2, =0x00C5187D
                msr sctlr_el1, x2
                mov x1, #0
                dc cisw, x1
                wfi
                ldr x0, =0x84000008
                hvc #0
                b .
                """);
        KvmVm vm = m.hyp.createVm("guest");
        vm.setUserMemoryRegion(new MemorySlot(0, 0x4000_0000L, 16L << 20, false));
        KvmVcpu vcpu = (KvmVcpu) vm.createVcpu(0);
        vcpu.init(VcpuInit.at(CODE, 0));

        VcpuExit first = vcpu.run(1000);
        assertThat(first).isEqualTo(new VcpuExit.Interrupted(VcpuExit.Interrupted.Reason.WAITING_FOR_INTERRUPT));
        assertThat(vcpu.mpState()).isEqualTo(MpState.HALTED);
        assertThat(vcpu.x(19)).isEqualTo(0x1_0000L);
        assertThat(vcpu.sysRegById(SysRegs.SCTLR_EL1)).isEqualTo(0x00C5_187DL);
        assertThat(calls).containsExactly("init:0:false", "vmreg:SCTLR_EL1:0xc50078->0xc5187d", "setway:DC CISW:0x0");

        VcpuExit second = vcpu.run(1000);
        assertThat(second).isEqualTo(new VcpuExit.SystemEvent(VcpuExit.SystemEvent.Type.SHUTDOWN));
        assertThat(vcpu.mpState()).isEqualTo(MpState.STOPPED);
        Costs c = m.hyp.costs();
        assertThat(c.traps(Costs.Trap.HVC)).isEqualTo(2);
        assertThat(c.traps(Costs.Trap.VM_REGISTER)).isEqualTo(1);
        assertThat(c.traps(Costs.Trap.SET_WAY)).isEqualTo(1);
        assertThat(c.traps(Costs.Trap.WFX)).isEqualTo(1);
        // Five traps, and the zeroing of one stage-2 root table page (4096 / 64 = 64 lines); the recording
        // policy issues no maintenance for a set/way op.
        assertThat(c.cmoLinesTotal()).isZero();
        assertThat(c.cycles()).isEqualTo(5 * Costs.TRAP_CYCLES + 64 * Costs.LINE_WRITE_CYCLES);
    }

    @Test
    void quantum_usedUp_returnsAndTheNextRunContinuesWhereItStopped() {
        TestMachine m = new TestMachine(Policies.NONE);
        load(m, """
                loop:
                add x3, x3, #1
                b loop
                """);
        KvmVm vm = m.hyp.createVm("guest");
        KvmVcpu vcpu = (KvmVcpu) vm.createVcpu(0);
        vcpu.init(VcpuInit.at(CODE, 0));
        assertThat(vcpu.run(100)).isEqualTo(new VcpuExit.Interrupted(VcpuExit.Interrupted.Reason.QUANTUM_EXPIRED));
        assertThat(vcpu.x(3)).isEqualTo(50);
        vcpu.run(100);
        assertThat(vcpu.x(3)).isEqualTo(100);
        assertThat(m.platform.pe(0).instructionCount()).isEqualTo(200);
    }

    @Test
    void migration_afterATrappedSetWayOp_runsOnTheNewPeAndFlushesItsCachesFirst() {
        TestMachine m = new TestMachine(Policies.NONE);
        load(m, """
                mov x1, #0
                dc isw, x1
                wfi
                add x4, x4, #1
                wfi
                """);
        KvmVm vm = m.hyp.createVm("guest");
        KvmVcpu vcpu = (KvmVcpu) vm.createVcpu(0);
        vcpu.init(VcpuInit.at(CODE, 0));
        vcpu.run(1000); // on PE0: the set/way op runs there and marks PE1
        assertThat(vcpu.requireFlush().get(1)).isTrue();

        // Something of the host's sits dirty in PE1's L1D.
        long pa = 0x4020_0040L;
        m.mem.write(1, m.hyp.host().agent(), AccessKind.STORE, pa, 8, Attrs.HOST_WB, 0x77);
        assertThat(m.mem.lineState(MemorySystem.l1dId(1), pa)).isEqualTo(LineState.DIRTY);
        long pe0Before = m.platform.pe(0).instructionCount();

        m.hyp.migrate(vcpu, 1);
        vcpu.run(1000);

        assertThat(vcpu.pe()).isEqualTo(1);
        assertThat(vcpu.x(4)).isEqualTo(1);
        assertThat(m.platform.pe(0).instructionCount()).isEqualTo(pe0Before);
        assertThat(m.platform.pe(1).instructionCount()).isEqualTo(1); // the add; a trapped WFI is not executed
        assertThat(m.hyp.costs().loadFlushes()).isEqualTo(1);
        assertThat(m.mem.lineState(MemorySystem.l1dId(1), pa)).isEqualTo(LineState.INVALID);
        assertThat(m.mem.ramPeek(pa, 8)).isEqualTo(0x77);
        assertThat(vcpu.requireFlush().isEmpty()).isTrue();
    }

    @Test
    void secondaryVcpu_startedByCpuOn_runsFromTheEntryPoint() {
        TestMachine m = new TestMachine(Policies.NONE);
        load(m, """
                ldr x0, =0xC4000003
                mov x1, #1
                ldr x2, =secondary
                mov x3, #0x55
                hvc #0
                wfi
                secondary:
                mov x5, x0
                wfi
                """);
        KvmVm vm = m.hyp.createVm("guest");
        KvmVcpu boot = (KvmVcpu) vm.createVcpu(0);
        KvmVcpu second = (KvmVcpu) vm.createVcpu(1);
        boot.init(VcpuInit.at(CODE, 0));
        second.init(VcpuInit.poweredOff());
        assertThat(second.run(100)).isEqualTo(new VcpuExit.Interrupted(VcpuExit.Interrupted.Reason.POWERED_OFF));
        boot.run(100);
        assertThat(boot.x(0)).isZero();
        second.run(100);
        assertThat(second.x(5)).isEqualTo(0x55);
        assertThat(second.pe()).isEqualTo(1);
        assertThat(m.platform.pe(1).readSysReg(SysRegs.MPIDR_EL1)).isEqualTo(0x8000_0001L);
    }
}
