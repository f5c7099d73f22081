package org.cachevisor.vmm.devices;

import org.cachevisor.vmm.MmioDevice;

/**
 * One bank of Intel/Sharp command-set CFI NOR flash as QEMU's virt board builds it (hw/block/
 * pflash_cfi01.c with width = 4, device-width = 2: two x16 chips side by side on a 32-bit bus,
 * manufacturer 0x89 (Intel), device 0x18), as U-Boot's drivers/mtd/cfi_flash.c and Linux's
 * cfi_cmdset_0001 probe it. The virt board has two banks: flash0 at 0x0 (the -bios image) and
 * flash1 at 0x0400_0000, 64 MiB each, 256 KiB erase blocks.
 *
 * <h2>Interface</h2>
 * <ul>
 *   <li>MMIO window: the bank (64 MiB). In read-array mode the bank reads as its contents (little-endian)
 *       and the hypervisor maps it as a read-only memslot; writes always reach this device as MMIO exits.
 *       In any other mode ({@link #readArrayMode()} false) reads must exit to the device too: after each
 *       write exit to the flash the hypervisor checks {@link #readArrayMode()} and switches the memslot
 *       between ROM and MMIO accordingly (QEMU's memory_region_rom_device_set_romd).</li>
 *   <li>Commands: the low byte of a write, while no command sequence is in progress (the write that
 *       U-Boot sends replicated to both chips, e.g. 0x0098_0098, has 0x98 as its low byte):
 *       0xFF / 0xF0 / 0x00 read array; 0x98 CFI query; 0x90 read identifier; 0x70 read status;
 *       0x50 clear status (then read array); 0x40 / 0x10 word program; 0x20 + 0xD0 block erase;
 *       0xE8 + count + data + 0xD0 buffered program; 0x60 + 0x01/0xD0/0x2F block lock/unlock.</li>
 *   <li>CFI query: the per-chip byte at query address {@code offset >> 2} (bank width 4) of the table in
 *       {@link #cfiTable()}, zero-extended to 16 bits and replicated for the two chips
 *       ({@code t | t << 16}); an 8-byte read returns two consecutive query addresses. Read identifier
 *       answers 0x89 at query address 0, 0x18 at 1, 0 elsewhere, replicated the same way.</li>
 *   <li>Status register (per chip, replicated): bit 7 WSMS ready (always 1), bit 5 erase error,
 *       bit 4 program error, bit 1 block locked.</li>
 *   <li>Clear status (0x50) clears the error bits and leaves WSMS (bit 7) set, as the Intel command set
 *       specifies for an idle state machine (QEMU 7.2 also clears bit 7 until the next program or erase;
 *       QemuDeviceDifferentialTest lists this difference).</li>
 *   <li>No interrupt line.</li>
 * </ul>
 *
 * <h2>Not modelled</h2>
 * Simplification: a real flash programs and erases (and QEMU writes the result back to its image file);
 * this model behaves like QEMU's pflash with a read-only backing file: every program or erase completes at
 * once with the program-error (0x10) or erase-error (0x20) bit set plus block-locked (0x02), and the
 * contents never change. U-Boot then reports the flash as protected instead of hanging or corrupting it;
 * the bank stays what the VMM loaded, so the oracle's view of it never changes behind its back.
 * Lock/unlock commands succeed without effect. An improper command sequence sets bits 5 and 4 (as the
 * Intel command set specifies) and returns to read array.
 */
public final class CfiFlash implements MmioDevice {
    public static final int MANUFACTURER_ID = 0x89, DEVICE_ID = 0x18;
    public static final int SR_READY = 0x80, SR_ERASE_ERROR = 0x20, SR_PROGRAM_ERROR = 0x10, SR_BLOCK_LOCKED = 0x02;
    /** The bank is 4 bytes wide, made of chips 2 bytes wide. */
    public static final int BANK_WIDTH = 4, DEVICE_WIDTH = 2;

    private enum Mode { READ_ARRAY, QUERY, READ_ID, READ_STATUS }
    private enum Pending { NONE, PROGRAM, ERASE, BUFFER_COUNT, BUFFER_DATA, BUFFER_CONFIRM, LOCK }

    private final String name;
    private final long base, size;
    private final byte[] image;
    private final byte[] cfiTable;
    private Mode mode = Mode.READ_ARRAY;
    private Pending pending = Pending.NONE;
    private int bufferWritesLeft;
    private int status = SR_READY;

