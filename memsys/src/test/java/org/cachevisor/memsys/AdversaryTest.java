package org.cachevisor.memsys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.cachevisor.memsys.Fixture.*;
import static org.cachevisor.memsys.LineState.CLEAN;
import static org.cachevisor.memsys.LineState.DIRTY;
import static org.cachevisor.memsys.LineState.INVALID;
import static org.cachevisor.memsys.MemorySystem.L2_ID;
import static org.cachevisor.memsys.MemorySystem.l1dId;
import static org.cachevisor.memsys.MemorySystem.l1iId;

import org.junit.jupiter.api.Test;

class AdversaryTest {

    private static MemorySystem withAdversary(long seed, double fill, double evict) {
        MemorySystem ms = tiny(2);
        ms.adversary().declareCacheable(RAM, RAM + RAM_SIZE);
        ms.adversary().setSeed(seed);
        ms.adversary().setRates(fill, evict);
        return ms;
    }

    private static long eventHash(long seed) {
        MemorySystem ms = withAdversary(seed, 0.05, 0.05);
        Recorder rec = new Recorder();
        ms.addObserver(rec);
        Workload.run(ms, 42, 5000, 2048);
        assertThat(rec.seqInOrder).isTrue();
        assertThat(ms.adversary().actionCount()).isGreaterThan(100);
        return rec.hash ^ ms.seq();
    }

    @Test
    void randomMode_sameSeed_identicalEventStream() {
        assertThat(eventHash(7)).isEqualTo(eventHash(7));
        assertThat(eventHash(7)).isNotEqualTo(eventHash(8));
    }

    @Test
    void observer_attachedOrNot_sameStateAndClock() {
        MemorySystem quiet = withAdversary(3, 0.02, 0.03);
        MemorySystem watched = withAdversary(3, 0.02, 0.03);
        watched.addObserver(new Recorder());
        Workload.run(quiet, 99, 4000, 1024);
        Workload.run(watched, 99, 4000, 1024);
        assertThat(watched.seq()).isEqualTo(quiet.seq());
        byte[] a = new byte[64], b = new byte[64];
        for (long pa = RAM; pa < RAM + 1024; pa += 64) {
            assertThat(watched.ramPeek(pa, 8)).isEqualTo(quiet.ramPeek(pa, 8));
            for (int cache : new int[] {l1dId(0), l1dId(1), l1iId(0), l1iId(1), L2_ID}) {
                assertThat(watched.lineState(cache, pa)).isEqualTo(quiet.lineState(cache, pa));
                assertThat(watched.peekLine(cache, pa, a)).isEqualTo(quiet.peekLine(cache, pa, b));
                assertThat(a).isEqualTo(b);
            }
        }
    }

    @Test
    void specFill_lineDirtyInOtherPe_takesCoherentDataAsCleanLine() {
        MemorySystem ms = defaults();
        Recorder rec = new Recorder();
        ms.addObserver(rec);
        ms.adversary().declareCacheable(RAM, RAM + RAM_SIZE);
        ms.write(0, 0, STORE, RAM, 8, WB, 0xCAFE);
        ms.adversary().specFill(l1dId(1), RAM + 8);
        assertThat(ms.lineState(l1dId(1), RAM)).isEqualTo(CLEAN);
        assertThat(ms.lineState(l1dId(0), RAM)).isEqualTo(CLEAN);
        byte[] line = new byte[64];
        ms.peekLine(l1dId(1), RAM, line);
        assertThat(line[0] & 0xff).isEqualTo(0xFE);
        assertThat(line[1] & 0xff).isEqualTo(0xCA);
        assertThat(rec.events).contains("line fill PE1.L1D 0x40000000 invalid->clean speculative");
        ms.adversary().specFill(L2_ID, RAM + 4096);
        assertThat(ms.lineState(L2_ID, RAM + 4096)).isEqualTo(CLEAN);
        assertThat(rec.events).contains("line fill L2 0x40001000 invalid->clean speculative");
    }

