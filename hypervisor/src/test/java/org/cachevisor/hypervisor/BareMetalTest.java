package org.cachevisor.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.cachevisor.hypervisor.api.MemorySlot;
import org.cachevisor.hypervisor.api.MpState;
import org.cachevisor.hypervisor.api.Vcpu;
import org.cachevisor.hypervisor.api.VcpuExit;
import org.cachevisor.hypervisor.api.VcpuInit;
import org.cachevisor.hypervisor.api.Vm;
import org.cachevisor.isa.text.Assembler;
import org.cachevisor.machine.Platform;
import org.cachevisor.memsys.LineState;
import org.cachevisor.memsys.MemConfig;
import org.cachevisor.memsys.MemorySystem;
import org.junit.jupiter.api.Test;

class BareMetalTest {
    static final long RAM = 0x4000_0000L, CODE = 0x4008_0000L;

    final MemorySystem mem = new MemorySystem(MemConfig.defaults());
    final Platform platform = new Platform(mem);
    final BareMetal bare = new BareMetal(platform);
    final Vm vm = bare.createVm("bare");

    BareMetalTest() {
        vm.setUserMemoryRegion(new MemorySlot(0, RAM, 16L << 20, false));
    }

    byte[] load(String source) {
        byte[] image = Assembler.assemble(source, "guest.s", CODE).image();
        vm.memory().write(CODE, image, 0, image.length);
        return image;
    }

    @Test
    void loader_placesTheImageAtThePocWithNothingCached() {
        byte[] image = load("mov x0, #1\nmov x1, #2\nhvc #0\n");
        for (int i = 0; i < image.length; i++) assertThat((byte) mem.ramPeek(CODE + i, 1)).isEqualTo(image[i]);
        assertThat(mem.lineState(MemorySystem.l1dId(0), CODE)).isEqualTo(LineState.INVALID);
        assertThat(mem.lineState(MemorySystem.L2_ID, CODE)).isEqualTo(LineState.INVALID);
        assertThat(mem.lineState(MemorySystem.l1iId(0), CODE)).isEqualTo(LineState.INVALID);
    }

    @Test
    void guest_printsThroughMmioExitsReadsADeviceAndPowersOff() {
        load("""
                ldr x1, =0x09000000
                mov w2, #79
                strb w2, [x1]
                mov w2, #75
                strb w2, [x1]
                ldrsb x3, [x1, #0x18]
                ldr x0, =0x84000000
                hvc #0
                mov x4, x0
                ldr x0, =0x84000008
                hvc #0
                b .
                """);
        Vcpu vcpu = vm.createVcpu(0);
        vcpu.init(VcpuInit.at(CODE, 0));
        StringBuilder out = new StringBuilder();
        List<VcpuExit> exits = new ArrayList<>();
        VcpuExit exit;
        do {
            exit = vcpu.run(1000);
            exits.add(exit);
            if (exit instanceof VcpuExit.Mmio io) {
                if (io.write()) out.append((char) io.data());
                else vcpu.completeMmioRead(0x90);
            }
        } while (!(exit instanceof VcpuExit.SystemEvent) && exits.size() < 20);

        assertThat(exit).isEqualTo(new VcpuExit.SystemEvent(VcpuExit.SystemEvent.Type.SHUTDOWN));
        assertThat(out.toString()).isEqualTo("OK");
        assertThat(vcpu.x(3)).isEqualTo(0xFFFF_FFFF_FFFF_FF90L); // LDRSB: the PE sign-extends on re-execution
        assertThat(vcpu.x(4)).isEqualTo(0x1_0000L);
        assertThat(exits).hasSize(4);
        assertThat(exits.get(2)).isEqualTo(new VcpuExit.Mmio(0x0900_0018L, 1, false, 0, 0, false, false));
        assertThat(vcpu.mpState()).isEqualTo(MpState.STOPPED);
        // 11 instructions, the two HVCs handled by the firmware not counted by the PE (a trapped instruction
        // does not execute), the abandoned MMIO accesses counted once, at their re-execution.
        assertThat(platform.pe(0).instructionCount()).isEqualTo(9);
    }

    @Test
    void mmioRead_notCompleted_refusesToRun() {
        load("ldr x1, =0x09000000\nldr w2, [x1]\n");
        Vcpu vcpu = vm.createVcpu(0);
        vcpu.init(VcpuInit.at(CODE, 0));
        assertThat(vcpu.run(100)).isInstanceOf(VcpuExit.Mmio.class);
        assertThatThrownBy(() -> vcpu.run(100)).isInstanceOf(IllegalStateException.class).hasMessageContaining("completeMmioRead");
    }

    @Test
    void slots_afterTheFirstRun_areFixed_andSecondVmIsRefused() {
        load("wfi\n");
        Vcpu vcpu = vm.createVcpu(0);
        vcpu.init(VcpuInit.at(CODE, 0));
        assertThat(vcpu.run(10)).isEqualTo(new VcpuExit.Interrupted(VcpuExit.Interrupted.Reason.WAITING_FOR_INTERRUPT));
        assertThatThrownBy(() -> vm.setUserMemoryRegion(new MemorySlot(1, 0, 4096, false))).hasMessageContaining("fixed");
        assertThatThrownBy(() -> bare.createVm("second")).hasMessageContaining("one VM");
        assertThatThrownBy(() -> vm.createVcpu(2)).hasMessageContaining("must name a PE");
    }
}
