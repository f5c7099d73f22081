package org.cachevisor.vmm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.cachevisor.vmm.board.VirtBoard;
import org.cachevisor.vmm.devices.DmaEngine;
import org.junit.jupiter.api.Test;

class VirtDevicesTest {
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final Map<Integer, Boolean> spiLevels = new HashMap<>();
    private final byte[] ram = new byte[1 << 16];

    private final GuestMemoryPort memory = new GuestMemoryPort() {
        @Override public boolean contains(long ipa, long len) {
            return ipa >= VirtBoard.RAM_BASE && len >= 0 && ipa - VirtBoard.RAM_BASE + len <= ram.length;
        }
        @Override public void read(long ipa, byte[] dst, int off, int len) { System.arraycopy(ram, (int) (ipa - VirtBoard.RAM_BASE), dst, off, len); }
        @Override public void write(long ipa, byte[] src, int off, int len) { System.arraycopy(src, off, ram, (int) (ipa - VirtBoard.RAM_BASE), len); }
    };

    private VirtDevices devices(byte[] flash0) {
        VirtBoard board = VirtBoard.create(64L << 20, 1);
        return VirtDevices.create(board, new VirtDevices.Wiring(console::write, () -> 0, memory,
                spi -> level -> spiLevels.put(spi, level), flash0, null, 0));
    }

    private static long read(MmioBus bus, long ipa, int size) {
        MmioBus.Result r = new MmioBus.Result();
        bus.read(ipa, size, r);
        assertThat(r.status).as("read 0x%x", ipa).isEqualTo(MmioBus.Status.OK);
        return r.value;
    }

    private static void write(MmioBus bus, long ipa, int size, long value) {
        MmioBus.Result r = new MmioBus.Result();
        bus.write(ipa, size, value, r);
        assertThat(r.status).as("write 0x%x", ipa).isEqualTo(MmioBus.Status.OK);
    }

    @Test
    void bus_virtAddresses_reachTheRightDevices() {
        VirtDevices d = devices(new byte[] {0x78, 0x56, 0x34, 0x12});
        MmioBus bus = d.bus();
        assertThat(read(bus, 0x0000_0000L, 4)).isEqualTo(0x1234_5678L);      // flash0 contents
        assertThat(read(bus, 0x0400_0000L, 4)).isZero();                     // flash1: no drive, zeros (QEMU)
        write(bus, 0x0400_0154L, 4, 0x98);                                     // flash1: CFI query ...
        assertThat(read(bus, 0x0400_0040L, 4)).isEqualTo(0x0051_0051L);      // ... "Q" from both chips
        write(bus, 0x0400_0000L, 4, 0xFF);                                     // read array again
        assertThat(read(bus, 0x0900_0FE0L, 4)).isEqualTo(0x11);              // PL011 PeriphID0
        assertThat(read(bus, 0x0901_0FE0L, 4)).isEqualTo(0x31);              // PL031 PeriphID0
        assertThat(read(bus, 0x0A00_0000L, 4)).isZero();                     // virtio-mmio MagicValue: absent
        assertThat(read(bus, 0x0A00_3E00L, 4)).isZero();                     // the 32nd transport
        assertThat(read(bus, 0x0902_0000L, 8)).isZero();                     // fw_cfg data: absent
        assertThat(read(bus, 0x0C00_0030L, 4)).isEqualTo(DmaEngine.ID_VALUE & 0xFFFF_FFFFL);
        write(bus, 0x0900_0000L, 4, 'k');
        assertThat(console.toString()).isEqualTo("k");
        MmioBus.Result r = new MmioBus.Result();
        bus.read(0x0800_0000L, 4, r);  // GIC: the hypervisor's, not on the VMM bus
        assertThat(r.status).isEqualTo(MmioBus.Status.UNMAPPED);
        bus.read(0x0905_0000L, 4, r);  // SMMU hole
        assertThat(r.status).isEqualTo(MmioBus.Status.UNMAPPED);
        bus.read(VirtBoard.RAM_BASE, 4, r);
        assertThat(r.status).isEqualTo(MmioBus.Status.UNMAPPED);
    }

    @Test
    void interrupts_uartAndDma_driveTheirSpis() {
        VirtDevices d = devices(null);
        write(d.bus(), 0x0900_0038L, 4, 1 << 4);        // PL011 IMSC.RXIM
        d.uart().feed("x");
        assertThat(spiLevels).containsEntry(1, true);
        ram[0] = 42;
        write(d.bus(), 0x0C00_001CL, 4, DmaEngine.CTRL_IE);
        write(d.bus(), 0x0C00_0000L, 8, VirtBoard.RAM_BASE);
        write(d.bus(), 0x0C00_0008L, 8, VirtBoard.RAM_BASE + 0x100);
        write(d.bus(), 0x0C00_0010L, 8, 1);
        write(d.bus(), 0x0C00_0018L, 4, 1);
        assertThat(ram[0x100]).isEqualTo((byte) 42);
        assertThat(spiLevels).containsEntry(112, true);
    }

    @Test
    void flash0_realUbootBinary_readsBackThroughTheBus() throws Exception {
        Path uboot = Path.of("/usr/lib/u-boot/qemu_arm64/u-boot.bin");
        if (!Files.isReadable(uboot)) {
            System.err.println("SKIPPED (no u-boot-qemu package): " + uboot);
            return;
        }
        byte[] bin = Files.readAllBytes(uboot);
        VirtDevices d = devices(bin);
        for (int off = 0; off + 8 <= Math.min(bin.length, 4096); off += 8) {
            long expected = 0;
            for (int i = 7; i >= 0; i--) expected = expected << 8 | (bin[off + i] & 0xFF);
            assertThat(read(d.bus(), off, 8)).as("offset %d", off).isEqualTo(expected);
        }
    }

    @Test
    void create_flashImageTooLarge_refused() {
        assertThatThrownBy(() -> devices(new byte[(64 << 20) + 1])).hasMessageContaining("does not fit");
    }
}
