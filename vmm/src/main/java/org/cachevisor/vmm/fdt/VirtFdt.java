package org.cachevisor.vmm.fdt;

import java.util.List;
import org.cachevisor.vmm.board.Region;
import org.cachevisor.vmm.board.VirtBoard;

/**
 * Builds the device tree that describes a {@link VirtBoard} to its guest, following what QEMU's
 * hw/arm/virt.c writes (so that U-Boot's qemu_arm64 and Linux find the same nodes) and the Linux
 * bindings (Documentation/devicetree/bindings: arm/cpus, arm/psci, timer/arm,arch_timer,
 * interrupt-controller/arm,gic(-v3), serial/arm,pl011, rtc/arm,pl031, mtd/mtd-physmap). QemuDtbDifferentialTest
 * compares it with the blob QEMU itself writes ({@code -M virt,dumpdtb=...}).
 *
 * <p>Nodes: / (compatible "linux,dummy-virt", #address-cells = #size-cells = 2, interrupt-parent = the
 * GIC), /memory@40000000, /cpus with cpu@N (device_type "cpu", compatible "arm,cortex-a57", reg = the
 * MPIDR affinity, enable-method "psci"), /psci (PSCI 1.0 via HVC, with the v0.1 function IDs QEMU also
 * lists), /timer (arm,armv8-timer: secure, non-secure, virtual, hypervisor PPIs, level-high), the GIC
 * (intc@8000000: arm,cortex-a15-gic for GICv2, arm,gic-v3 for GICv3), /apb-pclk (fixed-clock, 24 MHz),
 * pl011@9000000, pl031@9010000, flash@0 (cfi-flash, two 64 MiB banks, bank-width 4), dma@c000000 (the test
 * DMA engine, "cachevisor,dma-test") and /chosen (stdout-path, bootargs, linux,initrd-start/-end).
 * Devices this model only answers as absent (fw_cfg, GPIO, virtio-mmio, PCIe) are not listed, so guests
 * do not probe them.
 *
 * <p>Simplification: QEMU also writes random kaslr-seed and rng-seed properties into /chosen; we write
 * none, so the blob (and the run) is deterministic. Linux then boots without KASLR randomisation and
 * seeds its RNG otherwise, which changes no memory-ordering or cache behaviour the oracle checks.
 */
public final class VirtFdt {
    /** Phandles as QEMU allocates them for the clock and the GIC. */
    public static final int CLOCK_PHANDLE = 0x8000, GIC_PHANDLE = 0x8001;
    /** GIC interrupt specifier cell 0: 0 = SPI, 1 = PPI; cell 2 flags: 4 = level high. */
    static final int GIC_SPI = 0, GIC_PPI = 1, IRQ_TYPE_LEVEL_HIGH = 4;
    /** PSCI v0.1 function IDs QEMU lists for the legacy "arm,psci" binding (SMC32/SMC64 Calling Convention IDs). */
    public static final int PSCI_CPU_SUSPEND = 0xC400_0001, PSCI_CPU_OFF = 0x8400_0002, PSCI_CPU_ON = 0xC400_0003, PSCI_MIGRATE = 0xC400_0005;

    /**
     * What /chosen says.
     *
     * @param bootargs the kernel command line, or null for none
     * @param initrdStartIpa the first IPA of the initrd, or 0 with {@code initrdEndIpa} 0 for none
     * @param initrdEndIpa the first IPA past the initrd
     */
    public record Chosen(String bootargs, long initrdStartIpa, long initrdEndIpa) {
        public static final Chosen NONE = new Chosen(null, 0, 0);

        public Chosen {
            if (Long.compareUnsigned(initrdEndIpa, initrdStartIpa) < 0) {
                throw new IllegalArgumentException(String.format("chosen: initrd end 0x%x is below its start 0x%x", initrdEndIpa, initrdStartIpa));
            }
        }

        boolean hasInitrd() { return initrdEndIpa != initrdStartIpa; }
    }

    private VirtFdt() {}

    /** The DTB for {@code board} with {@code chosen}. */
    public static byte[] build(VirtBoard board, Chosen chosen) {
        return FdtWriter.write(tree(board, chosen), List.of(), (int) board.mpidrAffinity(0));
    }

