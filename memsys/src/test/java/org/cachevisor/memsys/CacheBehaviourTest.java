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

/** Cache behaviour: hits, misses, replacement, WB/WT/NC, coherence between PEs, maintenance by PA, DC ZVA, I-side. */
class CacheBehaviourTest {
    static final long A = RAM, B = RAM + 64, C = RAM + 128, D = RAM + 192, E = RAM + 256;

    private static long l2Byte(MemorySystem ms, long pa) {
        byte[] line = new byte[64];
        assertThat(ms.peekLine(L2_ID, pa, line)).as("L2 holds 0x%x", pa).isTrue();
        return line[(int) (pa & 63)] & 0xff;
    }

    @Test
    void read_miss_fillsL1dAndL2_thenHitsInL1d() {
        MemorySystem ms = defaults();
        Recorder rec = new Recorder();
        ms.addObserver(rec);
        ms.ramPoke(A + 8, 8, 0x1122_3344_5566_7788L);
        assertThat(ms.read(0, 0, LOAD, A + 8, 8, WB)).isEqualTo(0x1122_3344_5566_7788L);
        assertThat(rec.lastSource()).isEqualTo(Source.RAM);
        assertThat(ms.lineState(l1dId(0), A)).isEqualTo(CLEAN);
        assertThat(ms.lineState(L2_ID, A)).isEqualTo(CLEAN);
        assertThat(ms.read(0, 0, LOAD, A + 12, 4, WB)).isEqualTo(0x1122_3344L);
        assertThat(Source.place(rec.lastSource())).isEqualTo(Source.L1D);
        assertThat(rec.events).containsExactly(
                "line fill L2 0x40000000 invalid->clean demand",
                "line fill PE0.L1D 0x40000000 invalid->clean demand",
                "read pe0 load 0x40000008/8 = 0x1122334455667788 from RAM",
                "read pe0 load 0x4000000c/4 = 0x11223344 from PE0.L1D (clean line)");
        assertThat(rec.seqInOrder).isTrue();
        assertThat(ms.seq()).isEqualTo(4);
    }

    @Test
    void write_writeBack_lineDirtyRamUntouched() {
        MemorySystem ms = defaults();
        ms.ramPoke(A, 8, 0x5555);
        ms.write(0, 0, STORE, A, 2, WB, 0xBEEF);
        assertThat(ms.lineState(l1dId(0), A)).isEqualTo(DIRTY);
        assertThat(ms.ramPeek(A, 8)).isEqualTo(0x5555);
        assertThat(ms.read(0, 0, LOAD, A, 8, WB)).isEqualTo(0xBEEF);
    }

    @Test
    void eviction_dirtyLine_writtenBackL1ToL2ThenL2ToRam() {
        MemorySystem ms = tiny(1); // L1D 1 set x 2 ways, L2 1 set x 4 ways
        Recorder rec = new Recorder();
        ms.addObserver(rec);
        ms.write(0, 0, STORE, A, 1, WB, 0x11);
        ms.read(0, 0, LOAD, B, 1, WB);
        ms.read(0, 0, LOAD, C, 1, WB); // L1D full: round-robin victim way 0 = A (dirty)
        assertThat(ms.lineState(l1dId(0), A)).isEqualTo(INVALID);
        assertThat(ms.lineState(L2_ID, A)).isEqualTo(DIRTY);
        assertThat(l2Byte(ms, A)).isEqualTo(0x11);
        assertThat(ms.ramPeek(A, 1)).isZero();
        assertThat(rec.events).contains("line write-back PE0.L1D 0x40000000 dirty->invalid replacement",
                "line evict PE0.L1D 0x40000000 dirty->invalid replacement");
        ms.read(0, 0, LOAD, D, 1, WB);
        ms.read(0, 0, LOAD, E, 1, WB); // L2 full (A, B, C, D): victim way 0 = A, written to RAM
        assertThat(ms.lineState(L2_ID, A)).isEqualTo(INVALID);
        assertThat(ms.ramPeek(A, 1)).isEqualTo(0x11);
        assertThat(ms.read(0, 0, LOAD, A, 1, WB)).isEqualTo(0x11);
    }

