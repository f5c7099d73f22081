package org.cachevisor.vmm.run;

import static org.assertj.core.api.Assertions.assertThat;

import org.cachevisor.hypervisor.KvmVm;
import org.cachevisor.memsys.AccessKind;
import org.cachevisor.oracle.Mechanism;
import org.cachevisor.oracle.Verdict;
import org.cachevisor.oracle.Violation;
import org.cachevisor.vmm.board.VirtBoard;
import org.junit.jupiter.api.Test;

/**
 * The seed's first problem (mission.md S1, image-load) end to end: the VMM writes the guest's image through
 * its cacheable mapping; the guest boots with MMU and caches off and reads a data word of its image.
 * Bare metal (the loader cleans to the PoC, as a boot protocol requires): the word, no stale read. KVM with
 * policy {@code none}: RAM never received the word, the oracle reports the stale read with its attribution.
 *
 * <p>Under KVM only the code page is cleaned to the PoC by the test (so that the guest runs at all and can
 * say what it saw); the data page stays as the VMM left it.
 */
class ImageLoadStaleTest {
    static final long LOAD = 0x4008_0000L, DATA = LOAD + 0x1000, WORD = 0x0123_4567_89AB_CDEFL;

    static final String GUEST = """
            ldr x1, =0x09000000
            ldr x2, =0x40081000
            ldr x5, [x2]
            ldr x6, =0x0123456789abcdef
            cmp x5, x6
            b.eq same
            mov w3, #'S'
            b print
            same:
            mov w3, #'W'
            print:
            strb w3, [x1]
            mov w3, #10
            strb w3, [x1]
            ldr x0, =0x84000008
            hvc #0
            b .
            .ltorg
            .balign 4096
            .quad 0x0123456789abcdef
            """;

    static final VirtBoard BOARD = VirtBoard.create(64L << 20, 1);

    @Test
    void imageData_bare_guestWithCachesOffReadsTheWordAndTheOracleIsSilent() {
        TestHosts.Host host = TestHosts.bare(1);
        VirtMachine m = host.boot(BOARD, new BootImage.Raw(VirtMachineRunTest.assemble(GUEST, LOAD), LOAD, LOAD));
        assertThat(host.run(m, 100_000).reason()).isEqualTo(RunLoop.StopReason.SHUTDOWN);
        assertThat(host.output()).isEqualTo("W\n");
        assertThat(host.oracle().violationCount()).isZero();
    }

    @Test
    void imageData_kvmNone_guestSeesStaleRamAndTheOracleNamesTheMissingClean() {
        TestHosts.Host host = TestHosts.kvmNone(1);
        byte[] image = VirtMachineRunTest.assemble(GUEST, LOAD);
        // The literal pool stays on the code page (.ltorg); the word alone is on the data page.
        assertThat(image.length).isEqualTo(0x1008);
        assertThat(java.nio.ByteBuffer.wrap(image, 0x1000, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong()).isEqualTo(WORD);
        VirtMachine m = host.boot(BOARD, new BootImage.Raw(image, LOAD, LOAD));
        host.cleanToPoc(m, LOAD, 4096); // the code page only
        assertThat(host.run(m, 100_000).reason()).isEqualTo(RunLoop.StopReason.SHUTDOWN);

        assertThat(host.output()).isEqualTo("S\n");
        assertThat(host.oracle().violationCount()).isEqualTo(1);
        Violation v = host.oracle().first();
        long dataPa = ((KvmVm) m.vm()).backingPa(DATA);
        assertThat(dataPa).isBetween(TestHosts.HOST_PA, TestHosts.HOST_PA + TestHosts.HOST_SIZE - 1);
        assertThat(v.verdict()).isEqualTo(Verdict.STALE);
        assertThat(v.kind()).isEqualTo(AccessKind.LOAD);
        assertThat(v.pa()).isEqualTo(dataPa);
        assertThat(v.size()).isEqualTo(8);
        assertThat(v.expected()).isEqualTo(WORD);
        assertThat(v.seen()).isZero(); // the host page was zeroed through the cache: RAM still holds its reset contents
        assertThat(v.expectedWriter().brief()).contains("vmm");
        // The reader is the vCPU (agent "<VM name>/vcpu<id>", registered by the hypervisor) in the VM's domain.
        assertThat(v.readerName()).isEqualTo("virt/vcpu0");
        assertThat(v.readerDomain()).isEqualTo(((KvmVm) m.vm()).domain());
        /* none cleans a faulting page to the PoU (KVM's baseline for an executable mapping), not to the PoC:
         * the oracle's mechanism says exactly that. */
        assertThat(v.mechanism()).isEqualTo(Mechanism.CLEANED_TO_POU_ONLY);
        assertThat(v.oneLine()).contains("STALE").contains(String.format("pa=0x%x", dataPa)).contains("expected 0x123456789abcdef");
    }
}
