package org.cachevisor.memsys;

/** The state of one cache line. Ints for the hot path. */
public final class LineState {
    private LineState() {}

    public static final int INVALID = 0;
    public static final int CLEAN = 1;
    public static final int DIRTY = 2;

    public static String name(int s) {
        return switch (s) {
            case INVALID -> "invalid";
            case CLEAN -> "clean";
            case DIRTY -> "dirty";
            default -> "state" + s;
        };
    }
}
