package org.cachevisor.oracle;

import java.util.Arrays;

/**
 * A bounded history of the writes to each cache line, newest first, so the oracle can say who wrote
 * an OLD value that a stale read returned ("written by VMM at seq 12"). The flat memory only knows the
 * last writer of each byte; this ring keeps the last {@code depth} writes (any size, any agent) that
 * touched each line.
 *
 * <p>Storage: a line gets a slot on its first write, found through a {@link ChunkDirectory} of
 * {@code int[]} chunks indexed by line number (no hashing). Slots live in slabs of {@value #SLAB_LINES}
 * (allocated as lines are added, never copied). A slot is a header long (ring head, record count) and
 * {@code depth} records of one long each in the slab's {@code rec} array: the seq, the write's offset
 * in the line, its size and its writer, an index into this history's table of the distinct (agent, PE,
 * kind, attributes) tuples seen (the first {@value #WRITERS} of them; a tuple past those is kept in the
 * record's int of a {@code meta} array the slab allocates then). The bytes written go to parallel
 * {@code lo} (bytes 0..7) and {@code hi} (bytes 8..15) arrays that a slab allocates on the first record
 * with a nonzero byte there: until then they read as 0, so the writes of a page being zeroed (DC ZVA,
 * a memset of zeros) cost 8 bytes a record, others 16 (24 with bytes 8..15); a line's history is
 * contiguous. Recording a write is a lookup (none for the line written last, else usually a compare in
 * a direct-mapped cache of {@value #CACHED} recently written lines) and a few stores; nothing is
 * allocated except a chunk, slab or slab array the first time one is needed. Seqs must stay below
 * 2^40 (as in a {@link Stamp}).
 */
final class WriteHistory {
    private static final int CHUNK_SHIFT = 10;
    private static final int CHUNK_MASK = (1 << CHUNK_SHIFT) - 1;
    static final int SLAB_SHIFT = 6;
    static final int SLAB_LINES = 1 << SLAB_SHIFT;
    private static final int SLAB_MASK = SLAB_LINES - 1;
    /** Entries of the direct-mapped cache of recently written lines (a power of two). */
    private static final int CACHED = 256;

    /** Writer tuples with an index of their own; the index {@value #WRITERS} means "see the slab's meta". */
    static final int WRITERS = 255;

    /** The storage of {@value #SLAB_LINES} line slots. */
    private static final class Slab {
        /** Per slot: header (count << 32 | head), then per record: seq << 24 | lineOff << 16 | (size - 1) << 8 | writer. */
        final long[] rec;
        /** Per slot and record: bytes 0..7 (null until a write with a nonzero byte there is recorded here). */
        long[] lo;
        /** Per slot and record: bytes 8..15 (null until a write with a nonzero byte there is recorded here). */
        long[] hi;
        /** Per slot and record: the writer tuple of a record whose writer index is {@value #WRITERS} (else null). */
        int[] meta;

        Slab(int depth) {
            rec = new long[SLAB_LINES * (1 + depth)];
        }
    }

    private final int depth;
    private final int lineShift;
    private final long lineMask;
    /** Longs per line slot in {@code rec}: the header, then one per record. */
    private final int stride;
    /** Line number -> slot + 1 (0: no write recorded), in chunks of 1024 lines. */
    private final ChunkDirectory<int[]> index = new ChunkDirectory<>();
    private Slab[] slabs = new Slab[16];
    private int lineSlots;
    /** Line cache: entry {@code lineNumber & (CACHED - 1)} maps line cachedLine[e] (-1: none) to its slot. */
    private final long[] cachedLine = new long[CACHED];
    private final int[] cachedSlot = new int[CACHED];
    /** Writer index -> tuple: agent (bits 11..0), pe+1 (18..12), kind (22..19), attrs (26..23). */
    private final int[] writerTuple = new int[WRITERS];
    private int writerCount;
    /** The tuple looked up last (-1: none; no tuple is negative) and its index. */
    private int lastTuple = -1;
    private int lastWriter;
    /**
     * The line {@link #record} wrote to last (-1: none yet) and where its slot is: a rewrite of the
     * same line (a delay loop's counter store, the eight doublewords of a memset line) looks nothing up.
     */
    private long lastLine = -1;
    private Slab lastSlab;
    private long[] lastRec;
    private int lastBase;
    private int lastMetaBase;

