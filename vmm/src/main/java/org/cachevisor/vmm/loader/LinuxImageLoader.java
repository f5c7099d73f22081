package org.cachevisor.vmm.loader;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.cachevisor.vmm.board.VirtBoard;
import org.cachevisor.vmm.fdt.VirtFdt;

/**
 * A Linux arm64 {@code Image} (arch/arm64/kernel/head.S), booted as Documentation/arm64/booting.rst
 * says:
 *
 * <pre>
 *   0x00 u32 code0, u32 code1      executable code (branch to stext)
 *   0x08 u64 text_offset           image load offset from a 2 MiB aligned base, little-endian
 *   0x10 u64 image_size            effective image size (incl. BSS), little-endian; 0 before v3.17
 *   0x18 u64 flags                 bit 0: kernel endianness (1 = big); bits 2:1: page size
 *                                  (0 unspecified, 1 4K, 2 16K, 3 64K); bit 3: physical placement
 *                                  (0: base as close as possible to the start of DRAM; 1: anywhere)
 *   0x20 u64 res2, res3, res4
 *   0x38 u32 magic                 0x644d5241 ("ARM\x64")
 *   0x3C u32 res5                  PE header offset (EFI stub)
 * </pre>
 *
 * Layout chosen here (booting.rst leaves it to the loader): the 2 MiB aligned base is the start of RAM
 * (valid whatever the placement bit says); the kernel at base + text_offset; the initrd, if any, at the
 * next 2 MiB boundary past base + text_offset + image_size; the DTB (at most 2 MiB, 8-byte aligned, in a
 * 2 MiB region of its own) at the next 2 MiB boundary after that. Entry: the first byte of the Image, with
 * X0 = the DTB's IPA and X1 = X2 = X3 = 0 (booting.rst "Call the kernel image").
 */
public final class LinuxImageLoader {
    public static final int MAGIC = 0x644D_5241;
    public static final int HEADER_SIZE = 64;
    public static final long ALIGN_2M = 2L << 20;
    /** booting.rst: "The device tree blob (dtb) ... must not exceed 2 megabytes in size." */
    public static final long MAX_DTB_SIZE = 2L << 20;
    /** booting.rst: "If image_size is zero, text_offset can be assumed to be 0x80000." */
    public static final long LEGACY_TEXT_OFFSET = 0x80000;

    /** The fields of the 64-byte header that matter to a loader. */
    public record Header(long textOffset, long imageSize, boolean bigEndian, int pageSizeKiB, boolean placeAnywhere) { }

    /** Addresses chosen for a kernel, its initrd and its DTB. An absent initrd has start == end. */
    public record Layout(long kernelIpa, long kernelEnd, long initrdIpa, long initrdEnd, long dtbIpa) { }

    private LinuxImageLoader() {}

    /**
     * Parses and validates the header.
     *
     * @throws IllegalArgumentException if the file is shorter than the header, the magic is wrong, the
     *         kernel is big-endian, text_offset is not 4 KiB aligned or not below 2 MiB... or image_size
     *         is smaller than the file
     */
    public static Header parseHeader(byte[] image) {
        if (image == null || image.length < HEADER_SIZE) {
            throw new IllegalArgumentException("Linux Image: file of " + (image == null ? 0 : image.length) + " bytes is shorter than the 64-byte header");
        }
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt(0x38);
        if (magic != MAGIC) throw new IllegalArgumentException(String.format("Linux Image: bad magic 0x%08x at 0x38 (expected 0x%08x \"ARM\\x64\")", magic, MAGIC));
        long textOffset = b.getLong(0x08), imageSize = b.getLong(0x10), flags = b.getLong(0x18);
        if (imageSize == 0) textOffset = LEGACY_TEXT_OFFSET; // pre-3.17 header: text_offset field is not reliable
        if ((flags & 1) != 0) throw new IllegalArgumentException("Linux Image: big-endian kernel (flags bit 0 set); only little-endian guests are supported");
        int pageSizeKiB = switch ((int) (flags >>> 1) & 3) { case 1 -> 4; case 2 -> 16; case 3 -> 64; default -> 0; };
        if ((textOffset & 0xFFF) != 0 || Long.compareUnsigned(textOffset, ALIGN_2M) >= 0) {
            throw new IllegalArgumentException(String.format("Linux Image: text_offset 0x%x is not a 4 KiB aligned offset below 2 MiB", textOffset));
        }
        if (imageSize != 0 && Long.compareUnsigned(imageSize, image.length) < 0) {
            throw new IllegalArgumentException(String.format("Linux Image: image_size 0x%x is smaller than the file (0x%x bytes)", imageSize, image.length));
        }
        return new Header(textOffset, imageSize, false, pageSizeKiB, (flags & 8) != 0);
    }

