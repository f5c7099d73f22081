package org.cachevisor.oracle;

/**
 * The attribution of one byte of the oracle's reference memory, packed in a {@code long} so a page
 * keeps it in one parallel array (8 bytes per byte of memory, no objects).
 *
 * <p>Layout: bit 0 KNOWN (the byte's expected value is known: written, seeded or learned); bit 1
 * WRITTEN (an agent wrote it; otherwise it is initial contents); bits [5:2] the write's
 * {@link org.cachevisor.memsys.Attrs} (type and shareability); bits [12:6] the writer's PE + 1
 * (0 = no cache hierarchy, e.g. a DMA master); bits [24:13] the writer's agent id; bits [63:25] the
 * event sequence number of the write (39 bits: 5 * 10^11 events, far beyond any run).
 *
 * <p>A stamp of 0 means "never written, value unknown".
 */
final class Stamp {
    private Stamp() {}

    static final long KNOWN = 1L;
    static final long WRITTEN = 2L;
    /** The stamp of a byte whose value is initial contents (seeded or learned), not written by anyone. */
    static final long INITIAL = KNOWN;

    static final int MAX_AGENT = (1 << 12) - 1;
    static final int MAX_PE = (1 << 7) - 2;

    static long written(long seq, int agent, int pe, int attrs) {
        // The low 25 bits computed as an int: few enough bytecodes for C1 to inline the method.
        return (seq << 25) | ((agent & 0xfff) << 13 | ((pe + 1) & 0x7f) << 6 | (attrs & 0xf) << 2 | (int) (KNOWN | WRITTEN));
    }

    static boolean known(long stamp) { return (stamp & KNOWN) != 0; }

    static boolean isWritten(long stamp) { return (stamp & WRITTEN) != 0; }

    static int attrs(long stamp) { return (int) (stamp >>> 2) & 0xf; }

    static int pe(long stamp) { return ((int) (stamp >>> 6) & 0x7f) - 1; }

    static int agent(long stamp) { return (int) (stamp >>> 13) & 0xfff; }

    static long seq(long stamp) { return stamp >>> 25; }
}
