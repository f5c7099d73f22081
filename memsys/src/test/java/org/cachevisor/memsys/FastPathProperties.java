package org.cachevisor.memsys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cachevisor.memsys.Fixture.*;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The fast paths of read/write/fetch32 change nothing observable: a memory system with no observer
 * (fast paths taken whenever they apply) and one with an observer attached (every access takes the
 * slow path, the reference here) run the same random sequence of accesses of every kind (cacheable
 * Write-Back and Write-Through, Non-cacheable and Device with and without a PE, also as a PE's
 * interpreter loop makes them: through the page handle ({@link MemorySystem#ncPageHandle}) and
 * {@link MemorySystem#tryReadCached}/{@link MemorySystem#tryWrite} before read/write), fetches, accesses
 * straddling lines, pages aliasing in the RAM page memo, illegal arguments), maintenance, and
 * adversary actions (random and scripted, some scheduled while running), with CTR_EL0.IDC/DIC on or
 * off. After every operation both return the same value (or throw the same exception) and have the
 * same event clock; at the end every cache line (state and bytes), RAM, the adversary's action count
 * and the L1I generations are identical. jqwik prints the seed on failure.
 */
class FastPathProperties {
    /** Pages 4 KiB apart in the RAM page memo's index: same entry, different pages. */
    static final long ALIAS_STRIDE = (long) MemorySystem.NC_PAGES << 12;
    /** The windows the workload touches: three adjacent pages, and two pages aliasing the first. */
    static final long[][] WINDOWS = {{RAM, 3 * 4096}, {RAM + ALIAS_STRIDE, 4096}, {RAM + 2 * ALIAS_STRIDE, 4096}};

    @Property(tries = 80)
    void anyWorkload_withAndWithoutObserver_sameValuesClockAndState(@ForAll long seed,
            @ForAll @IntRange(min = 1, max = 3) int pes, @ForAll boolean tinyCaches, @ForAll boolean idc,
            @ForAll boolean dic, @ForAll boolean adversary) {
        MemorySystem quiet = build(pes, tinyCaches, idc, dic, adversary, seed);
        MemorySystem watched = build(pes, tinyCaches, idc, dic, adversary, seed);
        Recorder rec = new Recorder();
        watched.addObserver(rec); // (attaching ends the PEs' fetch-line copies: one L1I generation step)
        int[] quiet0 = l1iGenerations(quiet, pes), watched0 = l1iGenerations(watched, pes);
        SplittableRandom rq = new SplittableRandom(seed), rw = new SplittableRandom(seed);
        for (int i = 0; i < 1500; i++) {
            String a = step(quiet, rq, pes);
            String b = step(watched, rw, pes);
            assertThat(a).as("seed %d op %d", seed, i).isEqualTo(b);
            assertThat(quiet.seq()).as("seed %d op %d: %s", seed, i, a).isEqualTo(watched.seq());
        }
        assertThat(rec.seqInOrder).isTrue();
        assertThat(rec.nextSeq).isEqualTo(watched.seq());
        assertSameState(quiet, watched, pes, seed, quiet0, watched0);
    }

    /**
     * The observed fast paths (L1 hits and memoized RAM pages while an observer is attached) deliver
     * exactly the events, values and state of the observed slow path they shortcut.
     */
    @Property(tries = 60)
    void observedFastPaths_deliverTheSlowPathsEvents(@ForAll long seed, @ForAll @IntRange(min = 1, max = 3) int pes,
            @ForAll boolean tinyCaches, @ForAll boolean idc, @ForAll boolean dic, @ForAll boolean adversary) {
        MemorySystem slow = build(pes, tinyCaches, idc, dic, adversary, seed);
        MemorySystem fast = build(pes, tinyCaches, idc, dic, adversary, seed);
        slow.observedFastPaths = false;
        Recorder slowRec = new Recorder();
        Recorder fastRec = new Recorder();
        slow.addObserver(slowRec);
        fast.addObserver(fastRec);
        SplittableRandom rs = new SplittableRandom(seed), rf = new SplittableRandom(seed);
        for (int i = 0; i < 1500; i++) {
            String a = step(slow, rs, pes);
            String b = step(fast, rf, pes);
            assertThat(b).as("seed %d op %d", seed, i).isEqualTo(a);
            assertThat(fastRec.events.size()).as("seed %d op %d: %s", seed, i, a).isEqualTo(slowRec.events.size());
        }
        assertThat(fastRec.events).isEqualTo(slowRec.events);
        assertThat(fastRec.hash).as("seed %d: every field of every event", seed).isEqualTo(slowRec.hash);
        assertSameState(slow, fast, pes, seed, l1iGenerations(slow, 0), l1iGenerations(fast, 0));
    }

    private static MemorySystem build(int pes, boolean tinyCaches, boolean idc, boolean dic, boolean adversary, long seed) {
        MemConfig cfg = MemConfig.defaults().withPeCount(pes).withIdcDic(idc, dic);
        if (tinyCaches) cfg = cfg.withCaches(new CacheGeometry(2, 2), new CacheGeometry(1, 2), new CacheGeometry(2, 3));
        MemorySystem ms = with(cfg);
        if (adversary) {
            for (long[] w : WINDOWS) ms.adversary().declareCacheable(w[0], w[0] + w[1]);
            ms.adversary().setSeed(seed);
            ms.adversary().setRates(0.02, 0.03);
            SplittableRandom r = new SplittableRandom(~seed);
            for (int k = 0; k < 10; k++) schedule(ms, r, pes, r.nextInt(4000));
        }
        return ms;
    }

    private static void schedule(MemorySystem ms, SplittableRandom r, int pes, long atSeq) {
        long pa = pickPa(r, 1);
        switch (r.nextInt(3)) {
            case 0 -> ms.adversary().scheduleSpecFill(atSeq, r.nextBoolean() ? MemorySystem.L2_ID : MemorySystem.l1dId(r.nextInt(pes)), pa);
            case 1 -> ms.adversary().scheduleEvict(atSeq, r.nextBoolean() ? MemorySystem.l1iId(r.nextInt(pes)) : MemorySystem.l1dId(r.nextInt(pes)), pa);
            default -> ms.adversary().scheduleClean(atSeq, MemorySystem.l1dId(r.nextInt(pes)), pa);
        }
    }

    /** A PA with room for {@code size} bytes in one of the windows; mostly the first, with locality. */
    private static long pickPa(SplittableRandom r, int size) {
        long[] w = WINDOWS[r.nextInt(8) == 0 ? 1 + r.nextInt(2) : 0];
        int span = r.nextInt(4) == 0 ? (int) w[1] : 512; // most accesses in a few lines, so they hit
        return w[0] + r.nextInt(span - size + 1);
    }

    /** One random operation; returns its result (a value, or the exception it threw) as text. */
    private static String step(MemorySystem ms, SplittableRandom r, int pes) {
        int[] sizes = {1, 2, 4, 8};
        int op = r.nextInt(100);
        int pe = r.nextInt(pes);
        int size = sizes[r.nextInt(4)];
        long pa = pickPa(r, size);
        long value = r.nextLong();
        int ncAttrs = r.nextBoolean() ? NC : DEV;
        int ncPe = r.nextInt(pes + 1) - 1; // -1: no cache hierarchy
        try {
            if (op < 22) {
                int attrs = r.nextInt(6) == 0 ? WT : WB;
                if (r.nextBoolean() && ms.tryReadCached(pe, pa, size, attrs)) return "read " + ms.fastValue();
                return "read " + ms.read(pe, pe, LOAD, pa, size, attrs);
            }
            if (op < 42) {
                int attrs = r.nextInt(6) == 0 ? WT : WB;
                if (!r.nextBoolean() || !ms.tryWrite(pe, pe, pa, size, attrs, value)) ms.write(pe, pe, STORE, pa, size, attrs, value);
                return "write";
            }
            if (op < 56) {
                if (r.nextBoolean()) return "nc read " + ncReadByHandle(ms, ncPe, pa, size, ncAttrs);
                return "nc read " + ms.read(ncPe, 0, LOAD, pa, size, ncAttrs);
            }
            if (op < 70) {
                switch (r.nextInt(3)) {
                    case 0 -> ncWriteByHandle(ms, ncPe, pa, size, ncAttrs, value);
                    case 1 -> {
                        if (!ms.tryWrite(ncPe, 0, pa, size, ncAttrs, value)) ms.write(ncPe, 0, STORE, pa, size, ncAttrs, value);
                    }
                    default -> ms.write(ncPe, 0, STORE, pa, size, ncAttrs, value);
                }
                return "nc write";
            }
            if (op < 78) return "fetch " + ms.fetch32(pe, pe, pa & ~3L, r.nextInt(4) == 0 ? NC : WB);
            if (op < 80) return "bad size " + ms.read(pe, pe, LOAD, pa, r.nextBoolean() ? 3 : 16, r.nextBoolean() ? WB : NC);
            if (op < 82) return "bad pe " + ms.read(r.nextBoolean() ? -2 : pes, 0, LOAD, pa, size, r.nextBoolean() ? WB : NC);
            if (op < 83) {
                ms.write(-1, 0, STORE, pa, size, WB, value);
                return "cacheable without pe";
            }
            switch (op) {
                case 83, 84 -> ms.dcCleanPoC(pe, pe, pa);
                case 85, 86 -> ms.dcCleanInvalidatePoC(pe, pe, pa);
                case 87 -> ms.dcInvalidatePoC(pe, pe, pa);
                case 88, 89 -> ms.dcCleanPoU(pe, pe, pa);
                case 90, 91 -> ms.icInvalidatePa(pe, pe, pa);
                case 92 -> ms.icInvalidateAll(pe, pe, r.nextBoolean());
                case 93, 94 -> ms.dcZeroBlock(pe, pe, pa, r.nextInt(3) == 0 ? NC : WB);
                case 95 -> {
                    long[] out = new long[2];
                    ms.read16(pe, pe, LOAD, pa & ~15L, r.nextBoolean() ? WB : NC, out);
                    return "read16 " + out[0] + " " + out[1];
                }
                case 96 -> ms.write16(pe, pe, STORE, pa & ~15L, r.nextBoolean() ? WB : NC, value, ~value);
                default -> {
                    if (ms.adversary().isDeclaredCacheable(RAM)) schedule(ms, r, pes, ms.seq() + r.nextInt(12));
                }
            }
            return "op " + op;
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    /**
     * A Non-cacheable read as a PE's translation memo does it: through the page handle when the access
     * is naturally aligned and a fast access is allowed (never while observed), else read().
     */
    private static long ncReadByHandle(MemorySystem ms, int pe, long pa, int size, int attrs) {
        byte[] page = ms.ncPageHandle(pa, false);
        if (page != null && page != MemorySystem.PAGE_NOT_YET && (pa & (size - 1)) == 0 && ms.fastAccessAllowed()) {
            return ms.ncPageRead(page, pa, size);
        }
        return ms.read(pe, 0, LOAD, pa, size, attrs);
    }

    private static void ncWriteByHandle(MemorySystem ms, int pe, long pa, int size, int attrs, long value) {
        byte[] page = ms.ncPageHandle(pa, true);
        if (page != null && page != MemorySystem.PAGE_NOT_YET && (pa & (size - 1)) == 0 && ms.fastAccessAllowed()) {
            ms.ncPageWrite(page, pa, size, value);
        } else {
            ms.write(pe, 0, STORE, pa, size, attrs, value);
        }
    }

    private static int[] l1iGenerations(MemorySystem ms, int pes) {
        int[] g = new int[3];
        for (int pe = 0; pe < pes; pe++) g[pe] = ms.l1iGeneration(pe);
        return g;
    }

    /** a0/b0: the L1I generations at the start of the workload (only their changes are compared). */
    private static void assertSameState(MemorySystem a, MemorySystem b, int pes, long seed, int[] a0, int[] b0) {
        assertThat(a.adversary().actionCount()).as("seed %d adversary actions", seed).isEqualTo(b.adversary().actionCount());
        int[] caches = new int[2 * pes + 1];
        for (int pe = 0; pe < pes; pe++) {
            caches[2 * pe] = MemorySystem.l1dId(pe);
            caches[2 * pe + 1] = MemorySystem.l1iId(pe);
            assertThat(a.l1iGeneration(pe) - a0[pe]).as("seed %d PE%d L1I generation", seed, pe)
                    .isEqualTo(b.l1iGeneration(pe) - b0[pe]);
        }
        caches[2 * pes] = MemorySystem.L2_ID;
        for (int cache : caches) {
            assertThat(a.validLines(cache)).as("seed %d %s valid lines", seed, Source.describe(cache)).isEqualTo(b.validLines(cache));
        }
        for (long[] w : WINDOWS) assertSameRamAndLines(a, b, caches, w[0], w[1], seed);
    }
}
