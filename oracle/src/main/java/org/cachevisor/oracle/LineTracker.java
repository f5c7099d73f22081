package org.cachevisor.oracle;

import java.util.Arrays;
import org.cachevisor.memsys.LineEvent;
import org.cachevisor.memsys.LineState;
import org.cachevisor.memsys.Maintenance;
import org.cachevisor.memsys.Source;

/**
 * What the oracle learned from line and maintenance events, kept only to EXPLAIN a violation (the
 * oracle never uses it to decide what a read should return: that is the flat memory's job).
 *
 * <p>Two kinds of table, both directly indexed by the line number {@code pa >> lineShift} through a
 * {@link ChunkDirectory} of lazily allocated chunks of {@value #CHUNK_LINES} lines (no hashing):
 * <ul>
 * <li>per (cache, line), one directory per cache: the line's current state as the events reported
 *     it, its last fill (seq, cause, agent), its last write-back and its last event;</li>
 * <li>per line (whatever cache): the last write-back out of an L1 and out of the L2, the last time
 *     dirty data was dropped by an invalidation, and the last by-address maintenance of each class
 *     (clean to PoU, clean to PoC, invalidate) with who issued it. Each group (write-backs, discards,
 *     and each class of maintenance apart) is allocated in a chunk only when the chunk first needs it.</li>
 * </ul>
 * Plus, globally, the last set/way operation and the last whole-I-cache invalidation, and the list of
 * cache ids seen (to find where a line is dirty now).
 *
 * <p>Each record is one {@code long}: the event seq plus one in bits [63:24] (0 = never; so seqs
 * must stay below 2^40, as in a {@link Stamp}) and small fields (state, event, cause, cache id, agent)
 * in bits [23:0]. Every update is a chunk lookup (usually the one-entry cache of the directory) and a
 * few array stores; nothing is allocated except a chunk the first time a line of it is seen.
 */
final class LineTracker {
    static final int CHUNK_SHIFT = 10;
    static final int CHUNK_LINES = 1 << CHUNK_SHIFT;
    private static final int CHUNK_MASK = CHUNK_LINES - 1;

    /** Per (cache, line) longs, interleaved per line: last event (with the state), fill, last write-back. */
    private static final int CL_LAST = 0, CL_FILL = 1, CL_WB = 2, CL_FIELDS = 3;
    /** Per line longs: write-backs (out of an L1, out of the L2). */
    private static final int WB_L1 = 0, WB_L2 = 1, WB_FIELDS = 2;
    /** By-address maintenance classes: one array of per-line longs each, in {@code LineChunk.maintenance}. */
    private static final int M_CVAU = 0, M_CPOC = 1, M_IPOC = 2, M_IVAU = 3, M_FIELDS = 4;

    final int lineShift;

    /** Chunks of one cache's lines: {@code long[CHUNK_LINES * CL_FIELDS]}; index = dense cache index. */
    @SuppressWarnings("unchecked")
    private ChunkDirectory<long[]>[] cacheLines = new ChunkDirectory[8];

    /**
     * One chunk of per-line data; each group allocated on first use, and each class of by-address
     * maintenance too (a hypervisor cleaning to the PoU and invalidating the I-cache over a faulted
     * page allocates two of the four).
     */
    private static final class LineChunk {
        long[] writeback;
        long[] discard;
        final long[][] maintenance = new long[M_FIELDS][];
    }

    private final ChunkDirectory<LineChunk> lineChunks = new ChunkDirectory<>();

    /** Entries of the direct-mapped cache of recently updated (cache, chunk) pairs (a power of two). */
    private static final int CACHED = 64;
    /** Entry e holds the chunk with tag {@code chunkNumber << 16 | cacheKey} cachedTag[e] (-1: none). */
    private final long[] cachedTag = new long[CACHED];
    private final long[][] cachedChunk = new long[CACHED][];

    // ---- global ----
    long setWaySeq = -1;
    int setWayPe = -1;
    int setWayAgent = -1;
    int setWayOp = -1;
    long icAllSeq = -1;
    int icAllPe = -1;
    boolean icAllInnerShareable;
    /** Cache ids seen, in order of first sight; the position is the cache's dense index. */
    private int[] cacheIds = new int[8];
    private int cacheIdCount;
    /** Dense index + 1 of cache key {@code (pe << 4) | place} (keys with bits [7:4] set use the list). */
    private final short[] denseByKey = new short[1 << 12];
    private int lastKey = -1;
    private int lastDense;

