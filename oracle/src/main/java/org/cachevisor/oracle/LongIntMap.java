package org.cachevisor.oracle;

import java.util.Arrays;

/**
 * An open-addressing hash map from {@code long} keys to dense {@code int} slot numbers 0, 1, 2...
 * (in order of first insertion), so callers can keep per-key data in parallel primitive arrays.
 * Lookups and inserts of existing keys allocate nothing; the table only grows (doubling) when it is
 * half full, which is amortised per new key, never per event.
 */
final class LongIntMap {
    private static final int EMPTY = -1;

    private long[] keys;
    private int[] slots;
    private int mask;
    private int size;

    LongIntMap(int initialCapacityPow2) {
        if (Integer.bitCount(initialCapacityPow2) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two, got " + initialCapacityPow2);
        }
        keys = new long[initialCapacityPow2];
        slots = new int[initialCapacityPow2];
        Arrays.fill(slots, EMPTY);
        mask = initialCapacityPow2 - 1;
    }

    /** Number of keys present; also the next slot number {@link #getOrAdd} hands out. */
    int size() { return size; }

    /** The slot of {@code key}, or -1 if absent. */
    int get(long key) {
        int i = hash(key) & mask;
        while (true) {
            int s = slots[i];
            if (s == EMPTY) return -1;
            if (keys[i] == key) return s;
            i = (i + 1) & mask;
        }
    }

    /** The slot of {@code key}; a new key gets slot {@link #size()} (callers grow their arrays). */
    int getOrAdd(long key) {
        int i = hash(key) & mask;
        while (true) {
            int s = slots[i];
            if (s == EMPTY) break;
            if (keys[i] == key) return s;
            i = (i + 1) & mask;
        }
        int slot = size++;
        keys[i] = key;
        slots[i] = slot;
        if (size * 2 > keys.length) grow();
        return slot;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldSlots = slots;
        keys = new long[oldKeys.length * 2];
        slots = new int[oldKeys.length * 2];
        Arrays.fill(slots, EMPTY);
        mask = keys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldSlots[j] == EMPTY) continue;
            int i = hash(oldKeys[j]) & mask;
            while (slots[i] != EMPTY) i = (i + 1) & mask;
            keys[i] = oldKeys[j];
            slots[i] = oldSlots[j];
        }
    }

    private static int hash(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29) ^ (h >>> 47));
    }
}
