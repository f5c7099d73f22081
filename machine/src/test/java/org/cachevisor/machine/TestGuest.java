package org.cachevisor.machine;

import org.cachevisor.machine.mmu.TableBuilder;
import org.cachevisor.memsys.Attrs;
import org.cachevisor.memsys.MemConfig;
import org.cachevisor.memsys.MemorySystem;

/** A one- or two-PE machine with 16 MiB of RAM at PA 0, for PE tests. Code is poked into RAM directly. */
final class TestGuest {
    final MemorySystem mem;
    final Platform platform;
    final Pe pe;

    TestGuest() { this(1); }

    TestGuest(int pes) {
        mem = new MemorySystem(MemConfig.defaults().withPeCount(pes));
        mem.map().addRam("ram", 0, 16L << 20);
        platform = new Platform(mem);
        pe = platform.pe(0);
    }

    /**
     * Identity-maps RAM [0, 15 MiB) with stage-1 4 KiB pages (Normal WB Inner Shareable, read/write and
     * executable at EL1, no EL0 access) from tables at 15 MiB, and loads TCR_EL1, MAIR_EL1 and TTBR0_EL1:
     * with SCTLR_EL1.M = 1 the PE then sees what the old identity regime gave. Call after reset.
     */
    TestGuest identityMap() {
        TableBuilder b = new TableBuilder(mem, -1, 0, Attrs.NC, 15L << 20, 1L << 20);
        b.mapPages(0, 0, 15L << 20, (long) TableBuilder.ATTR_WB << 2 | TableBuilder.SH_ISH | TableBuilder.AF
                | TableBuilder.AP_EL1_RW | TableBuilder.UXN);
        pe.writeSysReg(SysRegs.TCR_EL1, TableBuilder.TCR_EL1_48BIT);
        pe.writeSysReg(SysRegs.MAIR_EL1, TableBuilder.MAIR_EL1);
        pe.writeSysReg(SysRegs.TTBR0_EL1, b.root());
        return this;
    }

    /** Writes instruction words at {@code pa} straight into RAM (no cache, no event). */
    TestGuest code(long pa, int... words) {
        for (int i = 0; i < words.length; i++) mem.ramPoke(pa + 4L * i, 4, words[i] & 0xFFFF_FFFFL);
        return this;
    }
}
