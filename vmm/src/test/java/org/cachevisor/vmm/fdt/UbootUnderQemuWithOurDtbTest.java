package org.cachevisor.vmm.fdt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.cachevisor.vmm.board.VirtBoard;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * End-to-end check of our device tree with real firmware: Debian's U-Boot for qemu_arm64 runs under
 * {@code qemu-system-aarch64 -M virt -bios u-boot.bin -dtb OUR.dtb} and must reach its prompt with the
 * RAM, flash and console our tree describes; QEMU's trace shows it never touches the devices we leave out
 * of the tree (virtio-mmio, PCIe ECAM, fw_cfg), which is why {@code AbsentDevice} answers suffice for
 * them. Skipped, with a message, without QEMU or the u-boot-qemu package.
 */
class UbootUnderQemuWithOurDtbTest {
    static final Path UBOOT = Path.of("/usr/lib/u-boot/qemu_arm64/u-boot.bin");

    @Test
    void uboot_bootsToPromptWithOurDtb_andProbesOnlyDescribedDevices() throws Exception {
        String qemu = null;
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(d, "qemu-system-aarch64").canExecute()) qemu = new File(d, "qemu-system-aarch64").getPath();
        }
        if (qemu == null || !Files.isReadable(UBOOT)) {
            System.err.println("SKIPPED: needs qemu-system-aarch64 and " + UBOOT + " (package u-boot-qemu)");
            Assumptions.assumeTrue(false, "qemu-system-aarch64 or u-boot-qemu missing");
        }
        Path dtb = Files.createTempFile("cachevisor-virt", ".dtb");
        try {
            Files.write(dtb, VirtFdt.build(VirtBoard.create(512L << 20, 1), VirtFdt.Chosen.NONE));
            Process p = new ProcessBuilder(qemu, "-M", "virt", "-cpu", "cortex-a57", "-m", "512", "-nographic", "-nodefaults",
                    "-serial", "stdio", "-bios", UBOOT.toString(), "-dtb", dtb.toString(),
                    "-trace", "virtio_mmio_read", "-trace", "pci_cfg_read", "-trace", "fw_cfg_read", "-trace", "pflash_device_id")
                    .redirectErrorStream(true).start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread pump = new Thread(() -> {
                try (InputStream in = p.getInputStream()) { in.transferTo(out); } catch (IOException e) { /* killed */ }
            });
            pump.setDaemon(true);
            pump.start();
            String text = "";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (System.nanoTime() < deadline) {
                synchronized (out) { text = out.toString(StandardCharsets.ISO_8859_1); }
                int autoboot = text.indexOf("Hit any key to stop autoboot");
                if (autoboot >= 0 && text.indexOf("=> ", autoboot) >= 0) break;
                if (!p.isAlive()) break;
                Thread.sleep(100);
            }
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
            String all = text.replace("\r", "");
            // QEMU's trace lines (on stderr, merged) may land in the middle of a console line: take them out.
            String console = all.replaceAll("(\\d+@[0-9.]+:)?(virtio_mmio_read|pci_cfg_read|fw_cfg_read|pflash_device_id) [^\n]*\n", "");
            assertThat(console).as(all).contains("U-Boot").contains("DRAM:  512 MiB").contains("Flash: 64 MiB")
                    .contains("In:    pl011@9000000").contains("Out:   pl011@9000000")
                    .contains("QEMU fw_cfg interface not found");
            int autoboot = console.indexOf("Hit any key to stop autoboot");
            assertThat(autoboot).isNotNegative();
            assertThat(console.indexOf("=> ", autoboot)).as("prompt after autoboot").isPositive();
            assertThat(all).as("CFI probe traced").contains("pflash_device_id");
            assertThat(all).as("devices absent from our tree are not probed")
                    .doesNotContain("virtio_mmio_read").doesNotContain("pci_cfg_read").doesNotContain("fw_cfg_read");
        } finally {
            Files.deleteIfExists(dtb);
        }
    }
}