    LineTracker(int lineSize) {
        this.lineShift = Integer.numberOfTrailingZeros(lineSize);
        Arrays.fill(cachedTag, -1L);
    }

    static int cacheKey(int cacheId) { return cacheId & 0xffff; }

    /** Packs a record: seq + 1 in bits [63:24] (0 = never), {@code low} in bits [23:0]. */
    private static long rec(long seq, int low) { return ((seq + 1) << 24) | (low & 0xffffffL); }

    /** The seq of a record, -1 for never. */
    private static long recSeq(long rec) { return (rec >>> 24) - 1; }

    // ------------------------------------------------------------------------------------------ events

    void onLine(long seq, int event, int cache, long linePa, int toState, int cause, int agent) {
        long[] c = clChunkForUpdate(cache, linePa);
        int s = clIndex(linePa);
        long last = c[s + CL_LAST];
        int prevState = last == 0 ? LineState.INVALID : (byte) (last >>> 16);
        c[s + CL_LAST] = rec(seq, ((toState & 0xff) << 16) | ((event & 0xff) << 8) | (cause & 0xff));
        switch (event) {
            case LineEvent.FILL -> {
                c[s + CL_FILL] = rec(seq, ((cause & 0xff) << 16) | (agent & 0xffff));
            }
            case LineEvent.WRITEBACK -> {
                c[s + CL_WB] = rec(seq, cause & 0xff);
                LineChunk lc = lineChunkForUpdate(linePa);
                long[] wb = lc.writeback;
                if (wb == null) lc.writeback = wb = new long[CHUNK_LINES * WB_FIELDS];
                int l = lineIndex(linePa) * WB_FIELDS;
                if (Source.place(cache) == Source.L2) {
                    wb[l + WB_L2] = rec(seq, cause & 0xff);
                } else {
                    wb[l + WB_L1] = rec(seq, (cacheKey(cache) << 8) | (cause & 0xff));
                }
            }
            case LineEvent.INVALIDATE -> {
                if (prevState == LineState.DIRTY) {
                    LineChunk lc = lineChunkForUpdate(linePa);
                    long[] d = lc.discard;
                    if (d == null) lc.discard = d = new long[CHUNK_LINES];
                    d[lineIndex(linePa)] = rec(seq, (cacheKey(cache) << 8) | (cause & 0xff));
                }
            }
            default -> { }
        }
    }

    void onMaintenance(long seq, int pe, int agent, int op, long operand) {
        switch (op) {
            case Maintenance.DC_CVAU -> maintenance(operand, M_CVAU)[lineIndex(operand)] = rec(seq, agent & 0xffff);
            case Maintenance.DC_CVAC -> maintenance(operand, M_CPOC)[lineIndex(operand)] = rec(seq, 0);
            case Maintenance.DC_CIVAC -> {
                maintenance(operand, M_CPOC)[lineIndex(operand)] = rec(seq, 0);
                maintenance(operand, M_IPOC)[lineIndex(operand)] = rec(seq, 0);
            }
            case Maintenance.DC_IVAC -> maintenance(operand, M_IPOC)[lineIndex(operand)] = rec(seq, 0);
            case Maintenance.IC_IVAU -> maintenance(operand, M_IVAU)[lineIndex(operand)] = rec(seq, 0);
            case Maintenance.IC_IALLU, Maintenance.IC_IALLUIS -> {
                icAllSeq = seq;
                icAllPe = pe;
                icAllInnerShareable = op == Maintenance.IC_IALLUIS;
            }
            case Maintenance.DC_ISW, Maintenance.DC_CSW, Maintenance.DC_CISW -> {
                setWaySeq = seq;
                setWayPe = pe;
                setWayAgent = agent;
                setWayOp = op;
            }
            default -> { }
        }
    }

    // ------------------------------------------------------------------------------------------ queries

    /** The record {@code field} of the line of {@code pa} in {@code cache}; 0 if never seen. */
    private long cl(int cache, long pa, int field) {
        int d = denseOrMinus(cache);
        if (d < 0) return 0L;
        long[] c = cacheLines[d].get(pa >>> (lineShift + CHUNK_SHIFT));
        return c == null ? 0L : c[clIndex(pa) + field];
    }

