package org.cachevisor.memsys;

import static org.assertj.core.api.Assertions.assertThat;

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

    /**
     * Asserts that two memory systems hold the same RAM in [pa, pa + len) (8-byte steps) and, for each
     * line there, the same state and bytes in every cache of {@code caches} ({@link Source} cache ids);
     * messages name the seed of the run.
     */
    static void assertSameRamAndLines(MemorySystem a, MemorySystem b, int[] caches, long pa, long len, long seed) {
        byte[] lineA = new byte[64], lineB = new byte[64];
        for (long p = pa; p < pa + len; p += 8) {
            assertThat(a.ramPeek(p, 8)).as("seed %d RAM at 0x%x", seed, p).isEqualTo(b.ramPeek(p, 8));
            if ((p & 63) != 0) continue;
            for (int cache : caches) {
                assertThat(a.lineState(cache, p))
                        .as("seed %d %s line 0x%x", seed, Source.describe(cache), p).isEqualTo(b.lineState(cache, p));
                assertThat(a.peekLine(cache, p, lineA)).isEqualTo(b.peekLine(cache, p, lineB));
                assertThat(lineA)
                        .as("seed %d %s line 0x%x bytes", seed, Source.describe(cache), p).isEqualTo(lineB);
            }
        }
    }
}
