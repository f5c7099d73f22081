package org.cachevisor.vmm.devices;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class Pl011UartTest {
    private final ByteArrayOutputStream tx = new ByteArrayOutputStream();
    private final List<Boolean> irqEdges = new ArrayList<>();
    private Pl011Uart uart;

    @BeforeEach
    void setUp() {
        uart = new Pl011Uart("pl011", 0x0900_0000L, tx::write, irqEdges::add);
    }

    private long r(int off) { return uart.read(off, 4); }

    private void w(int off, long v) { uart.write(off, 4, v); }

    @Test
    void reset_registers_haveTrmResetValues() {
        assertThat(r(0x018)).isEqualTo(0x90);   // FR: TXFE | RXFE
        assertThat(r(0x030)).isEqualTo(0x300);  // CR: TXE | RXE
        assertThat(r(0x034)).isEqualTo(0x12);   // IFLS: 1/2 full both ways
        assertThat(r(0x038)).isZero();
        assertThat(r(0x03C)).isZero();
        assertThat(r(0x02C)).isZero();
    }

    @Test
    void writeDr_bytes_goToSinkInOrder() {
        for (char c : "Hi\n".toCharArray()) w(0x000, c | 0xAB00); // only bits 7:0 are data
        assertThat(tx.toString()).isEqualTo("Hi\n");
        assertThat(uart.txCount()).isEqualTo(3);
        assertThat(r(0x018) & 0x80).isEqualTo(0x80); // TXFE still set
        assertThat(r(0x018) & (0x20 | 0x08)).isZero(); // neither TXFF nor BUSY
    }

    @Test
    void readDr_fedBytes_comeOutInOrderThenRxfe() {
        uart.feed("ab");
        assertThat(r(0x018) & 0x10).isZero();      // RXFE clear
        assertThat(r(0x000)).isEqualTo('a');
        assertThat(r(0x000)).isEqualTo('b');
        assertThat(r(0x018) & 0x10).isEqualTo(0x10);
        assertThat(r(0x000)).isZero();              // empty FIFO reads 0
        assertThat(uart.pendingRx()).isZero();
    }

    @Test
    void feed_fifoDisabled_oneEntryHoldingRegisterAndRxffSet() {
        uart.feed("xyz");
        assertThat(r(0x018) & 0x40).isEqualTo(0x40);   // RXFF: 1-deep holding register full
        assertThat(uart.pendingRx()).isEqualTo(3);
        assertThat(r(0x000)).isEqualTo('x');
        assertThat(r(0x018) & 0x40).isEqualTo(0x40);   // refilled from the host queue
        assertThat(r(0x000)).isEqualTo('y');
        assertThat(r(0x000)).isEqualTo('z');
        assertThat(r(0x018) & 0x50).isEqualTo(0x10);
    }

    @Test
    void feed_fifoEnabled_sixteenEntriesBeforeRxff() {
        w(0x02C, 0x70); // LCR_H: FEN | WLEN 8 bits
        byte[] data = new byte[20];
        for (int i = 0; i < 20; i++) data[i] = (byte) ('A' + i);
        uart.feed(data);
        assertThat(r(0x018) & 0x40).isEqualTo(0x40);
        StringBuilder got = new StringBuilder();
        for (int i = 0; i < 20; i++) got.append((char) r(0x000));
        assertThat(got.toString()).isEqualTo("ABCDEFGHIJKLMNOPQRST");
        assertThat(r(0x018) & 0x10).isEqualTo(0x10);
    }

    @Test
    void rxInterrupt_unmaskedThenDrained_lineRisesAndFalls() {
        w(0x038, 1 << 4);      // IMSC.RXIM
        assertThat(irqEdges).isEmpty();
        uart.feed("q");
        assertThat(r(0x03C) & 0x10).isEqualTo(0x10);
        assertThat(r(0x040)).isEqualTo(0x10);
        assertThat(irqEdges).containsExactly(true);
        r(0x000);
        assertThat(r(0x03C) & 0x10).isZero();
        assertThat(irqEdges).containsExactly(true, false);
        assertThat(uart.irqLevel()).isFalse();
    }

    @Test
    void txInterrupt_setByWriteClearedByIcr() {
        w(0x000, 'a');
        assertThat(r(0x03C)).isEqualTo(0x20);
        assertThat(r(0x040)).isZero();             // masked
        assertThat(irqEdges).isEmpty();
        w(0x038, 0x20);
        assertThat(irqEdges).containsExactly(true);
        w(0x044, 0x20);                            // ICR.TXIC
        assertThat(r(0x03C)).isZero();
        assertThat(irqEdges).containsExactly(true, false);
    }

    @Test
    void configRegisters_readBackMaskedToTheirWidth() {
        w(0x024, 0x12345);   // IBRD: 16 bits
        w(0x028, 0xFF);      // FBRD: 6 bits
        w(0x030, 0xFFFF_FFFFL); // CR: reserved bits 6:3 and 31:16 read 0
        w(0x020, 0x1FF);     // ILPR: 8 bits
        assertThat(r(0x024)).isEqualTo(0x2345);
        assertThat(r(0x028)).isEqualTo(0x3F);
        assertThat(r(0x030)).isEqualTo(0xFF87);
        assertThat(r(0x020)).isEqualTo(0xFF);
        w(0x03C, 0x7FF);     // RIS is read-only
        assertThat(r(0x03C)).isZero();
    }

    @Test
    void primeCellIds_matchPl011AndAmbaMask() {
        int[] expected = {0x11, 0x10, 0x14, 0x00, 0x0D, 0xF0, 0x05, 0xB1}; // QEMU pl011_id_arm
        for (int i = 0; i < 8; i++) assertThat(r(0xFE0 + 4 * i)).as("ID %x", 0xFE0 + 4 * i).isEqualTo(expected[i]);
        long periph = 0, cell = 0;
        for (int i = 0; i < 4; i++) { periph |= r(0xFE0 + 4 * i) << (8 * i); cell |= r(0xFF0 + 4 * i) << (8 * i); }
        assertThat(periph & 0x000F_FFFF).isEqualTo(0x0004_1011); // Linux amba_id for the PL011
        assertThat(cell).isEqualTo(0xB105_F00DL);
    }

    @Test
    void halfwordAccess_linuxStyle16Bit_works() {
        uart.feed("Z");
        assertThat(uart.read(0x018, 2)).isEqualTo(0xC0); // FR: TXFE | RXFF (1-deep holding register), RXFE clear
        assertThat(uart.read(0x000, 2)).isEqualTo('Z');
        uart.write(0x000, 2, '!');
        assertThat(tx.toString()).isEqualTo("!");
        assertThat(uart.read(0x031, 1)).isEqualTo(0x03); // CR byte 1: RXE | TXE
    }

    @Test
    void lcrHFenToggle_flushesReceiveFifo() {
        uart.feed("1");
        assertThat(r(0x018) & 0x10).isZero();
        w(0x02C, 0x10);
        // The holding-register byte is flushed; the queue had nothing more.
        assertThat(r(0x018) & 0x10).isEqualTo(0x10);
        assertThat(uart.pendingRx()).isZero();
    }

    @Test
    void reservedOffsets_readZeroWritesIgnored() {
        w(0x100, 0xFFFF);
        assertThat(r(0x100)).isZero();
        assertThat(r(0x004)).isZero();
        assertThat(tx.size()).isZero();
    }

    @Test
    void feedAvailable_stdinLikeStream_queuesWhatIsThere() throws Exception {
        java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream("ok\n".getBytes());
        assertThat(uart.feedAvailable(in)).isEqualTo(3);
        assertThat(uart.feedAvailable(in)).isZero();
        assertThat(uart.pendingRx()).isEqualTo(3);
        assertThat(r(0x000)).isEqualTo('o');
    }
}