    @Test
    void writeThrough_missDoesNotAllocate_hitUpdatesLineAndRamStaysClean() {
        MemorySystem ms = defaults();
        ms.ramPoke(A, 1, 5);
        ms.write(0, 0, STORE, A, 1, WT, 7);
        assertThat(ms.lineState(l1dId(0), A)).isEqualTo(INVALID);
        assertThat(ms.lineState(L2_ID, A)).isEqualTo(INVALID);
        assertThat(ms.ramPeek(A, 1)).isEqualTo(7);
        assertThat(ms.read(0, 0, LOAD, A, 1, WT)).isEqualTo(7); // reads allocate
        assertThat(ms.lineState(l1dId(0), A)).isEqualTo(CLEAN);
        ms.write(0, 0, STORE, A, 1, WT, 9);
        assertThat(ms.lineState(l1dId(0), A)).isEqualTo(CLEAN);
        assertThat(ms.lineState(L2_ID, A)).isEqualTo(CLEAN);
        assertThat(l2Byte(ms, A)).isEqualTo(9);
        assertThat(ms.ramPeek(A, 1)).isEqualTo(9);
        assertThat(ms.read(0, 0, LOAD, A, 1, WT)).isEqualTo(9);
    }

    @Test
    void writeThrough_otherPeHoldsDirty_itsOtherBytesSurvive() {
        MemorySystem ms = defaults();
        ms.write(1, 1, STORE, A, 1, WB, 0xAA);     // PE1 dirty byte 0
        ms.write(0, 0, STORE, A + 1, 1, WT, 0xBB); // PE0 write-through byte 1
        assertThat(ms.lineState(l1dId(1), A)).isEqualTo(INVALID);
        assertThat(ms.read(0, 0, LOAD, A, 2, WB)).isEqualTo(0xBBAA);
        assertThat(ms.ramPeek(A + 1, 1)).isEqualTo(0xBB);
    }

    @Test
    void nonCacheableAndDevice_bypassEveryCache_seeAndWriteOnlyRam() {
        MemorySystem ms = defaults();
        Recorder rec = new Recorder();
        ms.addObserver(rec);
        ms.ramPoke(A, 8, 0x55);
        ms.write(0, 0, STORE, A, 8, WB, 0x99);
        assertThat(ms.read(0, 0, LOAD, A, 8, NC)).isEqualTo(0x55); // stale: the new data is in PE0's L1D
        assertThat(rec.lastSource()).isEqualTo(Source.RAM);
        assertThat(ms.read(1, 1, LOAD, A, 8, DEV)).isEqualTo(0x55);
        ms.write(1, 1, STORE, A, 8, NC, 0x66);
        assertThat(ms.ramPeek(A, 8)).isEqualTo(0x66);
        assertThat(ms.lineState(l1dId(0), A)).isEqualTo(DIRTY); // untouched by the NC write
        assertThat(ms.read(0, 0, LOAD, A, 8, WB)).isEqualTo(0x99);
        assertThat(ms.lineState(l1dId(1), A)).isEqualTo(INVALID);
        ms.read(-1, 0, AccessKind.DMA_READ, B, 8, NC);
        assertThat(ms.lineState(L2_ID, B)).isEqualTo(INVALID);
    }

    @Test
    void coherence_readOfLineDirtyInOtherPe_snoopSuppliesOwnerKeepsCleanCopy() {
        MemorySystem ms = defaults();
        Recorder rec = new Recorder();
        ms.addObserver(rec);
        ms.write(0, 0, STORE, A, 2, WB, 0x1234);
        assertThat(ms.read(1, 1, LOAD, A, 2, WB)).isEqualTo(0x1234);
        assertThat(rec.lastSource()).isEqualTo(Source.cache(Source.L1D, 0, DIRTY));
        assertThat(ms.lineState(l1dId(0), A)).isEqualTo(CLEAN);
        assertThat(ms.lineState(l1dId(1), A)).isEqualTo(CLEAN);
        assertThat(ms.lineState(L2_ID, A)).isEqualTo(DIRTY);
        assertThat(l2Byte(ms, A)).isEqualTo(0x34);
        assertThat(ms.ramPeek(A, 2)).isZero();
    }

