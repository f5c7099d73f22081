package org.cachevisor.memsys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.cachevisor.memsys.Fixture.*;
import static org.cachevisor.memsys.MemorySystem.L2_ID;
import static org.cachevisor.memsys.MemorySystem.l1dId;
import static org.cachevisor.memsys.MemorySystem.l1iId;

import org.junit.jupiter.api.Test;

/**
 * Directed cases for the fast paths of {@link MemorySystem#read}, {@link MemorySystem#write} and
 * {@link MemorySystem#fetch32} (no observer attached, so they are taken whenever they apply): the
 * expected values, line states and event-clock steps are worked out by hand from the rules in
 * MemorySystem's class comment and the LineTransitions table. {@link FastPathProperties} compares
 * random sequences with the slow path.
 */
class FastPathTest {

    @Test
    void ncRead_pageNeverWritten_readsZerosWithoutAllocating() {
        MemorySystem ms = defaults();
        AddressMap.Region ram = ms.map().regions().get(0);
        for (int i = 0; i < 3; i++) assertThat(ms.read(-1, 0, LOAD, RAM + 0x5008, 8, NC)).isZero();
        assertThat(ms.read(0, 0, LOAD, RAM + 0x5010, 4, DEV)).isZero();
        assertThat(ram.pagesAllocated()).isZero();
        assertThat(ms.seq()).isEqualTo(4); // one onRead event per access
    }

    @Test
    void ncAccesses_samePage_seeEachOtherAndRamPokes() {
        MemorySystem ms = defaults();
        ms.write(-1, 0, STORE, RAM + 0x100, 8, NC, 0x1122_3344_5566_7788L); // slow path: allocates the page
        ms.write(0, 0, STORE, RAM + 0x108, 4, DEV, 0xFFFF_FFFF_AABB_CCDDL); // low 4 bytes only
        ms.write(1, 0, STORE, RAM + 0x10C, 2, NC, 0xEEFF);
        ms.write(-1, 0, STORE, RAM + 0x10E, 1, NC, 0x99);
        ms.ramPoke(RAM + 0x200, 8, 0x0102_0304_0506_0708L); // a setup write behind the memory system's back
        assertThat(ms.read(-1, 0, LOAD, RAM + 0x100, 8, NC)).isEqualTo(0x1122_3344_5566_7788L);
        assertThat(ms.read(0, 0, LOAD, RAM + 0x108, 8, NC)).isEqualTo(0x0099_EEFF_AABB_CCDDL);
        assertThat(ms.read(1, 0, LOAD, RAM + 0x107, 2, DEV)).isEqualTo(0xDD11L); // straddles two 8-byte words
        assertThat(ms.read(-1, 0, LOAD, RAM + 0x200, 8, NC)).isEqualTo(0x0102_0304_0506_0708L);
        assertThat(ms.fetch32(0, 0, RAM + 0x204, NC)).isEqualTo(0x0102_0304);
        assertThat(ms.ramPeek(RAM + 0x10C, 4)).isEqualTo(0x0099_EEFFL);
        assertThat(ms.seq()).isEqualTo(9); // 4 writes, 5 reads, one event each
        for (int cache : new int[] {l1dId(0), l1dId(1), l1iId(0), L2_ID}) assertThat(ms.validLines(cache)).isZero();
    }

    @Test
    void ncPageHandle_isThePageOfWrittenRamOnly() {
        MemorySystem ms = defaults();
        ms.map().addMmio("uart", 0x0900_0000L, 0x1000, new MmioHandler() {
            @Override public long read(int agent, long offset, int size) { return 0; }
            @Override public void write(int agent, long offset, int size, long value) {}
        });
        assertThat(ms.ncPageHandle(RAM + 0x2008, false)).isSameAs(MemorySystem.PAGE_NOT_YET); // never written
        assertThat(ms.ncPageHandle(RAM + 0x2008, true)).isSameAs(MemorySystem.PAGE_NOT_YET);
        assertThat(ms.ncPageHandle(0x0900_0000L, false)).isNull(); // MMIO
        assertThat(ms.ncPageHandle(0x1000L, false)).isNull(); // nothing mapped
        assertThat(ms.seq()).isZero(); // asking is no access
        ms.write(-1, 0, STORE, RAM + 0x2FF8, 8, NC, 0x1122_3344_5566_7788L);
        byte[] page = ms.ncPageHandle(RAM + 0x2000, false);
        assertThat(page).hasSize(4096).isSameAs(ms.ncPageHandle(RAM + 0x2ABC, true));
        assertThat(ms.ncPageHandle(RAM + 0x3000, false)).isSameAs(MemorySystem.PAGE_NOT_YET); // the next page
    }

