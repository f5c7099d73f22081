package org.cachevisor.vmm.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.cachevisor.hypervisor.KvmHypervisor;
import org.cachevisor.vmm.board.VirtBoard;
import org.junit.jupiter.api.Test;

/** The run loop's reactions to each kind of exit, with small assembled guests (expected output by hand). */
class RunLoopTest {
    static final long LOAD = 0x4008_0000L;

    static TestHosts.Host host(boolean kvm, int vcpus) {
        return kvm ? TestHosts.kvmNone(vcpus) : TestHosts.bare(vcpus);
    }

    /** Boots {@code source} at LOAD (cleaned to the PoC under KVM: the run loop is the subject, not S1). */
    static VirtMachine boot(TestHosts.Host host, int vcpus, String source) {
        byte[] image = VirtMachineRunTest.assemble(source, LOAD);
        VirtMachine m = host.boot(VirtBoard.create(64L << 20, vcpus), new BootImage.Raw(image, LOAD, LOAD));
        if (host.hypervisor() instanceof KvmHypervisor) host.cleanToPoc(m, LOAD, image.length);
        return m;
    }

    /** vCPU0 prints A, starts vCPU1 (PSCI CPU_ON) and waits for its flag; vCPU1 prints B, sets the flag, CPU_OFF; vCPU0 prints C. */
    static final String TWO_VCPUS = """
            ldr x1, =0x09000000
            mov w3, #'A'
            strb w3, [x1]
            ldr x0, =0xC4000003
            mov x1, #1
            adr x2, secondary
            mov x3, #0
            hvc #0
            ldr x1, =0x09000000
            ldr x4, =0x40200000
            wait:
            ldr x5, [x4]
            cbz x5, wait
            mov w3, #'C'
            strb w3, [x1]
            mov w3, #10
            strb w3, [x1]
            ldr x0, =0x84000008
            hvc #0
            b .
            secondary:
            ldr x1, =0x09000000
            mov w3, #'B'
            strb w3, [x1]
            ldr x4, =0x40200000
            mov x5, #1
            str x5, [x4]
            ldr x0, =0x84000002
            hvc #0
            b .
            """;

    @Test
    void twoVcpus_kvmNone_runRoundRobinAndTheSecondaryStartsByCpuOn() {
        TestHosts.Host host = host(true, 2);
        VirtMachine m = boot(host, 2, TWO_VCPUS);
        RunLoop loop = new RunLoop(m, 50, host.retired(), null);
        assertThat(loop.run(100_000).reason()).isEqualTo(RunLoop.StopReason.SHUTDOWN);
        assertThat(host.output()).isEqualTo("ABC\n");
        assertThat(loop.exits(RunLoop.ExitKind.QUANTUM_EXPIRED)).isPositive(); // vCPU0 spun for whole quanta
        assertThat(host.oracle().violationCount()).isZero();
    }

    @Test
    void twoVcpus_bare_sameOutput() {
        TestHosts.Host host = host(false, 2);
        VirtMachine m = boot(host, 2, TWO_VCPUS);
        assertThat(new RunLoop(m, 50, host.retired(), null).run(100_000).reason()).isEqualTo(RunLoop.StopReason.SHUTDOWN);
        assertThat(host.output()).isEqualTo("ABC\n");
        assertThat(host.oracle().violationCount()).isZero();
    }

    @Test
    void requestStop_betweenRuns_theNextRunStopsBeforeAnyInstructionAndOnlyOnce() {
        TestHosts.Host host = host(true, 1);
        VirtMachine m = boot(host, 1, "b .\n");
        RunLoop loop = new RunLoop(m, 100, host.retired(), null);
        assertThat(loop.run(1000).reason()).isEqualTo(RunLoop.StopReason.BUDGET_EXHAUSTED);
        loop.requestStop("user quit");
        RunLoop.Result r = loop.run(1000);
        assertThat(r.reason()).isEqualTo(RunLoop.StopReason.STOP_REQUESTED);
        assertThat(r.message()).isEqualTo("user quit");
        assertThat(r.instructions()).isZero();
        assertThat(loop.run(1000).reason()).isEqualTo(RunLoop.StopReason.BUDGET_EXHAUSTED); // the request was consumed
    }

    /** Counts its boots in RAM outside the image (which a reset reloads): resets once, then powers off. */
    static final String REBOOT = """
            ldr x1, =0x09000000
            ldr x4, =0x40200000
            ldr x5, [x4]
            add x5, x5, #1
            str x5, [x4]
            add w3, w5, #'0'
            strb w3, [x1]
            mov w3, #10
            strb w3, [x1]
            cmp x5, #2
            b.eq off
            ldr x0, =0x84000009
            hvc #0
            b .
            off:
            ldr x0, =0x84000008
            hvc #0
            b .
            """;