    /**
     * A bank of {@code size} bytes at {@code base} made of erase blocks of {@code sectorSize} bytes (in the
     * bank's address space, i.e. both chips), holding {@code image} at offset 0 and erased (0xFF) bytes
     * after it. The image array is copied.
     *
     * @throws IllegalArgumentException if the image is larger than the bank, or the sizes are not powers
     *         of two with {@code sectorSize} dividing {@code size}
     */
    public CfiFlash(String name, long base, long size, long sectorSize, byte[] image) {
        if (image == null) image = new byte[0];
        if (size <= 0 || Long.bitCount(size) != 1) throw new IllegalArgumentException("flash " + name + ": bank size " + size + " is not a power of two");
        if (sectorSize < 2 * 256 || Long.bitCount(sectorSize) != 1 || sectorSize > size) {
            throw new IllegalArgumentException("flash " + name + ": sector size " + sectorSize + " is not a power of two between 512 and the bank size");
        }
        if (image.length > size) {
            throw new IllegalArgumentException("flash " + name + ": image of " + image.length + " bytes does not fit the " + (size >> 20) + " MiB bank");
        }
        this.name = name;
        this.base = base;
        this.size = size;
        this.image = image.clone();
        this.cfiTable = buildCfiTable(size, sectorSize);
    }

    /**
     * The CFI query table of one chip (index = query address), as QEMU's pflash_cfi01 builds it for a
     * bank of two x16 chips: "QRY", Intel command set, timing and voltage fields, device size
     * 2^n bytes per chip, x8/x16 interface, 2 KiB write buffer, one uniform erase region, and the
     * "PRI" extended table header version 1.0.
     */
    private static byte[] buildCfiTable(long bankSize, long sectorSize) {
        int devices = BANK_WIDTH / DEVICE_WIDTH;
        long blocks = bankSize / sectorSize;          // erase blocks per chip (each chip holds half of every block)
        long sectorPerDevice = sectorSize / devices;
        long deviceLen = sectorPerDevice * blocks;
        byte[] t = new byte[0x52];
        t[0x10] = 'Q'; t[0x11] = 'R'; t[0x12] = 'Y';
        t[0x13] = 0x01; t[0x14] = 0x00;               // primary command set: Intel/Sharp extended
        t[0x15] = 0x31; t[0x16] = 0x00;               // primary extended table at 0x31
        t[0x1B] = 0x45; t[0x1C] = 0x55;               // Vcc min/max 4.5 V / 5.5 V
        t[0x1F] = 0x07; t[0x20] = 0x07; t[0x21] = 0x0A; // typical timeouts: word, buffer, block erase
        t[0x23] = 0x04; t[0x24] = 0x04; t[0x25] = 0x04; // maximum timeouts
        t[0x27] = (byte) Long.numberOfTrailingZeros(deviceLen);
        t[0x28] = 0x02; t[0x29] = 0x00;               // interface: x8/x16
        t[0x2A] = 0x0B; t[0x2B] = 0x00;               // write buffer 2^11 bytes
        t[0x2C] = 0x01;                               // one erase block region
        t[0x2D] = (byte) (blocks - 1); t[0x2E] = (byte) ((blocks - 1) >> 8);
        t[0x2F] = (byte) (sectorPerDevice >> 8); t[0x30] = (byte) (sectorPerDevice >> 16);
        t[0x31] = 'P'; t[0x32] = 'R'; t[0x33] = 'I'; t[0x34] = '1'; t[0x35] = '0';
        t[0x3F] = 0x01;                               // number of protection fields
        return t;
    }

    @Override public String name() { return name; }
    @Override public long base() { return base; }
    @Override public long size() { return size; }

    /** A copy of one chip's CFI query table (index = query address). */
    public byte[] cfiTable() { return cfiTable.clone(); }

    /**
     * True while the bank is in read-array mode: reads return the contents and may be served from a
     * read-only mapping; false while a command mode is active and reads must exit to {@link #read}.
     */
    public boolean readArrayMode() { return mode == Mode.READ_ARRAY && pending == Pending.NONE; }

    /** The per-chip status register. */
    public int status() { return status; }

    /**
     * The contents byte at {@code offset}: the image, then zeros.
     *
     * <p>Simplification: erased NOR flash reads 0xFF; QEMU's pflash (7.2) backs the bank with zero-filled
     * RAM and loads the image (or the drive) over it, so a bank without a drive, and the rest of the bank
     * past a -bios image, read 0 (U-Boot's {@code md.l 0x04000000} prints zeros there). We read as QEMU
     * does, so that guest output matches QEMU's and an unloaded bank can be backed by zero pages.
     */
    public int arrayByte(long offset) {
        return offset < image.length ? image[(int) offset] & 0xFF : 0;
    }

