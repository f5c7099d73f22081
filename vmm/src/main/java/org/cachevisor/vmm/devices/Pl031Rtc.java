package org.cachevisor.vmm.devices;

import org.cachevisor.vmm.InterruptLine;
import org.cachevisor.vmm.VirtualClock;

/**
 * Arm PrimeCell Real Time Clock (PL031, ARM DDI 0224), as QEMU's hw/rtc/pl031.c presents it.
 *
 * <h2>Interface</h2>
 * <ul>
 *   <li>MMIO window: 4 KiB (virt: 0x0901_0000); 32-bit registers (see {@link Reg32Device} for other sizes).</li>
 *   <li>RTCDR 0x000 (RO): seconds = the load offset + whole seconds of <em>virtual</em> time
 *       ({@link VirtualClock}), starting at the epoch given to the constructor. RTCMR 0x004: match value.
 *       RTCLR 0x008: writing sets the current count (reads return the last value loaded). RTCCR 0x00C:
 *       reads 1 (started; writes ignored, as QEMU). RTCIMSC 0x010, RTCRIS 0x014 (bit 0: match),
 *       RTCMIS 0x018, RTCICR 0x01C (write 1 to clear).</li>
 *   <li>PrimeCell IDs at 0xFE0..0xFFC: PeriphID 0x00141031 (part 0x031, designer 0x41, revision 1: QEMU's
 *       pl031_id values; Linux matches 0x00041031 under mask 0x000FFFFF), PCellID 0xB105F00D.</li>
 *   <li>Interrupt: one line (virt: SPI 2), level = RTCRIS &amp; RTCIMSC.</li>
 * </ul>
 *
 * <h2>Not modelled</h2>
 * Simplification: the real RTC raises the match interrupt the moment its 1 Hz counter equals RTCMR; we
 * compare when the guest touches a register or the VMM calls {@link #poll()}, and set RTCRIS if the count
 * has reached or passed the match value since it was written. The interrupt may thus be seen later in
 * virtual time than on hardware, never earlier; the RTC has no part in cache coherence. Time is virtual
 * time, never the host clock, so runs are deterministic.
 */
public final class Pl031Rtc extends Reg32Device {
    public static final int RTCDR = 0x000, RTCMR = 0x004, RTCLR = 0x008, RTCCR = 0x00C, RTCIMSC = 0x010, RTCRIS = 0x014,
            RTCMIS = 0x018, RTCICR = 0x01C;
    public static final int PERIPH_ID = 0x0014_1031, CELL_ID = 0xB105_F00D;
    /** A fixed default epoch for deterministic runs: 2024-01-01T00:00:00Z. */
    public static final long DEFAULT_EPOCH_SECONDS = 1_704_067_200L;

    private final VirtualClock clock;
    private final InterruptLine irq;
    private long offsetSeconds;    // RTCDR = offsetSeconds + virtual seconds
    private int mr, lr, imsc, ris;
    private boolean matchArmed;
    private boolean irqLevel;

    /** A PL031 reading {@code epochSeconds} at virtual time 0 and counting virtual seconds of {@code clock}. */
    public Pl031Rtc(String name, long base, VirtualClock clock, long epochSeconds, InterruptLine irq) {
        super(name, base, 0x1000);
        if (clock == null || irq == null) throw new IllegalArgumentException("pl031: null clock or interrupt line");
        if (epochSeconds < 0 || epochSeconds > 0xFFFF_FFFFL) throw new IllegalArgumentException("pl031: epoch " + epochSeconds + " does not fit the 32-bit counter");
        this.clock = clock;
        this.irq = irq;
        this.offsetSeconds = epochSeconds;
        this.lr = (int) epochSeconds;
    }

    private long virtualSeconds() { return Long.divideUnsigned(clock.nanos(), 1_000_000_000L); }

    private int count() { return (int) (offsetSeconds + virtualSeconds()); }

    /** Raises the match interrupt if the counter has reached RTCMR; the VMM may call it at any time. */
    public void poll() {
        if (matchArmed && Integer.compareUnsigned(count(), mr) >= 0) {
            matchArmed = false;
            ris |= 1;
        }
        updateIrq();
    }

    /** The current level of the interrupt output. */
    public boolean irqLevel() { return irqLevel; }

    private void updateIrq() {
        boolean level = (ris & imsc & 1) != 0;
        if (level != irqLevel) {
            irqLevel = level;
            irq.set(level);
        }
    }

    @Override
    int readReg(int offset) {
        poll();
        switch (offset) {
            case RTCDR: return count();
            case RTCMR: return mr;
            case RTCLR: return lr;
            case RTCCR: return 1;
            case RTCIMSC: return imsc;
            case RTCRIS: return ris;
            case RTCMIS: return ris & imsc;
            default:
                if (offset >= 0xFE0 && offset <= 0xFFC) return primeCellId(offset, PERIPH_ID, CELL_ID);
                return 0;
        }
    }

    @Override
    void writeReg(int offset, int value) {
        switch (offset) {
            case RTCMR: mr = value; matchArmed = true; break;
            case RTCLR: lr = value; offsetSeconds = (value & 0xFFFF_FFFFL) - virtualSeconds(); break;
            case RTCIMSC: imsc = value & 1; break;
            case RTCICR: ris &= ~(value & 1); break;
            default: break; // RTCDR, RTCCR, read-only and reserved registers: ignored
        }
        poll();
    }
}
