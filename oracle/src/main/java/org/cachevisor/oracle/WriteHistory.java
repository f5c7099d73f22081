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
 * {@code depth} records of two longs (the seq with the write's offset in the line and size; bytes 0..7)
 * in the slab's {@code rec} array, plus one int per record (writer, PE, kind, attributes) in its
 * {@code meta} array; bytes 8..15 of writes larger than 8 bytes go to a {@code hi} array the slab
 * allocates on its first write with a nonzero byte there (until then they read as 0). So a record
 * costs 20 bytes (a line's history is contiguous),
 * and recording a write is a lookup (usually a compare in a direct-mapped cache of {@value #CACHED}
 * recently written lines) and four stores; nothing is allocated except a chunk or slab the first
 * time one is needed. Seqs must stay below 2^40 (as in a {@link Stamp}).
 */
final class WriteHistory {
    private static final int CHUNK_SHIFT = 10;
    private static final int CHUNK_MASK = (1 << CHUNK_SHIFT) - 1;
    static final int SLAB_SHIFT = 6;
    static final int SLAB_LINES = 1 << SLAB_SHIFT;
    private static final int SLAB_MASK = SLAB_LINES - 1;
    /** Entries of the direct-mapped cache of recently written lines (a power of two). */
    private static final int CACHED = 256;

    /** The storage of {@value #SLAB_LINES} line slots. */
    private static final class Slab {
        /** Per slot: header (count << 32 | head), then per record: seq << 24 | lineOff << 16 | size, bytes 0..7. */
        final long[] rec;
        /** Per slot and record: agent (bits 11..0), pe+1 (18..12), kind (22..19), attrs (26..23). */
        final int[] meta;
        /** Per slot and record: bytes 8..15 (null until a write with a nonzero byte there is recorded here). */
        long[] hi;

        Slab(int depth) {
            rec = new long[SLAB_LINES * (1 + 2 * depth)];
            meta = new int[SLAB_LINES * depth];
        }
    }

    private final int depth;
    private final int lineShift;
    private final long lineMask;
    /** Longs per line slot in {@code rec}: the header, then two per record. */
    private final int stride;
    /** Line number -> slot + 1 (0: no write recorded), in chunks of 1024 lines. */
    private final ChunkDirectory<int[]> index = new ChunkDirectory<>();
    private Slab[] slabs = new Slab[16];
    private int lineSlots;
    /** Line cache: entry {@code lineNumber & (CACHED - 1)} maps line cachedLine[e] (-1: none) to its slot. */
    private final long[] cachedLine = new long[CACHED];
    private final int[] cachedSlot = new int[CACHED];
    /**
     * The line {@link #record} wrote to last (-1: none yet) and where its slot is: a rewrite of the
     * same line (a delay loop's counter store, the eight doublewords of a memset line) looks nothing up.
     */
    private long lastLine = -1;
    private Slab lastSlab;
    private long[] lastRec;
    private int lastBase;
    private int[] lastMeta;
    private int lastMetaBase;

    WriteHistory(int depth, int lineSize) {
        if (depth < 1 || depth > 64) throw new IllegalArgumentException("history depth must be 1..64, got " + depth);
        this.depth = depth;
        this.lineShift = Integer.numberOfTrailingZeros(lineSize);
        this.lineMask = lineSize - 1;
        this.stride = 1 + 2 * depth;
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
        int i = base + 1 + 2 * head;
        rec[i] = (writeSeq << 24) | ((writePa & lineMask) << 16) | (writeSize & 0xffff);
        rec[i + 1] = valueLo;
        int m = lastMetaBase + head;
        lastMeta[m] = (agent & 0xfff) | (((pe + 1) & 0x7f) << 12) | ((kind & 0xf) << 19) | ((attrs & 0xf) << 23);
        // A slab without a hi array reads bytes 8..15 as 0: zero lines (DC ZVA) and 16-byte zeros need none.
        if (valueHi != 0 || lastSlab.hi != null) recordHi(lastSlab, m, valueHi);
        int next = head + 1 == depth ? 0 : head + 1;
        if (count < Integer.MAX_VALUE) count++;
        rec[base] = ((long) count << 32) | next;
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
        lastMeta = slab.meta;
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

    /** Long {@code f} (0: packed seq, 1: bytes 0..7) of a record. */
    private long recLong(long rec, int f) {
        int slot = slotOf(rec);
        return slabs[slot >>> SLAB_SHIFT].rec[(slot & SLAB_MASK) * stride + 1 + 2 * ringIndexOf(rec) + f];
    }

    private int meta(long rec) {
        int slot = slotOf(rec);
        return slabs[slot >>> SLAB_SHIFT].meta[(slot & SLAB_MASK) * depth + ringIndexOf(rec)];
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
            if (CoherenceOracle.byteOf(recLong(rec, 1), hi(rec), (int) off) == value) return rec;
        }
        return -1;
    }

    /** True if every record of the line of {@code bytePa} is still held (no write was dropped). */
    boolean complete(long bytePa) {
        int slot = lineOf(bytePa);
        return slot < 0 || (header(slot) >>> 32) <= depth;
    }

    long seq(long rec) { return recLong(rec, 0) >>> 24; }

    int agent(long rec) { return meta(rec) & 0xfff; }

    int pe(long rec) { return ((meta(rec) >>> 12) & 0x7f) - 1; }

    int kind(long rec) { return (meta(rec) >>> 19) & 0xf; }

    int attrs(long rec) { return (meta(rec) >>> 23) & 0xf; }

    private int lineOff(long rec) { return (int) (recLong(rec, 0) >>> 16) & 0xff; }

    int size(long rec) { return (int) recLong(rec, 0) & 0xffff; }

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
