package org.cachevisor.memsys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cachevisor.memsys.Fixture.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link MemoryObserver#wantsDirtyUpdates}: when no observer wants the UPDATE events of write hits on
 * dirty lines they are not delivered, and every other event keeps its seq.
 */
class DirtyUpdateOptOutTest {
    /** Records line events as (seq, event, from, to) and write seqs. */
    private static final class Lines implements MemoryObserver {
        final boolean wants;
        final List<String> lineEvents = new ArrayList<>();
        final List<Long> writeSeqs = new ArrayList<>();

        Lines(boolean wants) { this.wants = wants; }

        @Override public void onLine(long seq, int event, int cache, long linePa, int from, int to, int cause, int agent) {
            lineEvents.add(seq + ":" + LineEvent.eventName(event) + ":" + from + "->" + to);
        }

        @Override public void onWrite(long seq, int pe, int agent, int kind, long pa, int size, int attrs, long lo, long hi) {
            writeSeqs.add(seq);
        }

        @Override public boolean wantsDirtyUpdates() { return wants; }
    }

    private static void workload(MemorySystem ms) {
        for (int i = 0; i < 8; i++) ms.write(0, 0, STORE, RAM + 8 * i, 8, WB, i); // 1 miss, 7 hits on the dirty line
        ms.write16(0, 0, STORE, RAM + 64, WB, 1, 2);                               // slow path: I -> D, then
        ms.write16(0, 0, STORE, RAM + 80, WB, 3, 4);                               // a D -> D hit
        ms.dcCleanPoC(0, 0, RAM);
        ms.write(0, 0, STORE, RAM + 8, 8, WB, 9);                                  // C -> D
    }

    @Test
    void noObserverWantsThem_dirtyHitUpdatesNotDelivered_otherEventsSameSeqs() {
        MemorySystem all = defaults();
        Lines wanting = new Lines(true);
        all.addObserver(wanting);
        workload(all);
        MemorySystem optOut = defaults();
        Lines notWanting = new Lines(false);
        optOut.addObserver(notWanting);
        workload(optOut);

        assertThat(optOut.seq()).isEqualTo(all.seq());
        assertThat(notWanting.writeSeqs).isEqualTo(wanting.writeSeqs);
        String dirtyHit = ":update:" + LineState.DIRTY + "->" + LineState.DIRTY;
        assertThat(wanting.lineEvents).filteredOn(e -> e.endsWith(dirtyHit)).hasSize(8); // 7 + the write16 hit
        List<String> expected = new ArrayList<>(wanting.lineEvents);
        expected.removeIf(e -> e.endsWith(dirtyHit));
        assertThat(notWanting.lineEvents).isEqualTo(expected);
        assertThat(notWanting.lineEvents).anyMatch(e -> e.contains(":update:")); // the ones that make a line dirty stay
    }

    @Test
    void oneObserverWantsThem_everyObserverGetsThem() {
        MemorySystem ms = defaults();
        Lines notWanting = new Lines(false);
        Lines wanting = new Lines(true);
        ms.addObserver(notWanting);
        ms.addObserver(wanting);
        workload(ms);
        assertThat(notWanting.lineEvents).isEqualTo(wanting.lineEvents);
    }
}
