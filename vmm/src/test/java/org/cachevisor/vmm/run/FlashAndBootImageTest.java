package org.cachevisor.vmm.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.cachevisor.hypervisor.api.MemorySlot;
import org.cachevisor.vmm.board.VirtBoard;
import org.cachevisor.vmm.fdt.FdtWriter;
import org.cachevisor.vmm.loader.LoadPlan;
import org.junit.jupiter.api.Test;

/** -bios in flash bank 0 (ROM slot, CFI commands remapping it), the DTB placement of each image kind, the DMA port. */
class FlashAndBootImageTest {
    static final VirtBoard BOARD = VirtBoard.create(64L << 20, 1);

    /**
     * Firmware at IPA 0: copies its second half to RAM and jumps there (as U-Boot relocates before probing
     * flash), then sends the CFI query command to flash bank 0, prints the "QRY" signature it reads back
     * (query addresses 0x10..0x12, 4 bytes apart on the 32-bit bank), returns the bank to read-array mode and
     * powers off.
     */
    static final String FIRMWARE = """
            ldr x1, =0x09000000
            adr x2, routine
            ldr x3, =0x40100000
            mov x4, #32
            copy:
            ldr w5, [x2], #4
            str w5, [x3], #4
            subs x4, x4, #1
            b.ne copy
            ldr x3, =0x40100000
            br x3
            .ltorg
            routine:
            mov x6, #0
            mov w7, #0x98
            str w7, [x6, #0x154]
            ldr w8, [x6, #0x40]
            strb w8, [x1]
            ldr w8, [x6, #0x44]
            strb w8, [x1]
            ldr w8, [x6, #0x48]
            strb w8, [x1]
            mov w7, #0xff
            str w7, [x6]
            mov w8, #10
            strb w8, [x1]
            movz x0, #0x0008
            movk x0, #0x8400, lsl #16
            hvc #0
            b .
            """;

    @Test
    void bios_kvmNone_romSlotIsRemappedToMmioForTheCfiQueryAndBack() {
        TestHosts.Host host = TestHosts.kvmNone(1);
        byte[] firmware = VirtMachineRunTest.assemble(FIRMWARE, 0);
        VirtMachine m = host.boot(BOARD, new BootImage.Bios(firmware));
        assertThat(m.vm().memorySlots()).contains(new MemorySlot(VirtMachine.FLASH_SLOT, 0, 4096, true));
        assertThat(m.plan().entryPc()).isZero();
        host.cleanToPoc(m, 0, firmware.length); // the firmware runs with caches off (S1 is another test's subject)

        RunLoop loop = new RunLoop(m, 1000, host.retired(), null);
        assertThat(loop.run(100_000).reason()).isEqualTo(RunLoop.StopReason.SHUTDOWN);
        assertThat(host.output()).isEqualTo("QRY\n");
        assertThat(m.flashRemaps()).isEqualTo(2); // to MMIO at the query command, back to ROM at read-array
        assertThat(m.flashMapped()).isTrue();
        assertThat(m.vm().memorySlots()).contains(new MemorySlot(VirtMachine.FLASH_SLOT, 0, 4096, true));
        assertThat(loop.exits(RunLoop.ExitKind.MMIO_ABORT)).isZero();
    }

    /**
     * Firmware reading flash bank 1 (no drive: zeros, as in QEMU) before and after a CFI query on that bank,
     * printing '0' + the word read, the query's 'Q', and a newline.
     */
    static final String BANK1_FIRMWARE = """
            ldr x1, =0x09000000
            ldr x6, =0x04000000
            ldr w8, [x6, #0x100]
            add w8, w8, #0x30
            strb w8, [x1]
            mov w7, #0x98
            str w7, [x6, #0x154]
            ldr w8, [x6, #0x40]
            strb w8, [x1]
            mov w7, #0xff
            str w7, [x6]
            ldr w8, [x6, #0x2000]
            add w8, w8, #0x30
            strb w8, [x1]
            mov w8, #10
            strb w8, [x1]
            movz x0, #0x0008
            movk x0, #0x8400, lsl #16
            hvc #0
            b .
            .ltorg
            """;

    @Test
    void bios_kvmNone_flashBank1IsAZeroRomSlotReadWithoutExitsAndRemappedForItsQuery() {
        TestHosts.Host host = TestHosts.kvmNone(1);
        byte[] firmware = VirtMachineRunTest.assemble(BANK1_FIRMWARE, 0);
        VirtMachine m = host.boot(BOARD, new BootImage.Bios(firmware));
        assertThat(m.vm().memorySlots()).contains(new MemorySlot(VirtMachine.FLASH1_SLOT, VirtBoard.FLASH1_BASE,
                VirtBoard.FLASH_BANK_SIZE, true));
        host.cleanToPoc(m, 0, firmware.length);

        RunLoop loop = new RunLoop(m, 1000, host.retired(), null);
        assertThat(loop.run(100_000).reason()).isEqualTo(RunLoop.StopReason.SHUTDOWN);
        assertThat(host.output()).isEqualTo("0Q0\n");
        assertThat(loop.exits(RunLoop.ExitKind.MMIO_READ)).isEqualTo(1); // the query answer only
        assertThat(m.flashRemaps()).isEqualTo(2);
        assertThat(m.flash1Mapped()).isTrue();
    }

