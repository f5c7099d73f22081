package org.cachevisor.oracle;

import java.util.Arrays;

/**
 * A bounded history of the writes to each cache line, newest first, so the oracle can say who wrote
 * an OLD value that a stale read returned ("written by VMM at seq 12"). The flat memory only knows the
 * last writer of each byte; this ring keeps the last {@code depth} writes (any size, any agent) that
 * touched each line.
 *
 * <p>Storage: a line gets a slot on its first write, found through a {@link ChunkDirectory} of
 * {@code int[]} chunks indexed by line number (no hashing). A slot is {@code 1 + 4 * depth}
 * consecutive longs in a slab of {@value #SLAB_LINES} slots (slabs are allocated as lines are added,
 * never copied): a header (ring head, record count) then the ring of records, each four longs (seq,
 * bytes 0..7, bytes 8..15, and the writer, kind, attributes, offset in the line and size packed). A
 * line's history is thus contiguous in memory. Recording a write is a lookup (usually a compare in a
 * direct-mapped cache of {@value #CACHED} recently written lines) and five stores; nothing is
 * allocated except a chunk or slab the first time one is needed.
 */
final class WriteHistory {
    private static final int CHUNK_SHIFT = 10;
    private static final int CHUNK_MASK = (1 << CHUNK_SHIFT) - 1;
    static final int SLAB_SHIFT = 6;
    static final int SLAB_LINES = 1 << SLAB_SHIFT;
    private static final int SLAB_MASK = SLAB_LINES - 1;
    /** Longs per record: seq, lo, hi, meta. */
    private static final int REC = 4;

    private final int depth;
    private final int lineShift;
    private final long lineMask;
    /** Longs per line slot: the header, then {@code depth} records. */
    private final int stride;
    /** Line number -> slot + 1 (0: no write recorded), in chunks of 1024 lines. */
    private final ChunkDirectory<int[]> index = new ChunkDirectory<>();
    private long[][] slabs = new long[16][];
    private int lineSlots;
    /** Entries of the direct-mapped cache of recently written lines (a power of two). */
    private static final int CACHED = 256;
    /** Line cache: entry {@code lineNumber & (CACHED - 1)} maps line cachedLine[e] (-1: none) to its slab and base. */
    private final long[] cachedLine = new long[CACHED];
    private final long[][] cachedSlab = new long[CACHED][];
    private final int[] cachedBase = new int[CACHED];

    WriteHistory(int depth, int lineSize) {
        if (depth < 1 || depth > 64) throw new IllegalArgumentException("history depth must be 1..64, got " + depth);
        this.depth = depth;
        this.lineShift = Integer.numberOfTrailingZeros(lineSize);
        this.lineMask = lineSize - 1;
        this.stride = 1 + REC * depth;
        Arrays.fill(cachedLine, -1L);
    }

    /**
     * The meta long of a record: agent (bits 11..0), pe+1 (18..12), kind (22..19), attrs (26..23),
     * offset of the write's first byte in its line (39..32; lines are at most 256 bytes), bytes written
     * (55..40: 1..16 normally; a DC ZVA block may be larger: bytes past 16 are zero).
     */
    private static long meta(int agent, int pe, int kind, int attrs, long lineOff, int size) {
        return (agent & 0xfff) | (((pe + 1) & 0x7f) << 12) | ((kind & 0xf) << 19) | ((attrs & 0xf) << 23)
                | ((lineOff & 0xff) << 32) | ((long) (size & 0xffff) << 40);
    }

    /** Records a write of {@code writeSize} bytes at {@code writePa}, within one line. */
    void record(long writeSeq, int agent, int pe, int kind, int attrs, long writePa, int writeSize, long valueLo,
            long valueHi) {
        long lineNumber = writePa >>> lineShift;
        int e = (int) lineNumber & (CACHED - 1);
        long[] slab;
        int base;
        if (cachedLine[e] == lineNumber) {
            slab = cachedSlab[e];
            base = cachedBase[e];
        } else {
            int slot = slotForUpdate(lineNumber);
            slab = slabs[slot >>> SLAB_SHIFT];
            base = (slot & SLAB_MASK) * stride;
            cachedLine[e] = lineNumber;
            cachedSlab[e] = slab;
            cachedBase[e] = base;
        }
        long header = slab[base];
        int head = (int) header;
        int count = (int) (header >>> 32);
        int i = base + 1 + head * REC;
        slab[i] = writeSeq;
        slab[i + 1] = valueLo;
        slab[i + 2] = valueHi;
        slab[i + 3] = meta(agent, pe, kind, attrs, writePa & lineMask, writeSize);
        int next = head + 1 == depth ? 0 : head + 1;
        if (count < Integer.MAX_VALUE) count++;
        slab[base] = ((long) count << 32) | next;
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
            if (slabs[s] == null) slabs[s] = new long[SLAB_LINES * stride];
        }
        return slot;
    }

    /** The slot of the line of {@code bytePa}, or -1 if no write to it was recorded. */
    private int lineOf(long bytePa) {
        long lineNumber = bytePa >>> lineShift;
        int[] chunk = index.get(lineNumber >>> CHUNK_SHIFT);
        return chunk == null ? -1 : chunk[(int) lineNumber & CHUNK_MASK] - 1;
    }

    private long header(int slot) { return slabs[slot >>> SLAB_SHIFT][(slot & SLAB_MASK) * stride]; }

    /** A record handle: slot and ring index. */
    private static long handle(int slot, int k) { return ((long) slot << 8) | k; }

    private long field(long rec, int f) {
        int slot = (int) (rec >>> 8);
        int k = (int) rec & 0xff;
        return slabs[slot >>> SLAB_SHIFT][(slot & SLAB_MASK) * stride + 1 + k * REC + f];
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
            if (CoherenceOracle.byteOf(field(rec, 1), field(rec, 2), (int) off) == value) return rec;
        }
        return -1;
    }

    /** True if every record of the line of {@code bytePa} is still held (no write was dropped). */
    boolean complete(long bytePa) {
        int slot = lineOf(bytePa);
        return slot < 0 || (header(slot) >>> 32) <= depth;
    }

    long seq(long rec) { return field(rec, 0); }

    int agent(long rec) { return (int) field(rec, 3) & 0xfff; }

    int pe(long rec) { return ((int) (field(rec, 3) >>> 12) & 0x7f) - 1; }

    int kind(long rec) { return (int) (field(rec, 3) >>> 19) & 0xf; }

    int attrs(long rec) { return (int) (field(rec, 3) >>> 23) & 0xf; }

    private int lineOff(long rec) { return (int) (field(rec, 3) >>> 32) & 0xff; }

    int size(long rec) { return (int) (field(rec, 3) >>> 40) & 0xffff; }

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
