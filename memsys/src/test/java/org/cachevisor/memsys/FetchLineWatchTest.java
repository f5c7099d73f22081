package org.cachevisor.memsys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cachevisor.memsys.Fixture.*;

import org.junit.jupiter.api.Test;

/**
 * {@link MemorySystem#peekFetchLine}: when a PE may fetch from its own copy of an L1I line, and how the
 * first write to a watched line (by any agent) ends every PE's copies through {@link MemorySystem#l1iGeneration}.
 */
class FetchLineWatchTest {
    private static final long LINE = RAM + 0x4000;

    /** An observer that verifies any line (the decision is the observer's: see MemoryObserver#readWouldPass). */
    private static final class Approving implements MemoryObserver {
        int asked;

        @Override public boolean readWouldPass(long pa, byte[] bytes, int off, int len) {
            asked++;
            return true;
        }
    }

    /** A memory system whose RAM holds {@code value} at LINE + 8 (written before {@code observer}, if any, is attached). */
    private static MemorySystem withRamLine(long value, MemoryObserver observer) {
        MemorySystem ms = defaults();
        ms.write(-1, 0, STORE, LINE + 8, 8, NC, value);
        if (observer != null) ms.addObserver(observer);
        return ms;
    }

    private static MemorySystem withLineInL1i(MemoryObserver observer) {
        MemorySystem ms = withRamLine(0x1111_2222_3333_4444L, observer);
        ms.fetch32(0, 0, LINE + 8, WB); // fills PE0's L1I
        return ms;
    }

    @Test
    void peekFetchLine_unobserved_copiesTheL1iLine_absentLineRefused() {
        MemorySystem ms = withLineInL1i(null);
        byte[] copy = new byte[64];
        long seq = ms.seq();
        assertThat(ms.peekFetchLine(0, LINE + 0x24, copy)).isTrue();
        assertThat(LittleEndian.get(copy, 8, 8)).isEqualTo(0x1111_2222_3333_4444L);
        assertThat(ms.peekFetchLine(1, LINE, copy)).isFalse(); // not in PE1's L1I
        assertThat(ms.peekFetchLine(0, LINE + 64, copy)).isFalse();
        assertThat(ms.seq()).isEqualTo(seq); // no access, no event
    }

    @Test
    void peekFetchLine_observerThatDoesNotVerify_refuses() {
        MemorySystem ms = withLineInL1i(new MemoryObserver() {});
        assertThat(ms.peekFetchLine(0, LINE, new byte[64])).isFalse();
    }

    @Test
    void watchedLine_writtenByAnotherAgent_endsEveryPesCopies_otherLinesDoNot() {
        Approving approving = new Approving();
        MemorySystem ms = withLineInL1i(approving);
        assertThat(ms.peekFetchLine(0, LINE, new byte[64])).isTrue();
        assertThat(approving.asked).isEqualTo(1);
        int g0 = ms.l1iGeneration(0), g1 = ms.l1iGeneration(1);
        ms.write(-1, 0, STORE, LINE + 64, 8, NC, 5); // the next line: not watched
        assertThat(ms.l1iGeneration(0)).isEqualTo(g0);
        ms.write(-1, 0, STORE, LINE + 16, 4, NC, 7); // a DMA-like write to the watched line
        assertThat(ms.l1iGeneration(0)).isNotEqualTo(g0);
        assertThat(ms.l1iGeneration(1)).isNotEqualTo(g1);
        int g2 = ms.l1iGeneration(0);
        ms.write(-1, 0, STORE, LINE + 24, 4, NC, 9); // no longer watched: nothing more to end
        assertThat(ms.l1iGeneration(0)).isEqualTo(g2);
    }

    @Test
    void addObserver_endsCopiesMadeWhileNobodyWatched() {
        MemorySystem ms = withLineInL1i(null);
        assertThat(ms.peekFetchLine(0, LINE, new byte[64])).isTrue();
        int g0 = ms.l1iGeneration(0);
        ms.addObserver(new MemoryObserver() {});
        assertThat(ms.l1iGeneration(0)).isNotEqualTo(g0);
    }

    @Test
    void watchedLine_peekedAgainUnchanged_isNotReverified_untilWritten() {
        Approving approving = new Approving();
        MemorySystem ms = withLineInL1i(approving);
        byte[] copy = new byte[64];
        assertThat(ms.peekFetchLine(0, LINE, copy)).isTrue();
        assertThat(ms.peekFetchLine(0, LINE + 4, copy)).isTrue();
        assertThat(approving.asked).isEqualTo(1); // still watched, same bytes: the observers' answer stands
        ms.write(-1, 0, STORE, LINE + 40, 8, NC, 3); // ends the watch (the L1I keeps its old bytes)
        assertThat(ms.peekFetchLine(0, LINE, copy)).isTrue();
        assertThat(approving.asked).isEqualTo(2); // asked again after the write
    }

