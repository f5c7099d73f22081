package org.cachevisor.vmm.run;

import static org.assertj.core.api.Assertions.assertThat;

import org.cachevisor.hypervisor.KvmHypervisor;
import org.cachevisor.hypervisor.KvmVm;
import org.cachevisor.isa.text.Assembler;
import org.cachevisor.oracle.Mechanism;
import org.cachevisor.oracle.Verdict;
import org.cachevisor.oracle.Violation;
import org.cachevisor.vmm.board.VirtBoard;
import org.junit.jupiter.api.Test;

/**
 * Guests of our own, assembled at test time, booted by {@link VirtMachine} and driven by {@link RunLoop} on
 * both implementations of the hypervisor API: the KVM model with policy {@code none} and bare metal. The
 * expected console output is written here by hand.
 *
 * <p>Under KVM with {@code none}, a guest whose image the VMM wrote through its cacheable mapping cannot
 * even fetch its first instruction with its caches off (that is mission.md's S1: STALE). The tests that
 * are about the run loop therefore clean the image to the PoC after loading, as a harness step standing
 * in for a policy that does it (RunLoopTest in the hypervisor does the same); the S1 test below does not
 * clean the data.
 */
class VirtMachineRunTest {
    static final long RAM = VirtBoard.RAM_BASE, LOAD = 0x4008_0000L;
    static final VirtBoard BOARD = VirtBoard.create(64L << 20, 1);

    /** Prints a message, touches 8 pages of RAM (stage-2 faults under KVM), sums them back, prints the sum, powers off. */
    static final String HELLO = """
            ldr x1, =0x09000000
            adr x2, msg
            bl puts
            ldr x5, =0x40100000
            mov x6, #0
            fill:
            add x9, x5, x6, lsl #12
            str x6, [x9]
            add x6, x6, #1
            cmp x6, #8
            b.ne fill
            mov x6, #0
            mov x7, #0
            sum:
            add x9, x5, x6, lsl #12
            ldr x8, [x9]
            add x7, x7, x8
            add x6, x6, #1
            cmp x6, #8
            b.ne sum
            mov x10, #10
            udiv x9, x7, x10
            msub x11, x9, x10, x7
            add w9, w9, #48
            add w11, w11, #48
            adr x2, summsg
            bl puts
            strb w9, [x1]
            strb w11, [x1]
            mov w3, #10
            strb w3, [x1]
            ldr x0, =0x84000008
            hvc #0
            b .
            puts:
            ldrb w3, [x2], #1
            cbz w3, done
            txwait:
            ldr w4, [x1, #0x18]
            tbnz w4, #5, txwait
            strb w3, [x1]
            b puts
            done:
            ret
            msg:
            .asciz "Hello from the virt board\\n"
            summsg:
            .asciz "sum of 8 pages = "
            """;

    static byte[] assemble(String source, long baseIpa) {
        return Assembler.assemble(source, "guest.s", baseIpa).image();
    }

    @Test
    void helloGuest_bare_printsItsOutputAndPowersOffWithNoStaleRead() {
        TestHosts.Host host = TestHosts.bare(1);
        VirtMachine m = host.boot(BOARD, new BootImage.Raw(assemble(HELLO, LOAD), LOAD, LOAD));
        RunLoop.Result r = host.run(m, 1_000_000);
        assertThat(r.reason()).isEqualTo(RunLoop.StopReason.SHUTDOWN);
        assertThat(host.output()).isEqualTo("Hello from the virt board\nsum of 8 pages = 28\n");
        assertThat(host.oracle().violations()).isEmpty();
        assertThat(host.oracle().readsChecked()).isPositive();
    }

    @Test
    void helloGuest_kvmNoneWithImageCleanedToPoc_printsTheSameAndFaultsItsPagesIn() {
        TestHosts.Host host = TestHosts.kvmNone(1);
        byte[] image = assemble(HELLO, LOAD);
        VirtMachine m = host.boot(BOARD, new BootImage.Raw(image, LOAD, LOAD));
        host.cleanToPoc(m, LOAD, image.length);
        RunLoop loop = new RunLoop(m, 1000, host.retired(), null);
        RunLoop.Result r = loop.run(1_000_000);
        assertThat(r.reason()).isEqualTo(RunLoop.StopReason.SHUTDOWN);
        assertThat(host.output()).isEqualTo("Hello from the virt board\nsum of 8 pages = 28\n");
        KvmHypervisor kvm = (KvmHypervisor) host.hypervisor();
        // One fault for the code page, eight for the touched pages (the loader's pages are backed, not mapped).
        assertThat(kvm.costs().stage2Faults()).isEqualTo(9);
        // Every character of the two strings, the two digits and the newline is a write exit; every FR poll a read exit.
        int printed = "Hello from the virt board\nsum of 8 pages = 28\n".length();
        assertThat(loop.exits(RunLoop.ExitKind.MMIO_WRITE)).isEqualTo(printed);
        assertThat(loop.exits(RunLoop.ExitKind.MMIO_READ)).isEqualTo(printed - 3);
        assertThat(loop.exits(RunLoop.ExitKind.SHUTDOWN)).isEqualTo(1);
        for (long i = 0; i < 8; i++) assertThat(((KvmVm) m.vm()).backingPa(0x4010_0000L + i * 4096)).isNotEqualTo(-1);
        assertThat(host.oracle().violations()).isEmpty();
    }
}