    @Test
    void coherence_writeRemovesOtherCopies_laterReadSeesNewData() {
        MemorySystem ms = defaults();
        ms.read(0, 0, LOAD, B, 8, WB);
        ms.read(1, 1, LOAD, B, 8, WB);
        ms.write(1, 1, STORE, B, 8, WB, 5);
        assertThat(ms.lineState(l1dId(0), B)).isEqualTo(INVALID);
        assertThat(ms.lineState(l1dId(1), B)).isEqualTo(DIRTY);
        assertThat(ms.read(0, 0, LOAD, B, 8, WB)).isEqualTo(5);
        // and a write to a line dirty elsewhere takes the owner's data first
        ms.write(0, 0, STORE, C, 1, WB, 0xAA);
        ms.write(1, 1, STORE, C + 1, 1, WB, 0xBB);
        assertThat(ms.lineState(l1dId(0), C)).isEqualTo(INVALID);
        assertThat(ms.read(1, 1, LOAD, C, 2, WB)).isEqualTo(0xBBAA);
    }

    @Test
    void dcCleanPoC_lineDirtyInOtherPe_reachesRamAllCopiesClean() {
        MemorySystem ms = defaults();
        ms.write(1, 1, STORE, A, 1, WB, 0x77);
        ms.dcCleanPoC(0, 0, A + 5);
        assertThat(ms.ramPeek(A, 1)).isEqualTo(0x77);
        assertThat(ms.lineState(l1dId(1), A)).isEqualTo(CLEAN);
        assertThat(ms.lineState(L2_ID, A)).isEqualTo(CLEAN);
    }

    @Test
    void dcCleanInvalidatePoC_dirtyLine_reachesRamNoCopyLeft() {
        MemorySystem ms = defaults();
        ms.write(1, 1, STORE, A, 1, WB, 0x77);
        ms.read(0, 0, LOAD, B, 1, WB);
        ms.dcCleanInvalidatePoC(0, 0, A);
        assertThat(ms.ramPeek(A, 1)).isEqualTo(0x77);
        assertThat(ms.lineState(l1dId(1), A)).isEqualTo(INVALID);
        assertThat(ms.lineState(L2_ID, A)).isEqualTo(INVALID);
        assertThat(ms.lineState(l1dId(0), B)).isEqualTo(CLEAN); // other lines untouched
        assertThat(ms.read(-1, 0, LOAD, A, 1, NC)).isEqualTo(0x77);
    }

    @Test
    void dcInvalidatePoC_dirtyLine_dataLost() {
        MemorySystem ms = defaults();
        ms.ramPoke(A, 1, 5);
        ms.write(1, 1, STORE, A, 1, WB, 0x77);
        ms.dcCleanPoU(1, 1, A); // now dirty in the L2 too
        ms.dcInvalidatePoC(0, 0, A);
        assertThat(ms.lineState(l1dId(1), A)).isEqualTo(INVALID);
        assertThat(ms.lineState(L2_ID, A)).isEqualTo(INVALID);
        assertThat(ms.read(1, 1, LOAD, A, 1, WB)).isEqualTo(5);
    }

    @Test
    void dcCleanPoU_dirtyL1d_goesToL2NotRam() {
        MemorySystem ms = defaults();
        ms.write(0, 0, STORE, A, 1, WB, 0x42);
        ms.dcCleanPoU(0, 0, A);
        assertThat(ms.lineState(l1dId(0), A)).isEqualTo(CLEAN);
        assertThat(ms.lineState(L2_ID, A)).isEqualTo(DIRTY);
        assertThat(l2Byte(ms, A)).isEqualTo(0x42);
        assertThat(ms.ramPeek(A, 1)).isZero();
    }

