package org.cachevisor.vmm.loader;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a loader decided: the bytes to place in guest memory (RAM, or flash for a -bios image), the boot
 * vCPU's entry PC and its X0..X3 at entry. A pure value: nothing is written anywhere until the VMM
 * applies the plan (through the host's cacheable mapping for RAM, as QEMU does under KVM).
 *
 * <p>The constructor refuses overlapping placements (IllegalArgumentException naming both).
 */
public record LoadPlan(List<Placement> placements, long entryPc, long x0, long x1, long x2, long x3) {
    public LoadPlan {
        List<Placement> sorted = new ArrayList<>(placements);
        sorted.sort((a, b) -> Long.compareUnsigned(a.ipa(), b.ipa()));
        for (int i = 1; i < sorted.size(); i++) {
            Placement prev = sorted.get(i - 1), cur = sorted.get(i);
            if (Long.compareUnsigned(cur.ipa(), prev.end()) < 0) {
                throw new IllegalArgumentException("load plan: " + cur + " overlaps " + prev);
            }
        }
        placements = Collections.unmodifiableList(new ArrayList<>(placements));
    }

    /** X0..X3 as an array (index = register number). */
    public long[] bootRegisters() { return new long[] {x0, x1, x2, x3}; }

    /** The placement described as {@code what}, or null. */
    public Placement placement(String what) {
        for (Placement p : placements) if (p.what().equals(what)) return p;
        return null;
    }
}
