package org.cachevisor.machine;

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

    /** Writes instruction words at {@code pa} straight into RAM (no cache, no event). */
    TestGuest code(long pa, int... words) {
        for (int i = 0; i < words.length; i++) mem.ramPoke(pa + 4L * i, 4, words[i] & 0xFFFF_FFFFL);
        return this;
    }
}
