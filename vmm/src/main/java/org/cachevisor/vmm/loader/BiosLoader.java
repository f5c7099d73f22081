package org.cachevisor.vmm.loader;

import java.util.List;
import org.cachevisor.vmm.board.VirtBoard;
import org.cachevisor.vmm.fdt.VirtFdt;

/**
 * QEMU's {@code -bios}: a firmware image (U-Boot's u-boot.bin for qemu_arm64, UEFI) in flash bank 0 at
 * IPA 0, entered at 0 in the reset state, with the board's DTB at the start of RAM, where QEMU puts it
 * for firmware and where U-Boot's qemu-arm board_fdt_blob_setup() looks for it. X0..X3 = 0, as QEMU
 * leaves them for firmware.
 *
 * <p>The "bios image" placement lies in flash, not RAM: the VMM gives its bytes to the flash0
 * {@code CfiFlash} device (which backs the read-only memslot), the "dtb" placement to RAM.
 */
public final class BiosLoader {
    private BiosLoader() {}

    /**
     * The plan for firmware {@code image} with {@code chosen} in the DTB.
     *
     * @throws IllegalArgumentException if the image is empty or larger than a 64 MiB flash bank
     */
    public static LoadPlan plan(byte[] image, VirtFdt.Chosen chosen, VirtBoard board) {
        if (image == null || image.length == 0) throw new IllegalArgumentException("bios: empty firmware image");
        if (image.length > VirtBoard.FLASH_BANK_SIZE) {
            throw new IllegalArgumentException("bios: firmware image of " + image.length + " bytes does not fit the " + (VirtBoard.FLASH_BANK_SIZE >> 20) + " MiB flash bank 0");
        }
        byte[] dtb = VirtFdt.build(board, chosen);
        if (!board.inRam(board.ramBase(), dtb.length)) throw new IllegalArgumentException("bios: the DTB (" + dtb.length + " bytes) does not fit in RAM");
        return new LoadPlan(List.of(new Placement("bios image", VirtBoard.FLASH0_BASE, image.clone()), new Placement("dtb", board.ramBase(), dtb)),
                VirtBoard.FLASH0_BASE, 0, 0, 0, 0);
    }
}