    @Test
    void maintenance_isReportedBeforeItsLineEvents() {
        MemorySystem ms = defaults();
        Recorder rec = new Recorder();
        ms.addObserver(rec);
        ms.write(0, 0, STORE, A, 1, WB, 1);
        int before = rec.events.size();
        ms.dcCleanInvalidatePoC(1, 1, A + 3);
        assertThat(rec.events.subList(before, rec.events.size())).containsExactly(
                "maint pe1 DC CIVAC 0x40000003",
                "line write-back PE0.L1D 0x40000000 dirty->invalid maintenance",
                "line update L2 0x40000000 clean->dirty maintenance",
                "line evict PE0.L1D 0x40000000 dirty->invalid maintenance",
                "line write-back L2 0x40000000 dirty->invalid maintenance",
                "line evict L2 0x40000000 dirty->invalid maintenance");
    }

    @Test
    void dcZeroBlock_cacheable_zeroesDirtyInOwnL1dAndRemovesOtherCopies() {
        MemorySystem ms = defaults();
        Recorder rec = new Recorder();
        ms.addObserver(rec);
        for (int i = 0; i < 64; i += 8) ms.ramPoke(A + i, 8, 0x5555_5555_5555_5555L);
        ms.read(1, 1, LOAD, A, 8, WB);
        ms.dcZeroBlock(0, 0, A + 40, WB); // aligned down to A
        assertThat(ms.lineState(l1dId(0), A)).isEqualTo(DIRTY);
        assertThat(ms.lineState(l1dId(1), A)).isEqualTo(INVALID);
        assertThat(ms.ramPeek(A, 8)).isEqualTo(0x5555_5555_5555_5555L);
        assertThat(ms.read(1, 1, LOAD, A + 56, 8, WB)).isZero();
        // One 64-byte ZERO write for the whole line, taking the seq numbers of four 16-byte writes.
        assertThat(rec.events).contains("maint pe0 DC ZVA 0x40000028", "write pe0 zero 0x40000000/64 = 0x0");
        assertThat(rec.count("write pe0 zero")).isEqualTo(1);
        assertThat(rec.seqInOrder).isTrue();
    }

    @Test
    void dcZeroBlock_nonCacheable_zeroesRamOnlyCachedCopyStays() {
        MemorySystem ms = defaults();
        for (int i = 0; i < 64; i += 8) ms.ramPoke(A + i, 8, -1L);
        ms.write(0, 0, STORE, A, 8, WB, 0x99);
        ms.dcZeroBlock(1, 1, A, NC);
        for (int i = 0; i < 64; i += 8) assertThat(ms.ramPeek(A + i, 8)).isZero();
        assertThat(ms.lineState(l1dId(0), A)).isEqualTo(DIRTY);
        assertThat(ms.read(0, 0, LOAD, A, 8, WB)).isEqualTo(0x99);
        assertThat(ms.read(0, 0, LOAD, A + 8, 8, WB)).isEqualTo(-1L); // the dirty line's other bytes
    }

    @Test
    void dcZeroBlock_blockSmallerThanLine_zeroesOnlyTheBlock() {
        MemorySystem ms = with(MemConfig.defaults().withDczBlockSize(32));
        for (int i = 0; i < 64; i += 8) ms.ramPoke(A + i, 8, -1L);
        ms.dcZeroBlock(0, 0, A + 33, WB);
        assertThat(ms.read(0, 0, LOAD, A + 24, 8, WB)).isEqualTo(-1L);
        assertThat(ms.read(0, 0, LOAD, A + 32, 8, WB)).isZero();
        assertThat(ms.read(0, 0, LOAD, A + 56, 8, WB)).isZero();
        assertThat(ms.lineState(l1dId(0), A)).isEqualTo(DIRTY);
    }

    static final int NOP = 0xD503201F, BRANCH_SELF = 0x14000000, BRANCH_BACK = 0x17FFFFFF;