    /** Current state of the line of {@code pa} in {@code cache}, as the events said (INVALID if never seen). */
    int state(int cache, long pa) {
        long last = cl(cache, pa, CL_LAST);
        return last == 0 ? LineState.INVALID : (byte) (last >>> 16);
    }

    long fillSeq(int cache, long pa) { return recSeq(cl(cache, pa, CL_FILL)); }

    int fillCause(int cache, long pa) {
        return cl(cache, pa, CL_LAST) == 0 ? -1 : (byte) (cl(cache, pa, CL_FILL) >>> 16);
    }

    int fillAgent(int cache, long pa) {
        return cl(cache, pa, CL_LAST) == 0 ? -1 : (int) cl(cache, pa, CL_FILL) & 0xffff;
    }

    /** Cache ids (Source packing, state bits clear) in which the line of {@code pa} is dirty now. */
    int[] dirtyIn(long pa) {
        int n = 0;
        int[] out = new int[cacheIdCount];
        for (int i = 0; i < cacheIdCount; i++) {
            if (state(cacheIds[i], pa) == LineState.DIRTY) out[n++] = cacheIds[i];
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * What the events said about the line of {@code pa}, one line of text per cache that ever held it,
     * e.g. {@code PE1.L1D: dirty; filled (demand) at seq 3; last: update (demand) at seq 4}, then the
     * by-address maintenance seen. Violation path only (allocates).
     */
    String describeLine(long pa) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cacheIdCount; i++) {
            long last = cl(cacheIds[i], pa, CL_LAST);
            if (last == 0) continue;
            long fill = cl(cacheIds[i], pa, CL_FILL);
            long wb = cl(cacheIds[i], pa, CL_WB);
            if (b.length() > 0) b.append('\n');
            b.append(Explainer.cacheName(cacheIds[i])).append(": ").append(LineState.name((byte) (last >>> 16)));
            if (recSeq(fill) >= 0) {
                b.append("; filled (").append(LineEvent.causeName((byte) (fill >>> 16))).append(") at seq ")
                        .append(recSeq(fill));
            }
            if (recSeq(wb) >= 0) {
                b.append("; written back (").append(LineEvent.causeName((byte) wb)).append(") at seq ")
                        .append(recSeq(wb));
            }
            b.append("; last: ").append(LineEvent.eventName((byte) (last >>> 8))).append(" (")
                    .append(LineEvent.causeName((byte) last)).append(") at seq ").append(recSeq(last));
        }
        StringBuilder m = new StringBuilder();
        if (cleanPoUSeq(pa) >= 0) m.append(" DC CVAU at seq ").append(cleanPoUSeq(pa)).append(';');
        if (cleanPoCSeq(pa) >= 0) m.append(" clean to PoC at seq ").append(cleanPoCSeq(pa)).append(';');
        if (invalidatePoCSeq(pa) >= 0) m.append(" invalidate to PoC at seq ").append(invalidatePoCSeq(pa)).append(';');
        if (icInvalidateSeq(pa) >= 0) m.append(" IC IVAU at seq ").append(icInvalidateSeq(pa)).append(';');
        if (m.length() > 0) {
            if (b.length() > 0) b.append('\n');
            b.append("maintenance by address (last of each):").append(m, 0, m.length() - 1);
        }
        return b.length() == 0 ? "no line events seen for this line" : b.toString();
    }

    private long writeback(long pa, int field) {
        LineChunk lc = lineChunks.get(pa >>> (lineShift + CHUNK_SHIFT));
        return lc == null || lc.writeback == null ? 0L : lc.writeback[lineIndex(pa) * WB_FIELDS + field];
    }

    private long discard(long pa) {
        LineChunk lc = lineChunks.get(pa >>> (lineShift + CHUNK_SHIFT));
        return lc == null || lc.discard == null ? 0L : lc.discard[lineIndex(pa)];
    }

    private long maintenanceRec(long pa, int field) {
        LineChunk lc = lineChunks.get(pa >>> (lineShift + CHUNK_SHIFT));
        return lc == null || lc.maintenance[field] == null ? 0L : lc.maintenance[field][lineIndex(pa)];
    }

    long writebackL1Seq(long pa) { return recSeq(writeback(pa, WB_L1)); }

    int writebackL1Cache(long pa) { long r = writeback(pa, WB_L1); return r == 0 ? -1 : (int) (r >>> 8) & 0xffff; }

