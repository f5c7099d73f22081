package org.cachevisor.oracle;

/**
 * A bounded history of the writes to each cache line, newest first, so the oracle can say who wrote
 * an OLD value that a stale read returned ("written by VMM at seq 12"). The flat memory only knows the
 * last writer of each byte; this ring keeps the last {@code depth} writes (any size, any agent) that
 * touched each line.
 *
 * <p>Storage: flat parallel arrays indexed by {@code lineSlot * depth + i}; a line gets its slot on its
 * first write, found through a {@link ChunkDirectory} of {@code int[]} chunks indexed by line number
 * (no hashing). Recording a write is a chunk lookup (usually a compare: consecutive writes to one
 * line, or one chunk, hit one-entry caches) and six array stores (no allocation once the arrays have
 * grown to the working set).
 */
final class WriteHistory {
    private final int depth;
    private final int lineShift;
    private final long lineMask;
    private static final int CHUNK_SHIFT = 10;
    private static final int CHUNK_MASK = (1 << CHUNK_SHIFT) - 1;
    /** Line number -> slot + 1 (0: no write recorded), in chunks of 1024 lines. */
    private final ChunkDirectory<int[]> index = new ChunkDirectory<>();
    private int lineSlots;
    /** One-entry cache of the last line written (consecutive writes to one line skip the hash). */
    private long lastLineNumber = -1;
    private int lastLine;
    private long[] seq;
    private long[] lo;
    private long[] hi;
    /** Offset of the write's first byte in its line (lines are at most 256 bytes). */
    private byte[] lineOff;
    /** agent (bits 11..0), pe+1 (18..12), kind (22..19), attrs (26..23). */
    private int[] meta;
    /** Bytes written (1..16 normally; a DC ZVA block may be larger: bytes past 16 are zero). */
    private short[] size;
    /** Per line: the next ring index to write. */
    private int[] head;
    /** Per line: how many writes were recorded (saturating); min(count, depth) records are valid. */
    private int[] count;

    WriteHistory(int depth, int lineSize) {
        if (depth < 1 || depth > 64) throw new IllegalArgumentException("history depth must be 1..64, got " + depth);
        this.depth = depth;
        this.lineShift = Integer.numberOfTrailingZeros(lineSize);
        this.lineMask = lineSize - 1;
        int lines = 256;
        seq = new long[lines * depth];
        lo = new long[lines * depth];
        hi = new long[lines * depth];
        lineOff = new byte[lines * depth];
        meta = new int[lines * depth];
        size = new short[lines * depth];
        head = new int[lines];
        count = new int[lines];
    }

    /** Records a write of {@code writeSize} bytes at {@code writePa}, within one line. */
    void record(long writeSeq, int agent, int pe, int kind, int attrs, long writePa, int writeSize, long valueLo,
            long valueHi) {
        long lineNumber = writePa >>> lineShift;
        int line;
        if (lineNumber == lastLineNumber) {
            line = lastLine;
        } else {
            int[] chunk = index.get(lineNumber >>> CHUNK_SHIFT);
            if (chunk == null) index.put(lineNumber >>> CHUNK_SHIFT, chunk = new int[1 << CHUNK_SHIFT]);
            int i = (int) lineNumber & CHUNK_MASK;
            line = chunk[i] - 1;
            if (line < 0) {
                line = lineSlots++;
                chunk[i] = line + 1;
                if (line >= head.length) growTo(head.length * 2);
            }
            lastLineNumber = lineNumber;
            lastLine = line;
        }
        int i = line * depth + head[line];
        seq[i] = writeSeq;
        lo[i] = valueLo;
        hi[i] = valueHi;
        lineOff[i] = (byte) (writePa & lineMask);
        meta[i] = (agent & 0xfff) | (((pe + 1) & 0x7f) << 12) | ((kind & 0xf) << 19) | ((attrs & 0xf) << 23);
        size[i] = (short) writeSize;
        int next = head[line] + 1;
        head[line] = next == depth ? 0 : next;
        if (count[line] < Integer.MAX_VALUE) count[line]++;
    }

    private void growTo(int lines) {
        seq = java.util.Arrays.copyOf(seq, lines * depth);
        lo = java.util.Arrays.copyOf(lo, lines * depth);
        hi = java.util.Arrays.copyOf(hi, lines * depth);
        lineOff = java.util.Arrays.copyOf(lineOff, lines * depth);
        meta = java.util.Arrays.copyOf(meta, lines * depth);
        size = java.util.Arrays.copyOf(size, lines * depth);
        head = java.util.Arrays.copyOf(head, lines);
        count = java.util.Arrays.copyOf(count, lines);
    }

    /**
     * Finds the newest recorded write older than {@code beforeSeq} that wrote {@code value} into the
     * byte at {@code bytePa}. Returns a record handle for the accessors below, or -1 if the history
     * (bounded) holds no such write.
     */
    int findWriteOf(long bytePa, byte value, long beforeSeq) {
        int line = lineOf(bytePa);
        if (line < 0) return -1;
        int n = Math.min(count[line], depth);
        for (int k = 1; k <= n; k++) {
            int i = line * depth + Math.floorMod(head[line] - k, depth);
            if (seq[i] >= beforeSeq) continue;
            long off = (bytePa & lineMask) - (lineOff[i] & 0xff);
            if (off < 0 || off >= size[i]) continue;
            if (CoherenceOracle.byteOf(lo[i], hi[i], (int) off) == value) return i;
        }
        return -1;
    }

    /** True if every record of the line of {@code bytePa} is still held (no write was dropped). */
    boolean complete(long bytePa) {
        int line = lineOf(bytePa);
        return line < 0 || count[line] <= depth;
    }

    long seq(int rec) { return seq[rec]; }

    int agent(int rec) { return meta[rec] & 0xfff; }

    int pe(int rec) { return ((meta[rec] >>> 12) & 0x7f) - 1; }

    int kind(int rec) { return (meta[rec] >>> 19) & 0xf; }

    int attrs(int rec) { return (meta[rec] >>> 23) & 0xf; }

    int size(int rec) { return size[rec]; }

    /** The kind of the recorded write at {@code writeSeq} to the line of {@code bytePa}, or -1 if not held. */
    int kindOfWriteAt(long bytePa, long writeSeq) {
        int line = lineOf(bytePa);
        if (line < 0) return -1;
        int n = Math.min(count[line], depth);
        for (int k = 1; k <= n; k++) {
            int i = line * depth + Math.floorMod(head[line] - k, depth);
            if (seq[i] == writeSeq) return kind(i);
        }
        return -1;
    }

    /** The slot of the line of {@code bytePa}, or -1 if no write to it was recorded. */
    private int lineOf(long bytePa) {
        long lineNumber = bytePa >>> lineShift;
        int[] chunk = index.get(lineNumber >>> CHUNK_SHIFT);
        return chunk == null ? -1 : chunk[(int) lineNumber & CHUNK_MASK] - 1;
    }

    int lineCount() { return lineSlots; }
}