    @Test
    void ncPageReadWrite_doWhatReadAndWriteDo_oneEventAndOneAdversaryTickEach() {
        MemorySystem ms = defaults();
        ms.write(-1, 0, STORE, RAM + 0x2100, 8, NC, 0x1122_3344_5566_7788L); // allocates the page
        byte[] page = ms.ncPageHandle(RAM + 0x2100, true);
        int countdown = ms.advCountdown;
        assertThat(ms.fastAccessAllowed()).isTrue();
        assertThat(ms.ncPageRead(page, RAM + 0x2100, 8)).isEqualTo(0x1122_3344_5566_7788L);
        assertThat(ms.ncPageRead(page, RAM + 0x2102, 2)).isEqualTo(0x5566L);
        ms.ncPageWrite(page, RAM + 0x2104, 4, 0xFFFF_FFFF_AABB_CCDDL); // low 4 bytes only
        ms.ncPageWrite(page, RAM + 0x2108, 1, 0x1EE);
        assertThat(ms.read(-1, 0, LOAD, RAM + 0x2100, 8, NC)).isEqualTo(0xAABB_CCDD_5566_7788L);
        assertThat(ms.ramPeek(RAM + 0x2108, 2)).isEqualTo(0xEEL);
        assertThat(ms.seq()).isEqualTo(6); // the slow write, 4 page accesses, the read: one event each
        assertThat(ms.advCountdown).isEqualTo(countdown - 5);
    }

    @Test
    void tryReadCachedAndTryWrite_takeOnlyTheFastPaths_andChangeNothingWhenTheyDoNot() {
        MemorySystem ms = defaults();
        long pa = RAM + 0x3040;
        assertThat(ms.tryReadCached(0, pa, 8, WB)).isFalse(); // not in the L1D: the caller must read()
        assertThat(ms.tryWrite(0, 0, pa, 8, WB, 5)).isFalse(); // not dirty in the L1D
        assertThat(ms.seq()).isZero();
        assertThat(ms.lineState(l1dId(0), pa)).isEqualTo(LineState.INVALID);
        ms.write(0, 0, STORE, pa, 8, WB, 0x1122_3344_5566_7788L); // slow path: allocates the line DIRTY
        long seq = ms.seq();
        int countdown = ms.advCountdown;
        assertThat(ms.tryReadCached(0, pa + 2, 2, WB)).isTrue();
        assertThat(ms.fastValue()).isEqualTo(0x5566L);
        assertThat(ms.tryWrite(0, 0, pa + 4, 4, WB, 0xAABB_CCDDL)).isTrue(); // (DIRTY, LOCAL_WRITE): UPDATE + onWrite
        assertThat(ms.seq()).isEqualTo(seq + 1 + 2);
        assertThat(ms.advCountdown).isEqualTo(countdown - 2);
        assertThat(ms.read(0, 0, LOAD, pa, 8, WB)).isEqualTo(0xAABB_CCDD_5566_7788L);
        assertThat(ms.tryReadCached(0, pa, 8, NC)).isFalse(); // Non-cacheable: not this path
        assertThat(ms.tryReadCached(1, pa, 8, WB)).isFalse(); // no PE 1 in this configuration
        assertThat(ms.tryReadCached(0, pa + 60, 8, WB)).isFalse(); // straddles two lines
        Recorder recorder = new Recorder();
        ms.addObserver(recorder);
        assertThat(ms.tryReadCached(0, pa, 8, WB)).isFalse(); // observed: reads take the slow path
        // Observed, a write hit on the dirty line takes the observed fast path, its write event delivered ...
        seq = ms.seq();
        assertThat(ms.tryWrite(0, 0, pa, 8, WB, 1)).isTrue();
        assertThat(ms.seq()).isEqualTo(seq + 2);
        assertThat(recorder.events).last().asString().contains("write").contains(String.format("0x%x", pa));
        assertThat(ms.read(0, 0, LOAD, pa, 8, WB)).isEqualTo(1L);
        // ... but not a write to a line a PE fetches from a copy of (the slow path ends the copies).
        ms.fetch32(0, 0, pa, WB);
        assertThat(ms.peekFetchLine(0, pa, new byte[64])).isFalse(); // Recorder does not verify lines
        assertThat(ms.tryWrite(0, 0, pa, 8, WB, 2)).isTrue(); // nothing watched: the fast path
    }