    @Test
    void systemReset_bothHosts_reloadsTheImageAndReinitialisesTheVcpu() {
        for (boolean kvm : new boolean[] {true, false}) {
            TestHosts.Host host = host(kvm, 1);
            VirtMachine m = boot(host, 1, REBOOT);
            RunLoop loop = new RunLoop(m, 1000, host.retired(), null);
            assertThat(loop.run(100_000).reason()).as("kvm=" + kvm).isEqualTo(RunLoop.StopReason.SHUTDOWN);
            assertThat(host.output()).as("kvm=" + kvm).isEqualTo("1\n2\n");
            assertThat(m.resets()).isEqualTo(1);
            assertThat(loop.exits(RunLoop.ExitKind.RESET)).isEqualTo(1);
            assertThat(loop.exits(RunLoop.ExitKind.SHUTDOWN)).isEqualTo(1);
        }
    }

    /**
     * Three accesses no device decodes, each answered with an injected external data abort; the vector
     * records ESR_EL1, FAR_EL1, ELR_EL1 (latest in x13..x15, older ones shifted to x19..x21, x22..x24),
     * skips the access and returns; then the guest prints x3 (untouched by the abandoned load) and powers off.
     */
    static final String UNMAPPED_ACCESSES = """
            adr x0, vectors
            msr vbar_el1, x0
            ldr x1, =0x09000000
            ldr x4, =0x09040000
            mov x3, #7
            ldr x3, [x4, #8]
            ldr x5, =0x10000000
            str x3, [x5]
            ldr x4, =0x08000000
            ldp x7, x8, [x4]
            add w6, w3, #'0'
            strb w6, [x1]
            mov w6, #10
            strb w6, [x1]
            ldr x0, =0x84000008
            hvc #0
            b .
            .balign 2048
            vectors:
            .skip 0x200
            mov x22, x19
            mov x23, x20
            mov x24, x21
            mov x19, x13
            mov x20, x14
            mov x21, x15
            mrs x13, esr_el1
            mrs x14, far_el1
            mrs x15, elr_el1
            add x9, x15, #4
            msr elr_el1, x9
            eret
            """;

    @Test
    void unmappedAccesses_bothHosts_eachGetsASynchronousExternalDataAbortAndNoRegisterWrite() {
        for (boolean kvm : new boolean[] {true, false}) {
            TestHosts.Host host = host(kvm, 1);
            VirtMachine m = boot(host, 1, UNMAPPED_ACCESSES);
            RunLoop loop = new RunLoop(m, 1000, host.retired(), null);
            assertThat(loop.run(100_000).reason()).as("kvm=%s", kvm).isEqualTo(RunLoop.StopReason.SHUTDOWN);
            // x3 kept its 7: the aborted load wrote no register.
            assertThat(host.output()).as("kvm=%s", kvm).isEqualTo("7\n");
            var vcpu = m.vm().vcpus().get(0);
            // Hand-derived: EC 0x25 (current EL) << 26 | IL << 25 | DFSC 0x10, WnR (bit 6) for the store;
            // ELR_EL1 = LOAD + 4 * the access's instruction index (LDR 5, STR 7, LDP 9).
            // The hole between the PL061 and virtio-mmio (0x0904_0000): LDR, WnR = 0.
            assertThat(vcpu.x(22)).as("kvm=%s", kvm).isEqualTo(0x9600_0010L);
            assertThat(vcpu.x(23)).isEqualTo(0x0904_0008L);
            assertThat(vcpu.x(24)).isEqualTo(LOAD + 0x14);
            // PCIe MMIO (not described to the guest): STR, WnR = 1.
            assertThat(vcpu.x(19)).as("kvm=%s", kvm).isEqualTo(0x9600_0050L);
            assertThat(vcpu.x(20)).isEqualTo(0x1000_0000L);
            assertThat(vcpu.x(21)).isEqualTo(LOAD + 0x1C);
            // The GIC distributor (no GIC emulated): LDP, a load, WnR = 0 (KVM injects it itself: ISV = 0).
            assertThat(vcpu.x(13)).as("kvm=%s", kvm).isEqualTo(0x9600_0010L);
            assertThat(vcpu.x(14)).isEqualTo(0x0800_0000L);
            assertThat(vcpu.x(15)).isEqualTo(LOAD + 0x24);
            // KVM: the LDP never reaches the VMM (ISV = 0); bare: its first half is an MMIO exit like the others.
            assertThat(loop.exits(RunLoop.ExitKind.MMIO_ABORT)).as("kvm=%s", kvm).isEqualTo(kvm ? 2 : 3);
            assertThat(loop.exitSummary()).contains("KVM_EXIT_MMIO unmapped (abort injected)=" + (kvm ? 2 : 3));
        }
    }

    @Test
    void hypercall_bothHosts_answeredNotSupportedAndTheGuestGoesOn() {
        for (boolean kvm : new boolean[] {true, false}) {
            TestHosts.Host host = host(kvm, 1);
            VirtMachine m = boot(host, 1, """
                    ldr x0, =0xC6000001
                    hvc #0x123
                    add w3, w0, #'1'
                    ldr x1, =0x09000000
                    strb w3, [x1]
                    ldr x0, =0x84000008
                    hvc #0
                    """);
            RunLoop loop = new RunLoop(m, 1000, host.retired(), null);
            assertThat(loop.run(100_000).reason()).isEqualTo(RunLoop.StopReason.SHUTDOWN);
            assertThat(host.output()).as("X0 = -1, plus '1' gives '0'").isEqualTo("0");
            assertThat(loop.exits(RunLoop.ExitKind.HYPERCALL)).isEqualTo(1);
        }
    }

