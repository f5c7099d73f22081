package org.cachevisor.hypervisor;

import java.util.List;
import org.cachevisor.machine.Platform;
import org.cachevisor.machine.mmu.Mmu;
import org.cachevisor.machine.mmu.Tlb;
import org.cachevisor.machine.mmu.TlbDomain;
import org.cachevisor.machine.mmu.TranslationContext;
import org.cachevisor.memsys.MemConfig;
import org.cachevisor.memsys.MemorySystem;

/**
 * A small machine for hypervisor tests: 2 PEs (memsys defaults as the policy needs them, 40-bit PA), one RAM region
 * [0x4000_0000, +256 MiB) whose upper 128 MiB [0x4800_0000, 0x5000_0000) is the host's page pool.
 */
final class TestMachine {
    static final long RAM_PA = 0x4000_0000L, RAM_SIZE = 256L << 20, HOST_PA = 0x4800_0000L, HOST_SIZE = 128L << 20;

    final MemorySystem mem;
    final Platform platform;
    final TlbDomain tlbs;
    final KvmHypervisor hyp;

    TestMachine(Policy policy) {
        mem = new MemorySystem(policy.platformConfig(MemConfig.defaults()));
        mem.map().addRam("ram", RAM_PA, RAM_SIZE);
        platform = new Platform(mem);
        tlbs = platform.tlbDomain();
        hyp = new KvmHypervisor(platform, HOST_PA, HOST_SIZE, policy);
    }

    /** An MMU of PE {@code pe} (its own TLB) with stage 1 off and stage 2 = the VM's tables: the hardware's view. */
    Mmu stage2Walker(KvmVm vm, int pe) {
        Mmu mmu = new Mmu(mem, pe, new Tlb(), null);
        TranslationContext c = new TranslationContext();
        c.el2Enabled = true;
        c.hcrEl2 = TranslationContext.HCR_VM;
        c.vttbrEl2 = vm.stage2().vttbrEl2();
        c.vtcrEl2 = Stage2Tables.vtcrEl2(mem.config().paBits());
        c.sctlrEl1 = 0;
        mmu.setContext(c);
        return mmu;
    }

    /** A policy that records every hook call (as "hook:detail") on top of {@code none}'s behaviour. */
    static Policy recording(List<String> hookCalls) {
        Policy base = Policies.NONE;
        return new Policy() {
            @Override public String name() { return "recording"; }
            @Override public long hcrAtInit(long baseHcr) { return baseHcr | org.cachevisor.machine.Pe.HCR_TVM; }
            @Override public void onVcpuInit(KvmVcpu v, boolean reinit) { hookCalls.add("init:" + v.id() + ":" + reinit); }
            @Override public void beforeStage2Map(KvmVcpu v, Stage2Fault f) {
                hookCalls.add(String.format("map:0x%x:0x%x", f.ipa(), f.size()));
                base.beforeStage2Map(v, f);
            }
            @Override public void onExecFault(KvmVcpu v, Stage2Fault f) { hookCalls.add(String.format("exec:0x%x", f.ipa())); }
            @Override public boolean mapExecutableOnDataFault() { return false; }
            @Override public int stage2MemAttr() { return Stage2Tables.MEMATTR_NORMAL_WB; }
            @Override public void onVmRegisterWrite(KvmVcpu v, int id, long o, long n) {
                hookCalls.add(String.format("vmreg:%s:0x%x->0x%x", org.cachevisor.machine.SysRegs.byId(id).name(), o, n));
            }
            @Override public void onSetWay(KvmVcpu v, int op, long operand) {
                hookCalls.add(String.format("setway:%s:0x%x", org.cachevisor.memsys.Maintenance.name(op), operand));
            }
            @Override public void onStage2Unmap(KvmVm vm, int pe, long ipa, long pa, long size) {
                hookCalls.add(String.format("unmap:0x%x:0x%x", ipa, size));
            }
        };
    }
}
