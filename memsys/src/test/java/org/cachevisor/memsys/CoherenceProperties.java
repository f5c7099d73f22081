package org.cachevisor.memsys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cachevisor.memsys.Fixture.*;

import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Cacheable accesses by PEs are coherent: whatever the interleaving, the caches' geometry, and the
 * adversary's fills and evictions, every cacheable read returns what a flat byte map says (the
 * reference model here), maintenance that cleans keeps it so, and at the end cleaning everything to
 * the PoC leaves RAM equal to the flat map. The invariant "at most one L1D holds a line dirty, and
 * then no other L1D holds it" is checked after every operation. jqwik prints the seed on failure.
 */
class CoherenceProperties {
    static final int SPAN = 1024;

    @Property(tries = 150)
    void cacheableAccesses_anyInterleaving_readWhatFlatMapSays(@ForAll long seed, @ForAll @IntRange(min = 1, max = 4) int pes,
            @ForAll boolean tinyCaches, @ForAll boolean adversary) {
        MemConfig cfg = MemConfig.defaults().withPeCount(pes);
        if (tinyCaches) cfg = cfg.withCaches(new CacheGeometry(2, 2), new CacheGeometry(1, 1), new CacheGeometry(2, 3));
        MemorySystem ms = with(cfg);
        if (adversary) {
            ms.adversary().declareCacheable(RAM, RAM + SPAN);
            ms.adversary().setSeed(seed);
            ms.adversary().setRates(0.1, 0.1);
        }
        byte[] flat = new byte[SPAN + 16];
        SplittableRandom r = new SplittableRandom(seed);
        int[] sizes = {1, 2, 4, 8, 16};
        long[] out = new long[2];
        for (int i = 0; i < 600; i++) {
            int pe = r.nextInt(pes);
            int size = sizes[r.nextInt(sizes.length)];
            int off = r.nextInt(SPAN - 16);
            long pa = RAM + off;
            int attrs = r.nextInt(5) == 0 ? WT : WB;
            int op = r.nextInt(10);
            if (op < 4) {
                if (size == 16) {
                    ms.read16(pe, pe, LOAD, pa, attrs, out);
                    assertThat(out[0]).as("seed %d op %d lo", seed, i).isEqualTo(LittleEndian.get(flat, off, 8));
                    assertThat(out[1]).as("seed %d op %d hi", seed, i).isEqualTo(LittleEndian.get(flat, off + 8, 8));
                } else {
                    assertThat(ms.read(pe, pe, LOAD, pa, size, attrs)).as("seed %d op %d read 0x%x/%d", seed, i, pa, size)
                            .isEqualTo(LittleEndian.get(flat, off, size));
                }
            } else if (op < 8) {
                long lo = r.nextLong(), hi = r.nextLong();
                if (size == 16) {
                    ms.write16(pe, pe, STORE, pa, attrs, lo, hi);
                    LittleEndian.put(flat, off, 8, lo);
                    LittleEndian.put(flat, off + 8, 8, hi);
                } else {
                    ms.write(pe, pe, STORE, pa, size, attrs, lo);
                    LittleEndian.put(flat, off, size, lo);
                }
            } else if (op == 8) {
                switch (r.nextInt(4)) {
                    case 0 -> ms.dcCleanPoC(pe, pe, pa);
                    case 1 -> ms.dcCleanInvalidatePoC(pe, pe, pa);
                    case 2 -> ms.dcCleanPoU(pe, pe, pa);
                    default -> ms.dcSetWay(pe, pe, r.nextBoolean() ? Maintenance.DC_CSW : Maintenance.DC_CISW, 0L);
                }
            } else {
                ms.dcZeroBlock(pe, pe, pa, WB);
                Arrays.fill(flat, off & ~63, (off & ~63) + 64, (byte) 0);
            }
            checkInvariant(ms, pes, pa, seed, i);
        }
        for (long p = RAM; p < RAM + SPAN; p += 64) ms.dcCleanInvalidatePoC(0, 0, p);
        for (int o = 0; o < SPAN; o += 8) {
            assertThat(ms.read(-1, 0, LOAD, RAM + o, 8, NC)).as("seed %d RAM at +%d after cleaning to PoC", seed, o)
                    .isEqualTo(LittleEndian.get(flat, o, 8));
        }
    }

    private static void checkInvariant(MemorySystem ms, int pes, long pa, long seed, int i) {
        for (long linePa = (pa & ~63L); linePa <= pa + 16; linePa += 64) {
            int dirty = 0, valid = 0;
            for (int pe = 0; pe < pes; pe++) {
                int s = ms.lineState(MemorySystem.l1dId(pe), linePa);
                if (s == LineState.DIRTY) dirty++;
                if (s != LineState.INVALID) valid++;
            }
            assertThat(dirty == 0 || valid == 1).as("seed %d op %d line 0x%x: %d dirty among %d L1D copies", seed, i,
                    linePa, dirty, valid).isTrue();
        }
    }
}
