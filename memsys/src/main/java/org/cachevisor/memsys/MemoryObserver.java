package org.cachevisor.memsys;

/**
 * Sees every event of the memory system, in the order it happens. Observers are optional: with none
 * attached the memory system skips event construction entirely (a single null/flag check per access).
 * All arguments are primitives, so delivering an event allocates nothing.
 *
 * <p>{@code seq} is the memory system's event sequence number: a deterministic clock, starting at 0,
 * incremented once per event, except that a {@link AccessKind#ZERO} write of more than 16 bytes (a
 * whole line zeroed by DC ZVA) takes {@code size / 16} numbers, those of the 16-byte writes it stands
 * for: the next event's seq is {@code seq + size / 16}. Accesses are reported once per cache-line
 * chunk: an access that straddles two lines gives two events, each with a single {@code source}.
 *
 * <p>{@code pe} is the PE whose cache hierarchy the access went through, or -1 for an access that
 * bypasses every cache by construction (a non-coherent DMA master, a loader writing to the PoC).
 */
public interface MemoryObserver {

    /**
     * An agent read {@code size} (1..16) bytes at {@code pa}: {@code lo} holds bytes 0..7 (little
     * endian), {@code hi} bytes 8..15. {@code source} says where they came from ({@link Source}).
     * {@code kind} is an {@link AccessKind}.
     */
    default void onRead(long seq, int pe, int agent, int kind, long pa, int size, int attrs, long lo, long hi,
            int source) {}

    /**
     * An agent wrote {@code size} bytes at {@code pa}; {@code kind} is an {@link AccessKind}. {@code size}
     * is 1..16, {@code lo} holding bytes 0..7 and {@code hi} bytes 8..15; or, for kind
     * {@link AccessKind#ZERO} only, a whole cache line ({@code pa} line-aligned, {@code size} the line
     * size, more than 16) of zeros, with {@code lo = hi = 0}: every byte written is 0.
     */
    default void onWrite(long seq, int pe, int agent, int kind, long pa, int size, int attrs, long lo, long hi) {}

    /**
     * A cache line changed: {@code event} is a {@link LineEvent} constant, {@code cache} a cache id
     * in the {@link Source} packing (place L1D/L1I/L2 and PE), {@code linePa} the line's first byte,
     * {@code fromState}/{@code toState} {@link LineState}s, {@code cause} a {@link LineEvent} cause,
     * {@code agent} the agent whose action caused it (or the adversary's id).
     */
    default void onLine(long seq, int event, int cache, long linePa, int fromState, int toState, int cause,
            int agent) {}

    /**
     * An agent issued a cache-maintenance operation ({@link Maintenance} op) on PE {@code pe}:
     * {@code operand} is the PA (by-address ops), the set/way operand (set/way ops) or 0 (all).
     */
    default void onMaintenance(long seq, int pe, int agent, int op, long operand) {}

    /**
     * Whether reads of {@code bytes[off..off + len)} at {@code pa} (one cache line) would, now, raise
     * nothing and change nothing in this observer. If every observer says yes, the memory system lets a
     * PE fetch instructions from its own copy of that L1I line without an access (and an event) per
     * fetch, for as long as the L1I keeps the line and nobody writes it: the memory system watches the
     * line and ends it at the first write, so every fetch the observer does not see would have passed
     * its check. Default: false (the observer sees every fetch).
     */
    default boolean readWouldPass(long pa, byte[] bytes, int off, int len) { return false; }

    /**
     * Whether this observer wants {@link #onLine} for an {@link LineEvent#UPDATE} that leaves a line
     * {@link LineState#DIRTY} (from DIRTY: a write hit on a dirty line, the most frequent line event).
     * Asked once, when the observer is attached; if no observer wants them they are not delivered (their
     * seq numbers are still used, so every other event is numbered as if they were). Default: true.
     */
    default boolean wantsDirtyUpdates() { return true; }
}
