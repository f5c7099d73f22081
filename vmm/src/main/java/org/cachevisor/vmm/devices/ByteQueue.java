package org.cachevisor.vmm.devices;

/** An unbounded FIFO of bytes (a growable ring), without boxing. Not thread-safe. */
final class ByteQueue {
    private byte[] data = new byte[64];
    private int head, count;

    int size() { return count; }

    boolean isEmpty() { return count == 0; }

    void add(int b) {
        if (count == data.length) {
            byte[] n = new byte[data.length * 2];
            for (int i = 0; i < count; i++) n[i] = data[(head + i) % data.length];
            data = n;
            head = 0;
        }
        data[(head + count) % data.length] = (byte) b;
        count++;
    }

    /** Removes and returns the oldest byte (0..255); the queue must not be empty. */
    int remove() {
        if (count == 0) throw new IllegalStateException("empty queue");
        int b = data[head] & 0xFF;
        head = (head + 1) % data.length;
        count--;
        return b;
    }

    void clear() { head = 0; count = 0; }
}
