package org.cachevisor.vmm.loader;

import java.util.ArrayList;
import java.util.List;
import org.cachevisor.isa.elf.ElfReader;
import org.cachevisor.vmm.board.VirtBoard;

/**
 * An AArch64 ELF64 executable (ET_EXEC) placed by its PT_LOAD program headers at their physical
 * addresses (p_paddr: the load address a bare-metal program or vmlinux expects with the MMU off, as
 * QEMU's ELF loader uses), each segment's p_memsz bytes being its p_filesz file bytes followed by zeros
 * (.bss). The entry PC is e_entry, translated from the segment's virtual to physical address when
 * e_entry lies in a segment whose p_vaddr differs from its p_paddr. X0..X3 = 0.
 *
 * <p>ET_DYN files (position-independent firmware such as U-Boot's uboot.elf, which relocates itself) are
 * placed at their link addresses too. Simplification: a dynamic loader would pick a load bias and apply
 * the relocations; we apply neither, which is what self-relocating bare-metal images expect.
 */
public final class ElfLoader {
    private ElfLoader() {}

    /**
     * The plan for the ELF file {@code elf}.
     *
     * @throws IllegalArgumentException if the file is malformed (from {@link ElfReader}),
     *         has no PT_LOAD segment with bytes, has a segment outside RAM or two overlapping segments, or
     *         has an entry point outside every loaded segment
     */
    public static LoadPlan plan(byte[] elf, VirtBoard board) {
        ElfReader.ElfFile file = ElfReader.read(elf);
        List<Placement> placements = new ArrayList<>();
        long entryPa = -1;
        int index = 0;
        for (ElfReader.Segment s : file.segments()) {
            int i = index++;
            if (!s.isLoad() || s.memSize() == 0) continue;
            if (s.memSize() > Integer.MAX_VALUE - 8) throw new IllegalArgumentException(String.format("ELF: segment %d is too large (0x%x bytes)", i, s.memSize()));
            if (!board.inRam(s.pa(), s.memSize())) {
                throw new IllegalArgumentException(String.format("ELF: segment %d [pa 0x%x, 0x%x) is outside RAM [0x%x, 0x%x)",
                        i, s.pa(), s.pa() + s.memSize(), board.ramBase(), board.ramEnd()));
            }
            byte[] bytes = new byte[(int) s.memSize()];
            byte[] fileBytes = file.contents(s);
            System.arraycopy(fileBytes, 0, bytes, 0, fileBytes.length);
            placements.add(new Placement("ELF segment " + i, s.pa(), bytes));
            if (Long.compareUnsigned(file.entry() - s.va(), s.memSize()) < 0) entryPa = s.pa() + (file.entry() - s.va());
        }
        if (placements.isEmpty()) throw new IllegalArgumentException("ELF: no PT_LOAD segment with bytes to load");
        if (entryPa == -1) throw new IllegalArgumentException(String.format("ELF: entry point 0x%x is outside every loaded segment", file.entry()));
        if ((entryPa & 3) != 0) throw new IllegalArgumentException(String.format("ELF: entry point 0x%x is not 4-byte aligned", file.entry()));
        try {
            return new LoadPlan(placements, entryPa, 0, 0, 0, 0);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ELF: " + e.getMessage(), e);
        }
    }
}