    @Test
    void tryWrite_cleanLineNoOtherCopy_becomesDirtyAsTheSlowPathMakesIt() {
        MemorySystem fast = with(MemConfig.defaults().withPeCount(2));
        MemorySystem slow = with(MemConfig.defaults().withPeCount(2));
        Recorder fastEvents = new Recorder(), slowEvents = new Recorder();
        fast.addObserver(fastEvents);
        slow.addObserver(slowEvents);
        slow.observedFastPaths = false; // the reference: every access through the transition machinery
        long pa = RAM + 0x5000;
        for (MemorySystem ms : new MemorySystem[] {fast, slow}) {
            ms.write(-1, 0, STORE, pa, 8, NC, 0x1111L);
            assertThat(ms.read(0, 0, LOAD, pa, 8, WB)).isEqualTo(0x1111L); // a CLEAN line in PE0's L1D
        }
        assertThat(fast.tryWrite(0, 0, pa + 8, 8, WB, 0x2222L)).isTrue(); // the observed fast path
        slow.write(0, 0, STORE, pa + 8, 8, WB, 0x2222L);
        assertThat(fastEvents.events).isEqualTo(slowEvents.events);
        assertThat(fastEvents.events).anyMatch(e -> e.contains("update")); // CLEAN -> DIRTY is reported
        assertThat(fast.seq()).isEqualTo(slow.seq());
        assertThat(fast.lineState(l1dId(0), pa)).isEqualTo(LineState.DIRTY).isEqualTo(slow.lineState(l1dId(0), pa));
        assertThat(fast.read(0, 0, LOAD, pa + 8, 8, WB)).isEqualTo(0x2222L);
        // Another L1D holding the line: the write must snoop it, which only the slow path does.
        long pb = RAM + 0x6000;
        fast.write(-1, 0, STORE, pb, 8, NC, 1);
        fast.read(0, 0, LOAD, pb, 8, WB);
        fast.read(1, 0, LOAD, pb, 8, WB);
        assertThat(fast.tryWrite(0, 0, pb, 8, WB, 2)).isFalse();
        fast.write(0, 0, STORE, pb, 8, WB, 2);
        assertThat(fast.lineState(l1dId(1), pb)).isEqualTo(LineState.INVALID);
    }

    @Test
    void tryWrite_observed_lineWatchedForAFetchCopy_refused() {
        MemorySystem ms = defaults();
        long pa = RAM + 0x3040;
        ms.write(0, 0, STORE, pa, 8, WB, 0x1122_3344_5566_7788L);
        ms.addObserver(new MemoryObserver() {
            @Override public boolean readWouldPass(long p, byte[] bytes, int off, int len) { return true; }
        });
        ms.fetch32(0, 0, pa, WB); // PE0's L1I holds the line
        assertThat(ms.peekFetchLine(0, pa, new byte[64])).isTrue(); // now watched
        long seq = ms.seq();
        int g = ms.l1iGeneration(0);
        assertThat(ms.tryWrite(0, 0, pa, 8, WB, 1)).isFalse();
        assertThat(ms.seq()).isEqualTo(seq);
        assertThat(ms.l1iGeneration(0)).isEqualTo(g);
        ms.write(0, 0, STORE, pa, 8, WB, 1); // the slow path ends the copy
        assertThat(ms.l1iGeneration(0)).isNotEqualTo(g);
    }

    @Test
    void ncPageHandle_forAWriteWithDic_isNull_andNoFastAccessWhileObserved() {
        MemorySystem dic = with(MemConfig.defaults().withIdcDic(false, true));
        dic.write(-1, 0, STORE, RAM, 8, NC, 1);
        assertThat(dic.ncPageHandle(RAM, true)).isNull(); // a data write must look for L1I copies
        assertThat(dic.ncPageHandle(RAM, false)).hasSize(4096);
        MemorySystem watched = defaults();
        assertThat(watched.fastAccessAllowed()).isTrue();
        watched.addObserver(new Recorder());
        assertThat(watched.fastAccessAllowed()).isFalse();
    }

