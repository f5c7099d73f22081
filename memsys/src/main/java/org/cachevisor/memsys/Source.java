package org.cachevisor.memsys;

/**
 * Where the bytes of a read came from, packed in an {@code int} (events carry it; no allocation).
 *
 * <p>Layout: bits [3:0] the place ({@link #RAM}, {@link #L1D}, {@link #L1I}, {@link #L2},
 * {@link #MMIO}, {@link #ROM}); bits [15:8] the PE whose L1 it was (for L1D/L1I); bits [17:16] the
 * line's state when read ({@link LineState}).
 */
public final class Source {
    private Source() {}

    public static final int RAM = 0;
    public static final int L1D = 1;
    public static final int L1I = 2;
    public static final int L2 = 3;
    public static final int MMIO = 4;
    public static final int ROM = 5;

    public static int ram() { return RAM; }

    public static int cache(int place, int pe, int lineState) {
        return place | ((pe & 0xff) << 8) | ((lineState & 0b11) << 16);
    }

    public static int place(int source) { return source & 0xf; }

    public static int pe(int source) { return (source >>> 8) & 0xff; }

    public static int lineState(int source) { return (source >>> 16) & 0b11; }

    public static boolean fromCache(int source) {
        int p = place(source);
        return p == L1D || p == L1I || p == L2;
    }

    /** e.g. {@code PE1.L1D (clean line)}, {@code L2 (dirty line)}, {@code RAM}. */
    public static String describe(int source) {
        return switch (place(source)) {
            case RAM -> "RAM";
            case MMIO -> "MMIO";
            case ROM -> "ROM";
            case L2 -> "L2 (" + LineState.name(lineState(source)) + " line)";
            case L1D -> "PE" + pe(source) + ".L1D (" + LineState.name(lineState(source)) + " line)";
            case L1I -> "PE" + pe(source) + ".L1I (" + LineState.name(lineState(source)) + " line)";
            default -> "source" + source;
        };
    }
}
