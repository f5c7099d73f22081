package org.cachevisor.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.cachevisor.hypervisor.api.MemorySlot;
import org.cachevisor.hypervisor.api.Vcpu;
import org.cachevisor.hypervisor.api.VcpuExit;
import org.cachevisor.hypervisor.api.VcpuInit;
import org.cachevisor.hypervisor.api.Vm;
import org.cachevisor.isa.text.Assembler;
import org.cachevisor.machine.Platform;
import org.cachevisor.memsys.MemConfig;
import org.cachevisor.memsys.MemorySystem;
import org.junit.jupiter.api.Test;

/**
 * {@link Vcpu#injectExternalDataAbort} (KVM_SET_VCPU_EVENTS ext_dabt_pending) under KVM and in bare mode:
 * a guest accesses 0x3000_0000, outside its only memslot and (no VMM devices here) every device; the VMM
 * answers the MMIO exit with the abort; the guest's EL1 vector records ESR_EL1, FAR_EL1 and ELR_EL1 in
 * x10..x12 and powers off. Expected values are derived by hand from the Arm ARM (ISS encoding for a Data
 * Abort, D17.2.37 ESR_EL1): EC 0x25 (Data Abort, current EL) at [31:26], IL at [25], WnR at [6], DFSC
 * 0x10 (synchronous external abort) at [5:0].
 */
class ExternalDataAbortTest {
    static final long RAM_IPA = 0x4000_0000L, CODE = 0x4008_0000L, HOLE_IPA = 0x3000_0000L;
    /** 0x25 << 26 | 1 << 25 | 0x10. */
    static final long ESR_READ = 0x9600_0010L;
    /** ESR_READ | WnR (1 << 6). */
    static final long ESR_WRITE = 0x9600_0050L;

    /** The access is instruction 4 (CODE + 0x10); x3 = 7 before it. */
    static String guest(String access) {
        return """
                adr x0, vectors
                msr vbar_el1, x0
                ldr x1, =0x30000000
                mov x3, #7
                %s
                b .
                .balign 2048
                vectors:
                .skip 0x200
                mrs x10, esr_el1
                mrs x11, far_el1
                mrs x12, elr_el1
                ldr x0, =0x84000008
                hvc #0
                b .
                """.formatted(access);
    }

    static Vcpu kvmGuest(String access) {
        TestMachine m = new TestMachine(Policies.NONE);
        KvmVm vm = RunLoopTest.vmWithImage(m, guest(access));
        Vcpu vcpu = vm.createVcpu(0);
        vcpu.init(VcpuInit.at(CODE, 0));
        return vcpu;
    }

    static Vcpu bareGuest(String access) {
        MemorySystem mem = new MemorySystem(MemConfig.defaults());
        Vm vm = new BareMetal(new Platform(mem)).createVm("bare");
        vm.setUserMemoryRegion(new MemorySlot(0, RAM_IPA, 16L << 20, false));
        byte[] image = Assembler.assemble(guest(access), "guest.s", CODE).image();
        vm.memory().write(CODE, image, 0, image.length);
        Vcpu vcpu = vm.createVcpu(0);
        vcpu.init(VcpuInit.at(CODE, 0));
        return vcpu;
    }

    /** Runs to the MMIO exit, answers it with the abort, runs to the power-off. */
    static VcpuExit.Mmio runWithAbort(Vcpu vcpu) {
        VcpuExit first = vcpu.run(1000);
        assertThat(first).isInstanceOf(VcpuExit.Mmio.class);
        assertThat(vcpu.pc()).isEqualTo(CODE + 0x10);
        vcpu.injectExternalDataAbort();
        assertThat(vcpu.run(1000)).isEqualTo(new VcpuExit.SystemEvent(VcpuExit.SystemEvent.Type.SHUTDOWN));
        return (VcpuExit.Mmio) first;
    }

    @Test
    void load_kvm_vectorSeesSyncExternalAbortWithFarAndElrOfTheLoad() {
        Vcpu vcpu = kvmGuest("ldr x3, [x1]");
        assertThat(runWithAbort(vcpu)).isEqualTo(new VcpuExit.Mmio(HOLE_IPA, 8, false, 0, 3, false, true));
        assertThat(vcpu.x(10)).isEqualTo(ESR_READ);
        assertThat(vcpu.x(11)).isEqualTo(HOLE_IPA);
        assertThat(vcpu.x(12)).isEqualTo(CODE + 0x10);
        assertThat(vcpu.x(3)).isEqualTo(7); // the abandoned load wrote nothing
    }

    @Test
    void store_kvm_vectorSeesWnrSet() {
        Vcpu vcpu = kvmGuest("str x3, [x1, #16]");
        assertThat(runWithAbort(vcpu).write()).isTrue();
        assertThat(vcpu.x(10)).isEqualTo(ESR_WRITE);
        assertThat(vcpu.x(11)).isEqualTo(HOLE_IPA + 16);
        assertThat(vcpu.x(12)).isEqualTo(CODE + 0x10);
    }

    @Test
    void load_bare_vectorSeesSyncExternalAbortWithFarAndElrOfTheLoad() {
        Vcpu vcpu = bareGuest("ldr w3, [x1, #4]");
        assertThat(runWithAbort(vcpu)).isEqualTo(new VcpuExit.Mmio(HOLE_IPA + 4, 4, false, 0, 0, false, false));
        assertThat(vcpu.x(10)).isEqualTo(ESR_READ);
        assertThat(vcpu.x(11)).isEqualTo(HOLE_IPA + 4);
        assertThat(vcpu.x(12)).isEqualTo(CODE + 0x10);
        assertThat(vcpu.x(3)).isEqualTo(7);
    }

    @Test
    void store_bare_vectorSeesWnrSet() {
        Vcpu vcpu = bareGuest("strb w3, [x1, #1]");
        assertThat(runWithAbort(vcpu).write()).isTrue();
        assertThat(vcpu.x(10)).isEqualTo(ESR_WRITE);
        assertThat(vcpu.x(11)).isEqualTo(HOLE_IPA + 1);
        assertThat(vcpu.x(12)).isEqualTo(CODE + 0x10);
    }

    @Test
    void inject_withoutPendingMmioExit_isRefusedOnBothHosts() {
        for (Vcpu vcpu : new Vcpu[] {kvmGuest("ldr x3, [x1]"), bareGuest("ldr x3, [x1]")}) {
            assertThatThrownBy(vcpu::injectExternalDataAbort).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("no MMIO exit is pending");
            vcpu.run(1000);
            vcpu.completeMmioRead(0);
            // Answered already: neither a second answer nor an abort is accepted.
            assertThatThrownBy(vcpu::injectExternalDataAbort).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void inject_thenCompleteMmioRead_isRefused_andRunDoesNotWaitForData() {
        for (Vcpu vcpu : new Vcpu[] {kvmGuest("ldr x3, [x1]"), bareGuest("ldr x3, [x1]")}) {
            vcpu.run(1000);
            vcpu.injectExternalDataAbort();
            assertThatThrownBy(() -> vcpu.completeMmioRead(1)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(vcpu::injectExternalDataAbort).isInstanceOf(IllegalStateException.class);
            assertThat(vcpu.run(1000)).isEqualTo(new VcpuExit.SystemEvent(VcpuExit.SystemEvent.Type.SHUTDOWN));
            assertThat(vcpu.x(10)).isEqualTo(ESR_READ);
        }
    }
}
