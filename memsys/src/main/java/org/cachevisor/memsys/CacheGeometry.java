package org.cachevisor.memsys;

/**
 * The shape of one cache: {@code sets} (a power of two, so the set index is a mask of the PA) and
 * {@code ways} (any associativity, as CCSIDR_EL1.Associativity allows). The line size is the
 * system-wide {@link MemConfig#lineSize()}.
 */
public record CacheGeometry(int sets, int ways) {

    /** Validates the geometry on its own (the line-size dependent checks are in {@link MemConfig}). */
    public CacheGeometry {
        if (sets < 1 || Integer.bitCount(sets) != 1) {
            throw new IllegalArgumentException("cache sets must be a power of two >= 1, got " + sets);
        }
        // CCSIDR_EL1 (non-CCIDX) has NumSets in 15 bits and Associativity in 10 bits, both minus one.
        if (sets > (1 << 15)) {
            throw new IllegalArgumentException("cache sets must be <= 32768 (CCSIDR_EL1.NumSets is 15 bits), got " + sets);
        }
        if (ways < 1 || ways > (1 << 10)) {
            throw new IllegalArgumentException(
                    "cache ways must be in 1..1024 (CCSIDR_EL1.Associativity is 10 bits), got " + ways);
        }
    }

    /** Capacity in bytes for the given line size. */
    public long sizeBytes(int lineSize) { return (long) sets * ways * lineSize; }

    /** log2(sets). */
    public int setBits() { return Integer.numberOfTrailingZeros(sets); }

    /** ceil(log2(ways)): the width of the Way field of a set/way operand (A in the Arm ARM). */
    public int wayBits() { return ways == 1 ? 0 : 32 - Integer.numberOfLeadingZeros(ways - 1); }

    /** The record's meaning, written out (see {@link MemConfig#equals}: no method-handle bootstrap at start-up). */
    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof CacheGeometry g && sets == g.sets && ways == g.ways;
    }

    @Override
    public int hashCode() { return 31 * sets + ways; }
}
