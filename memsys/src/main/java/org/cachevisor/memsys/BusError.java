package org.cachevisor.memsys;

/**
 * An access no region of the address map answers (or a write to ROM). The machine turns it into an
 * architected external abort for the guest; for host-side callers it is bad input with a clear
 * message. Thrown before any state changes.
 */
public final class BusError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long pa;
    private final boolean write;

    public BusError(long pa, boolean write, String why) {
        super(String.format("bus error: %s of pa 0x%x: %s", write ? "write" : "read", pa, why), null, false, false);
        this.pa = pa;
        this.write = write;
    }

    public long pa() { return pa; }

    public boolean write() { return write; }
}
