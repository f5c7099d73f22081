package org.cachevisor.hypervisor;

/**
 * A cache-maintenance policy: the hooks at the points where KVM/arm64's strategies differ over the
 * years (mission.md, "Policies"). The hypervisor calls them; a policy acts only through what a
 * hypervisor can do: cache maintenance by VA through the host mapping ({@link HostKernel}), AT
 * ({@link KvmVcpu#atS1e1}), TLBI and stage-2 edits ({@link KvmVm}), HCR_EL2 bits ({@link KvmVcpu#setHcr}).
 *
 * <p>Every hook runs with the vCPU's state saved in the {@link KvmVcpu} (or loaded on its PE, which the
 * vCPU methods hide) and host work attributed to the vCPU's physical PE ({@link KvmVcpu#pe()}).
 *
 * <table>
 *   <caption>Hook points and the KVM code they stand for</caption>
 *   <tr><td>{@link #hcrAtInit}, {@link #hcrAtReinit}, {@link #onVcpuInit}</td><td>kvm_reset_vcpu / vcpu_reset_hcr,
 *   kvm_arch_vcpu_ioctl_vcpu_init (stage2_unmap_vm on re-init)</td></tr>
 *   <tr><td>{@link #beforeStage2Map}</td><td>user_mem_abort: coherent_cache_guest_page before stage2_set_pte</td></tr>
 *   <tr><td>{@link #onExecFault}</td><td>user_mem_abort on an instruction abort (kvm-2017's I-cache path)</td></tr>
 *   <tr><td>{@link #onVmRegisterWrite}</td><td>access_vm_reg / access_sctlr (HCR_EL2.TVM)</td></tr>
 *   <tr><td>{@link #onSetWay}</td><td>access_dcsw (HCR_EL2.TSW)</td></tr>
 *   <tr><td>{@link #onStage2Unmap}</td><td>unmap_stage2_range: kvm_flush_dcache_pte after the TLBI</td></tr>
 *   <tr><td>{@link #platformConfig}</td><td>the platform a policy needs (FWB only with CTR_EL0.IDC = 1)</td></tr>
 * </table>
 *
 * <p>The seven policies of mission.md are in {@link Policies}; their shared baseline is {@code BasePolicy}.
 */
public interface Policy {
    /** The policy's name as mission.md's table writes it ("none", "kvm-2014", ...). */
    String name();

    /** HCR_EL2 for a vCPU being initialised, given the bits every policy uses ({@link KvmVcpu#BASE_HCR}). */
    long hcrAtInit(long baseHcr);

    /**
     * HCR_EL2 for a vCPU being initialised again (it had been initialised before, e.g. after a system
     * reset), given {@code currentHcr}, its HCR_EL2 now. The default resets it as at first init (KVM
     * since 2015's vcpu_reset_hcr); KVM of 2014 set HCR_EL2 only when the vCPU was created and kept it.
     */
    default long hcrAtReinit(long baseHcr, long currentHcr) { return hcrAtInit(baseHcr); }

    /**
     * The memory-system configuration this policy needs, derived from {@code base}: {@code base} itself
     * for every policy but {@code fwb}, which KVM uses only where CTR_EL0.IDC = 1 (mission.md). Whoever
     * builds the machine for a policy (the scenario engine, {@code cachevisor run}) passes its config
     * through this; {@link KvmHypervisor} refuses a platform for which it would change anything.
     */
    default org.cachevisor.memsys.MemConfig platformConfig(org.cachevisor.memsys.MemConfig base) { return base; }

    /**
     * After a vCPU's architected reset ({@code reinit}: it had been initialised before, e.g. after a
     * system reset).
     */
    void onVcpuInit(KvmVcpu vcpu, boolean reinit);

    /** A stage-2 fault on RAM: the backing is allocated and zeroed, not yet mapped. */
    void beforeStage2Map(KvmVcpu vcpu, Stage2Fault fault);

    /** An instruction abort on RAM, called before {@link #beforeStage2Map}. */
    void onExecFault(KvmVcpu vcpu, Stage2Fault fault);

    /** Whether a mapping created by a data abort is executable (no XN); if not, a later fetch faults again. */
    boolean mapExecutableOnDataFault();

    /**
     * The stage-2 MemAttr[3:0] of RAM mappings: 0b1111 (Normal Write-Back, so stage 1 decides) without
     * FEAT_S2FWB; with HCR_EL2.FWB = 1 the encoding changes meaning, and 0b0110 forces Normal Write-Back
     * (Arm ARM D8.5, "Stage 2 memory type and Cacheability attributes when FEAT_S2FWB is enabled").
     */
    int stage2MemAttr();

    /**
     * A trapped write of one of the eleven VM registers, already stored in the vCPU's registers.
     *
     * @param sysRegId the register (machine SysRegs id)
     */
    void onVmRegisterWrite(KvmVcpu vcpu, int sysRegId, long oldValue, long newValue);

    /** A trapped DC ISW/CSW/CISW ({@link org.cachevisor.memsys.Maintenance} op) with its operand. */
    void onSetWay(KvmVcpu vcpu, int op, long operand);

    /**
     * A RAM mapping was removed from stage 2 (and from the TLBs): reclaim, swap-out, freeing a page,
     * destroying the VM, a re-init that unmaps. {@code pe} is the PE doing the host work.
     */
    void onStage2Unmap(KvmVm vm, int pe, long ipa, long hostPa, long size);
}
