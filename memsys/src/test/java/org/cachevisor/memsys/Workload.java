package org.cachevisor.memsys;

import static org.cachevisor.memsys.Fixture.*;

import java.util.SplittableRandom;

/** A deterministic mixed workload for adversary/observer tests (a pure function of its seed). */
final class Workload {
    private Workload() {}

    static void run(MemorySystem ms, long seed, int ops, int span) {
        SplittableRandom r = new SplittableRandom(seed);
        int pes = ms.config().peCount();
        int[] sizes = {1, 2, 4, 8};
        for (int i = 0; i < ops; i++) {
            int pe = r.nextInt(pes);
            long pa = RAM + r.nextInt(span);
            int op = r.nextInt(100);
            if (op < 40) ms.read(pe, pe, LOAD, pa, sizes[r.nextInt(4)], WB);
            else if (op < 75) ms.write(pe, pe, STORE, pa, sizes[r.nextInt(4)], WB, r.nextLong());
            else if (op < 80) ms.write(pe, pe, STORE, pa, 4, WT, r.nextLong());
            else if (op < 85) ms.read(-1, pe, LOAD, pa, 8, NC);
            else if (op < 90) ms.fetch32(pe, pe, pa & ~3L, WB);
            else if (op < 93) ms.dcCleanPoC(pe, pe, pa);
            else if (op < 95) ms.dcCleanInvalidatePoC(pe, pe, pa);
            else if (op < 97) ms.dcZeroBlock(pe, pe, pa, WB);
            else if (op < 98) ms.icInvalidatePa(pe, pe, pa);
            else ms.dcCleanPoU(pe, pe, pa);
        }
    }
}
