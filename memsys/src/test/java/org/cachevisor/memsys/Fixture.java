package org.cachevisor.memsys;

/** A memory system with RAM at {@link #RAM} for tests. */
final class Fixture {
    static final long RAM = 0x4000_0000L;
    static final long RAM_SIZE = 256L << 20;
    static final int WB = Attrs.HOST_WB;
    static final int WT = Attrs.make(Attrs.NORMAL_WT, Attrs.ISH);
    static final int NC = Attrs.NC;
    static final int DEV = Attrs.DEVICE_nGnRnE;
    static final int LOAD = AccessKind.LOAD;
    static final int STORE = AccessKind.STORE;

    private Fixture() {}

    static MemorySystem defaults() { return with(MemConfig.defaults()); }

    static MemorySystem with(MemConfig cfg) {
        MemorySystem ms = new MemorySystem(cfg);
        ms.map().addRam("ram", RAM, RAM_SIZE);
        return ms;
    }

    /** One set: L1D and L1I 1 set x 2 ways, L2 1 set x 4 ways, 64-byte lines; n PEs. */
    static MemorySystem tiny(int pes) {
        return with(MemConfig.defaults().withPeCount(pes)
                .withCaches(new CacheGeometry(1, 2), new CacheGeometry(1, 2), new CacheGeometry(1, 4)));
    }
}