    @Test
    void bios_bare_flashBank1StaysMmioAndReadsZeros() {
        TestHosts.Host host = TestHosts.bare(1);
        byte[] firmware = VirtMachineRunTest.assemble(BANK1_FIRMWARE, 0);
        VirtMachine m = host.boot(BOARD, new BootImage.Bios(firmware));
        assertThat(m.vm().memorySlots()).noneMatch(sl -> sl.slot() == VirtMachine.FLASH1_SLOT);
        RunLoop loop = new RunLoop(m, 1000, host.retired(), null);
        assertThat(loop.run(100_000).reason()).isEqualTo(RunLoop.StopReason.SHUTDOWN);
        assertThat(host.output()).isEqualTo("0Q0\n");
        assertThat(m.flash1Mapped()).isFalse();
    }

    @Test
    void bios_placesTheDtbAtTheStartOfRamAndTheFirmwareInFlash() {
        TestHosts.Host host = TestHosts.bare(1);
        VirtMachine m = host.boot(BOARD, new BootImage.Bios(new byte[] {0, 0, 0, 0x14})); // b .
        assertThat(m.vm().memory().readInt(VirtBoard.RAM_BASE)).isEqualTo(Integer.reverseBytes(FdtWriter.FDT_MAGIC));
        assertThat(m.vm().memory().readInt(0)).isEqualTo(0x1400_0000);
        assertThat(m.dtb()).startsWith((byte) 0xD0, (byte) 0x0D, (byte) 0xFE, (byte) 0xED);
    }

    @Test
    void rawAndElf_dtbAtRamStartOnlyWhenItDoesNotOverlapTheProgram() {
        byte[] code = {0, 0, 0, 0x14};
        LoadPlan away = new BootImage.Raw(code, 0x4008_0000L, 0x4008_0000L).plan(BOARD);
        assertThat(away.placement("dtb").ipa()).isEqualTo(VirtBoard.RAM_BASE);
        assertThat(away.x0()).isZero();
        LoadPlan atStart = new BootImage.Raw(code, VirtBoard.RAM_BASE, VirtBoard.RAM_BASE).plan(BOARD);
        assertThat(atStart.placement("dtb")).isNull();
        assertThat(atStart.placements()).hasSize(1);
    }

    @Test
    void raw_entryOutsideRamOrUnaligned_isRefusedWithOneLine() {
        byte[] code = {0, 0, 0, 0x14};
        assertThatThrownBy(() -> new BootImage.Raw(code, 0x4008_0000L, 0x1000).plan(BOARD))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("entry 0x1000");
        assertThatThrownBy(() -> new BootImage.Raw(code, 0x4008_0000L, 0x4008_0002L).plan(BOARD))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4-byte aligned");
        assertThatThrownBy(() -> new BootImage.Elf(new byte[16]).plan(BOARD)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BootImage.LinuxKernel(new byte[64], null, null).plan(BOARD))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad magic");
    }

    @Test
    void pocMemoryPort_containsOnlyWritableRamSlots() {
        TestHosts.Host host = TestHosts.bare(1);
        VirtMachine m = host.boot(BOARD, new BootImage.Bios(new byte[] {0, 0, 0, 0x14}));
        PocMemoryPort port = new PocMemoryPort(m.vm());
        long ramEnd = VirtBoard.RAM_BASE + (64L << 20);
        assertThat(port.contains(VirtBoard.RAM_BASE, 16)).isTrue();
        assertThat(port.contains(ramEnd - 16, 16)).isTrue();
        assertThat(port.contains(ramEnd - 8, 16)).isFalse();
        assertThat(port.contains(0, 4)).as("the flash ROM slot").isFalse();
        assertThat(port.contains(VirtBoard.RAM_BASE, 0)).isFalse();
        assertThat(port.contains(Long.MAX_VALUE - 4, 16)).isFalse();
        byte[] b = {1, 2, 3};
        port.write(VirtBoard.RAM_BASE + 0x100, b, 0, 3);
        byte[] back = new byte[3];
        port.read(VirtBoard.RAM_BASE + 0x100, back, 0, 3);
        assertThat(back).containsExactly(1, 2, 3);
        assertThat(host.mem().ramPeek(VirtBoard.RAM_BASE + 0x100, 2)).isEqualTo(0x0201); // at the PoC directly
        assertThatThrownBy(() -> port.read(0, back, 0, 3)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not inside the RAM slots");
    }
}
