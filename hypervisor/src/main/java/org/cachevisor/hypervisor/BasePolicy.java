package org.cachevisor.hypervisor;

import org.cachevisor.machine.Pe;
import org.cachevisor.machine.SysRegs;
import org.cachevisor.memsys.Maintenance;

/**
 * What the policies share: KVM/arm64's behaviour before the seed at every hook (the {@code none}
 * policy, {@link Policies#NONE}), which each policy overrides where it differs, and the helpers they use.
 *
 * <ul>
 *   <li>Stage-2 fault: KVM's baseline for an executable mapping, clean the page (or the whole block) to
 *   the PoU and invalidate it from the I-caches before mapping it ({@code coherent_icache_guest_page},
 *   {@code flush_icache_range}); every RAM mapping is executable, as in 2014.</li>
 *   <li>Trapped set/way op: run it on the local PE (ISW upgraded to CISW, as HCR_EL2.SWIO would) and
 *   mark every other PE to flush its caches when this vCPU is next loaded there (2014's
 *   {@code access_dcsw}).</li>
 *   <li>No TVM, no D-cache maintenance on unmap, nothing at vCPU init.</li>
 * </ul>
 */
abstract class BasePolicy implements Policy {
    /** SCTLR_EL1.M (bit 0) and SCTLR_EL1.C (bit 2). */
    static final long SCTLR_M = 1L, SCTLR_C = 1L << 2;

    private final String name;

    BasePolicy(String name) { this.name = name; }

    @Override public final String name() { return name; }

    @Override public long hcrAtInit(long baseHcr) { return baseHcr; }

    @Override public void onVcpuInit(KvmVcpu vcpu, boolean reinit) {}

    @Override public void beforeStage2Map(KvmVcpu vcpu, Stage2Fault fault) { icacheBaseline(vcpu, fault); }

    @Override public void onExecFault(KvmVcpu vcpu, Stage2Fault fault) {}

    @Override public boolean mapExecutableOnDataFault() { return true; }

    @Override public int stage2MemAttr() { return Stage2Tables.MEMATTR_NORMAL_WB; }

    @Override public void onVmRegisterWrite(KvmVcpu vcpu, int sysRegId, long oldValue, long newValue) {}

    @Override public void onSetWay(KvmVcpu vcpu, int op, long operand) { setWayLocally(vcpu, op, operand); }

    @Override public void onStage2Unmap(KvmVm vm, int pe, long ipa, long hostPa, long size) {}

    @Override public String toString() { return name; }

    // ---- helpers

    /** KVM's {@code vcpu_has_cache_enabled}: SCTLR_EL1.M and .C both set (the I bit is ignored). */
    static boolean cachesOn(long sctlrEl1) { return (sctlrEl1 & (SCTLR_M | SCTLR_C)) == (SCTLR_M | SCTLR_C); }

    /** {@link #cachesOn(long)} of the vCPU's own (shadow) SCTLR_EL1. */
    static boolean cachesOn(KvmVcpu vcpu) { return cachesOn(vcpu.sysRegById(SysRegs.SCTLR_EL1)); }

    /** DC CVAU + IC IVAU over the mapping, on the vCPU's PE (KVM's flush_icache_range on the host VA). */
    static void icacheBaseline(KvmVcpu vcpu, Stage2Fault fault) {
        HostKernel host = vcpu.vm().host();
        host.cleanPoU(vcpu.pe(), fault.hostPa(), fault.size());
        host.icInvalidate(vcpu.pe(), fault.hostPa(), fault.size());
    }

    /** DC CIVAC over the mapping (page or whole block), on the vCPU's PE (KVM's kvm_flush_dcache_to_poc). */
    static void cleanInvalidateMapping(KvmVcpu vcpu, Stage2Fault fault) {
        vcpu.vm().host().cleanInvalidatePoC(vcpu.pe(), fault.hostPa(), fault.size());
    }

    /** 2014's access_dcsw: the op on the local PE (ISW as CISW), every other PE marked to flush at load. */
    static void setWayLocally(KvmVcpu vcpu, int op, long operand) {
        vcpu.vm().host().setWay(vcpu.pe(), op == Maintenance.DC_ISW ? Maintenance.DC_CISW : op, operand);
        vcpu.requireFlushOnOtherPes();
    }

    /** stage2_flush_vm of the vCPU's VM, the host work on the vCPU's PE (the trap handler runs there). */
    static void flushVm(KvmVcpu vcpu) { vcpu.vm().flushVm(vcpu.pe()); }

    static void setHcrBits(KvmVcpu vcpu, long bits) { vcpu.setHcr(vcpu.hcr() | bits); }

    static void clearHcrBits(KvmVcpu vcpu, long bits) { vcpu.setHcr(vcpu.hcr() & ~bits); }

    static boolean tvm(KvmVcpu vcpu) { return (vcpu.hcr() & Pe.HCR_TVM) != 0; }
}
