package org.cachevisor.vmm.devices;

import java.nio.charset.StandardCharsets;
import java.util.function.IntConsumer;
import org.cachevisor.vmm.InterruptLine;

/**
 * Arm PrimeCell UART (PL011), as described by the PL011 Technical Reference Manual (ARM DDI 0183) and
 * as QEMU's hw/char/pl011.c presents it to U-Boot's and Linux's drivers.
 *
 * <h2>Interface</h2>
 * <ul>
 *   <li>MMIO window: 4 KiB (virt: 0x0900_0000). 32-bit registers; 8/16-bit accesses work (Linux's
 *       amba-pl011 driver uses 16-bit accesses for "arm,pl011"), see {@link Reg32Device}.</li>
 *   <li>Registers: DR 0x000 (write: transmit the low 8 bits; read: pop the receive FIFO, bits 11:8 are the
 *       error flags, always 0 here), RSR/ECR 0x004 (reads 0, writes clear), FR 0x018 (RI 8, TXFE 7, RXFF 6,
 *       TXFF 5, RXFE 4, BUSY 3), ILPR 0x020, IBRD 0x024 (16 bits) and FBRD 0x028 (6 bits) as the TRM sizes them
 *       (QEMU keeps every bit written; QemuDeviceDifferentialTest lists this), LCR_H 0x02C (FEN = bit 4 selects the
 *       16-entry FIFOs; toggling it flushes the receive FIFO, as QEMU does), CR 0x030 (reset 0x300:
 *       TXE|RXE), IFLS 0x034 (reset 0x12), IMSC 0x038, RIS 0x03C, MIS 0x040, ICR 0x044 (write 1 to clear),
 *       DMACR 0x048, and the PrimeCell IDs at 0xFE0..0xFFC: PeriphID 0x00141011 (part 0x011, designer
 *       0x41 'A', revision 1, QEMU's values; Linux matches 0x00041011 under mask 0x000FFFFF) and
 *       PCellID 0xB105F00D.</li>
 *   <li>Interrupt: one line (virt: SPI 1), the OR of the masked interrupt status (RIS &amp; IMSC).
 *       Sources modelled: RXRIS (bit 4), TXRIS (bit 5); the modem, receive-timeout, framing, parity,
 *       break and overrun sources stay 0.</li>
 *   <li>Host side: transmitted bytes go to a sink (the console, or a capture for tests); received bytes
 *       come from {@link #feed} (stdin or a script), which holds them until the receive FIFO has room.</li>
 * </ul>
 *
 * <h2>Not modelled</h2>
 * Simplification: the real UART shifts bits out at the programmed baud rate (IBRD/FBRD, LCR_H), so TX
 * takes time, FR.BUSY and TXFF can be set and UARTEN/TXE gate transmission; we transmit each byte to the
 * sink the moment DR is written, whatever CR says, so TXFE is always 1 and BUSY/TXFF always 0. Guests only
 * poll these flags before writing, so they never wait; timing does not matter to the coherence oracle.
 *
 * <p>Simplification: the real RX interrupt fires when the FIFO fill reaches the IFLS level and a
 * receive-timeout interrupt (RTRIS) covers fewer characters; we raise RXRIS as soon as one character is
 * waiting (QEMU's read_trigger = 1) and never raise RTRIS. Drivers read the FIFO until RXFE either way.
 *
 * <p>Not thread-safe, like every device here: the run loop calls {@link #feed} between vCPU runs (a
 * stdin reader thread hands its bytes to the run loop, or uses {@link #feedAvailable} from it).
 *
 * <p>Simplification: a real UART overruns (OE) when a character arrives with the FIFO full; our host
 * queue holds it back until there is room (QEMU's can_receive backpressure), so no character is lost.
 */
public final class Pl011Uart extends Reg32Device {
    public static final int DR = 0x000, RSR_ECR = 0x004, FR = 0x018, ILPR = 0x020, IBRD = 0x024, FBRD = 0x028,
            LCR_H = 0x02C, CR = 0x030, IFLS = 0x034, IMSC = 0x038, RIS = 0x03C, MIS = 0x040, ICR = 0x044, DMACR = 0x048;

    public static final int FR_BUSY = 1 << 3, FR_RXFE = 1 << 4, FR_TXFF = 1 << 5, FR_RXFF = 1 << 6, FR_TXFE = 1 << 7;
    public static final int INT_RX = 1 << 4, INT_TX = 1 << 5;
    public static final int LCR_H_FEN = 1 << 4;
    public static final int CR_RESET = 0x300, IFLS_RESET = 0x12;
    public static final int PERIPH_ID = 0x0014_1011, CELL_ID = 0xB105_F00D;

    private static final int FIFO_DEPTH = 16;

