package org.cachevisor.hypervisor;

import org.cachevisor.machine.Pe;
import org.cachevisor.machine.SysRegs;

/**
 * {@code dc-bit}, the seed's rejected alternative A (cover letter: "Using the DC bit when caches are
 * off"): HCR_EL2.DC = 1 from every vCPU init while the guest's MMU is off, so its data accesses and
 * fetches are Normal Write-Back (Arm ARM D13.2.46, HCR_EL2.DC: "behaves as if SCTLR_EL1.M = 0 ... the
 * stage 1 ... memory type Normal, Inner and Outer Write-Back") and coherent with the host's cacheable
 * mapping without any D-cache maintenance on stage-2 faults (only the I-cache baseline).
 *
 * <p>HCR_EL2.TVM is set too, to see SCTLR_EL1.M go to 1: the first trapped SCTLR_EL1 write with M = 1
 * clears DC and TVM for that vCPU and, if the guest's caches are not on (C = 0: its accesses become
 * Non-cacheable while its data sit in the caches), flushes the VM. With M = C = 1 the cached data stay
 * valid and nothing is flushed. Set/way: as {@code none}. HCR_EL2 is reset at each vCPU init (DC again).
 *
 * <p>What it breaks, by design (mission.md S4, S5): a guest with caches off that expects its writes to
 * reach memory (non-coherent DMA) or its instruction fetches to see memory (code copied with the
 * I-cache invalidated but no D-cache clean) now has its writes parked in the D-cache.
 */
final class DcBitPolicy extends BasePolicy {
    DcBitPolicy() { super("dc-bit"); }

    @Override public long hcrAtInit(long baseHcr) { return baseHcr | Pe.HCR_DC | Pe.HCR_TVM; }

    @Override
    public void onVmRegisterWrite(KvmVcpu vcpu, int sysRegId, long oldValue, long newValue) {
        if (sysRegId != SysRegs.SCTLR_EL1 || (vcpu.hcr() & Pe.HCR_DC) == 0 || (newValue & SCTLR_M) == 0) return;
        clearHcrBits(vcpu, Pe.HCR_DC | Pe.HCR_TVM);
        if (!cachesOn(newValue)) flushVm(vcpu);
    }
}
