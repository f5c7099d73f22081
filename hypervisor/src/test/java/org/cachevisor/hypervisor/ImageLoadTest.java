package org.cachevisor.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

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
 * The data half of scenario S1 (image-load) through the same API in both modes: a data word the VMM
 * writes into guest RAM, read by a guest with its MMU and caches off. Bare mode (the loader cleans to
 * the PoC) must show the word; KVM under {@code none} must not (the VMM's write is still in the host's
 * caches, and a stage-2 fault only cleans to the PoU): mission.md's table says STALE.
 */
class ImageLoadTest {
    static final long RAM = 0x4000_0000L, CODE = 0x4008_0000L, DATA = 0x4009_0000L, WORD = 0x0123_4567_89AB_CDEFL;
    static final String GUEST = """
            ldr x6, =0x40090000
            ldr x5, [x6]
            ldr x0, =0x84000008
            hvc #0
            """;

    static long guestReadsWord(Vm vm, boolean cleanCode, KvmHypervisor hyp) {
        vm.setUserMemoryRegion(new MemorySlot(0, RAM, 16L << 20, false));
        byte[] code = Assembler.assemble(GUEST, "s1.s", CODE).image();
        vm.memory().write(CODE, code, 0, code.length);
        if (cleanCode) {
            // Only the code is placed at the PoC (so that the guest runs at all); the data is left as QEMU leaves it.
            KvmVm kvm = (KvmVm) vm;
            hyp.host().cleanInvalidatePoC(hyp.vmmPe(), kvm.backingPa(CODE), 4096);
        }
        vm.memory().writeLong(DATA, WORD);
        Vcpu vcpu = vm.createVcpu(0);
        vcpu.init(VcpuInit.at(CODE, 0));
        VcpuExit exit = null;
        for (int i = 0; i < 10 && !(exit instanceof VcpuExit.SystemEvent); i++) exit = vcpu.run(1000);
        assertThat(exit).isEqualTo(new VcpuExit.SystemEvent(VcpuExit.SystemEvent.Type.SHUTDOWN));
        return vcpu.x(5);
    }

    @Test
    void bareMode_guestWithCachesOff_readsWhatTheLoaderWrote() {
        MemorySystem mem = new MemorySystem(MemConfig.defaults());
        BareMetal bare = new BareMetal(new Platform(mem));
        assertThat(guestReadsWord(bare.createVm("bare"), false, null)).isEqualTo(WORD);
    }

    @Test
    void kvmNone_guestWithCachesOff_readsStaleMemoryInsteadOfTheVmmsWrite() {
        TestMachine m = new TestMachine(Policies.NONE);
        long seen = guestReadsWord(m.hyp.createVm("guest"), true, m.hyp);
        assertThat(seen).isNotEqualTo(WORD);
        assertThat(seen).isZero(); // RAM never received the word: it is dirty in the L2 after the fault's DC CVAU
    }
}
