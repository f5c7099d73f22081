package org.cachevisor.machine;

import org.cachevisor.memsys.MemConfig;
import org.cachevisor.memsys.MemorySystem;

/**
 * N processing elements sharing one {@link MemorySystem}, run round-robin in deterministic quanta
 * on the caller's thread, with a virtual clock (nanoseconds; one instruction = 1 ns).
 *
 * <p>A PE in WFI is skipped (and credited the quantum as idle time, so every PE's generic-timer
 * counter advances with the platform clock) until an interrupt is pending for it.
 *
 * <p>It also holds the part of the global exclusive monitor that crosses PEs: a store by one PE
 * clears another PE's exclusive monitor on the same granule. Only counted when some monitor is armed,
 * so ordinary stores pay one integer compare.
 */
public final class Platform {
    private final MemorySystem mem;
    private final Pe[] pes;
    private final boolean[] waiting;
    private long clockNanos;
    /** The Inner Shareable domain of the PEs' TLBs (TLBI ...IS reaches every PE). */
    final org.cachevisor.machine.mmu.TlbDomain tlbDomain = new org.cachevisor.machine.mmu.TlbDomain();
    /** Number of PEs whose exclusive monitor is armed. */
    int armedMonitors;

    /** A platform with the memory system's number of PEs, all in reset state at PC 0. */
    public Platform(MemorySystem mem) {
        if (mem == null) throw new IllegalArgumentException("memory system must not be null");
        this.mem = mem;
        int n = mem.config().peCount();
        pes = new Pe[n];
        waiting = new boolean[n];
        for (int i = 0; i < n; i++) {
            pes[i] = new Pe(i, mem);
            pes[i].setPlatform(this);
        }
    }

    /** A platform over a fresh memory system built from {@code config}. */
    public Platform(MemConfig config) {
        this(new MemorySystem(config));
    }

    public MemorySystem memory() { return mem; }

    /** The PEs' TLBs as one Inner Shareable domain (for the hypervisor's TLBI ...IS of the EL2 forms). */
    public org.cachevisor.machine.mmu.TlbDomain tlbDomain() { return tlbDomain; }

    public int peCount() { return pes.length; }

    public Pe pe(int i) {
        if (i < 0 || i >= pes.length) throw new IllegalArgumentException("PE index " + i + " outside 0.." + (pes.length - 1));
        return pes[i];
    }

    /** The platform's virtual clock in nanoseconds. */
    public long clockNanos() { return clockNanos; }

    /** A PE's latest {@link RunStatus} handling: the listener decides what to do with a stop. */
    @FunctionalInterface
    public interface StopHandler {
        /** Called when PE {@code pe} stopped with {@code status}; return false to end {@link #run}. */
        boolean onStop(Pe pe, RunStatus status);
    }

    /**
     * Runs every PE in turn for {@code quantum} instructions until {@code totalNanos} of virtual time
     * have passed, every PE is halted or waiting, or {@code handler} returns false. A PE stopping with
     * {@link RunStatus#WFI} sleeps until an interrupt is pending for it; other stops go to {@code handler}.
     *
     * @return the virtual time that passed
     */
    public long run(long quantum, long totalNanos, StopHandler handler) {
        if (quantum <= 0) throw new IllegalArgumentException("quantum must be > 0, got " + quantum);
        if (handler == null) throw new IllegalArgumentException("stop handler must not be null");
        long start = clockNanos;
        while (clockNanos - start < totalNanos) {
            boolean anyRan = false;
            for (int i = 0; i < pes.length; i++) {
                Pe pe = pes[i];
                if (pe.halted()) continue;
                if (waiting[i]) {
                    if (!pe.interruptPending()) {
                        pe.creditIdle(quantum);
                        continue;
                    }
                    waiting[i] = false;
                }
                anyRan = true;
                long before = pe.virtualNanos();
                RunStatus s = pe.run(quantum);
                long used = pe.virtualNanos() - before;
                if (used < quantum) pe.creditIdle(quantum - used);
                if (s == RunStatus.WFI) {
                    waiting[i] = true;
                } else if (s != RunStatus.BUDGET_EXHAUSTED) {
                    if (!handler.onStop(pe, s)) {
                        clockNanos += quantum;
                        return clockNanos - start;
                    }
                }
            }
            clockNanos += quantum;
            if (!anyRan) break;
        }
        return clockNanos - start;
    }

    /** SEV: sets every PE's event register. */
    void sendEventToAll() {
        for (Pe p : pes) p.sendEvent();
    }

    /** A store by {@code writer} to {@code pa}: clears the other PEs' monitors on that granule. */
    void clearMonitors(Pe writer, long pa) {
        for (Pe p : pes) {
            if (p != writer) p.snoopStore(pa);
        }
    }
}