    WriteHistory(int depth, int lineSize) {
        if (depth < 1 || depth > 64) throw new IllegalArgumentException("history depth must be 1..64, got " + depth);
        this.depth = depth;
        this.lineShift = Integer.numberOfTrailingZeros(lineSize);
        this.lineMask = lineSize - 1;
        this.stride = 1 + depth;
        Arrays.fill(cachedLine, -1L);
    }

    /** Records a write of {@code writeSize} bytes at {@code writePa}, within one line. */
    void record(long writeSeq, int agent, int pe, int kind, int attrs, long writePa, int writeSize, long valueLo,
            long valueHi) {
        long lineNumber = writePa >>> lineShift;
        if (lineNumber != lastLine) locate(lineNumber);
        long[] rec = lastRec;
        int base = lastBase;
        long header = rec[base];
        int head = (int) header;
        int count = (int) (header >>> 32);
        int tuple = (agent & 0xfff) | (((pe + 1) & 0x7f) << 12) | ((kind & 0xf) << 19) | ((attrs & 0xf) << 23);
        int writer = tuple == lastTuple ? lastWriter : writerIndex(tuple);
        rec[base + 1 + head] = (writeSeq << 24) | ((writePa & lineMask) << 16) | (((writeSize - 1) & 0xff) << 8) | writer;
        int m = lastMetaBase + head;
        Slab slab = lastSlab;
        // A slab without a lo or hi array reads those bytes as 0: zero lines (DC ZVA) and zero stores need none.
        long[] los = slab.lo;
        if (los != null) los[m] = valueLo;
        else if (valueLo != 0) recordLo(slab, m, valueLo);
        long[] his = slab.hi;
        if (his != null) his[m] = valueHi;
        else if (valueHi != 0) recordHi(slab, m, valueHi);
        if (writer == WRITERS) recordTuple(slab, m, tuple);
        int next = head + 1 == depth ? 0 : head + 1;
        if (count < Integer.MAX_VALUE) count++;
        rec[base] = ((long) count << 32) | next;
    }

    /** The index of writer {@code tuple}, added if new and there is room, else {@value #WRITERS}. */
    private int writerIndex(int tuple) {
        int w = 0;
        while (w < writerCount && writerTuple[w] != tuple) w++;
        if (w == writerCount) {
            if (w == WRITERS) return WRITERS; // not remembered: the slab keeps the tuple
            writerTuple[writerCount++] = tuple;
        }
        lastTuple = tuple;
        lastWriter = w;
        return w;
    }

    private void recordLo(Slab slab, int m, long valueLo) {
        if (slab.lo == null) slab.lo = new long[SLAB_LINES * depth];
        slab.lo[m] = valueLo;
    }

    private void recordTuple(Slab slab, int m, int tuple) {
        if (slab.meta == null) slab.meta = new int[SLAB_LINES * depth];
        slab.meta[m] = tuple;
    }

    /**
     * Makes line {@code lineNumber} the one {@link #record} writes to (the {@code last*} fields), its slot
     * found through the line cache, else added on its first write.
     */
    private void locate(long lineNumber) {
        int e = (int) lineNumber & (CACHED - 1);
        int slot;
        if (cachedLine[e] == lineNumber) {
            slot = cachedSlot[e];
        } else {
            slot = slotForUpdate(lineNumber);
            cachedLine[e] = lineNumber;
            cachedSlot[e] = slot;
        }
        Slab slab = slabs[slot >>> SLAB_SHIFT];
        lastLine = lineNumber;
        lastSlab = slab;
        lastRec = slab.rec;
        lastBase = (slot & SLAB_MASK) * stride;
        lastMetaBase = (slot & SLAB_MASK) * depth;
    }

    private void recordHi(Slab slab, int m, long valueHi) {
        if (slab.hi == null) slab.hi = new long[SLAB_LINES * depth];
        slab.hi[m] = valueHi;
    }

    /** The slot of line {@code lineNumber}, added (with its slab if needed) on its first write. */
    private int slotForUpdate(long lineNumber) {
        int[] chunk = index.get(lineNumber >>> CHUNK_SHIFT);
        if (chunk == null) index.put(lineNumber >>> CHUNK_SHIFT, chunk = new int[1 << CHUNK_SHIFT]);
        int i = (int) lineNumber & CHUNK_MASK;
        int slot = chunk[i] - 1;
        if (slot < 0) {
            slot = lineSlots++;
            chunk[i] = slot + 1;
            int s = slot >>> SLAB_SHIFT;
            if (s == slabs.length) slabs = Arrays.copyOf(slabs, slabs.length * 2);
            if (slabs[s] == null) slabs[s] = new Slab(depth);
        }
        return slot;
    }

