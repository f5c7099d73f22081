package org.cachevisor.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cachevisor.isa.text.Program;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The guests are correct bare-metal programs: under QEMU system emulation ({@code -M virt -cpu
 * cortex-a57}, no hypervisor, a platform with no cache-coherency trouble) each prints exactly the
 * lines written below (derived by hand from the scenario definitions and the values in the sources)
 * and leaves QEMU through PSCI SYSTEM_OFF. The image is booted with {@code -kernel} (the guests carry
 * a Linux arm64 Image header with text_offset 0x80000, so QEMU places it at 0x4008_0000 and its DTB
 * at 0x4800_0000; {@code -device loader} at 0x4008_0000 is refused because QEMU then puts a 1 MiB DTB
 * at 0x4000_0000). Host actions that QEMU cannot perform at a checkpoint are replaced as each test says;
 * S4 needs the test DMA engine QEMU lacks, so only the part before the first DMA register access runs.
 */
class GuestQemuTest {
    static final String QEMU = "qemu-system-aarch64";

    @BeforeEach
    void requireQemu() {
        ExternalTools.require(QEMU, "qemu-system-arm");
    }

    private static String ok(String prefix, String what, String value) {
        return prefix + ": " + what + " read " + value + " expected " + value + " OK";
    }

    private static List<String> lines(ExternalTools.Result r) {
        List<String> out = new ArrayList<>();
        for (String l : r.out().replace("\r", "").split("\n")) if (!l.isEmpty()) out.add(l);
        return out;
    }

    /** Boots {@code image} under QEMU with {@code smp} CPUs and extra options; at most 60 s. */
    private static ExternalTools.Result boot(Path dir, String imageName, byte[] image, int smp, List<String> extra) throws Exception {
        Files.write(dir.resolve(imageName), image);
        List<String> cmd = new ArrayList<>(List.of(QEMU, "-M", "virt", "-cpu", "cortex-a57", "-m", "256M", "-nographic",
                "-nodefaults", "-serial", "stdio", "-monitor", "none", "-smp", Integer.toString(smp)));
        cmd.addAll(extra);
        cmd.addAll(List.of("-kernel", imageName));
        return ExternalTools.run(cmd, dir, 60);
    }

    /** Runs guest {@code source} alone and checks its output against {@code expected} and the catalogue. */
    private static void runAndExpect(String source, int smp, List<String> extra, List<String> expected, Path dir) throws Exception {
        Program program = GuestPrograms.assemble(source);
        ExternalTools.Result r = boot(dir, "guest.bin", program.image(), smp, extra);
        assertThat(r.timedOut()).as("%s did not power off within 60 s; output:%n%s", source, r.out()).isFalse();
        assertThat(r.exit()).as("QEMU exit status for %s (stderr: %s)", source, r.err()).isZero();
        assertThat(lines(r)).as("output of %s", source).containsExactlyElementsOf(expected);
        assertThat(catalogued(source)).as("Scenarios' expected output for %s", source).containsExactlyElementsOf(expected);
    }

    private static List<String> catalogued(String source) {
        for (Scenario s : Scenarios.all()) for (Scenario.Guest g : s.guests()) if (g.source().equals(source)) return g.expectedOutput();
        throw new AssertionError("no guest " + source + " in Scenarios");
    }

    private static void run(String source, int smp, List<String> expected) throws Exception {
        Path dir = Files.createTempDirectory("scenarios-qemu");
        try {
            runAndExpect(source, smp, List.of(), expected, dir);
        } finally {
            ExternalTools.deleteTree(dir);
        }
    }

    @Test
    void s1ImageLoad_underQemu_readsDataAndRunsSecondCodePage() throws Exception {
        run("s1-image-load.s", 1, List.of(
                ok("S1", "pattern", "0x1122334455667788"),
                ok("S1", "table", "0x5101000000000000"),
                ok("S1", "result of the routine in the second code page", "0x5100c0de00000001"),
                "S1: done"));
    }