    @Test
    void budget_guestThatNeverStops_endsAfterTheBudgetExactly() {
        TestHosts.Host host = host(true, 1);
        VirtMachine m = boot(host, 1, "loop:\nadd x3, x3, #1\nb loop\n");
        RunLoop loop = new RunLoop(m, 300, host.retired(), null);
        RunLoop.Result r = loop.run(1000);
        assertThat(r.reason()).isEqualTo(RunLoop.StopReason.BUDGET_EXHAUSTED);
        assertThat(r.instructions()).isEqualTo(1000);
        // 1000 charged = 999 retired + the first fetch's stage-2 fault (the PE counts it as one step, KVM's RunLoopTest).
        assertThat(host.platform().pe(0).instructionCount()).isBetween(999L, 1000L);
        assertThat(loop.exits(RunLoop.ExitKind.QUANTUM_EXPIRED)).isEqualTo(4); // 300 + 300 + 300 + 100
        assertThatThrownBy(() -> loop.run(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void internalError_stopsTheRunWithOneLineNamingTheVcpuPcAndSyndrome() {
        TestHosts.Host host = host(false, 1);
        byte[] image = VirtMachineRunTest.assemble("nop\nhvc #0xBAD\nb .\n", LOAD);
        VirtMachine m = VirtMachine.create(new FaultyHypervisor(host.hypervisor()), VirtBoard.create(64L << 20, 1),
                new BootImage.Raw(image, LOAD, LOAD), host.console()::write);
        RunLoop loop = new RunLoop(m, 1000, host.retired(), null);
        RunLoop.Result r = loop.run(10_000);
        assertThat(r.reason()).isEqualTo(RunLoop.StopReason.INTERNAL_ERROR);
        // The PC after the HVC: its preferred return address (LOAD + 8).
        assertThat(r.message()).isEqualTo("vCPU 0 stopped at pc=0x40080008: internal error: scripted fault (ESR_EL2 0x5a000bad)");
        assertThat(loop.exits(RunLoop.ExitKind.INTERNAL_ERROR)).isEqualTo(1);
    }

    @Test
    void consoleInput_availableBytes_reachTheUartAndTheGuestEchoesThem() {
        TestHosts.Host host = host(true, 1);
        VirtMachine m = boot(host, 1, """
                ldr x1, =0x09000000
                mov x6, #3
                next:
                ldr w4, [x1, #0x18]
                tbnz w4, #4, next
                ldr w3, [x1]
                add w3, w3, #1
                strb w3, [x1]
                subs x6, x6, #1
                b.ne next
                ldr x0, =0x84000008
                hvc #0
                """);
        RunLoop loop = new RunLoop(m, 1000, host.retired(), new ByteArrayInputStream("HAL".getBytes(StandardCharsets.US_ASCII)));
        assertThat(loop.run(100_000).reason()).isEqualTo(RunLoop.StopReason.SHUTDOWN);
        assertThat(host.output()).isEqualTo("IBM");
    }

    /** S4 under none (PASS): caches off, the guest fills a buffer, the non-coherent DMA engine copies it through PocMemoryPort. */
    @Test
    void dmaCopy_bothHosts_guestWithCachesOffReadsTheCopy() {
        for (boolean kvm : new boolean[] {true, false}) {
            TestHosts.Host host = host(kvm, 1);
            VirtMachine m = boot(host, 1, """
                    ldr x4, =0x40300000
                    ldr x5, =0x4b4f2d414d44
                    str x5, [x4]
                    ldr x9, =0x0c000000
                    str x4, [x9]
                    ldr x6, =0x40301000
                    str x6, [x9, #8]
                    mov x7, #8
                    str x7, [x9, #0x10]
                    mov w8, #1
                    str w8, [x9, #0x18]
                    ldr w8, [x9, #0x20]
                    ldr x1, =0x09000000
                    mov x10, #6
                    ldr x5, [x6]
                    out:
                    strb w5, [x1]
                    lsr x5, x5, #8
                    subs x10, x10, #1
                    b.ne out
                    add w8, w8, #'0'
                    strb w8, [x1]
                    ldr x0, =0x84000008
                    hvc #0
                    """);
            assertThat(new RunLoop(m, 1000, host.retired(), null).run(100_000).reason()).isEqualTo(RunLoop.StopReason.SHUTDOWN);
            assertThat(host.output()).as("kvm=" + kvm).isEqualTo("DMA-OK2"); // STATUS = DONE (2)
            assertThat(m.devices().dma().irqLevel()).isFalse();
            assertThat(host.oracle().violationCount()).as("kvm=" + kvm).isZero();
        }
    }
}
