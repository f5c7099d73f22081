package org.cachevisor.vmm.run;

import java.util.ArrayList;
import java.util.List;
import org.cachevisor.vmm.board.VirtBoard;
import org.cachevisor.vmm.fdt.VirtFdt;
import org.cachevisor.vmm.loader.BiosLoader;
import org.cachevisor.vmm.loader.ElfLoader;
import org.cachevisor.vmm.loader.LinuxImageLoader;
import org.cachevisor.vmm.loader.LoadPlan;
import org.cachevisor.vmm.loader.Placement;
import org.cachevisor.vmm.loader.RawLoader;

/**
 * What the VMM boots, as QEMU's options name it ({@code -bios}, {@code -kernel} with {@code -append} and
 * {@code -initrd}, an ELF or a raw binary), and how each becomes a {@link LoadPlan} with the board's DTB:
 * <ul>
 *   <li>{@link Bios}: the firmware in flash bank 0 (entered at 0), the DTB at the start of RAM
 *       ({@link BiosLoader});</li>
 *   <li>{@link LinuxKernel}: the Linux arm64 boot protocol, X0 = the DTB ({@link LinuxImageLoader});</li>
 *   <li>{@link Elf} and {@link Raw}: a bare-metal program entered at e_entry (or the given entry) with
 *       X0 = 0; the DTB is placed at the start of RAM when it does not overlap the program (as QEMU does
 *       for images that are not Linux kernels), else left out.</li>
 * </ul>
 */
public sealed interface BootImage {

    /** The load plan for {@code board}. @throws IllegalArgumentException for a malformed image or one that does not fit */
    LoadPlan plan(VirtBoard board);

    /** A short description for reports ("bios", "kernel", "elf", "raw"). */
    String kind();

    /** {@code -bios FILE}: firmware in flash bank 0. */
    record Bios(byte[] firmware) implements BootImage {
        @Override public LoadPlan plan(VirtBoard board) { return BiosLoader.plan(firmware, VirtFdt.Chosen.NONE, board); }

        @Override public String kind() { return "bios"; }
    }

    /** {@code -kernel FILE [-initrd FILE] [-append ARGS]}: a Linux arm64 Image; {@code initrd} and {@code append} may be null. */
    record LinuxKernel(byte[] image, byte[] initrd, String append) implements BootImage {
        @Override public LoadPlan plan(VirtBoard board) { return LinuxImageLoader.plan(image, initrd, append, board); }

        @Override public String kind() { return "kernel"; }
    }

    /** An ELF64 executable entered at e_entry. */
    record Elf(byte[] file) implements BootImage {
        @Override public LoadPlan plan(VirtBoard board) { return withDtbAtRamStart(ElfLoader.plan(file, board), board); }

        @Override public String kind() { return "elf"; }
    }

    /** A raw binary loaded at {@code loadIpa} and entered at {@code entryIpa} (which must lie in RAM, 4-byte aligned). */
    record Raw(byte[] image, long loadIpa, long entryIpa) implements BootImage {
        @Override
        public LoadPlan plan(VirtBoard board) {
            LoadPlan p = RawLoader.plan(image, loadIpa, board);
            if ((entryIpa & 3) != 0 || !board.inRam(entryIpa, 4)) {
                throw new IllegalArgumentException(String.format("raw image: entry 0x%x is not a 4-byte aligned address in RAM [0x%x, 0x%x)",
                        entryIpa, board.ramBase(), board.ramEnd()));
            }
            return withDtbAtRamStart(new LoadPlan(p.placements(), entryIpa, 0, 0, 0, 0), board);
        }

        @Override public String kind() { return "raw"; }
    }

    /** {@code plan} plus the board's DTB at the start of RAM, unless the program already uses those bytes. */
    private static LoadPlan withDtbAtRamStart(LoadPlan plan, VirtBoard board) {
        byte[] dtb = VirtFdt.build(board, VirtFdt.Chosen.NONE);
        Placement p = new Placement("dtb", board.ramBase(), dtb);
        if (!board.inRam(p.ipa(), dtb.length)) return plan;
        for (Placement q : plan.placements()) {
            if (Long.compareUnsigned(q.ipa(), p.end()) < 0 && Long.compareUnsigned(p.ipa(), q.end()) < 0) return plan;
        }
        List<Placement> all = new ArrayList<>(plan.placements());
        all.add(p);
        return new LoadPlan(all, plan.entryPc(), plan.x0(), plan.x1(), plan.x2(), plan.x3());
    }
}
