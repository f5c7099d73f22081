package org.cachevisor.oracle;

import org.cachevisor.memsys.AccessKind;
import org.cachevisor.memsys.Attrs;

/**
 * Who produced a value: a write by an agent (at an event seq), the initial contents of memory (seeded,
 * learned, or assumed zero), or an older write the bounded history no longer holds.
 *
 * @param origin    which of the three
 * @param seq       the write's event seq ({@code -1} unless {@link Origin#WRITE})
 * @param agent     the writer's agent id ({@code -1} unless WRITE)
 * @param agentName the writer's name ({@code null} unless WRITE)
 * @param domain    the writer's security domain ({@code -1} unless WRITE)
 * @param pe        the PE whose hierarchy the write went through ({@code -1}: none, e.g. DMA)
 * @param kind      the write's {@link AccessKind} ({@code -1} if unknown)
 * @param attrs     the write's {@link Attrs}
 */
public record WriteRef(Origin origin, long seq, int agent, String agentName, int domain, int pe, int kind, int attrs) {

    public enum Origin { WRITE, INITIAL, UNKNOWN }

    static final WriteRef INITIAL = new WriteRef(Origin.INITIAL, -1, -1, null, -1, -1, -1, 0);
    static final WriteRef UNKNOWN = new WriteRef(Origin.UNKNOWN, -1, -1, null, -1, -1, -1, 0);

    /** True if the write was cacheable (went through a PE's caches with cacheable attributes). */
    public boolean cacheable() { return origin == Origin.WRITE && pe >= 0 && Attrs.cacheable(attrs); }

    /** e.g. {@code VMM at seq 12}, {@code initial contents}. */
    public String brief() {
        return switch (origin) {
            case WRITE -> agentName + " at seq " + seq;
            case INITIAL -> "initial contents";
            case UNKNOWN -> "an older write no longer in the history";
        };
    }

    /** e.g. {@code cacheable write by VMM at seq 12}, {@code DMA write by dma0 at seq 4}. */
    public String described() {
        if (origin != Origin.WRITE) return brief();
        String what;
        if (kind == AccessKind.DMA_WRITE) what = "DMA write";
        else if (kind == AccessKind.ZERO) what = (cacheable() ? "cacheable" : "non-cacheable") + " DC ZVA";
        else what = (cacheable() ? "cacheable" : "non-cacheable") + " write";
        return what + " by " + agentName + " at seq " + seq;
    }

    /** e.g. {@code VMM (agent 3, domain 0) at seq 12: store, Normal-WB ISH, via PE1}. */
    public String detailed() {
        if (origin != Origin.WRITE) return brief();
        return agentName + " (agent " + agent + ", domain " + domain + ") at seq " + seq + ": "
                + (kind < 0 ? "write" : AccessKind.name(kind)) + ", " + Attrs.describe(attrs)
                + (pe >= 0 ? ", via PE" + pe : ", no cache hierarchy");
    }
}