    @Test
    void s2EnableShadow_underQemu_cachesOnAndBufferIntact() throws Exception {
        run("s2-enable-shadow.s", 1, List.of(
                ok("S2", "SCTLR_EL1 M, C, I bits after the enable sequence", "0x0000000000001005"),
                ok("S2", "PAR_EL1.ATTR of the buffer after AT S1E1R", "0x00000000000000ff"),
                ok("S2", "buffer with caches on", "0x5202000000000000"),
                "S2: done"));
    }

    @Test
    void s3DirtyEviction_underQemu_bufferIntact() throws Exception {
        run("s3-dirty-eviction.s", 1, List.of(
                ok("S3", "buffer with caches off", "0x5303000000000000"),
                "S3: done"));
    }

    @Test
    void s4DmaCachesOff_underQemu_stopsAtTheFirstDmaRegisterAccess() throws Exception {
        // QEMU's virt board has nothing at 0x0C00_0000: the ID read (offset 0x30) takes a synchronous
        // external abort (ESR_EL1 0x96xxxxxx: EC 0x25, IL 1) after the buffers were filled; the guest's vector reports it.
        Path dir = Files.createTempDirectory("scenarios-qemu");
        try {
            ExternalTools.Result r = boot(dir, "guest.bin", GuestPrograms.assemble("s4-dma-caches-off.s").image(), 1, List.of());
            assertThat(r.timedOut()).as("S4 output:%n%s", r.out()).isFalse();
            List<String> out = lines(r);
            assertThat(out).hasSize(1);
            assertThat(out.get(0)).startsWith("S4: unexpected exception, vector offset 0x0000000000000200 ESR_EL1 0x0000000096")
                    .endsWith("FAR_EL1 0x000000000c000030");
        } finally {
            ExternalTools.deleteTree(dir);
        }
    }

    @Test
    void s5CodeCopy_underQemu_bothCopiedRoutinesRun() throws Exception {
        run("s5-code-copy.s", 1, List.of(
                ok("S5", "result of copied routine A", "0x550500000000aaaa"),
                ok("S5", "result of copied routine B (over A)", "0x550500000000bbbb"),
                "S5: done"));
    }

    @Test
    void s6TwoVcpus_underQemuSmp2_secondVcpuReadsTheData() throws Exception {
        run("s6-two-vcpus.s", 2, List.of(
                ok("S6", "data read by vCPU0 with caches on", "0x5606000000000000"),
                ok("S6", "vCPU1 context id", "0x000000005606c0de"),
                ok("S6", "data read by vCPU1 with caches off", "0x5606000000000000"),
                "S6: done"));
    }

    @Test
    void s7Reboot_twoQemuRunsSharingRam_secondBootSeesTheReloadedCounter() throws Exception {
        // QEMU's own reset reloads the same image, so the test plays the VMM: the first run ends at
        // SYSTEM_RESET (-no-reboot); the second boots the image with s7_boot_counter = 2 over the same
        // file-backed RAM (the marker outside the image survives, as RAM does across a warm reset).
        Path dir = Files.createTempDirectory("scenarios-qemu");
        try {
            Program program = GuestPrograms.assemble("s7-reboot.s");
            List<String> ram = List.of("-no-reboot", "-object", "memory-backend-file,id=ram,size=256M,mem-path=ram.bin,share=on",
                    "-machine", "memory-backend=ram");
            ExternalTools.Result first = boot(dir, "boot1.bin", program.image(), 1, ram);
            assertThat(first.timedOut()).as("first boot output:%n%s", first.out()).isFalse();
            List<String> firstBoot = List.of(
                    ok("S7", "boot counter, first boot, caches off", "0x0000000000000001"),
                    ok("S7", "boot counter, first boot, caches on", "0x0000000000000001"),
                    ok("S7", "pattern, first boot, caches on", "0x5707000000000000"),
                    "S7: PSCI SYSTEM_RESET");
            assertThat(lines(first)).containsExactlyElementsOf(firstBoot);

            byte[] reloaded = program.image().clone();
            int counterOffset = (int) (program.symbol("s7_boot_counter") - GuestPrograms.IMAGE_IPA);
            assertThat(reloaded[counterOffset]).as("s7_boot_counter as assembled").isEqualTo((byte) 1);
            reloaded[counterOffset] = 2;
            ExternalTools.Result second = boot(dir, "boot2.bin", reloaded, 1, ram);
            assertThat(second.timedOut()).as("second boot output:%n%s", second.out()).isFalse();
            List<String> secondBoot = List.of(
                    ok("S7", "boot counter, second boot, caches off", "0x0000000000000002"),
                    ok("S7", "pattern, second boot, caches off", "0x5707000000000000"),
                    "S7: done");
            assertThat(lines(second)).containsExactlyElementsOf(secondBoot);
            List<String> both = new ArrayList<>(firstBoot);
            both.addAll(secondBoot);
            assertThat(catalogued("s7-reboot.s")).containsExactlyElementsOf(both);
        } finally {
            ExternalTools.deleteTree(dir);
        }
    }