    /** The slot of the line of {@code bytePa}, or -1 if no write to it was recorded. */
    private int lineOf(long bytePa) {
        long lineNumber = bytePa >>> lineShift;
        int[] chunk = index.get(lineNumber >>> CHUNK_SHIFT);
        return chunk == null ? -1 : chunk[(int) lineNumber & CHUNK_MASK] - 1;
    }

    private long header(int slot) { return slabs[slot >>> SLAB_SHIFT].rec[(slot & SLAB_MASK) * stride]; }

    /** A record handle: slot and ring index. */
    private static long handle(int slot, int k) { return ((long) slot << 8) | k; }

    private static int slotOf(long rec) { return (int) (rec >>> 8); }

    private static int ringIndexOf(long rec) { return (int) rec & 0xff; }

    /** The packed long of a record (seq, offset, size, writer). */
    private long packed(long rec) {
        int slot = slotOf(rec);
        return slabs[slot >>> SLAB_SHIFT].rec[(slot & SLAB_MASK) * stride + 1 + ringIndexOf(rec)];
    }

    /** The writer tuple of a record. */
    private int meta(long rec) {
        int writer = (int) packed(rec) & 0xff;
        if (writer != WRITERS) return writerTuple[writer];
        int slot = slotOf(rec);
        return slabs[slot >>> SLAB_SHIFT].meta[(slot & SLAB_MASK) * depth + ringIndexOf(rec)];
    }

    private long lo(long rec) {
        int slot = slotOf(rec);
        long[] lo = slabs[slot >>> SLAB_SHIFT].lo;
        return lo == null ? 0L : lo[(slot & SLAB_MASK) * depth + ringIndexOf(rec)];
    }

    private long hi(long rec) {
        int slot = slotOf(rec);
        long[] hi = slabs[slot >>> SLAB_SHIFT].hi;
        return hi == null ? 0L : hi[(slot & SLAB_MASK) * depth + ringIndexOf(rec)];
    }

    /**
     * Finds the newest recorded write older than {@code beforeSeq} that wrote {@code value} into the
     * byte at {@code bytePa}. Returns a record handle for the accessors below, or -1 if the history
     * (bounded) holds no such write.
     */
    long findWriteOf(long bytePa, byte value, long beforeSeq) {
        int slot = lineOf(bytePa);
        if (slot < 0) return -1;
        long header = header(slot);
        int head = (int) header;
        int n = (int) Math.min(header >>> 32, depth);
        for (int k = 1; k <= n; k++) {
            long rec = handle(slot, Math.floorMod(head - k, depth));
            if (seq(rec) >= beforeSeq) continue;
            long off = (bytePa & lineMask) - lineOff(rec);
            if (off < 0 || off >= size(rec)) continue;
            if (CoherenceOracle.byteOf(lo(rec), hi(rec), (int) off) == value) return rec;
        }
        return -1;
    }

    /** True if every record of the line of {@code bytePa} is still held (no write was dropped). */
    boolean complete(long bytePa) {
        int slot = lineOf(bytePa);
        return slot < 0 || (header(slot) >>> 32) <= depth;
    }

    long seq(long rec) { return packed(rec) >>> 24; }

    int agent(long rec) { return meta(rec) & 0xfff; }

    int pe(long rec) { return ((meta(rec) >>> 12) & 0x7f) - 1; }

    int kind(long rec) { return (meta(rec) >>> 19) & 0xf; }

    int attrs(long rec) { return (meta(rec) >>> 23) & 0xf; }

    private int lineOff(long rec) { return (int) (packed(rec) >>> 16) & 0xff; }

    int size(long rec) { return ((int) (packed(rec) >>> 8) & 0xff) + 1; }

    /** The kind of the recorded write at {@code writeSeq} to the line of {@code bytePa}, or -1 if not held. */
    int kindOfWriteAt(long bytePa, long writeSeq) {
        int slot = lineOf(bytePa);
        if (slot < 0) return -1;
        long header = header(slot);
        int head = (int) header;
        int n = (int) Math.min(header >>> 32, depth);
        for (int k = 1; k <= n; k++) {
            long rec = handle(slot, Math.floorMod(head - k, depth));
            if (seq(rec) == writeSeq) return kind(rec);
        }
        return -1;
    }

    int lineCount() { return lineSlots; }
}
