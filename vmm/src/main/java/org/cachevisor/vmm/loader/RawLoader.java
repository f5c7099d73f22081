package org.cachevisor.vmm.loader;

import java.util.List;
import org.cachevisor.vmm.board.VirtBoard;

/**
 * A raw binary (no header: the bytes are code and data as they must appear in memory) placed at an IPA in
 * RAM and entered at its first byte, with X0..X3 = 0 (a bare-metal program: the scenarios' guests).
 */
public final class RawLoader {
    private RawLoader() {}

    /**
     * The plan for {@code image} at {@code loadIpa}.
     *
     * @throws IllegalArgumentException if the image is empty, the address is not 4-byte aligned (A64
     *         instructions are), or the image does not fit inside the board's RAM
     */
    public static LoadPlan plan(byte[] image, long loadIpa, VirtBoard board) {
        if (image == null || image.length == 0) throw new IllegalArgumentException("raw image: empty");
        if ((loadIpa & 3) != 0) throw new IllegalArgumentException(String.format("raw image: load address 0x%x is not 4-byte aligned", loadIpa));
        if (!board.inRam(loadIpa, image.length)) {
            throw new IllegalArgumentException(String.format("raw image: [0x%x, 0x%x) is outside RAM [0x%x, 0x%x)",
                    loadIpa, loadIpa + image.length, board.ramBase(), board.ramEnd()));
        }
        return new LoadPlan(List.of(new Placement("raw image", loadIpa, image.clone())), loadIpa, 0, 0, 0, 0);
    }
}