    /** Copies {@code len} bytes of contents from {@code offset} (for the hypervisor's read-only memslot). */
    public void copyArray(long offset, byte[] dst, int off, int len) {
        if (offset < 0 || len < 0 || offset + len > size) {
            throw new IllegalArgumentException(String.format("flash %s: range 0x%x+0x%x outside the 0x%x-byte bank", name, offset, len, size));
        }
        for (int i = 0; i < len; i++) dst[off + i] = (byte) arrayByte(offset + i);
    }

    @Override
    public long read(long offset, int accessSize) {
        if (pending != Pending.NONE && pending != Pending.LOCK) return replicate(status, accessSize);
        switch (mode) {
            case READ_ARRAY: {
                long v = 0;
                for (int i = accessSize - 1; i >= 0; i--) v = v << 8 | arrayByte(offset + i);
                return v;
            }
            case READ_STATUS: return replicate(status, accessSize);
            case QUERY: return perBankWord(offset, accessSize, true);
            case READ_ID: return perBankWord(offset, accessSize, false);
            default: return 0;
        }
    }

    /** A CFI or identifier answer: one bank-width word per 4 bytes read, each two replicated 16-bit chip answers. */
    private long perBankWord(long offset, int accessSize, boolean query) {
        long v = 0;
        for (int i = 0; i < accessSize; i += BANK_WIDTH) {
            long queryAddress = (offset + i) >>> 2;
            int chip;
            if (query) chip = queryAddress < cfiTable.length ? cfiTable[(int) queryAddress] & 0xFF : 0;
            else chip = (queryAddress & 0xFF) == 0 ? MANUFACTURER_ID : (queryAddress & 0xFF) == 1 ? DEVICE_ID : 0;
            long word = chip | (long) chip << 16;
            v |= word << (i * 8);
        }
        if (accessSize < 4) v &= (1L << (accessSize * 8)) - 1;
        return v;
    }

    /** The per-chip status replicated in every 16-bit lane of the access. */
    private static long replicate(int chipValue, int accessSize) {
        long v = 0;
        for (int lane = 0; lane < accessSize; lane += DEVICE_WIDTH) v |= (long) chipValue << (lane * 8);
        return v;
    }

    @Override
    public void write(long offset, int accessSize, long value) {
        int cmd = (int) value & 0xFF;
        switch (pending) {
            case PROGRAM:
                pending = Pending.NONE;
                status |= SR_PROGRAM_ERROR | SR_BLOCK_LOCKED; // see "Not modelled": contents unchanged
                mode = Mode.READ_STATUS;
                return;
            case ERASE:
                pending = Pending.NONE;
                if (cmd == 0xD0) {
                    status |= SR_ERASE_ERROR | SR_BLOCK_LOCKED;
                    mode = Mode.READ_STATUS;
                } else {
                    status |= SR_ERASE_ERROR | SR_PROGRAM_ERROR; // improper command sequence
                    mode = Mode.READ_ARRAY;
                }
                return;
            case BUFFER_COUNT:
                bufferWritesLeft = cmd + 1; // count is N-1 words of the bus width
                pending = Pending.BUFFER_DATA;
                return;
            case BUFFER_DATA:
                if (--bufferWritesLeft == 0) pending = Pending.BUFFER_CONFIRM;
                return;
            case BUFFER_CONFIRM:
                pending = Pending.NONE;
                if (cmd == 0xD0) {
                    status |= SR_PROGRAM_ERROR | SR_BLOCK_LOCKED;
                    mode = Mode.READ_STATUS;
                } else {
                    status |= SR_ERASE_ERROR | SR_PROGRAM_ERROR;
                    mode = Mode.READ_ARRAY;
                }
                return;
            case LOCK:
                pending = Pending.NONE;
                if (cmd == 0x01 || cmd == 0xD0 || cmd == 0x2F) mode = Mode.READ_STATUS;
                else { status |= SR_ERASE_ERROR | SR_PROGRAM_ERROR; mode = Mode.READ_ARRAY; }
                return;
            default:
                break;
        }
        switch (cmd) {
            case 0x00: case 0xFF: case 0xF0: mode = Mode.READ_ARRAY; break;
            case 0x98: mode = Mode.QUERY; break;
            case 0x90: mode = Mode.READ_ID; break;
            case 0x70: mode = Mode.READ_STATUS; break;
            case 0x50: status = SR_READY; mode = Mode.READ_ARRAY; break;
            case 0x10: case 0x40: pending = Pending.PROGRAM; break;
            case 0x20: pending = Pending.ERASE; break;
            case 0xE8: pending = Pending.BUFFER_COUNT; mode = Mode.READ_STATUS; break; // XSR: buffer available (bit 7)
            case 0x60: pending = Pending.LOCK; break;
            default: mode = Mode.READ_ARRAY; break; // unknown command: back to read array (as QEMU)
        }
    }
}
