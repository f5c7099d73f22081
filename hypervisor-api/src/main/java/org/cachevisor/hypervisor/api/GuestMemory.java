package org.cachevisor.hypervisor.api;

/**
 * Guest RAM as the VMM reaches it. Two views exist per VM:
 * <ul>
 *   <li>{@link Vm#memory()}: through the host's <b>cacheable</b> mapping of the backing pages (Normal
 *   Write-Back, Inner Shareable), as QEMU reads and writes guest RAM through its {@code mmap} of the
 *   memslot. Such accesses are coherent with the host's caches, not with a guest running with its
 *   caches off: that is the point of the whole project.</li>
 *   <li>{@link Vm#pocMemory()}: at the Point of Coherency, bypassing every cache, as a non-coherent DMA
 *   master sees memory.</li>
 * </ul>
 * Addresses are IPAs inside RAM memory slots. A page not yet backed is allocated (and zeroed through
 * the host mapping) on first access, as touching an anonymous mapping does.
 *
 * <p>Words are little-endian; sizes 1, 2, 4, 8. Every method checks its whole range first.
 *
 * @throws IllegalArgumentException (from every method) for a range not wholly inside RAM memory slots,
 *     a bad size, or array bounds; nothing is accessed then
 */
public interface GuestMemory {
    /** Copies {@code len} bytes at {@code ipa} into {@code dst[off..off+len)}. */
    void read(long ipa, byte[] dst, int off, int len);

    /** Copies {@code src[off..off+len)} to {@code ipa}. */
    void write(long ipa, byte[] src, int off, int len);

    /** Reads {@code size} (1, 2, 4, 8) bytes at {@code ipa}, zero-extended. */
    long readWord(long ipa, int size);

    /** Writes the low {@code size} (1, 2, 4, 8) bytes of {@code value} at {@code ipa}. */
    void writeWord(long ipa, int size, long value);

    /** {@code readWord(ipa, 8)}. */
    default long readLong(long ipa) { return readWord(ipa, 8); }

    /** {@code (int) readWord(ipa, 4)}. */
    default int readInt(long ipa) { return (int) readWord(ipa, 4); }

    /** {@code writeWord(ipa, 8, value)}. */
    default void writeLong(long ipa, long value) { writeWord(ipa, 8, value); }

    /** {@code writeWord(ipa, 4, value)}. */
    default void writeInt(long ipa, int value) { writeWord(ipa, 4, value); }
}
