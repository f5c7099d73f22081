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
 * <p>Two tables, both flat parallel arrays behind a {@link LongIntMap}:
 * <ul>
 * <li>per (cache, line): the line's current state as the events reported it, its last fill (seq,
 *     cause, agent), when it last became dirty, its last write-back and its last event;</li>
 * <li>per line (whatever cache): the last write-back out of an L1 and out of the L2, the last time
 *     dirty data was dropped by an invalidation, and the last by-address maintenance of each class
 *     (clean to PoU, clean to PoC, invalidate) with who issued it.</li>
 * </ul>
 * Plus, globally, the last set/way operation and the last whole-I-cache invalidation, and the list of
 * cache ids seen (to find where a line is dirty now).
 *
 * <p>Every update is a hash lookup and a few array stores; no allocation once the arrays have grown.
 */
final class LineTracker {
    final int lineShift;

    // ---- per (cache, line) ----
    private final LongIntMap cacheLineIndex = new LongIntMap(1 << 10);
    private byte[] clState = new byte[256];
    private long[] clFillSeq = new long[256];
    private byte[] clFillCause = new byte[256];
    private int[] clFillAgent = new int[256];
    private long[] clDirtySeq = new long[256];
    private long[] clWritebackSeq = new long[256];
    private byte[] clWritebackCause = new byte[256];
    private long[] clLastSeq = new long[256];
    private byte[] clLastEvent = new byte[256];
    private byte[] clLastCause = new byte[256];

    // ---- per line ----
    private final LongIntMap lineIndex = new LongIntMap(1 << 10);
    private long[] wbL1Seq = new long[256];
    private int[] wbL1Cache = new int[256];
    private byte[] wbL1Cause = new byte[256];
    private long[] wbL2Seq = new long[256];
    private byte[] wbL2Cause = new byte[256];
    private long[] discardSeq = new long[256];
    private int[] discardCache = new int[256];
    private byte[] discardCause = new byte[256];
    private long[] cleanPoUSeq = new long[256];
    private int[] cleanPoUAgent = new int[256];
    private long[] cleanPoCSeq = new long[256];
    private long[] invalidatePoCSeq = new long[256];
    private long[] icInvalidateSeq = new long[256];

    // ---- global ----
    long setWaySeq = -1;
    int setWayPe = -1;
    int setWayAgent = -1;
    int setWayOp = -1;
    long icAllSeq = -1;
    int icAllPe = -1;
    boolean icAllInnerShareable;
    private int[] cacheIds = new int[8];
    private int cacheIdCount;

    LineTracker(int lineSize) {
        this.lineShift = Integer.numberOfTrailingZeros(lineSize);
        Arrays.fill(wbL1Seq, -1);
        Arrays.fill(wbL2Seq, -1);
        Arrays.fill(discardSeq, -1);
        Arrays.fill(cleanPoUSeq, -1);
        Arrays.fill(cleanPoCSeq, -1);
        Arrays.fill(invalidatePoCSeq, -1);
        Arrays.fill(icInvalidateSeq, -1);
        Arrays.fill(clFillSeq, -1);
        Arrays.fill(clDirtySeq, -1);
        Arrays.fill(clWritebackSeq, -1);
        Arrays.fill(clLastSeq, -1);
    }

    static int cacheKey(int cacheId) { return cacheId & 0xffff; }

    private long clKey(int cacheId, long pa) { return ((pa >>> lineShift) << 16) | cacheKey(cacheId); }

    // ------------------------------------------------------------------------------------------ events

    void onLine(long seq, int event, int cache, long linePa, int toState, int cause, int agent) {
        noteCache(cache);
        int s = clSlot(cache, linePa);
        int prevState = clState[s];
        clState[s] = (byte) toState;
        clLastSeq[s] = seq;
        clLastEvent[s] = (byte) event;
        clLastCause[s] = (byte) cause;
        switch (event) {
            case LineEvent.FILL -> {
                clFillSeq[s] = seq;
                clFillCause[s] = (byte) cause;
                clFillAgent[s] = agent;
                clDirtySeq[s] = toState == LineState.DIRTY ? seq : -1;
            }
            case LineEvent.UPDATE -> {
                if (prevState != LineState.DIRTY && toState == LineState.DIRTY) clDirtySeq[s] = seq;
            }
            case LineEvent.WRITEBACK -> {
                clWritebackSeq[s] = seq;
                clWritebackCause[s] = (byte) cause;
                int l = lineSlot(linePa);
                if (Source.place(cache) == Source.L2) {
                    wbL2Seq[l] = seq;
                    wbL2Cause[l] = (byte) cause;
                } else {
                    wbL1Seq[l] = seq;
                    wbL1Cache[l] = cacheKey(cache);
                    wbL1Cause[l] = (byte) cause;
                }
            }
            case LineEvent.INVALIDATE -> {
                if (prevState == LineState.DIRTY) {
                    int l = lineSlot(linePa);
                    discardSeq[l] = seq;
                    discardCache[l] = cacheKey(cache);
                    discardCause[l] = (byte) cause;
                }
            }
            default -> { }
        }
        if (toState != LineState.DIRTY) clDirtySeq[s] = -1;
    }