    @Test
    void fastAccessAllowed_isFalseWhenTheAdversaryActsAtTheNextAccess() {
        MemorySystem ms = defaults();
        ms.adversary().declareCacheable(RAM, RAM + 0x1000);
        ms.adversary().scheduleEvict(3, l1dId(0), RAM);
        for (int i = 0; i < 3; i++) {
            assertThat(ms.fastAccessAllowed()).as("at seq %d", ms.seq()).isTrue();
            ms.read(-1, 0, LOAD, RAM + 0x2000, 8, NC);
        }
        assertThat(ms.fastAccessAllowed()).as("at seq 3").isFalse(); // the scripted action is due
        ms.read(-1, 0, LOAD, RAM + 0x2000, 8, NC); // the slow path runs it
        assertThat(ms.fastAccessAllowed()).isTrue();
        ms.adversary().setRates(1.0, 0.0); // an action at every access: the countdown is 1
        ms.read(-1, 0, LOAD, RAM + 0x2000, 8, NC);
        assertThat(ms.fastAccessAllowed()).isFalse();
    }

    @Test
    void ncAccesses_manyPagesAliasingOneMemoEntry_eachReadsItsOwnBytes() {
        MemorySystem ms = defaults();
        long stride = (long) MemorySystem.NC_PAGES << 12; // same memo entry
        for (int i = 0; i < 4; i++) ms.write(-1, 0, STORE, RAM + i * stride + 8, 8, NC, 1000 + i);
        for (int round = 0; round < 2; round++) {
            for (int i = 3; i >= 0; i--) assertThat(ms.read(-1, 0, LOAD, RAM + i * stride + 8, 8, NC)).isEqualTo(1000 + i);
        }
    }

    @Test
    void ncAccess_straddlingALine_isTwoEventsAsTheSlowPathSays() {
        MemorySystem ms = defaults();
        Recorder rec = new Recorder();
        MemorySystem watched = defaults();
        watched.addObserver(rec);
        for (MemorySystem m : new MemorySystem[] {ms, watched}) {
            m.write(-1, 0, STORE, RAM + 0x3C, 8, NC, 0x0807_0605_0403_0201L); // 4 bytes in each of two lines
            assertThat(m.read(-1, 0, LOAD, RAM + 0x3E, 4, NC)).isEqualTo(0x0605_0403L);
        }
        assertThat(rec.count("write")).isEqualTo(2);
        assertThat(rec.count("read")).isEqualTo(2);
        assertThat(ms.seq()).isEqualTo(4);
    }

    @Test
    void ncWrite_withDicAndTheLineInAnL1I_removesTheCopyEveryTime() {
        MemorySystem ms = with(MemConfig.defaults().withIdcDic(false, true));
        long pa = RAM + 0x1040;
        ms.write(-1, 0, STORE, pa, 4, NC, 0xD503_201FL); // NOP, to RAM
        ms.write(-1, 0, STORE, pa, 4, NC, 0xD503_201FL); // again: the page is now in the memo
        for (int round = 0; round < 3; round++) {
            // The fetch fills the L1I and the L2 from RAM; after each round DC IVAC drops the L2's copy,
            // which the non-cacheable writes left stale, so the next fill reads RAM again.
            assertThat(ms.fetch32(1, 1, pa, WB)).isEqualTo(round == 0 ? 0xD503_201F : 0x1000 + round - 1);
            assertThat(ms.lineState(l1iId(1), pa)).isEqualTo(LineState.CLEAN);
            long before = ms.seq();
            ms.write(-1, 0, STORE, pa, 4, NC, 0x1000 + round);
            assertThat(ms.lineState(l1iId(1), pa)).isEqualTo(LineState.INVALID);
            assertThat(ms.seq() - before).isEqualTo(2); // the L1I line's INVALIDATE event, then onWrite
            ms.write(-1, 0, STORE, pa + 8, 4, NC, 7); // no L1I copy left: one onWrite event
            assertThat(ms.seq() - before).isEqualTo(3);
            ms.dcInvalidatePoC(0, 0, pa);
        }
    }