    @Test
    void watchedLine_otherPesL1iHoldingOtherBytes_isReverified() {
        Approving approving = new Approving();
        MemorySystem ms = withRamLine(0x1111_2222_3333_4444L, approving);
        ms.fetch32(1, 0, LINE + 8, WB); // PE1's L1I holds the old bytes
        // Other bytes in RAM without a write event (a back door; nothing is watched yet), then PE0's L1I
        // fills from RAM (the L2's copy invalidated first).
        ms.ramPoke(LINE + 8, 8, 0x5555_6666_7777_8888L);
        ms.dcInvalidatePoC(0, 0, LINE);
        ms.fetch32(0, 0, LINE + 8, WB);
        byte[] copy = new byte[64];
        assertThat(ms.peekFetchLine(0, LINE, copy)).isTrue();
        assertThat(approving.asked).isEqualTo(1);
        // The line is watched with PE0's bytes; PE1's copy differs, so the observers are asked again.
        assertThat(ms.peekFetchLine(1, LINE, copy)).isTrue();
        assertThat(LittleEndian.get(copy, 8, 8)).isEqualTo(0x1111_2222_3333_4444L);
        assertThat(approving.asked).isEqualTo(2);
    }

    @Test
    void ramPoke_endsTheWatch() {
        MemorySystem ms = withLineInL1i(new Approving());
        assertThat(ms.peekFetchLine(0, LINE, new byte[64])).isTrue();
        int g0 = ms.l1iGeneration(0);
        ms.ramPoke(LINE + 60, 4, 0x0BAD_F00DL);
        assertThat(ms.l1iGeneration(0)).isNotEqualTo(g0);
    }

    // ---- Non-cacheable copies (peekFetchLineNc) and their clock (tryTickFetch)

    @Test
    void peekFetchLineNc_unobserved_refuses() {
        MemorySystem ms = withRamLine(1, null);
        assertThat(ms.peekFetchLineNc(LINE, new byte[64])).isFalse();
    }

    @Test
    void peekFetchLineNc_observed_copiesTheRamLine_untilAWriteToIt() {
        Approving approving = new Approving();
        MemorySystem ms = withRamLine(0x1111_2222_3333_4444L, approving);
        byte[] copy = new byte[64];
        long seq = ms.seq();
        assertThat(ms.peekFetchLineNc(LINE + 0x2c, copy)).isTrue();
        assertThat(LittleEndian.get(copy, 8, 8)).isEqualTo(0x1111_2222_3333_4444L);
        assertThat(approving.asked).isEqualTo(1);
        assertThat(ms.seq()).isEqualTo(seq); // no access, no event
        assertThat(ms.peekFetchLineNc(LINE + 0x100000, copy)).isFalse(); // a RAM page never written
        int g0 = ms.l1iGeneration(0), g1 = ms.l1iGeneration(1);
        ms.write(-1, 0, STORE, LINE + 48, 4, NC, 7);
        assertThat(ms.l1iGeneration(0)).isNotEqualTo(g0);
        assertThat(ms.l1iGeneration(1)).isNotEqualTo(g1);
    }

    @Test
    void peekFetchLineNc_observerThatDoesNotVerify_refuses() {
        MemorySystem ms = withRamLine(1, new MemoryObserver() {});
        assertThat(ms.peekFetchLineNc(LINE, new byte[64])).isFalse();
    }

    @Test
    void peekFetchLineNc_writeBackIntoRam_endsTheCopies() {
        MemorySystem ms = withRamLine(1, new Approving());
        ms.write(0, 0, STORE, LINE + 16, 8, WB, 2); // dirty in PE0's L1D: RAM still holds the old bytes
        assertThat(ms.peekFetchLineNc(LINE, new byte[64])).isTrue();
        int g0 = ms.l1iGeneration(0);
        ms.dcCleanPoC(0, 0, LINE); // L1D -> L2 -> RAM: the RAM line changes without a write event
        assertThat(ms.ramPeek(LINE + 16, 8)).isEqualTo(2L);
        assertThat(ms.l1iGeneration(0)).isNotEqualTo(g0);
    }

    @Test
    void tryTickFetch_ticksAsAnObservedNcFetch_andRefusesWhenTheAdversaryIsDue() {
        MemorySystem ms = defaults();
        ms.write(-1, 0, STORE, LINE, 8, NC, 0xd503201fL); // a NOP
        ms.addObserver(new Approving());
        ms.fetch32(0, 0, LINE, NC); // the page is now in the Non-cacheable memo: the observed fast path
        long before = ms.seq();
        ms.fetch32(0, 0, LINE, NC);
        long perFetch = ms.seq() - before;
        before = ms.seq();
        assertThat(ms.tryTickFetch()).isTrue();
        assertThat(ms.seq() - before).isEqualTo(perFetch).isEqualTo(1);
        ms.adversary().scheduleEvict(ms.seq(), MemorySystem.L2_ID, LINE);
        before = ms.seq();
        assertThat(ms.tryTickFetch()).isFalse();
        assertThat(ms.seq()).isEqualTo(before);
        ms.fetch32(0, 0, LINE, NC); // the real fetch runs the due action
        assertThat(ms.adversary().pendingScriptActions()).isZero();
    }
}