    @Test
    void fetch_afterDataWrite_isStaleUntilCleanPoUAndIcInvalidate() {
        MemorySystem ms = defaults();
        ms.ramPoke(A, 4, NOP);
        ms.write(0, 0, STORE, A, 4, WB, BRANCH_SELF);
        assertThat(ms.fetch32(0, 0, A, WB)).isEqualTo(NOP); // L1I fills from L2/RAM, not from the L1D
        ms.dcCleanPoU(0, 0, A);
        assertThat(ms.fetch32(0, 0, A, WB)).isEqualTo(NOP); // the L1I still holds the old line
        ms.icInvalidatePa(0, 0, A);
        assertThat(ms.fetch32(0, 0, A, WB)).isEqualTo(BRANCH_SELF);
        assertThat(ms.lineState(l1iId(0), A)).isEqualTo(CLEAN);
    }

    @Test
    void fetch_withIdc_fillSeesDirtyL1dButStaleL1iLineStays() {
        MemorySystem ms = with(MemConfig.defaults().withIdcDic(true, false));
        ms.ramPoke(A, 4, NOP);
        ms.write(1, 1, STORE, A, 4, WB, BRANCH_SELF);
        assertThat(ms.fetch32(0, 0, A, WB)).isEqualTo(BRANCH_SELF);
        ms.write(1, 1, STORE, A, 4, WB, BRANCH_BACK);
        assertThat(ms.fetch32(0, 0, A, WB)).isEqualTo(BRANCH_SELF); // DIC = 0: the L1I line is not updated
        ms.icInvalidatePa(1, 1, A);
        assertThat(ms.fetch32(0, 0, A, WB)).isEqualTo(BRANCH_BACK);
    }

    @Test
    void fetch_nonCacheable_readsRamWhateverTheL1iHolds() {
        MemorySystem ms = defaults();
        ms.ramPoke(A, 4, NOP);
        assertThat(ms.fetch32(0, 0, A, WB)).isEqualTo(NOP);
        ms.ramPoke(A, 4, BRANCH_SELF);
        assertThat(ms.fetch32(0, 0, A, NC)).isEqualTo(BRANCH_SELF);
        assertThat(ms.fetch32(0, 0, A, WB)).isEqualTo(NOP);
    }

    @Test
    void l1iGeneration_changesOnFillAndInvalidation_notOnHit() {
        MemorySystem ms = defaults();
        int g0 = ms.l1iGeneration(0);
        ms.fetch32(0, 0, A, WB);
        int g1 = ms.l1iGeneration(0);
        assertThat(g1).isNotEqualTo(g0);
        ms.fetch32(0, 0, A + 4, WB);
        assertThat(ms.l1iGeneration(0)).isEqualTo(g1);
        ms.icInvalidateAll(0, 0, false);
        assertThat(ms.l1iGeneration(0)).isNotEqualTo(g1);
        assertThat(ms.l1iGeneration(1)).isZero();
    }

    @Test
    void icInvalidateAll_localVersusInnerShareable() {
        MemorySystem ms = defaults();
        ms.fetch32(0, 0, A, WB);
        ms.fetch32(1, 1, A, WB);
        ms.icInvalidateAll(0, 0, false);
        assertThat(ms.lineState(l1iId(0), A)).isEqualTo(INVALID);
        assertThat(ms.lineState(l1iId(1), A)).isEqualTo(CLEAN);
        ms.fetch32(0, 0, A, WB);
        ms.icInvalidateAll(0, 0, true);
        assertThat(ms.lineState(l1iId(0), A)).isEqualTo(INVALID);
        assertThat(ms.lineState(l1iId(1), A)).isEqualTo(INVALID);
    }

