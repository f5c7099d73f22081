package org.cachevisor.memsys;

/** What kind of access an agent makes; carried in memory events. Plain ints for the hot path. */
public final class AccessKind {
    private AccessKind() {}

    /** A data load (LDR and friends, or a host/VMM read). */
    public static final int LOAD = 0;
    /** A data store. */
    public static final int STORE = 1;
    /** An instruction fetch (I-side). */
    public static final int FETCH = 2;
    /** A translation table walk read. */
    public static final int WALK = 3;
    /** A read by a non-coherent DMA master (at the PoC). */
    public static final int DMA_READ = 4;
    /** A write by a non-coherent DMA master (at the PoC). */
    public static final int DMA_WRITE = 5;
    /** The zeroing of a block by DC ZVA (a write). */
    public static final int ZERO = 6;

    public static boolean isWrite(int kind) { return kind == STORE || kind == DMA_WRITE || kind == ZERO; }

    public static String name(int kind) {
        return switch (kind) {
            case LOAD -> "load";
            case STORE -> "store";
            case FETCH -> "fetch";
            case WALK -> "walk";
            case DMA_READ -> "dma-read";
            case DMA_WRITE -> "dma-write";
            case ZERO -> "zero";
            default -> "kind" + kind;
        };
    }
}
