package org.cachevisor.vmm.board;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The {@code virt} board: QEMU's hw/arm/virt.c memory map (base_memmap[] and a15irqmap[]) for the low
 * 4 GiB plus RAM, so images built for QEMU's virt (U-Boot's qemu_arm64, Linux) find their devices where
 * they expect them.
 *
 * <pre>
 *   0x0000_0000  flash0   64 MiB   CFI flash bank 0 (the -bios image)
 *   0x0400_0000  flash1   64 MiB   CFI flash bank 1
 *   0x0800_0000  gic-dist 64 KiB   GIC distributor (GICD)
 *   0x0801_0000  gic-cpu  64 KiB   GICv2 CPU interface (GICC)            (GICv2 only)
 *   0x080A_0000  gic-redist 0xF60000 GICv3 redistributors, 128 KiB each  (GICv3 only)
 *   0x0900_0000  pl011    4 KiB    UART, SPI 1
 *   0x0901_0000  pl031    4 KiB    RTC, SPI 2
 *   0x0902_0000  fw-cfg   0x18     QEMU firmware configuration (absent here)
 *   0x0903_0000  pl061    4 KiB    GPIO, SPI 7 (absent here)
 *   0x0A00_0000  virtio-mmio 32 x 0x200, SPI 16..47 (absent here)
 *   0x0C00_0000  platform-bus 32 MiB, SPIs 112..; we put the test DMA engine at its start, SPI 112
 *   0x1000_0000  pcie-mmio 0x2EFF_0000, 0x3EFF_0000 pcie-pio 64 KiB, 0x3F00_0000 pcie-ecam 16 MiB, SPIs 3..6
 *   0x4000_0000  RAM      ramSize (at most 255 GiB: LEGACY_RAMLIMIT_BYTES)
 * </pre>
 *
 * Instances are immutable; {@link #create} validates the configuration and throws an
 * IllegalArgumentException with a one-line message for an impossible one.
 */
public final class VirtBoard {

    /** Which GIC the board has (QEMU's gic-version=2 or 3). */
    public enum GicVersion { V2, V3 }

    public static final long FLASH_BANK_SIZE = 64L << 20;
    public static final long FLASH0_BASE = 0x0000_0000L;
    public static final long FLASH1_BASE = 0x0400_0000L;
    /** QEMU's VIRT_FLASH_SECTOR_SIZE: the erase-block size of a bank. */
    public static final long FLASH_SECTOR_SIZE = 256L << 10;
    public static final long GIC_DIST_BASE = 0x0800_0000L, GIC_DIST_SIZE = 0x1_0000L;
    public static final long GIC_CPU_BASE = 0x0801_0000L, GIC_CPU_SIZE = 0x1_0000L;
    public static final long GIC_REDIST_BASE = 0x080A_0000L, GIC_REDIST_SIZE = 0x00F6_0000L;
    /** One GICv3 redistributor: RD_base and SGI_base frames, 64 KiB each. */
    public static final long GICV3_REDIST_FRAME_SIZE = 0x2_0000L;
    public static final long UART_BASE = 0x0900_0000L, UART_SIZE = 0x1000L;
    public static final long RTC_BASE = 0x0901_0000L, RTC_SIZE = 0x1000L;
    public static final long FW_CFG_BASE = 0x0902_0000L, FW_CFG_SIZE = 0x18L;
    public static final long GPIO_BASE = 0x0903_0000L, GPIO_SIZE = 0x1000L;
    public static final long VIRTIO_MMIO_BASE = 0x0A00_0000L, VIRTIO_MMIO_SIZE = 0x200L;
    public static final int VIRTIO_MMIO_COUNT = 32;
    public static final long PLATFORM_BUS_BASE = 0x0C00_0000L, PLATFORM_BUS_SIZE = 0x0200_0000L;
    public static final long DMA_BASE = PLATFORM_BUS_BASE, DMA_SIZE = 0x1000L;
    public static final long PCIE_MMIO_BASE = 0x1000_0000L, PCIE_MMIO_SIZE = 0x2EFF_0000L;
    public static final long PCIE_PIO_BASE = 0x3EFF_0000L, PCIE_PIO_SIZE = 0x1_0000L;
    public static final long PCIE_ECAM_BASE = 0x3F00_0000L, PCIE_ECAM_SIZE = 0x0100_0000L;
    public static final long RAM_BASE = 0x4000_0000L;
    /** QEMU's LEGACY_RAMLIMIT_BYTES: RAM ends at 256 GiB at most. */
    public static final long RAM_LIMIT = 255L << 30;

    /** SPI numbers (a15irqmap[]); the GIC INTID is 32 + SPI. */
    public static final int UART_SPI = 1, RTC_SPI = 2, PCIE_SPI = 3, GPIO_SPI = 7, VIRTIO_MMIO_SPI = 16, DMA_SPI = 112;

    /**
     * Generic Timer PPIs as QEMU's virt describes them (ARCH_TIMER_*_IRQ): secure physical 13,
     * non-secure physical 14, virtual 11, hypervisor (NS EL2 physical) 10. INTID = 16 + PPI.
     */
    public static final int TIMER_PPI_SEC_PHYS = 13, TIMER_PPI_NS_PHYS = 14, TIMER_PPI_VIRT = 11, TIMER_PPI_HYP = 10;

    /** GICv2 supports at most 8 CPU interfaces (GIC_NCPU). */
    public static final int GICV2_MAX_VCPUS = 8;
    /** The low redistributor window holds 0xF60000 / 0x20000 = 123 redistributors. */
    public static final int GICV3_MAX_VCPUS = (int) (GIC_REDIST_SIZE / GICV3_REDIST_FRAME_SIZE);

    private final long ramSize;
    private final int vcpus;
    private final GicVersion gicVersion;
    private final List<Region> regions;

    private VirtBoard(long ramSize, int vcpus, GicVersion gicVersion) {
        this.ramSize = ramSize;
        this.vcpus = vcpus;
        this.gicVersion = gicVersion;
        List<Region> r = new ArrayList<>();
        r.add(Region.of("flash0", Region.Kind.FLASH, FLASH0_BASE, FLASH_BANK_SIZE));
        r.add(Region.of("flash1", Region.Kind.FLASH, FLASH1_BASE, FLASH_BANK_SIZE));
        r.add(Region.of("gic-dist", Region.Kind.MMIO, GIC_DIST_BASE, GIC_DIST_SIZE));
        if (gicVersion == GicVersion.V2) r.add(Region.of("gic-cpu", Region.Kind.MMIO, GIC_CPU_BASE, GIC_CPU_SIZE));
        else r.add(Region.of("gic-redist", Region.Kind.MMIO, GIC_REDIST_BASE, GIC_REDIST_SIZE));
        r.add(new Region("pl011", Region.Kind.MMIO, UART_BASE, UART_SIZE, UART_SPI, 1));
        r.add(new Region("pl031", Region.Kind.MMIO, RTC_BASE, RTC_SIZE, RTC_SPI, 1));
        r.add(Region.of("fw-cfg", Region.Kind.MMIO, FW_CFG_BASE, FW_CFG_SIZE));
        r.add(new Region("pl061", Region.Kind.MMIO, GPIO_BASE, GPIO_SIZE, GPIO_SPI, 1));
        for (int i = 0; i < VIRTIO_MMIO_COUNT; i++) {
            r.add(new Region("virtio-mmio" + i, Region.Kind.MMIO, VIRTIO_MMIO_BASE + i * VIRTIO_MMIO_SIZE, VIRTIO_MMIO_SIZE, VIRTIO_MMIO_SPI + i, 1));
        }
        r.add(new Region("dma", Region.Kind.MMIO, DMA_BASE, DMA_SIZE, DMA_SPI, 1));
        r.add(Region.of("pcie-mmio", Region.Kind.RESERVED, PCIE_MMIO_BASE, PCIE_MMIO_SIZE));
        r.add(Region.of("pcie-pio", Region.Kind.RESERVED, PCIE_PIO_BASE, PCIE_PIO_SIZE));
        r.add(new Region("pcie-ecam", Region.Kind.RESERVED, PCIE_ECAM_BASE, PCIE_ECAM_SIZE, PCIE_SPI, 4));
        r.add(Region.of("ram", Region.Kind.RAM, RAM_BASE, ramSize));
        this.regions = Collections.unmodifiableList(r);
    }

    /**
     * A virt board with {@code ramSize} bytes of RAM at 0x4000_0000 and {@code vcpus} vCPUs.
     *
     * @throws IllegalArgumentException if the RAM size is not positive, not a multiple of 4 KiB (the
     *         stage-2 granule) or larger than 255 GiB, or if the vCPU count is below 1 or above what the
     *         GIC can address (8 for GICv2, 123 for GICv3)
     */
    public static VirtBoard create(long ramSize, int vcpus, GicVersion gicVersion) {
        if (gicVersion == null) throw new IllegalArgumentException("virt: no GIC version given");
        if (ramSize <= 0) throw new IllegalArgumentException("virt: RAM size " + ramSize + " is not positive");
        if ((ramSize & 0xFFF) != 0) {
            throw new IllegalArgumentException(String.format("virt: RAM size 0x%x is not a multiple of 4 KiB", ramSize));
        }
        if (ramSize > RAM_LIMIT) {
            throw new IllegalArgumentException(String.format(
                    "virt: RAM size %d MiB does not fit: RAM starts at 0x%x and the board allows at most %d MiB", ramSize >> 20, RAM_BASE, RAM_LIMIT >> 20));
        }
        int max = gicVersion == GicVersion.V2 ? GICV2_MAX_VCPUS : GICV3_MAX_VCPUS;
        if (vcpus < 1 || vcpus > max) {
            throw new IllegalArgumentException("virt: " + vcpus + " vCPUs is outside 1.." + max + " (the most a GIC" + (gicVersion == GicVersion.V2 ? "v2" : "v3") + " supports here)");
        }
        return new VirtBoard(ramSize, vcpus, gicVersion);
    }

    /** A GICv2 board (QEMU's default gic-version for TCG). */
    public static VirtBoard create(long ramSize, int vcpus) {
        return create(ramSize, vcpus, GicVersion.V2);
    }

    /**
     * The MPIDR_EL1 affinity fields (Aff1 in bits 15:8, Aff0 in bits 7:0) of vCPU {@code index}, as QEMU's
     * virt assigns them: clusters of 8 CPUs for GICv2 (its 8-bit target lists), 16 for GICv3 (its 16-bit
     * target lists). This is also the "reg" of the CPU's FDT node.
     */
    public long mpidrAffinity(int index) {
        if (index < 0 || index >= vcpus) throw new IllegalArgumentException("virt: vCPU index " + index + " outside 0.." + (vcpus - 1));
        int cluster = gicVersion == GicVersion.V2 ? 8 : 16;
        return (long) (index / cluster) << 8 | index % cluster;
    }

    public long ramSize() { return ramSize; }

    public long ramBase() { return RAM_BASE; }

    /** The first IPA past RAM. */
    public long ramEnd() { return RAM_BASE + ramSize; }

    public int vcpus() { return vcpus; }

    public GicVersion gicVersion() { return gicVersion; }

    /** Every window of the map, by ascending base. */
    public List<Region> regions() { return regions; }

    /** The region named {@code name}; IllegalArgumentException if the board has none. */
    public Region region(String name) {
        for (Region r : regions) if (r.name().equals(name)) return r;
        throw new IllegalArgumentException("virt: no region named " + name);
    }

    /** The region containing {@code ipa}, or null if the IPA is in a hole of the map. */
    public Region regionAt(long ipa) {
        for (Region r : regions) if (r.contains(ipa)) return r;
        return null;
    }

    /** True if {@code [ipa, ipa + len)} lies inside RAM. */
    public boolean inRam(long ipa, long len) {
        return len >= 0 && Long.compareUnsigned(ipa, RAM_BASE) >= 0 && Long.compareUnsigned(ipa - RAM_BASE, ramSize) <= 0
                && Long.compareUnsigned(len, ramSize - (ipa - RAM_BASE)) <= 0;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(String.format("virt: %d vCPUs, GIC%s, RAM %d MiB%n", vcpus, gicVersion == GicVersion.V2 ? "v2" : "v3", ramSize >> 20));
        for (Region r : regions) sb.append("  ").append(r).append('\n');
        return sb.toString();
    }
}
