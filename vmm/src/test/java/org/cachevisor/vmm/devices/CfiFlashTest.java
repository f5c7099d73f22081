package org.cachevisor.vmm.devices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CfiFlashTest {
    static final long BANK = 64L << 20, SECTOR = 256L << 10;
    private CfiFlash flash;
    private byte[] image;

    @BeforeEach
    void setUp() {
        image = new byte[] {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, (byte) 0x88, (byte) 0x99};
        flash = new CfiFlash("flash0", 0, BANK, SECTOR, image);
    }

    /** One chip's CFI query table for the virt bank, written out by hand from the CFI spec / QEMU's pflash_cfi01. */
    private static int expectedChipQuery(int address) {
        switch (address) {
            case 0x10: return 'Q';
            case 0x11: return 'R';
            case 0x12: return 'Y';
            case 0x13: return 0x01; // Intel/Sharp extended command set
            case 0x15: return 0x31; // primary extended query table address
            case 0x1B: return 0x45; // Vcc min
            case 0x1C: return 0x55; // Vcc max
            case 0x1F: return 0x07;
            case 0x20: return 0x07;
            case 0x21: return 0x0A;
            case 0x23: return 0x04;
            case 0x24: return 0x04;
            case 0x25: return 0x04;
            case 0x27: return 25;   // 2^25 = 32 MiB per x16 chip; two chips make the 64 MiB bank
            case 0x28: return 0x02; // x8/x16 interface
            case 0x2A: return 0x0B; // 2 KiB write buffer
            case 0x2C: return 0x01; // one erase-block region
            case 0x2D: return 0xFF; // 256 blocks - 1
            case 0x2E: return 0x00;
            case 0x2F: return 0x00; // block size / 256 = 0x0200 -> 128 KiB per chip
            case 0x30: return 0x02;
            case 0x31: return 'P';
            case 0x32: return 'R';
            case 0x33: return 'I';
            case 0x34: return '1';
            case 0x35: return '0';
            case 0x3F: return 0x01;
            default: return 0;
        }
    }

    @Test
    void readArray_afterReset_returnsImageLittleEndianThenZeros() {
        // Past the image the bank reads 0, as QEMU 7.2's pflash does (U-Boot's md.l there prints zeros).
        assertThat(flash.readArrayMode()).isTrue();
        assertThat(flash.read(0, 4)).isEqualTo(0x4433_2211L);
        assertThat(flash.read(4, 8)).isEqualTo(0x0000_0099_8877_6655L);
        assertThat(flash.read(2, 2)).isEqualTo(0x4433L);
        assertThat(flash.read(BANK - 4, 4)).isZero();
        byte[] dst = new byte[3];
        flash.copyArray(7, dst, 0, 3);
        assertThat(dst).containsExactly((byte) 0x88, (byte) 0x99, (byte) 0x00);
    }

    @Test
    void cfiQuery_ubootSequence_answersQryReplicatedOnBothChips() {
        flash.write(0, 4, 0x00F0_00F0L);          // AMD reset probe
        flash.write(0, 4, 0x00FF_00FFL);          // Intel read array
        flash.write(0x55 * 4, 4, 0x0098_0098L);   // CFI query at 0x55 in bus-width units
        assertThat(flash.readArrayMode()).isFalse();
        assertThat(flash.read(0x10 * 4, 4)).isEqualTo(0x0051_0051L);
        assertThat(flash.read(0x11 * 4, 4)).isEqualTo(0x0052_0052L);
        assertThat(flash.read(0x12 * 4, 4)).isEqualTo(0x0059_0059L);
        assertThat(flash.read(0x10 * 4, 8)).isEqualTo(0x0052_0052_0051_0051L);
        assertThat(flash.read(0x10 * 4, 2)).isEqualTo(0x0051L);
    }

    @Test
    void cfiQuery_everyAddress_matchesHandWrittenTable() {
        flash.write(0x154, 4, 0x98);
        for (int a = 0; a < 0x60; a++) {
            long chip = expectedChipQuery(a);
            assertThat(flash.read(a * 4L, 4)).as("query address 0x%x", a).isEqualTo(chip | chip << 16);
        }
    }

    @Test
    void cfiGeometry_asUbootComputesIt_coversTheBank() {
        flash.write(0x154, 4, 0x98);
        int interleave = 2; // two x16 chips on the 32-bit bus
        long chipSize = 1L << (flash.read(0x27 * 4, 4) & 0xFF);
        long blocks = ((flash.read(0x2E * 4, 4) & 0xFF) << 8 | (flash.read(0x2D * 4, 4) & 0xFF)) + 1;
        long blockSize = ((flash.read(0x30 * 4, 4) & 0xFF) << 8 | (flash.read(0x2F * 4, 4) & 0xFF)) * 256;
        assertThat(chipSize * interleave).isEqualTo(BANK);
        assertThat(blocks * blockSize * interleave).isEqualTo(BANK);
        assertThat(blockSize * interleave).isEqualTo(SECTOR);
    }

    @Test
    void readId_manufacturerIntelAndDevice18() {
        flash.write(0, 4, 0x0090_0090L);
        assertThat(flash.read(0, 4)).isEqualTo(0x0089_0089L);
        assertThat(flash.read(4, 4)).isEqualTo(0x0018_0018L);
        assertThat(flash.read(8, 4)).isZero();           // block lock status: not emulated, reads 0
        flash.write(0, 4, 0xFF);
        assertThat(flash.read(0, 4)).isEqualTo(0x4433_2211L);
    }

    @Test
    void readStatus_ready_0x80PerChip() {
        flash.write(0, 4, 0x70);
        assertThat(flash.read(0x1234, 4)).isEqualTo(0x0080_0080L);
        assertThat(flash.read(0, 2)).isEqualTo(0x80);
    }

    @Test
    void program_failsPolitelyWithProgramErrorAndContentsUnchanged() {
        flash.write(0, 4, 0x0040_0040L);
        flash.write(0, 4, 0);                       // the data word
        assertThat(flash.read(0, 4)).isEqualTo(0x0092_0092L); // ready | program error | block locked
        flash.write(0, 4, 0x50);                    // clear status -> read array
        assertThat(flash.status()).isEqualTo(0x80);
        assertThat(flash.read(0, 4)).isEqualTo(0x4433_2211L);
        assertThat(flash.readArrayMode()).isTrue();
    }

    @Test
    void blockErase_confirmed_eraseErrorAndContentsUnchanged() {
        flash.write(0, 4, 0x20);
        flash.write(0, 4, 0xD0);
        assertThat(flash.read(0, 4)).isEqualTo(0x00A2_00A2L); // ready | erase error | block locked
        flash.write(0, 4, 0xFF);
        assertThat(flash.read(0, 4)).isEqualTo(0x4433_2211L);
    }

    @Test
    void blockErase_badConfirm_commandSequenceErrorBackToReadArray() {
        flash.write(0, 4, 0x20);
        flash.write(0, 4, 0x77);
        assertThat(flash.status()).isEqualTo(0x80 | 0x20 | 0x10);
        assertThat(flash.readArrayMode()).isTrue();
        assertThat(flash.read(0, 4)).isEqualTo(0x4433_2211L);
    }

    @Test
    void bufferedProgram_fullSequence_programErrorAfterConfirm() {
        flash.write(0, 4, 0x00E8_00E8L);
        assertThat(flash.read(0, 4) & 0x80).isEqualTo(0x80); // buffer available
        flash.write(0, 4, 0x0001_0001L);                      // count - 1 = 1: two bus words
        flash.write(0, 4, 0xDEAD_BEEFL);
        flash.write(4, 4, 0xCAFE_F00DL);
        assertThat(flash.readArrayMode()).isFalse();
        flash.write(0, 4, 0x00D0_00D0L);
        assertThat(flash.status()).isEqualTo(0x80 | 0x10 | 0x02);
        flash.write(0, 4, 0xFF);
        assertThat(flash.read(0, 8)).isEqualTo(0x8877_6655_4433_2211L);
    }

    @Test
    void lockUnlock_succeedsWithoutError() {
        flash.write(0, 4, 0x60);
        flash.write(0, 4, 0xD0);
        assertThat(flash.read(0, 4)).isEqualTo(0x0080_0080L);
    }

    @Test
    void unknownCommand_backToReadArray() {
        flash.write(0, 4, 0x98);
        flash.write(0, 4, 0x42);
        assertThat(flash.readArrayMode()).isTrue();
        assertThat(flash.read(0, 1)).isEqualTo(0x11);
    }

    @Test
    void constructor_imageLargerThanBank_refused() {
        assertThatThrownBy(() -> new CfiFlash("f", 0, 4096, 1024, new byte[4097]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit");
        assertThatThrownBy(() -> new CfiFlash("f", 0, 3000, 1024, new byte[0])).hasMessageContaining("power of two");
    }
}