    @Test
    void wbWrite_dirtyHitWithDicAndTheLineInAnL1I_removesTheCopy() {
        MemorySystem ms = with(MemConfig.defaults().withIdcDic(false, true));
        long pa = RAM + 0x2000;
        ms.write(0, 0, STORE, pa, 8, WB, 0x1111); // miss: the L2 fills (RAM's zeros), PE0's L1D line DIRTY
        ms.write(0, 0, STORE, pa, 8, WB, 0x2222); // a DIRTY hit, no L1I copy
        assertThat(ms.fetch32(0, 0, pa, WB)).isZero(); // no IDC: the L1I fills from the L2, not from the L1D
        assertThat(ms.lineState(l1iId(0), pa)).isEqualTo(LineState.CLEAN);
        assertThat(ms.lineState(l1dId(0), pa)).isEqualTo(LineState.DIRTY);
        long before = ms.seq();
        ms.write(0, 0, STORE, pa, 8, WB, 0x3333); // a DIRTY hit, but the L1I copy must go
        assertThat(ms.lineState(l1iId(0), pa)).isEqualTo(LineState.INVALID);
        assertThat(ms.seq() - before).isEqualTo(3); // UPDATE, the L1I's INVALIDATE, onWrite
        ms.dcCleanPoU(0, 0, pa);
        assertThat(ms.fetch32(0, 0, pa, WB)).isEqualTo(0x3333);
    }

    @Test
    void wbWrite_dirtyHit_stepsTheClockByTwo() {
        MemorySystem ms = defaults();
        ms.write(0, 0, STORE, RAM, 8, WB, 1);
        long before = ms.seq();
        for (int i = 0; i < 10; i++) ms.write(0, 0, STORE, RAM + 8 * (i % 8), 8, WB, i);
        assertThat(ms.seq() - before).isEqualTo(20); // per write: the UPDATE line event and onWrite
        before = ms.seq();
        long[] expected = {8, 9, 2, 3, 4, 5, 6, 7}; // word k holds the last i with i % 8 == k
        for (int k = 0; k < 8; k++) assertThat(ms.read(0, 0, LOAD, RAM + 8 * k, 8, WB)).isEqualTo(expected[k]);
        assertThat(ms.seq() - before).isEqualTo(8);
    }

    @Test
    void read_hintSlotNowHoldsAnotherLine_missesAndReadsTheRightLine() {
        MemorySystem ms = tiny(1); // L1D: 1 set x 2 ways, round-robin victim starting at way 0
        long a = RAM, b = RAM + 0x40, c = RAM + 0x80;
        ms.write(0, 0, STORE, a, 8, WB, 0xAAAA); // way 0
        assertThat(ms.read(0, 0, LOAD, a, 8, WB)).isEqualTo(0xAAAA); // hint: way 0
        ms.write(0, 0, STORE, b, 8, WB, 0xBBBB); // way 1
        ms.write(0, 0, STORE, c, 8, WB, 0xCCCC); // evicts a (way 0, written back), c in way 0
        assertThat(ms.lineState(l1dId(0), a)).isEqualTo(LineState.INVALID);
        assertThat(ms.read(0, 0, LOAD, c, 8, WB)).isEqualTo(0xCCCC); // hint: way 0 again
        assertThat(ms.read(0, 0, LOAD, a, 8, WB)).isEqualTo(0xAAAA); // way 0 holds c: a miss, refilled from the L2
        assertThat(ms.read(0, 0, LOAD, c, 8, WB)).isEqualTo(0xCCCC);
        assertThat(ms.read(0, 0, LOAD, b, 8, WB)).isEqualTo(0xBBBB);
    }