    @Test
    void s8SetwayOff_underQemu_dataReadWithDcacheOff() throws Exception {
        run("s8-setway-off.s", 1, List.of(
                ok("S8", "SCTLR_EL1 M, C, I bits after the D-cache is off", "0x0000000000001001"),
                ok("S8", "buffer with the D-cache off", "0x5808000000000000"),
                "S8: done"));
    }

    @Test
    void s9PageRecycle_eachVmAloneUnderQemu_secretChecksAndFreshPageIsZero() throws Exception {
        run("s9-page-recycle-a.s", 1, List.of(
                ok("S9A", "secret written by VM A", "0x5ec2e7a000000000"),
                "S9A: done"));
        run("s9-page-recycle-b.s", 1, List.of(
                ok("S9B", "fresh page read by VM B", "0x0000000000000000"),
                "S9B: done"));
    }

    @Test
    void s10NcSharedBuffer_responsePreloaded_readThroughNonCacheableMapping() throws Exception {
        // The VMM's checkpoint-1 write, done before boot: 16 words at NC_WINDOW_IPA + 0x40, word i =
        // 0x5a1a000000000000 + i * 0x10001 (the guest never writes those lines, so the time does not matter).
        Path dir = Files.createTempDirectory("scenarios-qemu");
        try {
            ByteBuffer response = ByteBuffer.allocate(16 * 8).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < 16; i++) response.putLong(0x5a1a000000000000L + i * 0x10001L);
            Files.write(dir.resolve("response.bin"), response.array());
            runAndExpect("s10-nc-shared-buffer.s", 1, List.of("-device", "loader,file=response.bin,addr=0x40600040"), List.of(
                    ok("S10", "PAR_EL1.ATTR of the shared buffer after AT S1E1R", "0x0000000000000044"),
                    ok("S10", "response read through the Non-cacheable mapping", "0x5a1a000000000000"),
                    "S10: done"), dir);
        } finally {
            ExternalTools.deleteTree(dir);
        }
    }

    @Test
    void s11UnmapSwap_underQemu_bufferIntact() throws Exception {
        run("s11-unmap-swap.s", 1, List.of(
                ok("S11", "buffer after swap-out and swap-in, caches off", "0x5b11000000000000"),
                "S11: done"));
    }

    @Test
    void guest_mismatchingRead_printsMismatch() throws Exception {
        // The checks can fail: S10 without the VMM's response reads QEMU's zeroed RAM and says so.
        Path dir = Files.createTempDirectory("scenarios-qemu");
        try {
            ExternalTools.Result r = boot(dir, "guest.bin", GuestPrograms.assemble("s10-nc-shared-buffer.s").image(), 1, List.of());
            assertThat(lines(r)).contains("S10: response read through the Non-cacheable mapping read 0x0000000000000000 "
                    + "expected 0x5a1a000000000000 MISMATCH");
        } finally {
            ExternalTools.deleteTree(dir);
        }
    }
}