    void onMaintenance(long seq, int pe, int agent, int op, long operand) {
        switch (op) {
            case Maintenance.DC_CVAU -> {
                int l = lineSlot(operand);
                cleanPoUSeq[l] = seq;
                cleanPoUAgent[l] = agent;
            }
            case Maintenance.DC_CVAC -> cleanPoCSeq[lineSlot(operand)] = seq;
            case Maintenance.DC_CIVAC -> {
                int l = lineSlot(operand);
                cleanPoCSeq[l] = seq;
                invalidatePoCSeq[l] = seq;
            }
            case Maintenance.DC_IVAC -> invalidatePoCSeq[lineSlot(operand)] = seq;
            case Maintenance.IC_IVAU -> icInvalidateSeq[lineSlot(operand)] = seq;
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

    /** Current state of the line of {@code pa} in {@code cache}, as the events said (INVALID if never seen). */
    int state(int cache, long pa) {
        int s = cacheLineIndex.get(clKey(cache, pa));
        return s < 0 ? LineState.INVALID : clState[s];
    }

    long fillSeq(int cache, long pa) { int s = cacheLineIndex.get(clKey(cache, pa)); return s < 0 ? -1 : clFillSeq[s]; }

    int fillCause(int cache, long pa) { int s = cacheLineIndex.get(clKey(cache, pa)); return s < 0 ? -1 : clFillCause[s]; }

    int fillAgent(int cache, long pa) { int s = cacheLineIndex.get(clKey(cache, pa)); return s < 0 ? -1 : clFillAgent[s]; }

    long dirtySeq(int cache, long pa) { int s = cacheLineIndex.get(clKey(cache, pa)); return s < 0 ? -1 : clDirtySeq[s]; }

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
            int s = cacheLineIndex.get(clKey(cacheIds[i], pa));
            if (s < 0) continue;
            if (b.length() > 0) b.append('\n');
            b.append(Explainer.cacheName(cacheIds[i])).append(": ").append(LineState.name(clState[s]));
            if (clFillSeq[s] >= 0) {
                b.append("; filled (").append(LineEvent.causeName(clFillCause[s])).append(") at seq ").append(clFillSeq[s]);
            }
            if (clWritebackSeq[s] >= 0) {
                b.append("; written back (").append(LineEvent.causeName(clWritebackCause[s])).append(") at seq ")
                        .append(clWritebackSeq[s]);
            }
            if (clLastSeq[s] >= 0) {
                b.append("; last: ").append(LineEvent.eventName(clLastEvent[s])).append(" (")
                        .append(LineEvent.causeName(clLastCause[s])).append(") at seq ").append(clLastSeq[s]);
            }
        }
        int l = lineIndex.get(pa >>> lineShift);
        if (l >= 0) {
            StringBuilder m = new StringBuilder();
            if (cleanPoUSeq[l] >= 0) m.append(" DC CVAU at seq ").append(cleanPoUSeq[l]).append(';');
            if (cleanPoCSeq[l] >= 0) m.append(" clean to PoC at seq ").append(cleanPoCSeq[l]).append(';');
            if (invalidatePoCSeq[l] >= 0) m.append(" invalidate to PoC at seq ").append(invalidatePoCSeq[l]).append(';');
            if (icInvalidateSeq[l] >= 0) m.append(" IC IVAU at seq ").append(icInvalidateSeq[l]).append(';');
            if (m.length() > 0) {
                if (b.length() > 0) b.append('\n');
                b.append("maintenance by address (last of each):").append(m, 0, m.length() - 1);
            }
        }
        return b.length() == 0 ? "no line events seen for this line" : b.toString();
    }

    long writebackL1Seq(long pa) { int l = lineIndex.get(pa >>> lineShift); return l < 0 ? -1 : wbL1Seq[l]; }

