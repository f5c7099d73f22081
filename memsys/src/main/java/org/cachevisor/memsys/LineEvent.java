package org.cachevisor.memsys;

/** Line events and their causes, as delivered to {@link MemoryObserver#onLine}. */
public final class LineEvent {
    private LineEvent() {}

    // events
    /** A line was allocated and filled with data. */
    public static final int FILL = 0;
    /** A line's data was written to the next level (or RAM); the line stays valid (clean). */
    public static final int CLEAN = 1;
    /** A line was dropped without writing it back (its data, if dirty, is lost). */
    public static final int INVALIDATE = 2;
    /** A line was removed from the cache; if it was dirty, it was written back first. */
    public static final int EVICT = 3;
    /** A line's data was written by an agent (it becomes or stays dirty, or was updated write-through). */
    public static final int UPDATE = 4;
    /** A dirty line's data was written into the next level or RAM (part of CLEAN or EVICT). */
    public static final int WRITEBACK = 5;

    // causes
    /** An access by an agent (read miss, write allocate, write hit). */
    public static final int CAUSE_DEMAND = 0;
    /** A speculative fill (hardware prefetch / speculation, the adversary's doing). */
    public static final int CAUSE_SPECULATIVE = 1;
    /** Replacement: the set was full. */
    public static final int CAUSE_REPLACEMENT = 2;
    /** An eviction the adversary forced. */
    public static final int CAUSE_ADVERSARY = 3;
    /** A cache-maintenance instruction. */
    public static final int CAUSE_MAINTENANCE = 4;
    /** Coherency: another PE's cacheable access (snoop). */
    public static final int CAUSE_SNOOP = 5;

    public static String eventName(int e) {
        return switch (e) {
            case FILL -> "fill";
            case CLEAN -> "clean";
            case INVALIDATE -> "invalidate";
            case EVICT -> "evict";
            case UPDATE -> "update";
            case WRITEBACK -> "write-back";
            default -> "event" + e;
        };
    }

    public static String causeName(int c) {
        return switch (c) {
            case CAUSE_DEMAND -> "demand";
            case CAUSE_SPECULATIVE -> "speculative";
            case CAUSE_REPLACEMENT -> "replacement";
            case CAUSE_ADVERSARY -> "adversary";
            case CAUSE_MAINTENANCE -> "maintenance";
            case CAUSE_SNOOP -> "snoop";
            default -> "cause" + c;
        };
    }
}