    @Test
    void specFill_undeclaredOrNotRam_rejected() {
        MemorySystem ms = defaults();
        ms.adversary().declareCacheable(RAM, RAM + 0x10000);
        ms.adversary().undeclare(RAM + 0x4000, RAM + 0x5000);
        assertThatThrownBy(() -> ms.adversary().specFill(l1dId(0), RAM + 0x4800))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not declared");
        assertThatThrownBy(() -> ms.adversary().specFill(l1dId(0), RAM + 0x20000))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ms.adversary().specFill(l1iId(0), RAM)).isInstanceOf(IllegalArgumentException.class);
        ms.adversary().specFill(l1dId(0), RAM + 0x5000); // just past the hole: legal
        assertThat(ms.lineState(l1dId(0), RAM + 0x5000)).isEqualTo(CLEAN);
        assertThat(ms.adversary().isDeclaredCacheable(RAM + 0x3FFF)).isTrue();
        assertThat(ms.adversary().isDeclaredCacheable(RAM + 0x4000)).isFalse();
    }

    @Test
    void randomFills_onlyInsideDeclaredRange() {
        MemorySystem ms = defaults();
        Recorder rec = new Recorder();
        ms.addObserver(rec);
        ms.adversary().declareCacheable(RAM + 0x1000, RAM + 0x2000);
        ms.adversary().setSeed(5);
        ms.adversary().setRates(0.5, 0.0);
        for (int i = 0; i < 2000; i++) ms.read(-1, 0, LOAD, RAM + 0x8000 + 8 * (i % 100), 8, NC);
        long fills = rec.events.stream().filter(e -> e.endsWith("speculative")).count();
        assertThat(fills).isGreaterThan(50);
        assertThat(rec.events.stream().filter(e -> e.endsWith("speculative"))
                .allMatch(e -> e.contains(" 0x40001"))).isTrue();
    }

    @Test
    void evict_dirtyLine_writtenBackWithCauseAdversary() {
        MemorySystem ms = defaults();
        Recorder rec = new Recorder();
        ms.addObserver(rec);
        ms.write(1, 1, STORE, RAM, 4, WB, 0x1234);
        ms.adversary().evict(l1dId(1), RAM);
        assertThat(ms.lineState(l1dId(1), RAM)).isEqualTo(INVALID);
        assertThat(ms.lineState(L2_ID, RAM)).isEqualTo(DIRTY);
        assertThat(rec.events).contains("line write-back PE1.L1D 0x40000000 dirty->invalid adversary",
                "line evict PE1.L1D 0x40000000 dirty->invalid adversary");
        ms.adversary().evict(L2_ID, RAM);
        assertThat(ms.ramPeek(RAM, 4)).isEqualTo(0x1234);
    }

    @Test
    void script_actionRunsAtFirstAccessAfterItsPoint() {
        MemorySystem ms = defaults();
        Recorder rec = new Recorder();
        ms.addObserver(rec);
        ms.write(0, 0, STORE, RAM, 8, WB, 1); // events 0..2 (L2 fill, L1D fill+update... see below)
        long point = ms.seq() + 3;
        ms.adversary().scheduleEvict(point, l1dId(0), RAM);
        ms.read(0, 0, LOAD, RAM, 8, WB); // one event each
        ms.read(0, 0, LOAD, RAM, 8, WB);
        ms.read(0, 0, LOAD, RAM, 8, WB);
        assertThat(ms.lineState(l1dId(0), RAM)).isEqualTo(DIRTY);
        assertThat(ms.adversary().pendingScriptActions()).isEqualTo(1);
        ms.read(1, 1, LOAD, RAM + 64, 8, WB); // seq == point now: the eviction runs first
        assertThat(ms.lineState(l1dId(0), RAM)).isEqualTo(INVALID);
        assertThat(ms.adversary().pendingScriptActions()).isZero();
        assertThat(rec.events.get((int) point)).isEqualTo("line write-back PE0.L1D 0x40000000 dirty->invalid adversary");
    }

    @Test
    void setRates_invalid_rejected() {
        MemorySystem ms = defaults();
        assertThatThrownBy(() -> ms.adversary().setRates(0.7, 0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ms.adversary().setRates(-0.1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ms.adversary().setRates(Double.NaN, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