    int writebackL1Cause(long pa) { long r = writeback(pa, WB_L1); return r == 0 ? -1 : (byte) r; }

    long writebackL2Seq(long pa) { return recSeq(writeback(pa, WB_L2)); }

    int writebackL2Cause(long pa) { long r = writeback(pa, WB_L2); return r == 0 ? -1 : (byte) r; }

    long discardSeq(long pa) { return recSeq(discard(pa)); }

    int discardCache(long pa) { long r = discard(pa); return r == 0 ? -1 : (int) (r >>> 8) & 0xffff; }

    int discardCause(long pa) { long r = discard(pa); return r == 0 ? -1 : (byte) r; }

    long cleanPoUSeq(long pa) { return recSeq(maintenanceRec(pa, M_CVAU)); }

    int cleanPoUAgent(long pa) { long r = maintenanceRec(pa, M_CVAU); return r == 0 ? -1 : (int) r & 0xffff; }

    long cleanPoCSeq(long pa) { return recSeq(maintenanceRec(pa, M_CPOC)); }

    long invalidatePoCSeq(long pa) { return recSeq(maintenanceRec(pa, M_IPOC)); }

    long icInvalidateSeq(long pa) { return recSeq(maintenanceRec(pa, M_IVAU)); }

    /** Chunks allocated (per-cache and per-line), for memory reports and tests. */
    int chunkCount() {
        int n = lineChunks.size();
        for (int i = 0; i < cacheIdCount; i++) n += cacheLines[i].size();
        return n;
    }

    // ------------------------------------------------------------------------------------------ storage

    private int lineIndex(long pa) { return (int) (pa >>> lineShift) & CHUNK_MASK; }

    private int clIndex(long pa) { return lineIndex(pa) * CL_FIELDS; }

    /** The dense index of {@code cache}, noting it if new. */
    private int dense(int cache) {
        int key = cacheKey(cache);
        if (key == lastKey) return lastDense;
        int d = denseOrMinus(cache);
        if (d < 0) {
            if (cacheIdCount == cacheIds.length) {
                cacheIds = Arrays.copyOf(cacheIds, cacheIds.length * 2);
                cacheLines = Arrays.copyOf(cacheLines, cacheLines.length * 2);
            }
            d = cacheIdCount++;
            cacheIds[d] = key;
            cacheLines[d] = new ChunkDirectory<>();
            if ((key & 0xf0) == 0) denseByKey[(key >>> 4) | (key & 0xf)] = (short) (d + 1);
        }
        lastKey = key;
        lastDense = d;
        return d;
    }

    /** The dense index of {@code cache}, or -1 if never seen. */
    private int denseOrMinus(int cache) {
        int key = cacheKey(cache);
        if ((key & 0xf0) == 0) return denseByKey[(key >>> 4) | (key & 0xf)] - 1;
        for (int i = 0; i < cacheIdCount; i++) if (cacheIds[i] == key) return i;
        return -1;
    }

    /** The (cache, line) chunk holding {@code pa}'s line for {@code cache}, allocated if absent. */
    private long[] clChunkForUpdate(int cache, long pa) {
        long n = pa >>> (lineShift + CHUNK_SHIFT);
        long tag = (n << 16) | cacheKey(cache);
        int e = (int) (n ^ (tag >>> 4) ^ cache) & (CACHED - 1);
        if (cachedTag[e] == tag) return cachedChunk[e];
        ChunkDirectory<long[]> dir = cacheLines[dense(cache)];
        long[] c = dir.get(n);
        if (c == null) dir.put(n, c = new long[CHUNK_LINES * CL_FIELDS]);
        cachedTag[e] = tag;
        cachedChunk[e] = c;
        return c;
    }

    private LineChunk lineChunkForUpdate(long pa) {
        long n = pa >>> (lineShift + CHUNK_SHIFT);
        LineChunk lc = lineChunks.get(n);
        if (lc == null) lineChunks.put(n, lc = new LineChunk());
        return lc;
    }

    /** The per-line records of maintenance class {@code field} of the chunk of {@code pa}, allocated if absent. */
    private long[] maintenance(long pa, int field) {
        LineChunk lc = lineChunkForUpdate(pa);
        long[] m = lc.maintenance[field];
        if (m == null) lc.maintenance[field] = m = new long[CHUNK_LINES];
        return m;
    }
}