    private final IntConsumer txSink;
    private final InterruptLine irq;
    private final ByteQueue hostRx = new ByteQueue();
    private final int[] rxFifo = new int[FIFO_DEPTH];
    private int rxHead, rxCount;
    private int ilpr, ibrd, fbrd, lcrH, cr = CR_RESET, ifls = IFLS_RESET, imsc, ris, dmacr;
    private boolean irqLevel;
    private long txCount;

    /**
     * A PL011 at {@code base} whose transmitted bytes (0..255) go to {@code txSink} and whose interrupt
     * output drives {@code irq}.
     */
    public Pl011Uart(String name, long base, IntConsumer txSink, InterruptLine irq) {
        super(name, base, 0x1000);
        if (txSink == null || irq == null) throw new IllegalArgumentException("pl011: null sink or interrupt line");
        this.txSink = txSink;
        this.irq = irq;
    }

    /** Queues bytes typed on the host side (stdin or a script) for the guest to receive. */
    public void feed(byte[] bytes) {
        for (byte b : bytes) hostRx.add(b & 0xFF);
        refillRx();
    }

    /**
     * Moves the bytes {@code in} can give without blocking ({@link java.io.InputStream#available()}) into
     * the receive queue, e.g. from stdin between vCPU runs; returns how many were queued.
     */
    public int feedAvailable(java.io.InputStream in) throws java.io.IOException {
        int n = in.available();
        if (n <= 0) return 0;
        byte[] b = new byte[n];
        int got = in.read(b, 0, n);
        if (got <= 0) return 0;
        feed(got == n ? b : java.util.Arrays.copyOf(b, got));
        return got;
    }

    /** Queues the UTF-8 bytes of {@code text} for the guest to receive. */
    public void feed(String text) {
        feed(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Bytes fed by the host that the guest has not read yet (in the FIFO or still queued). */
    public int pendingRx() { return rxCount + hostRx.size(); }

    /** Bytes transmitted by the guest since reset. */
    public long txCount() { return txCount; }

    /** The current level of the interrupt output. */
    public boolean irqLevel() { return irqLevel; }

    private int fifoDepth() { return (lcrH & LCR_H_FEN) != 0 ? FIFO_DEPTH : 1; }

    private void refillRx() {
        boolean arrived = false;
        while (rxCount < fifoDepth() && !hostRx.isEmpty()) {
            rxFifo[(rxHead + rxCount) % FIFO_DEPTH] = hostRx.remove();
            rxCount++;
            arrived = true;
        }
        if (arrived) ris |= INT_RX;
        updateIrq();
    }

    private void updateIrq() {
        boolean level = (ris & imsc) != 0;
        if (level != irqLevel) {
            irqLevel = level;
            irq.set(level);
        }
    }

    @Override
    int readReg(int offset) {
        switch (offset) {
            case DR: {
                if (rxCount == 0) return 0;
                int c = rxFifo[rxHead];
                rxHead = (rxHead + 1) % FIFO_DEPTH;
                rxCount--;
                if (rxCount == 0) ris &= ~INT_RX; // below the trigger level (1)
                refillRx();
                return c;
            }
            case RSR_ECR: return 0;
            case FR: {
                int fr = FR_TXFE;
                if (rxCount == 0) fr |= FR_RXFE;
                if (rxCount == fifoDepth()) fr |= FR_RXFF;
                return fr;
            }
            case ILPR: return ilpr;
            case IBRD: return ibrd;
            case FBRD: return fbrd;
            case LCR_H: return lcrH;
            case CR: return cr;
            case IFLS: return ifls;
            case IMSC: return imsc;
            case RIS: return ris;
            case MIS: return ris & imsc;
            case DMACR: return dmacr;
            default:
                if (offset >= 0xFE0 && offset <= 0xFFC) return primeCellId(offset, PERIPH_ID, CELL_ID);
                return 0; // reserved: reads as zero
        }
    }

    @Override
    void writeReg(int offset, int value) {
        switch (offset) {
            case DR:
                txSink.accept(value & 0xFF);
                txCount++;
                ris |= INT_TX; // the (always empty) TX FIFO is at or below its trigger level again
                updateIrq();
                break;
            case RSR_ECR: break; // clears the (always clear) error flags
            case ILPR: ilpr = value & 0xFF; break;
            case IBRD: ibrd = value & 0xFFFF; break;
            case FBRD: fbrd = value & 0x3F; break;
            case LCR_H:
                if (((lcrH ^ value) & LCR_H_FEN) != 0) { // FIFO mode change flushes the receive FIFO (as QEMU)
                    rxHead = 0;
                    rxCount = 0;
                    ris &= ~INT_RX;
                }
                lcrH = value & 0xFF;
                refillRx();
                break;
            case CR: cr = value & 0xFF87; break;
            case IFLS: ifls = value & 0x3F; break;
            case IMSC: imsc = value & 0x7FF; updateIrq(); break;
            case ICR: ris &= ~value; updateIrq(); break;
            case DMACR: dmacr = value & 0x7; break;
            default: break; // read-only or reserved: ignored
        }
    }
}