    /** The device tree for {@code board} with {@code chosen}, before flattening. */
    public static FdtNode tree(VirtBoard board, Chosen chosen) {
        boolean v2 = board.gicVersion() == VirtBoard.GicVersion.V2;
        FdtNode root = FdtNode.root();
        root.propU32("interrupt-parent", GIC_PHANDLE);
        root.propU32("#size-cells", 2);
        root.propU32("#address-cells", 2);
        root.propString("compatible", "linux,dummy-virt");
        root.propString("model", "linux,dummy-virt"); // as QEMU; U-Boot prints it as "Model:"

        FdtNode psci = root.addChild("psci");
        psci.propU32("migrate", PSCI_MIGRATE);
        psci.propU32("cpu_on", PSCI_CPU_ON);
        psci.propU32("cpu_off", PSCI_CPU_OFF);
        psci.propU32("cpu_suspend", PSCI_CPU_SUSPEND);
        psci.propString("method", "hvc");
        psci.propStrings("compatible", "arm,psci-1.0", "arm,psci-0.2", "arm,psci");

        FdtNode memory = root.addChild(String.format("memory@%x", board.ramBase()));
        memory.propCells("reg", hi(board.ramBase()), lo(board.ramBase()), hi(board.ramSize()), lo(board.ramSize()));
        memory.propString("device_type", "memory");

        FdtNode flash = root.addChild(String.format("flash@%x", VirtBoard.FLASH0_BASE));
        flash.propU32("bank-width", 4);
        flash.propCells("reg", hi(VirtBoard.FLASH0_BASE), lo(VirtBoard.FLASH0_BASE), hi(VirtBoard.FLASH_BANK_SIZE), lo(VirtBoard.FLASH_BANK_SIZE),
                hi(VirtBoard.FLASH1_BASE), lo(VirtBoard.FLASH1_BASE), hi(VirtBoard.FLASH_BANK_SIZE), lo(VirtBoard.FLASH_BANK_SIZE));
        flash.propString("compatible", "cfi-flash");

        FdtNode clock = root.addChild("apb-pclk");
        clock.propU32("phandle", CLOCK_PHANDLE);
        clock.propString("clock-output-names", "clk24mhz");
        clock.propU32("clock-frequency", 24_000_000);
        clock.propU32("#clock-cells", 0);
        clock.propString("compatible", "fixed-clock");

        FdtNode gic = root.addChild(String.format("intc@%x", VirtBoard.GIC_DIST_BASE));
        gic.propU32("phandle", GIC_PHANDLE);
        if (v2) {
            gic.propCells("reg", hi(VirtBoard.GIC_DIST_BASE), lo(VirtBoard.GIC_DIST_BASE), hi(VirtBoard.GIC_DIST_SIZE), lo(VirtBoard.GIC_DIST_SIZE),
                    hi(VirtBoard.GIC_CPU_BASE), lo(VirtBoard.GIC_CPU_BASE), hi(VirtBoard.GIC_CPU_SIZE), lo(VirtBoard.GIC_CPU_SIZE));
            gic.propString("compatible", "arm,cortex-a15-gic");
        } else {
            /* As QEMU: the whole redistributor window (GICR_TYPER.Last marks the final frame); no
             * maintenance interrupt, which QEMU lists only when the guest has EL2 (ours does not). */
            gic.propCells("reg", hi(VirtBoard.GIC_DIST_BASE), lo(VirtBoard.GIC_DIST_BASE), hi(VirtBoard.GIC_DIST_SIZE), lo(VirtBoard.GIC_DIST_SIZE),
                    hi(VirtBoard.GIC_REDIST_BASE), lo(VirtBoard.GIC_REDIST_BASE), hi(VirtBoard.GIC_REDIST_SIZE), lo(VirtBoard.GIC_REDIST_SIZE));
            gic.propU32("#redistributor-regions", 1);
            gic.propString("compatible", "arm,gic-v3");
        }
        /* As QEMU: an empty "ranges" and two-cell addressing for (future) GICv2m/ITS child frames; an
         * interrupt provider must also say #address-cells (for interrupt-map parents). */
        gic.propEmpty("ranges");
        gic.propU32("#size-cells", 2);
        gic.propU32("#address-cells", 2);
        gic.propEmpty("interrupt-controller");
        gic.propU32("#interrupt-cells", 3);

        FdtNode uart = root.addChild(String.format("pl011@%x", VirtBoard.UART_BASE));
        uart.propStrings("clock-names", "uartclk", "apb_pclk");
        uart.propCells("clocks", CLOCK_PHANDLE, CLOCK_PHANDLE);
        uart.propCells("interrupts", GIC_SPI, VirtBoard.UART_SPI, IRQ_TYPE_LEVEL_HIGH);
        uart.propCells("reg", hi(VirtBoard.UART_BASE), lo(VirtBoard.UART_BASE), hi(VirtBoard.UART_SIZE), lo(VirtBoard.UART_SIZE));
        uart.propStrings("compatible", "arm,pl011", "arm,primecell");

        FdtNode rtc = root.addChild(String.format("pl031@%x", VirtBoard.RTC_BASE));
        rtc.propString("clock-names", "apb_pclk");
        rtc.propU32("clocks", CLOCK_PHANDLE);
        rtc.propCells("interrupts", GIC_SPI, VirtBoard.RTC_SPI, IRQ_TYPE_LEVEL_HIGH);
        rtc.propCells("reg", hi(VirtBoard.RTC_BASE), lo(VirtBoard.RTC_BASE), hi(VirtBoard.RTC_SIZE), lo(VirtBoard.RTC_SIZE));
        rtc.propStrings("compatible", "arm,pl031", "arm,primecell");

        Region dmaRegion = board.region("dma");
        FdtNode dma = root.addChild(String.format("dma@%x", dmaRegion.base()));
        dma.propCells("interrupts", GIC_SPI, dmaRegion.spi(), IRQ_TYPE_LEVEL_HIGH);
        dma.propCells("reg", hi(dmaRegion.base()), lo(dmaRegion.base()), hi(dmaRegion.size()), lo(dmaRegion.size()));
        dma.propString("compatible", "cachevisor,dma-test");

        FdtNode cpus = root.addChild("cpus");
        cpus.propU32("#size-cells", 0);
        cpus.propU32("#address-cells", 1);
        for (int i = 0; i < board.vcpus(); i++) {
            long affinity = board.mpidrAffinity(i);
            FdtNode cpu = cpus.addChild(String.format("cpu@%x", affinity));
            cpu.propString("enable-method", "psci");
            cpu.propU32("reg", (int) affinity);
            cpu.propString("compatible", "arm,cortex-a57");
            cpu.propString("device_type", "cpu");
        }

        /* Generic Timer PPIs; for GICv2 the flags carry the CPU mask in bits 15:8 (the binding's
         * "PPI interrupts cpu mask"), for GICv3 they do not. */
        int flags = IRQ_TYPE_LEVEL_HIGH | (v2 ? ((1 << board.vcpus()) - 1) << 8 : 0);
        FdtNode timer = root.addChild("timer");
        timer.propCells("interrupts", GIC_PPI, VirtBoard.TIMER_PPI_SEC_PHYS, flags, GIC_PPI, VirtBoard.TIMER_PPI_NS_PHYS, flags,
                GIC_PPI, VirtBoard.TIMER_PPI_VIRT, flags, GIC_PPI, VirtBoard.TIMER_PPI_HYP, flags);
        timer.propEmpty("always-on");
        timer.propStrings("compatible", "arm,armv8-timer", "arm,armv7-timer");

        FdtNode ch = root.addChild("chosen");
        ch.propString("stdout-path", "/" + uart.name());
        if (chosen.bootargs() != null) ch.propString("bootargs", chosen.bootargs());
        if (chosen.hasInitrd()) {
            ch.propU64("linux,initrd-start", chosen.initrdStartIpa());
            ch.propU64("linux,initrd-end", chosen.initrdEndIpa());
        }
        return root;
    }

    private static int hi(long v) { return (int) (v >>> 32); }

    private static int lo(long v) { return (int) v; }
}
