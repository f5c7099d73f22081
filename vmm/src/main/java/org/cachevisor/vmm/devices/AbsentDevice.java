package org.cachevisor.vmm.devices;

import org.cachevisor.vmm.MmioDevice;

/**
 * A window where the board has a device we do not model (fw_cfg, the PL061 GPIO, the virtio-mmio
 * transports, the GIC until the hypervisor provides one...): every read returns 0 and every write is
 * ignored ("RAZ/WI"), and the device counts the accesses so that reports can say something touched it.
 *
 * <h2>Why reads-as-zero is a sane answer for what U-Boot and Linux probe</h2>
 * <ul>
 *   <li>fw_cfg (0x0902_0000, "qemu,fw-cfg-mmio"): drivers select key 0 (FW_CFG_SIGNATURE) and expect
 *       "QEMU"; reading zeros, they conclude there is no fw_cfg. Our FDT does not list it anyway.</li>
 *   <li>virtio-mmio (0x0A00_0000 + n * 0x200): MagicValue 0 is not "virt", so the driver refuses the
 *       transport (and a DeviceID of 0 would mean "no device" as well).</li>
 *   <li>PL061 GPIO: the PrimeCell IDs read 0, so the AMBA bus does not bind a driver.</li>
 * </ul>
 * Simplification: the real devices exist and answer; these guests then behave as on a board without them.
 */
public final class AbsentDevice implements MmioDevice {
    private final String name;
    private final long base, size;
    private long reads, writes;

    public AbsentDevice(String name, long base, long size) {
        if (size <= 0) throw new IllegalArgumentException("absent device " + name + ": size " + size + " is not positive");
        this.name = name;
        this.base = base;
        this.size = size;
    }

    @Override public String name() { return name; }
    @Override public long base() { return base; }
    @Override public long size() { return size; }

    @Override
    public long read(long offset, int accessSize) {
        reads++;
        return 0;
    }

    @Override
    public void write(long offset, int accessSize, long value) {
        writes++;
    }

    /** Reads since creation. */
    public long reads() { return reads; }

    /** Writes since creation. */
    public long writes() { return writes; }
}