    @Test
    void wbWrite_afterTheHintedDirtyLineWasCleanedOrSnooped_takesTheSlowPath() {
        MemorySystem ms = defaults();
        long pa = RAM + 0x600;
        ms.write(0, 0, STORE, pa, 8, WB, 1); // DIRTY in PE0's L1D
        ms.write(0, 0, STORE, pa, 8, WB, 2); // DIRTY hit: the hint now says DIRTY
        ms.dcCleanPoC(0, 0, pa); // written back to RAM, CLEAN
        assertThat(ms.lineState(l1dId(0), pa)).isEqualTo(LineState.CLEAN);
        long before = ms.seq();
        ms.write(0, 0, STORE, pa, 8, WB, 3); // (CLEAN, LOCAL_WRITE): DIRTY again, UPDATE + onWrite
        assertThat(ms.lineState(l1dId(0), pa)).isEqualTo(LineState.DIRTY);
        assertThat(ms.seq() - before).isEqualTo(2);
        assertThat(ms.ramPeek(pa, 8)).isEqualTo(2);
        assertThat(ms.read(1, 1, LOAD, pa, 8, WB)).isEqualTo(3); // PE1's snoop: PE0 supplies, keeps it CLEAN
        assertThat(ms.lineState(l1dId(0), pa)).isEqualTo(LineState.CLEAN);
        assertThat(ms.lineState(l1dId(1), pa)).isEqualTo(LineState.CLEAN);
        ms.write(0, 0, STORE, pa, 8, WB, 4); // must remove PE1's copy
        assertThat(ms.lineState(l1dId(1), pa)).isEqualTo(LineState.INVALID);
        assertThat(ms.read(1, 1, LOAD, pa, 8, WB)).isEqualTo(4);
    }

    @Test
    void read_afterTheHintedLineWasEvictedOrZeroed_seesTheCurrentData() {
        MemorySystem ms = defaults();
        long pa = RAM + 0x700;
        ms.write(0, 0, STORE, pa, 8, WB, 0x1234);
        assertThat(ms.read(0, 0, LOAD, pa, 8, WB)).isEqualTo(0x1234); // hint set
        ms.adversary().evict(l1dId(0), pa); // written back into the L2
        assertThat(ms.lineState(l1dId(0), pa)).isEqualTo(LineState.INVALID);
        ms.write(1, 1, STORE, pa, 8, WB, 0x5678); // PE1 takes the line from the L2 and makes it DIRTY
        assertThat(ms.read(0, 0, LOAD, pa, 8, WB)).isEqualTo(0x5678);
        ms.dcZeroBlock(1, 1, pa, WB); // PE1 zeroes the block: PE0's copy goes
        assertThat(ms.read(0, 0, LOAD, pa, 8, WB)).isZero();
    }

    @Test
    void wbWrite_hitOnACleanLine_takesTheSlowPathAndMakesItDirty() {
        MemorySystem ms = defaults();
        ms.ramPoke(RAM + 0x300, 8, 0x55);
        assertThat(ms.read(0, 0, LOAD, RAM + 0x300, 8, WB)).isEqualTo(0x55); // fill: CLEAN
        assertThat(ms.read(1, 1, LOAD, RAM + 0x300, 8, WB)).isEqualTo(0x55); // PE1 shares it
        ms.write(0, 0, STORE, RAM + 0x300, 1, WB, 0x66);
        assertThat(ms.lineState(l1dId(0), RAM + 0x300)).isEqualTo(LineState.DIRTY);
        assertThat(ms.lineState(l1dId(1), RAM + 0x300)).isEqualTo(LineState.INVALID); // snooped away
        assertThat(ms.read(1, 1, LOAD, RAM + 0x300, 8, WB)).isEqualTo(0x66);
    }

    @Test
    void fastPaths_scriptedEviction_happensAtTheScheduledAccess() {
        MemorySystem ms = defaults();
        ms.write(0, 0, STORE, RAM, 8, WB, 0x77); // DIRTY in PE0's L1D
        long s0 = ms.seq();
        ms.adversary().scheduleEvict(s0 + 3, l1dId(0), RAM);
        for (int i = 0; i < 3; i++) {
            assertThat(ms.read(0, 0, LOAD, RAM, 8, WB)).isEqualTo(0x77); // accesses starting at s0, s0+1, s0+2
            assertThat(ms.lineState(l1dId(0), RAM)).isEqualTo(LineState.DIRTY);
        }
        assertThat(ms.adversary().actionCount()).isZero();
        // Starts at s0+3: the eviction writes the line back into the L2, then the read refills it.
        assertThat(ms.read(0, 0, LOAD, RAM, 8, WB)).isEqualTo(0x77);
        assertThat(ms.adversary().actionCount()).isEqualTo(1);
        assertThat(ms.lineState(l1dId(0), RAM)).isEqualTo(LineState.CLEAN);
        assertThat(ms.lineState(L2_ID, RAM)).isEqualTo(LineState.DIRTY);
    }

