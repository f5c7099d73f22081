package org.cachevisor.vmm.board;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VirtBoardTest {

    @Test
    void create_defaultMap_matchesQemuVirtBaseMemmap() {
        VirtBoard b = VirtBoard.create(512L << 20, 2);
        // Values written out from QEMU hw/arm/virt.c base_memmap[] and a15irqmap[].
        assertRegion(b, "flash0", 0x0, 0x0400_0000L, -1);
        assertRegion(b, "flash1", 0x0400_0000L, 0x0400_0000L, -1);
        assertRegion(b, "gic-dist", 0x0800_0000L, 0x1_0000L, -1);
        assertRegion(b, "gic-cpu", 0x0801_0000L, 0x1_0000L, -1);
        assertRegion(b, "pl011", 0x0900_0000L, 0x1000, 1);
        assertRegion(b, "pl031", 0x0901_0000L, 0x1000, 2);
        assertRegion(b, "fw-cfg", 0x0902_0000L, 0x18, -1);
        assertRegion(b, "pl061", 0x0903_0000L, 0x1000, 7);
        assertRegion(b, "virtio-mmio0", 0x0A00_0000L, 0x200, 16);
        assertRegion(b, "virtio-mmio31", 0x0A00_0000L + 31 * 0x200, 0x200, 47);
        assertRegion(b, "pcie-mmio", 0x1000_0000L, 0x2EFF_0000L, -1);
        assertRegion(b, "pcie-pio", 0x3EFF_0000L, 0x1_0000L, -1);
        assertRegion(b, "pcie-ecam", 0x3F00_0000L, 0x0100_0000L, 3);
        assertRegion(b, "ram", 0x4000_0000L, 512L << 20, -1);
        assertThat(b.region("pcie-ecam").spiCount()).isEqualTo(4);
        assertThat(b.region("flash0").kind()).isEqualTo(Region.Kind.FLASH);
        assertThat(b.region("ram").kind()).isEqualTo(Region.Kind.RAM);
        assertThat(b.ramEnd()).isEqualTo(0x6000_0000L);
    }

    @Test
    void regions_anyBoard_sortedAndDisjoint() {
        for (VirtBoard b : new VirtBoard[] {VirtBoard.create(1L << 30, 8), VirtBoard.create(4096, 123, VirtBoard.GicVersion.V3)}) {
            Region prev = null;
            for (Region r : b.regions()) {
                if (prev != null) assertThat(r.base()).as(r.name() + " after " + prev.name()).isGreaterThanOrEqualTo(prev.end());
                prev = r;
            }
        }
    }

    @Test
    void create_gicV3_hasRedistributorInsteadOfCpuInterface() {
        VirtBoard b = VirtBoard.create(1L << 30, 4, VirtBoard.GicVersion.V3);
        assertRegion(b, "gic-redist", 0x080A_0000L, 0x00F6_0000L, -1);
        assertThat(b.regions()).noneMatch(r -> r.name().equals("gic-cpu"));
    }

    @Test
    void create_ramTooLarge_oneLineErrorNamingTheLimit() {
        assertThatThrownBy(() -> VirtBoard.create(256L << 30, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("262144 MiB does not fit")
                .hasMessageContaining("261120 MiB")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(VirtBoard.create(255L << 30, 1).ramEnd()).isEqualTo(256L << 30);
    }

    @Test
    void create_ramZeroNegativeOrUnaligned_refused() {
        assertThatThrownBy(() -> VirtBoard.create(0, 1)).hasMessageContaining("not positive");
        assertThatThrownBy(() -> VirtBoard.create(-4096, 1)).hasMessageContaining("not positive");
        assertThatThrownBy(() -> VirtBoard.create((1L << 20) + 1, 1)).hasMessageContaining("multiple of 4 KiB");
    }

    @Test
    void create_vcpuCountOutsideGicLimits_refused() {
        assertThatThrownBy(() -> VirtBoard.create(1L << 30, 0)).hasMessageContaining("0 vCPUs is outside 1..8");
        assertThatThrownBy(() -> VirtBoard.create(1L << 30, 9)).hasMessageContaining("9 vCPUs is outside 1..8");
        assertThatThrownBy(() -> VirtBoard.create(1L << 30, 124, VirtBoard.GicVersion.V3)).hasMessageContaining("outside 1..123");
        assertThat(VirtBoard.create(1L << 30, 123, VirtBoard.GicVersion.V3).vcpus()).isEqualTo(123);
    }

    @Test
    void mpidrAffinity_clustersOf8ForGicV2And16ForGicV3() {
        VirtBoard v2 = VirtBoard.create(1L << 30, 8);
        assertThat(v2.mpidrAffinity(7)).isEqualTo(7);
        VirtBoard v3 = VirtBoard.create(1L << 30, 40, VirtBoard.GicVersion.V3);
        assertThat(v3.mpidrAffinity(15)).isEqualTo(15);
        assertThat(v3.mpidrAffinity(16)).isEqualTo(0x100);
        assertThat(v3.mpidrAffinity(39)).isEqualTo(0x207);
        assertThatThrownBy(() -> v3.mpidrAffinity(40)).hasMessageContaining("outside 0..39");
    }

    @Test
    void regionAtAndInRam_boundaries() {
        VirtBoard b = VirtBoard.create(1L << 20, 1);
        assertThat(b.regionAt(0x0900_0fff).name()).isEqualTo("pl011");
        assertThat(b.regionAt(0x0900_1000)).isNull();
        assertThat(b.regionAt(0x3fff_ffff).name()).isEqualTo("pcie-ecam");
        assertThat(b.inRam(0x4000_0000L, 1L << 20)).isTrue();
        assertThat(b.inRam(0x4000_0000L, (1L << 20) + 1)).isFalse();
        assertThat(b.inRam(0x4010_0000L, 0)).isTrue();
        assertThat(b.inRam(0x3fff_ffffL, 2)).isFalse();
        assertThat(b.inRam(0x400f_ffffL, -1)).isFalse();
        assertThatThrownBy(() -> b.region("nope")).hasMessageContaining("no region named nope");
    }

    private static void assertRegion(VirtBoard b, String name, long base, long size, int spi) {
        Region r = b.region(name);
        assertThat(r.base()).as(name + " base").isEqualTo(base);
        assertThat(r.size()).as(name + " size").isEqualTo(size);
        assertThat(r.spi()).as(name + " SPI").isEqualTo(spi);
    }
}
