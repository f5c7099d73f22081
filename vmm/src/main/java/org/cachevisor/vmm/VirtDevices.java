package org.cachevisor.vmm;

import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import org.cachevisor.vmm.board.Region;
import org.cachevisor.vmm.board.VirtBoard;
import org.cachevisor.vmm.devices.AbsentDevice;
import org.cachevisor.vmm.devices.CfiFlash;
import org.cachevisor.vmm.devices.DmaEngine;
import org.cachevisor.vmm.devices.Pl011Uart;
import org.cachevisor.vmm.devices.Pl031Rtc;

/**
 * The VMM-side devices of a {@link VirtBoard}, on one {@link MmioBus}: what QEMU's virt instantiates in
 * user space when the GIC is in the kernel (KVM's vgic).
 *
 * <ul>
 *   <li>flash0 / flash1: {@link CfiFlash} banks (flash0 holds the -bios image);</li>
 *   <li>pl011: {@link Pl011Uart} (SPI 1), pl031: {@link Pl031Rtc} (SPI 2), dma: {@link DmaEngine} (SPI 112);</li>
 *   <li>fw-cfg, pl061 and the 32 virtio-mmio transports: {@link AbsentDevice} (reads 0, writes ignored);</li>
 *   <li>not on the bus: the GIC windows (the hypervisor emulates the GIC, as KVM does, and handles those
 *       exits before the VMM), RAM (a memslot), the PCIe windows (not described to the guest; an access
 *       there is reported as unmapped).</li>
 * </ul>
 */
public final class VirtDevices {
    /** What the devices are connected to on the host side. */
    public record Wiring(IntConsumer uartTx, VirtualClock clock, GuestMemoryPort dmaMemory, IntFunction<InterruptLine> spiLine,
                         byte[] flash0Image, byte[] flash1Image, long rtcEpochSeconds) {
        public Wiring {
            if (uartTx == null || clock == null || dmaMemory == null || spiLine == null) {
                throw new IllegalArgumentException("virt devices: UART sink, clock, DMA memory port and interrupt lines are required");
            }
        }
    }

    private final MmioBus bus = new MmioBus();
    private final Pl011Uart uart;
    private final Pl031Rtc rtc;
    private final CfiFlash flash0, flash1;
    private final DmaEngine dma;

    private VirtDevices(VirtBoard board, Wiring w) {
        flash0 = new CfiFlash("flash0", VirtBoard.FLASH0_BASE, VirtBoard.FLASH_BANK_SIZE, VirtBoard.FLASH_SECTOR_SIZE, w.flash0Image());
        flash1 = new CfiFlash("flash1", VirtBoard.FLASH1_BASE, VirtBoard.FLASH_BANK_SIZE, VirtBoard.FLASH_SECTOR_SIZE, w.flash1Image());
        uart = new Pl011Uart("pl011", VirtBoard.UART_BASE, w.uartTx(), w.spiLine().apply(VirtBoard.UART_SPI));
        rtc = new Pl031Rtc("pl031", VirtBoard.RTC_BASE, w.clock(), w.rtcEpochSeconds(), w.spiLine().apply(VirtBoard.RTC_SPI));
        Region dmaRegion = board.region("dma");
        dma = new DmaEngine("dma", dmaRegion.base(), w.dmaMemory(), w.spiLine().apply(dmaRegion.spi()));
        bus.add(flash0);
        bus.add(flash1);
        bus.add(uart);
        bus.add(rtc);
        bus.add(dma);
        for (Region r : board.regions()) {
            if (r.name().equals("fw-cfg") || r.name().equals("pl061") || r.name().startsWith("virtio-mmio")) {
                bus.add(new AbsentDevice(r.name(), r.base(), r.size()));
            }
        }
    }

    /**
     * The devices of {@code board} wired as {@code wiring} says.
     *
     * @throws IllegalArgumentException if a flash image does not fit its bank (from {@link CfiFlash})
     */
    public static VirtDevices create(VirtBoard board, Wiring wiring) {
        return new VirtDevices(board, wiring);
    }

    public MmioBus bus() { return bus; }
    public Pl011Uart uart() { return uart; }
    public Pl031Rtc rtc() { return rtc; }
    public CfiFlash flash0() { return flash0; }
    public CfiFlash flash1() { return flash1; }
    public DmaEngine dma() { return dma; }
}
