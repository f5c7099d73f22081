package org.cachevisor.memsys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.cachevisor.memsys.Fixture.*;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The range operations ({@link MemorySystem#maintainRange}, {@link MemorySystem#dcZeroRange}) against
 * the per-line / per-block loops they stand for: two memory systems built alike run the same random
 * workload; between its pieces one issues a range operation, the other the loop of single operations
 * over the same lines (each by its line's or block's PA, ascending). Every event (every field), the
 * clock and every cache line and RAM byte must then be the same.
 */
class RangeOpsProperties {
    static final int SPAN = 16 * 1024;
    static final int[] BY_VA = {Maintenance.DC_CVAC, Maintenance.DC_CIVAC, Maintenance.DC_IVAC, Maintenance.DC_CVAU,
        Maintenance.IC_IVAU};

    @Property(tries = 60)
    void rangeOps_equalThePerLineLoops(@ForAll long seed, @ForAll @IntRange(min = 1, max = 3) int pes,
            @ForAll boolean tinyCaches, @ForAll boolean dic) {
        MemorySystem loop = build(pes, tinyCaches, dic);
        MemorySystem range = build(pes, tinyCaches, dic);
        Recorder loopRec = new Recorder();
        Recorder rangeRec = new Recorder();
        loop.addObserver(loopRec);
        range.addObserver(rangeRec);
        SplittableRandom r = new SplittableRandom(seed);
        int block = loop.config().dczBlockSize();
        int line = loop.config().lineSize();
        for (int round = 0; round < 12; round++) {
            long workloadSeed = r.nextLong();
            Workload.run(loop, workloadSeed, 150, SPAN);
            Workload.run(range, workloadSeed, 150, SPAN);
            int pe = r.nextInt(pes);
            int agent = r.nextInt(pes);
            if (r.nextBoolean()) {
                int op = BY_VA[r.nextInt(BY_VA.length)];
                long pa = RAM + r.nextInt(SPAN);
                long size = 1 + r.nextInt(8 * line);
                long lines = 0;
                for (long linePa = pa & -(long) line; linePa < pa + size; linePa += line, lines++) {
                    switch (op) {
                        case Maintenance.DC_CVAC -> loop.dcCleanPoC(pe, agent, linePa);
                        case Maintenance.DC_CIVAC -> loop.dcCleanInvalidatePoC(pe, agent, linePa);
                        case Maintenance.DC_IVAC -> loop.dcInvalidatePoC(pe, agent, linePa);
                        case Maintenance.DC_CVAU -> loop.dcCleanPoU(pe, agent, linePa);
                        default -> loop.icInvalidatePa(pe, agent, linePa);
                    }
                }
                long startPa = pa & -(long) line;
                assertThat(range.maintainRange(pe, agent, op, startPa, pa + size - startPa)).isEqualTo(lines);
            } else {
                int attrs = switch (r.nextInt(3)) {
                    case 0 -> WB;
                    case 1 -> WT;
                    default -> NC;
                };
                long pa = (RAM + r.nextInt(SPAN)) & -(long) block;
                long size = (long) block * (1 + r.nextInt(6));
                for (long off = 0; off < size; off += block) loop.dcZeroBlock(pe, agent, pa + off, attrs);
                range.dcZeroRange(pe, agent, pa, size, attrs);
            }
            assertThat(range.seq()).as("seed %d round %d seq", seed, round).isEqualTo(loop.seq());
            assertThat(rangeRec.events).as("seed %d round %d events", seed, round).isEqualTo(loopRec.events);
            assertThat(rangeRec.hash).as("seed %d round %d: every field of every event", seed, round)
                    .isEqualTo(loopRec.hash);
        }
        assertThat(rangeRec.seqInOrder).isTrue();
        assertSameState(loop, range, pes, seed);
    }

    @Test
    void dcZeroRange_runningOutOfRam_zeroesTheSameBlocksThenTheSameBusError() {
        MemorySystem loop = defaults();
        MemorySystem range = defaults();
        Recorder loopRec = new Recorder();
        Recorder rangeRec = new Recorder();
        loop.addObserver(loopRec);
        range.addObserver(rangeRec);
        int block = loop.config().dczBlockSize();
        long pa = RAM + RAM_SIZE - 2L * block; // two blocks in RAM, then unmapped
        for (MemorySystem ms : new MemorySystem[] {loop, range}) {
            for (int i = 0; i < 2 * block; i += 8) ms.write(0, 0, STORE, pa + i, 8, WB, -1L);
        }
        assertThatThrownBy(() -> {
            for (long off = 0; off < 4L * block; off += block) loop.dcZeroBlock(0, 0, pa + off, WB);
        }).isInstanceOf(BusError.class);
        assertThatThrownBy(() -> range.dcZeroRange(0, 0, pa, 4L * block, WB)).isInstanceOf(BusError.class);
        assertThat(rangeRec.events).isEqualTo(loopRec.events);
        assertThat(range.seq()).isEqualTo(loop.seq());
        assertThat(range.read(0, 0, LOAD, pa + 2L * block - 8, 8, WB)).isZero();
    }

    @Test
    void badArguments_throwBeforeAnythingChanges() {
        MemorySystem ms = defaults();
        int block = ms.config().dczBlockSize();
        assertThatThrownBy(() -> ms.dcZeroRange(0, 0, RAM + 8, block, WB))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiples");
        assertThatThrownBy(() -> ms.dcZeroRange(0, 0, RAM, block + 16, WB))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiples");
        assertThatThrownBy(() -> ms.dcZeroRange(0, 0, RAM, 0, WB)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ms.dcZeroRange(-1, 0, RAM, block, WB)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ms.maintainRange(0, 0, Maintenance.DC_ZVA, RAM, 64))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a by-address");
        assertThatThrownBy(() -> ms.maintainRange(0, 0, Maintenance.DC_CVAC, RAM, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(">= 1");
        assertThatThrownBy(() -> ms.maintainRange(2, 0, Maintenance.DC_CVAC, RAM, 64))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ms.maintainRange(0, 0, Maintenance.DC_CVAC, (1L << ms.config().paBits()) - 64, 128))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("physical address space");
        assertThat(ms.seq()).isZero();
    }

    private static MemorySystem build(int pes, boolean tinyCaches, boolean dic) {
        MemConfig cfg = MemConfig.defaults().withPeCount(pes).withIdcDic(false, dic);
        if (tinyCaches) cfg = cfg.withCaches(new CacheGeometry(2, 2), new CacheGeometry(1, 2), new CacheGeometry(2, 3));
        return with(cfg);
    }

    private static void assertSameState(MemorySystem a, MemorySystem b, int pes, long seed) {
        int[] caches = new int[2 * pes + 1];
        for (int pe = 0; pe < pes; pe++) {
            caches[2 * pe] = MemorySystem.l1dId(pe);
            caches[2 * pe + 1] = MemorySystem.l1iId(pe);
            assertThat(a.l1iGeneration(pe)).as("seed %d PE%d L1I generation", seed, pe).isEqualTo(b.l1iGeneration(pe));
        }
        caches[2 * pes] = MemorySystem.L2_ID;
        assertSameRamAndLines(a, b, caches, RAM, SPAN, seed);
    }
}
