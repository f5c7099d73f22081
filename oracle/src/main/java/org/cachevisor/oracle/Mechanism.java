package org.cachevisor.oracle;

/**
 * The class of mechanism that let a stale value through, derived by the oracle from the line and
 * maintenance events it saw (see {@link Violation#explanation()} for the sentence naming the agents
 * and sequence numbers).
 */
public enum Mechanism {
    /** A non-cacheable reader got RAM; the expected value was written cacheable and is still in a cache. */
    NOT_CLEANED_TO_POC,
    /** As {@link #NOT_CLEANED_TO_POC}, but the line was cleaned to the PoU (DC CVAU): PoC was needed. */
    CLEANED_TO_POU_ONLY,
    /** The expected cacheable write's dirty line was invalidated without a clean (e.g. DC IVAC): data lost. */
    DIRTY_DATA_DISCARDED,
    /** RAM got an older dirty line's write-back after the newer non-cacheable write. */
    WRITEBACK_OVER_NEWER_WRITE,
    /** A cacheable reader hit a clean line filled before the non-cacheable write; not invalidated. */
    STALE_CLEAN_LINE,
    /** A cacheable reader hit a dirty line that hides a newer non-cacheable write. */
    STALE_DIRTY_LINE,
    /** An instruction fetch hit an I-cache line filled before the write; not invalidated (IC IVAU/IALLU). */
    STALE_ICACHE_LINE,
    /** An instruction fetch got data from below the PoU while the write was still in a D-cache (no DC CVAU). */
    FETCH_NOT_CLEANED_TO_POU,
    /** None of the above fits what the oracle saw (a memory-system bug, or events the oracle missed). */
    UNEXPLAINED
}