    @Test
    void fastPaths_scheduledActionOnNcTraffic_runsAtTheFirstAccessAtOrAfterItsPoint() {
        MemorySystem ms = defaults();
        ms.write(1, 1, STORE, RAM + 0x4000, 8, WB, 0x99); // DIRTY in PE1's L1D
        ms.write(-1, 0, STORE, RAM, 8, NC, 1); // memoizes the page
        long s0 = ms.seq();
        ms.adversary().scheduleClean(s0 + 2, l1dId(1), RAM + 0x4000);
        ms.write(-1, 0, STORE, RAM, 8, NC, 2); // starts at s0
        ms.read(-1, 0, LOAD, RAM, 8, NC); // s0+1
        assertThat(ms.lineState(l1dId(1), RAM + 0x4000)).isEqualTo(LineState.DIRTY);
        ms.read(-1, 0, LOAD, RAM, 8, NC); // s0+2: the clean runs first
        assertThat(ms.lineState(l1dId(1), RAM + 0x4000)).isEqualTo(LineState.CLEAN);
        assertThat(ms.lineState(L2_ID, RAM + 0x4000)).isEqualTo(LineState.DIRTY);
    }

    @Test
    void fastPaths_randomCountdown_actsOnTheSameAccessAsWithAnObserver() {
        long[] actionsAt = new long[2];
        for (int run = 0; run < 2; run++) {
            MemorySystem ms = defaults();
            if (run == 1) ms.addObserver(new Recorder());
            ms.adversary().declareCacheable(RAM, RAM + 0x1000);
            ms.write(-1, 0, STORE, RAM + 0x800, 8, NC, 5);
            ms.write(0, 0, STORE, RAM, 8, WB, 5);
            ms.adversary().setSeed(11);
            ms.adversary().setRates(0.0, 0.01);
            int i = 0;
            while (ms.adversary().actionCount() == 0) {
                if (i % 2 == 0) ms.read(0, 0, LOAD, RAM + 8 * (i % 8), 8, WB);
                else ms.read(-1, 0, LOAD, RAM + 0x800, 8, NC);
                i++;
            }
            actionsAt[run] = i * 1_000_000L + ms.seq();
        }
        assertThat(actionsAt[0]).isEqualTo(actionsAt[1]);
    }

    @Test
    void fastPaths_illegalArguments_stillRejectedBeforeAnyChange() {
        MemorySystem ms = defaults();
        ms.write(0, 0, STORE, RAM, 8, WB, 1); // DIRTY line, hint set
        ms.write(-1, 0, STORE, RAM + 0x100, 8, NC, 1); // page memoized
        long before = ms.seq();
        for (int size : new int[] {0, 3, 5, 16, -8, 1 << 30}) {
            assertThatThrownBy(() -> ms.read(0, 0, LOAD, RAM, size, WB)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("size");
            assertThatThrownBy(() -> ms.write(0, 0, STORE, RAM, size, WB, 0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ms.read(-1, 0, LOAD, RAM + 0x100, size, NC)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ms.write(-1, 0, STORE, RAM + 0x100, size, NC, 0))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        for (int pe : new int[] {-2, 2, Integer.MIN_VALUE}) {
            assertThatThrownBy(() -> ms.read(pe, 0, LOAD, RAM + 0x100, 8, NC)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("pe must be");
            assertThatThrownBy(() -> ms.write(pe, 0, STORE, RAM + 0x100, 8, NC, 0))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ms.fetch32(pe, 0, RAM + 0x100, NC)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ms.read(pe, 0, LOAD, RAM, 8, WB)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> ms.read(-1, 0, LOAD, RAM, 8, WB)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pe = -1");
        assertThatThrownBy(() -> ms.write(-1, 0, STORE, RAM, 8, WB, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ms.seq()).isEqualTo(before);
        assertThat(ms.read(0, 0, LOAD, RAM, 8, WB)).isEqualTo(1);
        assertThat(ms.ramPeek(RAM + 0x100, 8)).isEqualTo(1);
    }
}
