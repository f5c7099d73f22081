package org.cachevisor.hypervisor;

import org.cachevisor.memsys.Maintenance;

/**
 * The policies implemented so far. Only {@link #NONE} now; dc-bit, at-par, kvm-2014, kvm-2015,
 * kvm-2017 and fwb come with the next issue and plug into the same {@link Policy} hooks.
 */
public final class Policies {
    private Policies() {}

    /**
     * {@code none}: KVM/arm64 before the seed (mission.md). No D-cache maintenance on stage-2 faults
     * except KVM's baseline for an executable mapping (every RAM mapping is executable here, as in
     * 2014): clean the page to the PoU and invalidate it from the I-caches before mapping it
     * ({@code coherent_icache_guest_page}). No TVM. A trapped set/way op runs on the local PE (ISW
     * upgraded to CISW, as HCR_EL2.SWIO would) and every other PE is marked to flush its caches the
     * next time this vCPU is loaded there ({@code require_dcache_flush}).
     */
    public static final Policy NONE = new Policy() {
        @Override public String name() { return "none"; }

        @Override public long hcrAtInit(long baseHcr) { return baseHcr; }

        @Override public void onVcpuInit(KvmVcpu vcpu, boolean reinit) {}

        @Override public void beforeStage2Map(KvmVcpu vcpu, Stage2Fault fault) {
            HostKernel host = vcpu.vm().host();
            host.cleanPoU(vcpu.pe(), fault.hostPa(), fault.size());
            host.icInvalidate(vcpu.pe(), fault.hostPa(), fault.size());
        }

        @Override public void onExecFault(KvmVcpu vcpu, Stage2Fault fault) {}

        @Override public boolean mapExecutableOnDataFault() { return true; }

        @Override public int stage2MemAttr() { return Stage2Tables.MEMATTR_NORMAL_WB; }

        @Override public void onVmRegisterWrite(KvmVcpu vcpu, int sysRegId, long oldValue, long newValue) {}

        @Override public void onSetWay(KvmVcpu vcpu, int op, long operand) {
            vcpu.vm().host().setWay(vcpu.pe(), op == Maintenance.DC_ISW ? Maintenance.DC_CISW : op, operand);
            vcpu.requireFlushOnOtherPes();
        }

        @Override public void onStage2Unmap(KvmVm vm, int pe, long ipa, long hostPa, long size) {}

        @Override public String toString() { return name(); }
    };

    /** The policy named {@code name}. @throws IllegalArgumentException for an unknown name */
    public static Policy byName(String name) {
        if ("none".equals(name)) return NONE;
        throw new IllegalArgumentException("unknown policy '" + name + "' (implemented: none)");
    }
}
