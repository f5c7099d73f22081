package org.cachevisor.machine.mmu;

import java.util.Arrays;

/**
 * The Inner Shareable domain of TLBs: every PE's {@link Tlb} of one platform. A {@code TLBI ...IS}
 * executed on any PE acts on each TLB here (Arm ARM D8.13 "TLB maintenance": the IS forms affect
 * all PEs in the same Inner Shareable shareability domain).
 */
public final class TlbDomain {
    private Tlb[] tlbs = new Tlb[0];

    /** Adds a TLB to the domain (cold path). */
    public void add(Tlb tlb) {
        if (tlb == null) throw new IllegalArgumentException("tlb must not be null");
        for (Tlb t : tlbs) if (t == tlb) throw new IllegalArgumentException("tlb already in this domain");
        tlbs = Arrays.copyOf(tlbs, tlbs.length + 1);
        tlbs[tlbs.length - 1] = tlb;
    }

    public int size() { return tlbs.length; }

    /** Applies {@link Tlb#invalidate} to every TLB of the domain. */
    public void invalidateAll(int op, long xt, int vmid, int asidMask) {
        for (Tlb t : tlbs) t.invalidate(op, xt, vmid, asidMask);
    }
}
