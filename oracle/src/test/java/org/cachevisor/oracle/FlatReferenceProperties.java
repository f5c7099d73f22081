package org.cachevisor.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.cachevisor.memsys.AccessKind;
import org.cachevisor.memsys.Agents;
import org.cachevisor.memsys.Attrs;
import org.cachevisor.memsys.Source;

/**
 * The oracle against an independent reference written here (a HashMap of bytes with the last writer of
 * each): random writes by several agents, then reads. Reads returning the reference value never
 * violate; a read with one corrupted byte violates exactly once, at that byte, blaming the reference's
 * last writer for the expected value.
 */
class FlatReferenceProperties {
    static final long BASE_PA = 0x4000_0000L;

    record Write(int agent, long pa, int size, long value) {}

    @Provide
    Arbitrary<List<Write>> writes() {
        Arbitrary<Write> w = Combinators.combine(
                Arbitraries.integers().between(0, 3),
                Arbitraries.longs().between(0, 300),
                Arbitraries.of(1, 2, 4, 8),
                Arbitraries.longs()).as((a, off, size, v) -> new Write(a, BASE_PA + off, size, v));
        return w.list().ofMinSize(1).ofMaxSize(60);
    }

    @Property(tries = 300)
    void reads_ofReferenceValues_neverViolate_andOneCorruptByteViolatesOnce(@ForAll("writes") List<Write> writes,
            @ForAll("offsets") long readOff, @ForAll("byteIndex") int corrupt) {
        Agents agents = new Agents();
        for (int i = 0; i < 4; i++) agents.register(Agents.Kind.VCPU, "A" + i, i);
        CoherenceOracle oracle = new CoherenceOracle(agents, 64);
        Map<Long, Byte> ref = new HashMap<>();
        Map<Long, Long> refWriterSeq = new HashMap<>();
        long seq = 0;
        for (Write w : writes) {
            // writes are split at line boundaries, as the memory system reports them
            long pa = w.pa();
            int done = 0;
            while (done < w.size()) {
                int chunk = (int) Math.min(w.size() - done, 64 - ((pa + done) & 63));
                long lo = w.value() >>> (8 * done);
                if (chunk < 8) lo &= (1L << (8 * chunk)) - 1;
                oracle.onWrite(seq, 0, w.agent(), AccessKind.STORE, pa + done, chunk, Attrs.NC, lo, 0);
                for (int i = 0; i < chunk; i++) {
                    ref.put(pa + done + i, (byte) (lo >>> (8 * i)));
                    refWriterSeq.put(pa + done + i, seq);
                }
                seq++;
                done += chunk;
            }
        }
        // read 8 bytes (8-aligned, so within one line) returning the reference value
        long readPa = BASE_PA + (readOff & ~7L);
        long value = 0;
        for (int i = 0; i < 8; i++) value |= (ref.getOrDefault(readPa + i, (byte) 0) & 0xffL) << (8 * i);
        oracle.onRead(seq++, 0, 1, AccessKind.LOAD, readPa, 8, Attrs.NC, value, 0, Source.RAM);
        assertThat(oracle.violated()).isFalse();

        long corrupted = value ^ (0x5aL << (8 * corrupt));
        long readSeq = seq;
        oracle.onRead(readSeq, 0, 2, AccessKind.LOAD, readPa, 8, Attrs.NC, corrupted, 0, Source.RAM);
        assertThat(oracle.violationCount()).isEqualTo(1);
        Violation v = oracle.first();
        assertThat(v.mismatchPa()).isEqualTo(readPa + corrupt);
        assertThat(v.expected()).isEqualTo(value);
        assertThat(v.seen()).isEqualTo(corrupted);
        Long writerSeq = refWriterSeq.get(readPa + corrupt);
        if (writerSeq == null) {
            assertThat(v.expectedWriter().origin()).isEqualTo(WriteRef.Origin.INITIAL);
        } else {
            assertThat(v.expectedWriter().seq()).isEqualTo(writerSeq);
        }
    }

    @Provide
    Arbitrary<Long> offsets() { return Arbitraries.longs().between(0, 300); }

    @Provide
    Arbitrary<Integer> byteIndex() { return Arbitraries.integers().between(0, 7); }
}
