package org.cachevisor.hypervisor;

import org.cachevisor.machine.SysRegs;
import org.cachevisor.machine.mmu.Mmu;

/**
 * {@code at-par}, the seed's rejected alternative B (cover letter: "Fetch the memory attributes on
 * translation fault ... using the PAR_EL1 register to obtain the Stage-1 memory attributes"). No TVM.
 * On each stage-2 fault on RAM, the stage-1 attributes of the faulting access decide:
 * <ul>
 *   <li>SCTLR_EL1.M = 0: data accesses are Device-nGnRnE (Arm ARM D8.2.11, "The effects of disabling an
 *   address translation stage"): clean+invalidate the page (or whole block) to the PoC;</li>
 *   <li>otherwise AT S1E1R (S1E1W for a write) of the faulting VA (FAR_EL2) on the vCPU's PE, with the
 *   guest's PAR_EL1 saved before and restored after; if PAR_EL1.F = 0 and PAR_EL1.ATTR is Normal
 *   Inner and Outer Write-Back, nothing; anything else (Device, Non-cacheable, Write-Through, or the AT
 *   failing: a stage-1 fault, or a stage-2 fault on the stage-1 walk) clean+invalidate the mapping.</li>
 * </ul>
 * Then the I-cache baseline. Set/way: as {@code none}. Each AT is counted in {@link Costs#atWalks()}.
 *
 * <p>What it misses, by design: attributes are looked at once, when a page is first faulted in; a
 * page the guest later reaches with other attributes (its caches turned on, a second vCPU with caches
 * off, S2, S6, S11) gets no maintenance, and a line a host CPU fills afterwards is not seen.
 */
final class AtParPolicy extends BasePolicy {
    AtParPolicy() { super("at-par"); }

    @Override
    public void beforeStage2Map(KvmVcpu vcpu, Stage2Fault fault) {
        if (!stage1WriteBack(vcpu, fault)) cleanInvalidateMapping(vcpu, fault);
        icacheBaseline(vcpu, fault);
    }

    /** Whether the faulting access's stage-1 attributes are Normal Inner+Outer Write-Back (AT, PAR_EL1 kept). */
    static boolean stage1WriteBack(KvmVcpu vcpu, Stage2Fault fault) {
        if ((vcpu.sysRegById(SysRegs.SCTLR_EL1) & SCTLR_M) == 0) return false;
        long guestPar = vcpu.sysRegById(SysRegs.PAR_EL1);
        long par = vcpu.atS1e1(fault.va(), fault.write());
        vcpu.writeSysRegById(SysRegs.PAR_EL1, guestPar);
        if (par == Mmu.FAULT || (par & 1) != 0) return false;
        return isNormalWriteBack((int) (par >>> 56) & 0xFF);
    }

    /**
     * Whether a MAIR-format attribute byte (PAR_EL1.ATTR) is Normal with both Outer [7:4] and Inner [3:0]
     * Write-Back: 0b11RW (non-transient), or 0b01RW with RW != 00 (transient) (Arm ARM D19, MAIR_EL1.Attr<n>).
     */
    static boolean isNormalWriteBack(int attr) {
        return writeBackNibble(attr >>> 4) && writeBackNibble(attr & 0xF);
    }

    private static boolean writeBackNibble(int n) {
        return (n & 0b1100) == 0b1100 || ((n & 0b1100) == 0b0100 && (n & 0b11) != 0);
    }
}