    @Test
    void straddlingAccess_splitPerLine_oneEventPerChunk() {
        MemorySystem ms = defaults();
        Recorder rec = new Recorder();
        ms.addObserver(rec);
        ms.write(0, 0, STORE, A + 60, 8, WB, 0x0102_0304_0506_0708L);
        assertThat(rec.count("write")).isEqualTo(2);
        assertThat(rec.events).contains("write pe0 store 0x4000003c/4 = 0x5060708", "write pe0 store 0x40000040/4 = 0x1020304");
        assertThat(ms.read(1, 1, LOAD, A + 60, 8, WB)).isEqualTo(0x0102_0304_0506_0708L);
        assertThat(rec.count("read")).isEqualTo(2);
    }
    @Test
    void maintenance_badPeOrPaOutsideSpace_rejectedBeforeAnyEvent() {
        MemorySystem ms = defaults();
        assertThatThrownBy(() -> ms.dcCleanPoC(0, 0, 1L << 40))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("40-bit");
        assertThatThrownBy(() -> ms.dcCleanPoC(-1, 0, RAM))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ms.dcZeroBlock(0, 0, 0x1000, WB))
                .isInstanceOf(BusError.class);
        assertThatThrownBy(() -> ms.dcZeroBlock(-1, 0, RAM, WB))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ms.seq()).isZero();
    }

    @Test
    void dcCleanPoC_unmappedButValidPa_isANoOpEvent() {
        MemorySystem ms = defaults();
        Recorder rec = new Recorder();
        ms.addObserver(rec);
        ms.dcCleanPoC(0, 0, 0x1000);
        assertThat(rec.events).containsExactly("maint pe0 DC CVAC 0x1000");
    }

    @Test
    void lineState_unknownCacheId_rejected() {
        MemorySystem ms = defaults();
        assertThatThrownBy(() -> ms.lineState(l1dId(2), RAM))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no cache");
        assertThatThrownBy(() -> ms.lineState(Source.RAM, RAM))
                .isInstanceOf(IllegalArgumentException.class);
    }
    @Test
    void fetch_withDicOnly_noIcInvalidateNeededButCleanPoUStillIs() {
        MemorySystem ms = with(MemConfig.defaults().withIdcDic(false, true));
        ms.ramPoke(A, 4, NOP);
        assertThat(ms.fetch32(0, 0, A, WB)).isEqualTo(NOP);
        ms.write(1, 1, STORE, A, 4, WB, BRANCH_SELF); // removes PE0's L1I copy
        assertThat(ms.lineState(l1iId(0), A)).isEqualTo(INVALID);
        assertThat(ms.fetch32(0, 0, A, WB)).isEqualTo(NOP); // IDC = 0: the new data is still in PE1's L1D
        assertThat(ms.lineState(l1iId(0), A)).isEqualTo(CLEAN); // refilled with the stale NOP
        ms.dcCleanPoU(1, 1, A); // the L2 (PoU) changes: L1I copies go, no IC IVAU needed
        assertThat(ms.lineState(l1iId(0), A)).isEqualTo(INVALID);
        assertThat(ms.fetch32(0, 0, A, WB)).isEqualTo(BRANCH_SELF);
    }

    @Test
    void read_missWithACleanCopyInAnotherL1d_isServedFromThatCopy_evenWhenRamIsNewer() {
        MemorySystem ms = defaults();
        Recorder rec = new Recorder();
        ms.addObserver(rec);
        ms.ramPoke(A, 8, 0x1111);
        assertThat(ms.read(1, 1, LOAD, A, 8, WB)).isEqualTo(0x1111);   // PE1 holds A clean (and the L2)
        ms.adversary().evict(L2_ID, A);                                   // the L2's copy goes, PE1's stays
        ms.write(-1, 0, STORE, A, 8, NC, 0x2222);                         // a non-cacheable write to RAM
        assertThat(ms.lineState(L2_ID, A)).isEqualTo(INVALID);
        assertThat(ms.lineState(l1dId(1), A)).isEqualTo(CLEAN);
        // PE0's cacheable read misses its L1D and the L2: PE1's clean (stale) copy is forwarded.
        assertThat(ms.read(0, 0, LOAD, A, 8, WB)).isEqualTo(0x1111);
        assertThat(Source.place(rec.lastSource())).isEqualTo(Source.L1D);
        assertThat(Source.pe(rec.lastSource())).isEqualTo(1);
        assertThat(Source.lineState(rec.lastSource())).isEqualTo(CLEAN);
        assertThat(ms.lineState(l1dId(0), A)).isEqualTo(CLEAN);
        assertThat(ms.lineState(l1dId(1), A)).isEqualTo(CLEAN);
    }
}
