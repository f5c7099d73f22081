package org.cachevisor.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.cachevisor.memsys.AccessKind;
import org.cachevisor.memsys.LineEvent;
import org.cachevisor.memsys.LineState;
import org.cachevisor.memsys.Maintenance;
import org.cachevisor.memsys.Source;
import org.junit.jupiter.api.Test;

/**
 * The oracle's direct-indexed storage against plain HashMaps written here: the chunk directory (radix),
 * the flat memory's per-granule stamps (uniform or per byte), the write history's slabs (the last
 * {@code depth} writes of each line) and the line tracker's per-(cache, line) records, at addresses
 * spread over the whole 52-bit physical address space (so every level of the radix and the
 * direct-mapped caches' collisions are exercised).
 */
class StorageTest {

    /** A PA from a few far-apart regions (collisions in the direct-mapped caches, all radix levels). */
    private static long pa(SplittableRandom r) {
        long[] bases = {0L, 0x4000_0000L, 0x4000_0000L + (64L << 12), 0x8_0000_0000L, (1L << 52) - (1L << 20)};
        return bases[r.nextInt(bases.length)] + r.nextInt(1 << 18);
    }

    @Test
    void chunkDirectory_getReturnsWhatWasPut_andNullElsewhere() {
        ChunkDirectory<String> dir = new ChunkDirectory<>();
        long[] numbers = {0, 1, 4095, 4096, 1L << 24, (1L << 24) + 16, (1L << 40) - 1, 16, 32};
        for (long n : numbers) assertThat(dir.get(n)).isNull();
        for (long n : numbers) dir.put(n, "c" + n);
        for (long n : numbers) assertThat(dir.get(n)).isEqualTo("c" + n);
        assertThat(dir.get(2)).isNull();
        assertThat(dir.get(48)).isNull(); // same direct-mapped entry as 0, 16 and 32
        assertThat(dir.get((1L << 24) + 1)).isNull();
        assertThat(dir.size()).isEqualTo(numbers.length);
    }

