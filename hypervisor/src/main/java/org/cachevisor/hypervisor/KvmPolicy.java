package org.cachevisor.hypervisor;

import org.cachevisor.machine.Pe;
import org.cachevisor.machine.SysRegs;

/**
 * The seed and its two descendants, {@code kvm-2014}, {@code kvm-2015} and {@code kvm-2017}
 * (mission.md, "Policies"), each adding to the one before.
 *
 * <h2>kvm-2014 (the seed, as merged in Linux 3.15)</h2>
 * <ul>
 *   <li>HCR_EL2.TVM is set when the vCPU is created and not reset by a later KVM_ARM_VCPU_INIT (HCR_EL2
 *   was set in vCPU setup then): {@link #hcrAtReinit} keeps the current value.</li>
 *   <li>Stage-2 fault ({@code coherent_cache_guest_page}): if the faulting vCPU's SCTLR_EL1 does not have
 *   M and C both set, DC CIVAC over the page or whole block; then the I-cache baseline (DC CVAU + IC
 *   IVAU of the mapping).</li>
 *   <li>Trapped VM-register writes are stored in the vCPU's registers by the {@link TrapTable}; a
 *   trapped SCTLR_EL1 write after which M and C are both set ({@code access_sctlr}) clears TVM <b>for
 *   this vCPU</b> and flushes the <b>whole VM</b> ({@link KvmVm#flushVm}, stage2_flush_vm).</li>
 *   <li>Set/way: as {@code none}.</li>
 * </ul>
 *
 * <h2>kvm-2015 (Linux 4.0: "Use set/way op trapping to track the state of the caches", "Invalidate
 * data cache on unmap", "Reset the HCR on each vcpu when resetting the vcpu", stage2_unmap_vm)</h2>
 * <ul>
 *   <li>A trapped set/way op ({@code kvm_set_way_flush}): if TVM is clear, flush the VM and set TVM;
 *   if TVM is set (a flush is already pending on the next cache toggle), do nothing.</li>
 *   <li>Every trapped VM-register write ({@code kvm_toggle_cache}): if the caches' state (M and C)
 *   changed, flush the VM; if the caches are now on, clear TVM.</li>
 *   <li>An unmapped RAM page or block is cleaned+invalidated to the PoC ({@code kvm_flush_dcache_pte}).</li>
 *   <li>vCPU re-init: HCR_EL2 is reset (TVM again) and every stage-2 mapping of the VM is removed
 *   ({@code stage2_unmap_vm}, with the unmap flush above), so that the rebooted guest faults its
 *   pages in again with its caches off.</li>
 * </ul>
 *
 * <h2>kvm-2017 (Linux 4.16: "Defer I-cache invalidation to exec faults", "Always clean to PoC on
 * translation faults" )</h2>
 * <ul>
 *   <li>Stage-2 translation fault: DC CIVAC of the page or whole block whatever the vCPU's cache state
 *   ({@code clean_dcache_guest_page}, i.e. {@code __flush_dcache_area}); a permission fault (the page is
 *   already mapped and was cleaned when it was) gets no D-cache maintenance.</li>
 *   <li>Data faults map non-executable; an execution fault invalidates the mapping from the I-caches
 *   ({@code invalidate_icache_guest_page}: IC IVAU; the D-side is already at the PoC, past the PoU).</li>
 * </ul>
 */
final class KvmPolicy extends BasePolicy {
    private final int year;

    /** @param year 2014, 2015 or 2017 */
    KvmPolicy(int year) {
        super("kvm-" + year);
        if (year != 2014 && year != 2015 && year != 2017) throw new IllegalArgumentException("no kvm policy of year " + year);
        this.year = year;
    }

    @Override public long hcrAtInit(long baseHcr) { return baseHcr | Pe.HCR_TVM; }

    @Override
    public long hcrAtReinit(long baseHcr, long currentHcr) {
        return year == 2014 ? currentHcr : hcrAtInit(baseHcr);
    }

    @Override
    public void onVcpuInit(KvmVcpu vcpu, boolean reinit) {
        if (year >= 2015 && reinit) vcpu.vm().unmapAll(vcpu.pe());
    }

    @Override
    public void beforeStage2Map(KvmVcpu vcpu, Stage2Fault fault) {
        if (year >= 2017) {
            if (!fault.permission()) cleanInvalidateMapping(vcpu, fault);
            if (fault.exec()) vcpu.vm().host().icInvalidate(vcpu.pe(), fault.hostPa(), fault.size());
            return;
        }
        if (!cachesOn(vcpu)) cleanInvalidateMapping(vcpu, fault);
        icacheBaseline(vcpu, fault);
    }

    @Override public boolean mapExecutableOnDataFault() { return year < 2017; }

    @Override
    public void onVmRegisterWrite(KvmVcpu vcpu, int sysRegId, long oldValue, long newValue) {
        if (year == 2014) {
            if (sysRegId == SysRegs.SCTLR_EL1 && cachesOn(newValue)) {
                clearHcrBits(vcpu, Pe.HCR_TVM);
                flushVm(vcpu);
            }
            return;
        }
        long sctlrBefore = sysRegId == SysRegs.SCTLR_EL1 ? oldValue : vcpu.sysRegById(SysRegs.SCTLR_EL1);
        boolean wasOn = cachesOn(sctlrBefore), nowOn = cachesOn(vcpu);
        if (wasOn != nowOn) flushVm(vcpu);
        if (nowOn) clearHcrBits(vcpu, Pe.HCR_TVM);
    }

    @Override
    public void onSetWay(KvmVcpu vcpu, int op, long operand) {
        if (year == 2014) {
            setWayLocally(vcpu, op, operand);
            return;
        }
        if (!tvm(vcpu)) {
            flushVm(vcpu);
            setHcrBits(vcpu, Pe.HCR_TVM);
        }
    }

    @Override
    public void onStage2Unmap(KvmVm vm, int pe, long ipa, long hostPa, long size) {
        if (year >= 2015) vm.host().cleanInvalidatePoC(pe, hostPa, size);
    }
}