    int writebackL1Cache(long pa) { int l = lineIndex.get(pa >>> lineShift); return l < 0 ? -1 : wbL1Cache[l]; }

    int writebackL1Cause(long pa) { int l = lineIndex.get(pa >>> lineShift); return l < 0 ? -1 : wbL1Cause[l]; }

    long writebackL2Seq(long pa) { int l = lineIndex.get(pa >>> lineShift); return l < 0 ? -1 : wbL2Seq[l]; }

    int writebackL2Cause(long pa) { int l = lineIndex.get(pa >>> lineShift); return l < 0 ? -1 : wbL2Cause[l]; }

    long discardSeq(long pa) { int l = lineIndex.get(pa >>> lineShift); return l < 0 ? -1 : discardSeq[l]; }

    int discardCache(long pa) { int l = lineIndex.get(pa >>> lineShift); return l < 0 ? -1 : discardCache[l]; }

    int discardCause(long pa) { int l = lineIndex.get(pa >>> lineShift); return l < 0 ? -1 : discardCause[l]; }

    long cleanPoUSeq(long pa) { int l = lineIndex.get(pa >>> lineShift); return l < 0 ? -1 : cleanPoUSeq[l]; }

    int cleanPoUAgent(long pa) { int l = lineIndex.get(pa >>> lineShift); return l < 0 ? -1 : cleanPoUAgent[l]; }

    long cleanPoCSeq(long pa) { int l = lineIndex.get(pa >>> lineShift); return l < 0 ? -1 : cleanPoCSeq[l]; }

    long invalidatePoCSeq(long pa) { int l = lineIndex.get(pa >>> lineShift); return l < 0 ? -1 : invalidatePoCSeq[l]; }

    long icInvalidateSeq(long pa) { int l = lineIndex.get(pa >>> lineShift); return l < 0 ? -1 : icInvalidateSeq[l]; }

    // ------------------------------------------------------------------------------------------ storage

    private void noteCache(int cache) {
        int id = cacheKey(cache);
        for (int i = 0; i < cacheIdCount; i++) if (cacheIds[i] == id) return;
        if (cacheIdCount == cacheIds.length) cacheIds = Arrays.copyOf(cacheIds, cacheIds.length * 2);
        cacheIds[cacheIdCount++] = id;
    }

    private int clSlot(int cache, long pa) {
        int s = cacheLineIndex.getOrAdd(clKey(cache, pa));
        if (s >= clState.length) {
            int n = clState.length * 2;
            clState = Arrays.copyOf(clState, n);
            clFillSeq = grow(clFillSeq, n);
            clFillCause = Arrays.copyOf(clFillCause, n);
            clFillAgent = Arrays.copyOf(clFillAgent, n);
            clDirtySeq = grow(clDirtySeq, n);
            clWritebackSeq = grow(clWritebackSeq, n);
            clWritebackCause = Arrays.copyOf(clWritebackCause, n);
            clLastSeq = grow(clLastSeq, n);
            clLastEvent = Arrays.copyOf(clLastEvent, n);
            clLastCause = Arrays.copyOf(clLastCause, n);
        }
        return s;
    }

    private int lineSlot(long pa) {
        int l = lineIndex.getOrAdd(pa >>> lineShift);
        if (l >= wbL1Seq.length) {
            int n = wbL1Seq.length * 2;
            wbL1Seq = grow(wbL1Seq, n);
            wbL1Cache = Arrays.copyOf(wbL1Cache, n);
            wbL1Cause = Arrays.copyOf(wbL1Cause, n);
            wbL2Seq = grow(wbL2Seq, n);
            wbL2Cause = Arrays.copyOf(wbL2Cause, n);
            discardSeq = grow(discardSeq, n);
            discardCache = Arrays.copyOf(discardCache, n);
            discardCause = Arrays.copyOf(discardCause, n);
            cleanPoUSeq = grow(cleanPoUSeq, n);
            cleanPoUAgent = Arrays.copyOf(cleanPoUAgent, n);
            cleanPoCSeq = grow(cleanPoCSeq, n);
            invalidatePoCSeq = grow(invalidatePoCSeq, n);
            icInvalidateSeq = grow(icInvalidateSeq, n);
        }
        return l;
    }

    /** Copies to length {@code n}, filling the new tail with -1 (the "never" seq). */
    private static long[] grow(long[] a, int n) {
        long[] b = Arrays.copyOf(a, n);
        Arrays.fill(b, a.length, n, -1L);
        return b;
    }
}