    @Property(tries = 200)
    void flatMemory_valuesAndStamps_matchAPerByteMap(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        FlatMemory m = new FlatMemory();
        Map<Long, Byte> value = new HashMap<>();
        Map<Long, Long> stamp = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            long p = pa(r);
            long s = Stamp.written(i + 1, r.nextInt(4), r.nextInt(3) - 1, r.nextInt(16));
            if (r.nextInt(5) == 0) {
                byte[] bytes = new byte[1 + r.nextInt(40)];
                r.nextBytes(bytes);
                m.store(p, bytes, 0, bytes.length, s);
                for (int k = 0; k < bytes.length; k++) {
                    value.put(p + k, bytes[k]);
                    stamp.put(p + k, s);
                }
            } else {
                byte b = (byte) r.nextInt();
                m.store(p, b, s);
                value.put(p, b);
                stamp.put(p, s);
            }
        }
        for (Map.Entry<Long, Byte> e : value.entrySet()) {
            long p = e.getKey();
            assertThat(m.value(p)).as("value at 0x%x", p).isEqualTo(e.getValue());
            assertThat(m.stamp(p)).as("stamp at 0x%x", p).isEqualTo(stamp.get(p));
            assertThat(m.stamp(p + 1)).as("stamp at 0x%x", p + 1).isEqualTo(stamp.getOrDefault(p + 1, 0L));
            assertThat(m.stamp(p - 1)).as("stamp at 0x%x", p - 1).isEqualTo(stamp.getOrDefault(p - 1, 0L));
        }
    }

    @Test
    void oracle_granuleStamps_attributeEachByteToItsLastWriter() {
        org.cachevisor.memsys.Agents agents = new org.cachevisor.memsys.Agents();
        int a = agents.register(org.cachevisor.memsys.Agents.Kind.VMM, "A", 0);
        int b = agents.register(org.cachevisor.memsys.Agents.Kind.VMM, "B", 0);
        CoherenceOracle o = new CoherenceOracle(agents, 64);
        long pa = 0x4000_0008L;
        o.onWrite(1, -1, a, AccessKind.STORE, pa, 8, 1, 0x1111_1111_1111_1111L, 0); // a whole granule: A
        o.onWrite(2, -1, b, AccessKind.STORE, pa + 2, 2, 1, 0x2222L, 0); // bytes 2..3: B (granule now mixed)
        o.onWrite(3, -1, a, AccessKind.STORE, pa + 8, 8, 1, 0x3333_3333_3333_3333L, 0); // next granule: A
        for (int k = 0; k < 16; k++) {
            long want = k == 2 || k == 3 ? 2 : k < 8 ? 1 : 3;
            assertThat(Stamp.seq(o.expectedStampForTest(pa + k))).as("byte %d", k).isEqualTo(want);
        }
        o.onWrite(4, -1, b, AccessKind.STORE, pa, 8, 1, 0x4444_4444_4444_4444L, 0); // uniform again: B
        for (int k = 0; k < 8; k++) assertThat(Stamp.seq(o.expectedStampForTest(pa + k))).isEqualTo(4);
    }

    @Property(tries = 100)
    void writeHistory_findsTheNewestMatchingWriteOfTheLastDepth(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int depth = 1 + r.nextInt(8);
        WriteHistory h = new WriteHistory(depth, 64);
        Map<Long, java.util.List<long[]>> perLine = new HashMap<>(); // line -> {seq, pa, size, lo, hi, agent}
        long seq = 0;
        for (int i = 0; i < 400; i++) {
            long line = pa(r) & ~63L;
            int size = new int[] {1, 2, 4, 8, 16}[r.nextInt(5)];
            long p = line + r.nextInt(64 - size + 1);
            long lo = r.nextLong(), hi = size > 8 ? r.nextLong() : 0L;
            int agent = r.nextInt(5);
            seq += 1 + r.nextInt(3);
            h.record(seq, agent, agent - 1, AccessKind.STORE, 3, p, size, lo, hi);
            perLine.computeIfAbsent(line, k -> new java.util.ArrayList<>()).add(new long[] {seq, p, size, lo, hi, agent});
        }
        for (Map.Entry<Long, java.util.List<long[]>> e : perLine.entrySet()) {
            java.util.List<long[]> writes = e.getValue();
            java.util.List<long[]> kept = writes.subList(Math.max(0, writes.size() - depth), writes.size());
            assertThat(h.complete(e.getKey())).isEqualTo(writes.size() <= depth);
            for (int k = 0; k < 64; k += 1 + r.nextInt(8)) {
                long bytePa = e.getKey() + k;
                byte v = (byte) r.nextInt(4); // small values: some match, some do not
                long expectSeq = -1, expectAgent = -1;
                for (int j = kept.size() - 1; j >= 0; j--) {
                    long[] w = kept.get(j);
                    long off = bytePa - w[1];
                    if (off < 0 || off >= w[2]) continue;
                    if (CoherenceOracle.byteOf(w[3], w[4], (int) off) == v) {
                        expectSeq = w[0];
                        expectAgent = w[5];
                        break;
                    }
                }
                long rec = h.findWriteOf(bytePa, v, Long.MAX_VALUE);
                if (expectSeq < 0) {
                    assertThat(rec).isEqualTo(-1);
                } else {
                    assertThat(h.seq(rec)).isEqualTo(expectSeq);
                    assertThat(h.agent(rec)).isEqualTo((int) expectAgent);
                    assertThat(h.pe(rec)).isEqualTo((int) expectAgent - 1);
                    assertThat(h.kind(rec)).isEqualTo(AccessKind.STORE);
                    assertThat(h.attrs(rec)).isEqualTo(3);
                    assertThat(h.kindOfWriteAt(bytePa, expectSeq)).isEqualTo(AccessKind.STORE);
                }
            }
        }
    }

    @Test
    void lineTracker_keepsRecordsPerCacheAndLine_atFarApartAddresses() {
        LineTracker t = new LineTracker(64);
        int l1d0 = Source.cache(Source.L1D, 0, 0), l1d1 = Source.cache(Source.L1D, 1, 0), l2 = Source.cache(Source.L2, 0, 0);
        long[] lines = {0x4000_0000L, 0x4000_0000L + (64L << 10) * 64, (1L << 52) - 64, 0x40L};
        long seq = 0;
        for (long line : lines) {
            t.onLine(++seq, LineEvent.FILL, l1d0, line, LineState.CLEAN, LineEvent.CAUSE_DEMAND, 7);
            t.onLine(++seq, LineEvent.UPDATE, l1d0, line, LineState.DIRTY, LineEvent.CAUSE_DEMAND, 7);
            t.onLine(++seq, LineEvent.FILL, l1d1, line, LineState.CLEAN, LineEvent.CAUSE_SPECULATIVE, 8);
            t.onMaintenance(++seq, 0, 7, Maintenance.DC_CVAU, line + 8);
        }
        for (int i = 0; i < lines.length; i++) {
            long line = lines[i];
            long base = 4L * i;
            assertThat(t.state(l1d0, line + 63)).isEqualTo(LineState.DIRTY);
            assertThat(t.fillSeq(l1d0, line)).isEqualTo(base + 1);
            assertThat(t.fillAgent(l1d0, line)).isEqualTo(7);
            assertThat(t.state(l1d1, line)).isEqualTo(LineState.CLEAN);
            assertThat(t.fillCause(l1d1, line)).isEqualTo(LineEvent.CAUSE_SPECULATIVE);
            assertThat(t.state(l2, line)).isEqualTo(LineState.INVALID);
            assertThat(t.fillSeq(l2, line)).isEqualTo(-1);
            assertThat(t.cleanPoUSeq(line)).isEqualTo(base + 4);
            assertThat(t.cleanPoUAgent(line)).isEqualTo(7);
            assertThat(t.dirtyIn(line)).containsExactly(l1d0);
            assertThat(t.state(l1d0, line + 64)).isEqualTo(LineState.INVALID); // the next line: never seen
        }
        t.onLine(++seq, LineEvent.WRITEBACK, l1d0, lines[2], LineState.CLEAN, LineEvent.CAUSE_REPLACEMENT, 7);
        assertThat(t.writebackL1Seq(lines[2])).isEqualTo(seq);
        assertThat(t.writebackL1Cache(lines[2])).isEqualTo(l1d0);
        assertThat(t.writebackL1Cause(lines[2])).isEqualTo(LineEvent.CAUSE_REPLACEMENT);
        assertThat(t.writebackL1Seq(lines[1])).isEqualTo(-1);
        assertThat(t.describeLine(lines[2])).isEqualTo("PE0.L1D: clean; filled (demand) at seq 9; written back (replacement)"
                + " at seq 17; last: write-back (replacement) at seq 17\n"
                + "PE1.L1D: clean; filled (speculative) at seq 11; last: fill (speculative) at seq 11\n"
                + "maintenance by address (last of each): DC CVAU at seq 12");
    }

    @Test
    void flatMemory_pageOfZeros_hasNoValueArray_untilANonzeroByteIsStored() {
        FlatMemory m = new FlatMemory();
        long pa = 0x4000_1000L;
        long s = Stamp.written(1, 2, 0, 3);
        m.store(pa + 8, new byte[64], 0, 64, s); // zeros (bulk store: allocates, as a seed may)
        m.store(0x4000_2000L, (byte) 0, s); // a single zero byte: a page without values
        FlatMemory.Page zeros = m.pageOrNull(0x4000_2000L);
        assertThat(zeros).isNotNull();
        assertThat(zeros.value).isNull();
        assertThat(m.valuesOrNull(0x4000_2000L)).isNull();
        assertThat(m.value(0x4000_2000L)).isEqualTo((byte) 0);
        assertThat(m.stamp(0x4000_2000L)).isEqualTo(s);
        m.store(0x4000_2fffL, (byte) 0x5a, s); // the first nonzero byte allocates the values, zeros elsewhere
        assertThat(zeros.value).isNotNull();
        assertThat(m.value(0x4000_2fffL)).isEqualTo((byte) 0x5a);
        assertThat(m.value(0x4000_2000L)).isEqualTo((byte) 0);
        assertThat(m.value(pa + 8)).isEqualTo((byte) 0);
        assertThat(m.stamp(pa + 71)).isEqualTo(s);
        assertThat(m.stamp(pa + 72)).isEqualTo(0L);
    }

    @Test
    void oracle_zeroWritesLeaveThePageWithoutValues_andReadsStillCompare() {
        org.cachevisor.memsys.Agents agents = new org.cachevisor.memsys.Agents();
        int a = agents.register(org.cachevisor.memsys.Agents.Kind.VMM, "A", 0);
        CoherenceOracle o = new CoherenceOracle(agents, 64);
        long pa = 0x4000_3000L;
        o.onWrite(1, -1, a, AccessKind.ZERO, pa, 64, 1, 0, 0); // a zero line
        o.onWrite(2, -1, a, AccessKind.STORE, pa + 64, 8, 1, 0, 0); // zero doubleword
        o.onWrite(3, -1, a, AccessKind.STORE, pa + 72, 16, 1, 0, 0); // zero pair
        o.onWrite(4, -1, a, AccessKind.STORE, pa + 92, 4, 1, 0, 0); // zero word
        assertThat(o.pagesAllocated()).isEqualTo(1);
        assertThat(Stamp.seq(o.expectedStampForTest(pa + 95))).isEqualTo(4);
        o.onRead(5, -1, a, AccessKind.LOAD, pa + 64, 8, 1, 0, 0, Source.RAM);
        assertThat(o.violated()).isFalse();
        o.onRead(6, -1, a, AccessKind.LOAD, pa + 88, 8, 1, 0x1_0000_0000L, 0, Source.RAM); // byte 92 should be 0
        assertThat(o.violated()).isTrue();
        assertThat(o.first().mismatchPa()).isEqualTo(pa + 92);
        // A nonzero word in the page of zeros: its bytes, the zeros around them unchanged.
        o.onWrite(7, -1, a, AccessKind.STORE, pa + 100, 4, 1, 0xa1b2c3d4L, 0);
        assertThat(o.expectedByte(pa + 100)).isEqualTo((byte) 0xd4);
        assertThat(o.expectedByte(pa + 103)).isEqualTo((byte) 0xa1);
        assertThat(o.expectedByte(pa + 99)).isEqualTo((byte) 0);
        assertThat(o.expectedByte(pa + 104)).isEqualTo((byte) 0);
    }

    @Test
    void writeHistory_keepsWriterTuplesPastTheTable_andZeroThenNonzeroValues() {
        WriteHistory h = new WriteHistory(8, 64);
        long line = 0x4000_0000L;
        // WRITERS + 40 distinct (agent, pe, kind, attrs) tuples, one write each to the 64 lines of one slab.
        int n = WriteHistory.WRITERS + 40;
        for (int i = 0; i < n; i++) {
            long pa = line + 64L * (i % 64) + 8 * (i / 64); // each spot once, at most 5 writes a line
            h.record(i + 1, i % 4000, (i % 7) - 1, i % 3, i % 16, pa, 8, i % 2 == 0 ? 0 : i, 0);
        }
        for (int i = 0; i < n; i++) {
            long pa = line + 64L * (i % 64) + 8 * (i / 64); // each spot once, at most 5 writes a line
            long rec = h.findWriteOf(pa, (byte) (i % 2 == 0 ? 0 : i), i + 2);
            assertThat(rec).as("write %d", i).isNotEqualTo(-1);
            assertThat(h.seq(rec)).as("write %d", i).isEqualTo(i + 1);
            assertThat(h.agent(rec)).as("write %d", i).isEqualTo(i % 4000);
            assertThat(h.pe(rec)).isEqualTo((i % 7) - 1);
            assertThat(h.kind(rec)).isEqualTo(i % 3);
            assertThat(h.attrs(rec)).isEqualTo(i % 16);
            assertThat(h.size(rec)).isEqualTo(8);
        }
    }

    @Test
    void writeHistory_recordsWholeLineSizes_andBytesPast16ReadAsZero() {
        for (int lineSize : new int[] {16, 64, 256}) {
            WriteHistory h = new WriteHistory(2, lineSize);
            long line = 0x8000_0000L;
            h.record(10, 1, 0, AccessKind.ZERO, 3, line, lineSize, 0, 0);
            h.record(11, 1, 0, AccessKind.STORE, 3, line + lineSize - 1, 1, 0x7f, 0);
            long rec = h.findWriteOf(line + lineSize - 1, (byte) 0, 100);
            assertThat(h.seq(rec)).isEqualTo(10);
            assertThat(h.size(rec)).isEqualTo(lineSize);
            assertThat(h.seq(h.findWriteOf(line + lineSize - 1, (byte) 0x7f, 100))).isEqualTo(11);
            assertThat(h.size(h.findWriteOf(line + lineSize - 1, (byte) 0x7f, 100))).isEqualTo(1);
            assertThat(h.findWriteOf(line + lineSize, (byte) 0, 100)).isEqualTo(-1); // the next line
        }
    }

    @Test
    void lineTracker_maintenanceClasses_areKeptApart() {
        LineTracker t = new LineTracker(64);
        long line = 0x4000_0000L;
        t.onMaintenance(5, 0, 3, Maintenance.DC_CVAU, line);
        t.onMaintenance(6, 0, 3, Maintenance.IC_IVAU, line + 64);
        assertThat(t.cleanPoUSeq(line)).isEqualTo(5);
        assertThat(t.cleanPoUAgent(line)).isEqualTo(3);
        assertThat(t.icInvalidateSeq(line)).isEqualTo(-1);
        assertThat(t.icInvalidateSeq(line + 64)).isEqualTo(6);
        assertThat(t.cleanPoCSeq(line)).isEqualTo(-1);
        t.onMaintenance(7, 0, 3, Maintenance.DC_CIVAC, line);
        assertThat(t.cleanPoCSeq(line)).isEqualTo(7);
        assertThat(t.invalidatePoCSeq(line)).isEqualTo(7);
        assertThat(t.cleanPoUSeq(line)).isEqualTo(5);
        t.onMaintenance(8, 0, 3, Maintenance.DC_IVAC, line + 64);
        assertThat(t.invalidatePoCSeq(line + 64)).isEqualTo(8);
        assertThat(t.cleanPoCSeq(line + 64)).isEqualTo(-1);
    }
}
