package org.cachevisor.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.cachevisor.hypervisor.api.MemorySlot;
import org.cachevisor.hypervisor.api.MpState;
import org.cachevisor.hypervisor.api.VcpuExit;
import org.cachevisor.hypervisor.api.VcpuInit;
import org.cachevisor.isa.text.Assembler;
import org.cachevisor.machine.SysRegs;
import org.cachevisor.memsys.AccessKind;
import org.cachevisor.memsys.Attrs;
import org.cachevisor.memsys.LineState;
import org.cachevisor.memsys.MemorySystem;
import org.junit.jupiter.api.Test;

/**
 * The vCPU run loop with real guest code, run under stage 2 with the MMU off (SCTLR_EL1 reset value).
 *
 * <p>The image is written through the VMM's cacheable mapping and then cleaned to the PoC, as a boot
 * protocol requires (a KVM VMM cannot do that clean: that is scenario S1, not the subject here).
 */
class RunLoopTest {
    static final long RAM_IPA = 0x4000_0000L, CODE = 0x4008_0000L;

    static KvmVm vmWithImage(TestMachine m, String source) {
        KvmVm vm = m.hyp.createVm("guest");
        vm.setUserMemoryRegion(new MemorySlot(0, RAM_IPA, 16L << 20, false));
        byte[] image = Assembler.assemble(source, "guest.s", CODE).image();
        vm.memory().write(CODE, image, 0, image.length);
        for (long page = CODE; page < CODE + image.length; page += 4096) {
            vm.host().cleanInvalidatePoC(m.hyp.vmmPe(), vm.backingPa(page), 4096);
        }
        return vm;
    }

    @Test
    void guest_psciVersionSetWayWfiThenSystemOff_exitsAsKvmWould() {
        List<String> calls = new ArrayList<>();
        TestMachine m = new TestMachine(TestMachine.recording(calls));
        KvmVm vm = vmWithImage(m, """
                ldr x0, =0x84000000
                hvc #0
                mov x19, x0
                ldr x2, =0x00C5107C
                msr sctlr_el1, x2
                mov x1, #0
                dc cisw, x1
                wfi
                ldr x0, =0x84000008
                hvc #0
                b .
                """);
        KvmVcpu vcpu = (KvmVcpu) vm.createVcpu(0);
        vcpu.init(VcpuInit.at(CODE, 0));

        VcpuExit first = vcpu.run(1000);
        assertThat(first).isEqualTo(new VcpuExit.Interrupted(VcpuExit.Interrupted.Reason.WAITING_FOR_INTERRUPT));
        assertThat(vcpu.mpState()).isEqualTo(MpState.HALTED);
        assertThat(vcpu.x(19)).isEqualTo(0x1_0000L);
        assertThat(vcpu.sysRegById(SysRegs.SCTLR_EL1)).isEqualTo(0x00C5_107CL);
        assertThat(calls).containsExactly("init:0:false", "exec:0x40080000", "map:0x40080000:0x1000",
                "vmreg:SCTLR_EL1:0xc50078->0xc5107c", "setway:DC CISW:0x0");

        VcpuExit second = vcpu.run(1000);
        assertThat(second).isEqualTo(new VcpuExit.SystemEvent(VcpuExit.SystemEvent.Type.SHUTDOWN));
        assertThat(vcpu.mpState()).isEqualTo(MpState.STOPPED);
        Costs c = m.hyp.costs();
        assertThat(c.traps(Costs.Trap.HVC)).isEqualTo(2);
        assertThat(c.traps(Costs.Trap.VM_REGISTER)).isEqualTo(1);
        assertThat(c.traps(Costs.Trap.SET_WAY)).isEqualTo(1);
        assertThat(c.traps(Costs.Trap.WFX)).isEqualTo(1);
        assertThat(c.traps(Costs.Trap.INSTRUCTION_ABORT)).isEqualTo(1);
        assertThat(c.stage2Faults()).isEqualTo(1);
    }

    @Test
    void quantum_usedUp_returnsAndTheNextRunContinuesWhereItStopped() {
        TestMachine m = new TestMachine(Policies.NONE);
        KvmVm vm = vmWithImage(m, """
                loop:
                add x3, x3, #1
                b loop
                """);
        KvmVcpu vcpu = (KvmVcpu) vm.createVcpu(0);
        vcpu.init(VcpuInit.at(CODE, 0));
        assertThat(vcpu.run(100)).isEqualTo(new VcpuExit.Interrupted(VcpuExit.Interrupted.Reason.QUANTUM_EXPIRED));
        // One unit of the first budget went to the stage-2 fault of the first fetch: 99 instructions, 50 adds.
        assertThat(vcpu.x(3)).isEqualTo(50);
        vcpu.run(100);
        assertThat(vcpu.x(3)).isEqualTo(100);
        assertThat(m.platform.pe(0).instructionCount()).isEqualTo(199);
    }

    @Test
    void migration_afterATrappedSetWayOp_runsOnTheNewPeAndFlushesItsCachesFirst() {
        TestMachine m = new TestMachine(Policies.NONE);
        KvmVm vm = vmWithImage(m, """
                mov x1, #0
                dc isw, x1
                wfi
                add x4, x4, #1
                wfi
                """);
        KvmVcpu vcpu = (KvmVcpu) vm.createVcpu(0);
        vcpu.init(VcpuInit.at(CODE, 0));
        vcpu.run(1000); // on PE0: the set/way op runs there and marks PE1
        assertThat(vcpu.requireFlush().get(1)).isTrue();

        // Something of the host's sits dirty in PE1's L1D.
        long pa = TestMachine.RAM_PA + 0x20_0040L; // not guest memory
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
        KvmVm vm = vmWithImage(m, """
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

    @Test
    void guest_printingThroughAnMmioUartAndPowerOff_isDrivenByAVmmLoop() {
        TestMachine m = new TestMachine(Policies.NONE);
        KvmVm vm = vmWithImage(m, """
                ldr x1, =0x09000000
                mov w2, #72
                strb w2, [x1]
                mov w2, #105
                strb w2, [x1]
                ldr w3, [x1, #0x18]
                ldr x0, =0x84000008
                hvc #0
                b .
                """);
        KvmVcpu vcpu = (KvmVcpu) vm.createVcpu(0);
        vcpu.init(VcpuInit.at(CODE, 0));
        StringBuilder out = new StringBuilder();
        List<VcpuExit.Mmio> mmio = new ArrayList<>();
        VcpuExit exit;
        int runs = 0;
        do {
            exit = vcpu.run(1000);
            if (exit instanceof VcpuExit.Mmio io) {
                mmio.add(io);
                if (io.write()) out.append((char) io.data());
                else vcpu.completeMmioRead(0x90); // PL011 UARTFR: TXFE | RXFE
            }
        } while (!(exit instanceof VcpuExit.SystemEvent) && ++runs < 20);

        assertThat(exit).isEqualTo(new VcpuExit.SystemEvent(VcpuExit.SystemEvent.Type.SHUTDOWN));
        assertThat(out.toString()).isEqualTo("Hi");
        assertThat(vcpu.x(3)).isEqualTo(0x90);
        assertThat(mmio).containsExactly(new VcpuExit.Mmio(0x0900_0000L, 1, true, 'H', 2, false, false),
                new VcpuExit.Mmio(0x0900_0000L, 1, true, 'i', 2, false, false),
                new VcpuExit.Mmio(0x0900_0018L, 4, false, 0, 3, false, false));
    }
}
