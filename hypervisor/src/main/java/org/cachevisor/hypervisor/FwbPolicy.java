package org.cachevisor.hypervisor;

import org.cachevisor.machine.Pe;
import org.cachevisor.memsys.MemConfig;

/**
 * {@code fwb}: Armv8.4 FEAT_S2FWB as KVM uses it (Linux 4.20, "Add support for Stage-2 control of
 * memory types and cacheability"). HCR_EL2.FWB = 1 and every RAM mapping carries the stage-2 MemAttr
 * 0b0110, which with FWB forces Normal Write-Back whatever stage 1 says, MMU off included (Arm ARM D8.5.5,
 * "Stage 2 memory type and Cacheability attributes when FEAT_S2FWB is enabled"): the machine's MMU does
 * the combination ({@code MemAttrs.combine} with FWB), this policy only chooses the encoding. So the
 * guest always accesses RAM coherently with the host's cacheable mapping and:
 * <ul>
 *   <li>no D-cache maintenance anywhere (faults, unmap, VM flushes), no TVM;</li>
 *   <li>trapped set/way ops are NOPs (KVM's access_dcsw skips kvm_set_way_flush with FWB);</li>
 *   <li>data faults map non-executable; an execution fault invalidates the mapping from the I-caches
 *   (IC IVAU), without DC CVAU: the platform has CTR_EL0.IDC = 1, see {@link #platformConfig};</li>
 *   <li>vCPU re-init: IC IALLUIS instead of unmapping the VM (KVM's kvm_arch_vcpu_ioctl_vcpu_init:
 *   "S2FWB ... we still need to invalidate the I-cache though, as FWB does not imply CTR_EL0.DIC").</li>
 * </ul>
 * KVM enables FWB only where instruction fetches are coherent with the D-side at the PoU (IDC = 1), so
 * {@link #platformConfig} turns IDC on. Non-coherent DMA stays non-coherent (mission.md S4).
 */
final class FwbPolicy extends BasePolicy {
    FwbPolicy() { super("fwb"); }

    @Override public long hcrAtInit(long baseHcr) { return baseHcr | Pe.HCR_FWB; }

    @Override
    public MemConfig platformConfig(MemConfig base) {
        if (base.idc()) return base;
        return new MemConfig(base.peCount(), base.lineSize(), base.l1d(), base.l1i(), base.l2(), true, base.dic(),
                base.dczBlockSize(), base.paBits());
    }

    @Override
    public void onVcpuInit(KvmVcpu vcpu, boolean reinit) {
        if (reinit) vcpu.vm().host().icInvalidateAll(vcpu.pe());
    }

    @Override
    public void beforeStage2Map(KvmVcpu vcpu, Stage2Fault fault) {
        if (fault.exec()) vcpu.vm().host().icInvalidate(vcpu.pe(), fault.hostPa(), fault.size());
    }

    @Override public boolean mapExecutableOnDataFault() { return false; }

    @Override public int stage2MemAttr() { return Stage2Tables.MEMATTR_FWB_FORCE_WB; }

    @Override public void onSetWay(KvmVcpu vcpu, int op, long operand) {}
}
