package org.cachevisor.memsys;

import java.util.Arrays;

/**
 * One cache's storage as flat arrays, no object per line: {@code tags[slot]} holds the line's PA
 * (or {@link #NO_LINE}), {@code states[slot]} its {@link LineState}, {@code data} the bytes of every
 * slot ({@code slot << lineShift}). A slot is {@code set * ways + way}; the set index is the PA's line
 * number masked by {@code sets - 1}. Replacement is deterministic: an invalid way if the set has one,
 * else a per-set round-robin victim pointer.
 *
 * <p>This class only stores; what happens to a line is decided by {@link LineTransitions} and carried
 * out by {@link MemorySystem}.
 */
final class Cache {
    /** The tag of an invalid slot (no real line PA is negative). */
    static final long NO_LINE = -1L;

    /** Cache id in the {@link Source} packing: place | pe << 8 (line state bits 0). */
    final int id;
    final int place;
    final int pe;
    final int sets;
    final int ways;
    final int setMask;
    final int lineShift;
    final int lineSize;
    final long[] tags;
    final byte[] states;
    final byte[] data;
    private final int[] victim;
    /**
     * The slot of the last {@link #lookup} hit: a hint only, re-validated by {@code tags[lastSlot]}
     * on every use, so nothing has to keep it up to date when lines come and go.
     */
    private int lastSlot;

    Cache(int place, int pe, CacheGeometry g, int lineShift) {
        this.place = place;
        this.pe = pe;
        this.id = Source.cache(place, Math.max(pe, 0), 0);
        this.sets = g.sets();
        this.ways = g.ways();
        this.setMask = sets - 1;
        this.lineShift = lineShift;
        this.lineSize = 1 << lineShift;
        int slots = sets * ways;
        this.tags = new long[slots];
        Arrays.fill(tags, NO_LINE);
        this.states = new byte[slots];
        this.data = new byte[slots << lineShift];
        this.victim = new int[sets];
    }

    int slots() { return tags.length; }

    /** The slot holding {@code linePa}, or -1. */
    int find(long linePa) {
        int base = ((int) (linePa >>> lineShift) & setMask) * ways;
        long[] t = tags;
        for (int w = 0; w < ways; w++) {
            if (t[base + w] == linePa) return base + w;
        }
        return -1;
    }

    /**
     * The slot holding {@code linePa}, or -1, as {@link #find}, but first trying the slot of the last
     * hit: consecutive accesses to one line (a loop walking an array, a stack frame) then cost one
     * compare instead of a scan of the set's ways. The hint is checked against {@code tags}, the only
     * truth about where a line is (a line is in at most one slot), so a stale hint just misses.
     */
    int lookup(long linePa) {
        int s = lastSlot;
        if (tags[s] == linePa) return s;
        s = find(linePa);
        if (s >= 0) lastSlot = s;
        return s;
    }

    /** The set index of a line. */
    int setOf(long linePa) { return (int) (linePa >>> lineShift) & setMask; }

    /**
     * The slot to use for a new line in {@code linePa}'s set: an invalid way if any, else the
     * round-robin victim (which advances). The caller evicts the victim if it is valid.
     */
    int chooseVictim(long linePa) {
        int set = setOf(linePa);
        int base = set * ways;
        for (int w = 0; w < ways; w++) {
            if (tags[base + w] == NO_LINE) return base + w;
        }
        int w = victim[set];
        victim[set] = (w + 1 == ways) ? 0 : w + 1;
        return base + w;
    }

    /** Byte offset of a slot's data. */
    int dataOffset(int slot) { return slot << lineShift; }

    int state(int slot) { return states[slot]; }

    String name() {
        return switch (place) {
            case Source.L1D -> "PE" + pe + ".L1D";
            case Source.L1I -> "PE" + pe + ".L1I";
            default -> "L2";
        };
    }
}