    /**
     * The addresses for a kernel with header {@code h} and {@code fileLength} bytes, an initrd of
     * {@code initrdSize} bytes (0 for none) and a DTB of at most {@code dtbSize} bytes.
     *
     * @throws IllegalArgumentException if the DTB is larger than 2 MiB or the whole does not fit in RAM
     */
    public static Layout layout(Header h, long fileLength, long initrdSize, long dtbSize, VirtBoard board) {
        if (dtbSize <= 0 || dtbSize > MAX_DTB_SIZE) throw new IllegalArgumentException("Linux Image: DTB of " + dtbSize + " bytes is not between 1 byte and 2 MiB");
        if (initrdSize < 0) throw new IllegalArgumentException("Linux Image: negative initrd size " + initrdSize);
        long base = board.ramBase(); // 2 MiB aligned: 0x4000_0000
        long kernelIpa = base + h.textOffset();
        /* Simplification: a pre-3.17 Image (image_size 0) does not say how much BSS follows it; we reserve
         * only the file, which is what booting.rst's loaders did; such kernels are not our target. */
        long kernelEnd = kernelIpa + (h.imageSize() != 0 ? h.imageSize() : fileLength);
        long initrdIpa = alignUp(kernelEnd, ALIGN_2M);
        long initrdEnd = initrdIpa + initrdSize;
        long dtbIpa = alignUp(initrdEnd, ALIGN_2M);
        long end = dtbIpa + dtbSize;
        if (Long.compareUnsigned(end, board.ramEnd()) > 0) {
            throw new IllegalArgumentException(String.format("Linux Image: kernel (0x%x bytes from 0x%x), initrd (0x%x bytes) and DTB need RAM up to 0x%x, but RAM ends at 0x%x",
                    kernelEnd - kernelIpa, kernelIpa, initrdSize, end, board.ramEnd()));
        }
        return new Layout(kernelIpa, kernelEnd, initrdIpa, initrdSize == 0 ? initrdIpa : initrdEnd, dtbIpa);
    }

    /**
     * The plan to boot {@code image} on {@code board} with an optional {@code initrd} (null or empty for
     * none) and kernel command line {@code bootargs} (null for none): kernel, initrd and the board's DTB
     * (whose /chosen names the initrd), entry at the kernel with X0 = the DTB.
     */
    public static LoadPlan plan(byte[] image, byte[] initrd, String bootargs, VirtBoard board) {
        Header h = parseHeader(image);
        long initrdSize = initrd == null ? 0 : initrd.length;
        // The DTB's size depends on the initrd properties only by a fixed amount; size it with them present.
        int dtbBound = VirtFdt.build(board, new VirtFdt.Chosen(bootargs, 1, 2)).length;
        Layout l = layout(h, image.length, initrdSize, dtbBound, board);
        byte[] dtb = VirtFdt.build(board, new VirtFdt.Chosen(bootargs, l.initrdIpa(), l.initrdEnd()));
        List<Placement> placements = new ArrayList<>();
        placements.add(new Placement("kernel", l.kernelIpa(), image.clone()));
        if (initrdSize > 0) placements.add(new Placement("initrd", l.initrdIpa(), initrd.clone()));
        placements.add(new Placement("dtb", l.dtbIpa(), dtb));
        return new LoadPlan(placements, l.kernelIpa(), l.dtbIpa(), 0, 0, 0);
    }

    static long alignUp(long v, long a) { return (v + a - 1) & -a; }
}
