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
}
