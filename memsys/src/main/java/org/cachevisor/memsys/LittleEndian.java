package org.cachevisor.memsys;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Little-endian loads and stores of 1..8 bytes in a {@code byte[]} (cache line data, RAM pages),
 * through {@link MethodHandles#byteArrayViewVarHandle} views so the JIT emits plain (possibly
 * unaligned) machine loads. AArch64 data accesses here are little-endian (SCTLR_EL1.EE/E0E = 0).
 */
final class LittleEndian {
    private LittleEndian() {}

    static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    /** Reads {@code size} (0..8) bytes at {@code off}, zero-extended. */
    static long get(byte[] a, int off, int size) {
        switch (size) {
            case 8: return (long) LONG.get(a, off);
            case 4: return ((int) INT.get(a, off)) & 0xffff_ffffL;
            case 2: return ((short) SHORT.get(a, off)) & 0xffffL;
            case 1: return a[off] & 0xffL;
            default:
                long v = 0;
                for (int i = size - 1; i >= 0; i--) v = (v << 8) | (a[off + i] & 0xffL);
                return v;
        }
    }

    /** Writes the low {@code size} (0..8) bytes of {@code v} at {@code off}. */
    static void put(byte[] a, int off, int size, long v) {
        switch (size) {
            case 8: LONG.set(a, off, v); return;
            case 4: INT.set(a, off, (int) v); return;
            case 2: SHORT.set(a, off, (short) v); return;
            case 1: a[off] = (byte) v; return;
            default:
                for (int i = 0; i < size; i++) { a[off + i] = (byte) v; v >>>= 8; }
        }
    }

    /** Reads {@code size} (1..16) bytes: bytes 0..7 into the return value, the rest via {@link #getHi}. */
    static long getLo(byte[] a, int off, int size) { return get(a, off, Math.min(size, 8)); }

    static long getHi(byte[] a, int off, int size) { return size > 8 ? get(a, off + 8, size - 8) : 0L; }

    /** Writes {@code size} (1..16) bytes from lo (bytes 0..7) and hi (bytes 8..15). */
    static void put16(byte[] a, int off, int size, long lo, long hi) {
        put(a, off, Math.min(size, 8), lo);
        if (size > 8) put(a, off + 8, size - 8, hi);
    }

    /** A mask of the low {@code size} bytes (size 0..8). */
    static long mask(int size) { return size >= 8 ? -1L : (1L << (size * 8)) - 1; }
}
