package org.cachevisor.memsys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Non-cacheable accesses of every size, aligned or not, across pages and across two adjacent RAM
 * regions, behave like a flat little-endian byte array (the reference here, assembled byte by byte).
 */
class PhysicalMemoryProperties {
    static final long BASE = 0x8000_0000L;
    static final int SPAN = 3 * 4096; // region "a" is the first 2 pages, region "b" the third

    @Property(tries = 100)
    void nonCacheableAccesses_anySizeAndOffset_matchFlatBytes(@ForAll long seed) {
        MemorySystem ms = new MemorySystem(MemConfig.defaults());
        ms.map().addRam("a", BASE, 2 * 4096);
        ms.map().addRam("b", BASE + 2 * 4096, 4096);
        byte[] flat = new byte[SPAN];
        SplittableRandom r = new SplittableRandom(seed);
        int[] sizes = {1, 2, 4, 8, 16};
        long[] out = new long[2];
        for (int i = 0; i < 400; i++) {
            int size = sizes[r.nextInt(sizes.length)];
            int off = r.nextInt(SPAN - size + 1);
            if (r.nextBoolean()) {
                long lo = r.nextLong(), hi = r.nextLong();
                if (size == 16) ms.write16(-1, 0, AccessKind.DMA_WRITE, BASE + off, Attrs.NC, lo, hi);
                else ms.write(-1, 0, AccessKind.DMA_WRITE, BASE + off, size, Attrs.NC, lo);
                for (int b = 0; b < size; b++) flat[off + b] = (byte) ((b < 8 ? lo >>> (8 * b) : hi >>> (8 * (b - 8))));
            } else {
                long expectLo = 0, expectHi = 0;
                for (int b = Math.min(size, 8) - 1; b >= 0; b--) expectLo = (expectLo << 8) | (flat[off + b] & 0xff);
                for (int b = size - 1; b >= 8; b--) expectHi = (expectHi << 8) | (flat[off + b] & 0xff);
                if (size == 16) {
                    ms.read16(-1, 0, AccessKind.DMA_READ, BASE + off, Attrs.NC, out);
                    assertThat(out).as("seed %d op %d read16 +%d", seed, i, off).containsExactly(expectLo, expectHi);
                } else {
                    assertThat(ms.read(-1, 0, AccessKind.DMA_READ, BASE + off, size, Attrs.NC))
                            .as("seed %d op %d read +%d/%d", seed, i, off, size).isEqualTo(expectLo);
                }
            }
        }
        byte[] all = new byte[SPAN];
        ms.readBytes(-1, 0, BASE, all, 0, SPAN, Attrs.NC);
        assertThat(all).as("seed %d bulk read", seed).isEqualTo(flat);
    }
}
