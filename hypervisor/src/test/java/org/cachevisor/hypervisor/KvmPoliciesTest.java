package org.cachevisor.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cachevisor.hypervisor.PolicyRig.RAM_IPA;

import java.util.ArrayList;
import java.util.List;
import org.cachevisor.hypervisor.api.MemorySlot;
import org.cachevisor.hypervisor.api.VcpuInit;
import org.cachevisor.machine.Pe;
import org.cachevisor.machine.mmu.Mmu;
import org.cachevisor.memsys.AccessKind;
import org.cachevisor.memsys.Attrs;
import org.cachevisor.memsys.LineState;
import org.cachevisor.memsys.MemorySystem;
import org.cachevisor.memsys.MmioHandler;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The mechanics of kvm-2014 (the seed), kvm-2015 and kvm-2017, each on its own (mission.md, "Policies"). */
class KvmPoliciesTest {
    static final long PAGE = 4096, BLOCK = 2L << 20;

    static boolean tvm(KvmVcpu v) { return (v.hcr() & Pe.HCR_TVM) != 0; }

    // ---- fault-time clean

    @Test
    void kvm2014Fault_cachesOffPage_cleansAndInvalidatesExactlyThatPageToPoc() {
        PolicyRig r = new PolicyRig(Policies.KVM_2014, 1, 1L << 20, false);
        r.dataFault(r.vcpu(0), RAM_IPA + 0x3000 + 0x18, true);

        long pa = r.vm.backingPa(RAM_IPA + 0x3000);
        assertThat(r.civacLines.keySet()).containsExactlyInAnyOrderElementsOf(PolicyRig.linesOf(pa, PAGE));
        assertThat(r.civacLines.values()).containsOnly(1);
        // The host's zeroes were pushed to RAM and no cache keeps a copy (so a Device read sees zero).
        assertThat(r.m.mem.lineState(MemorySystem.l1dId(0), pa)).isEqualTo(LineState.INVALID);
        assertThat(r.m.mem.lineState(MemorySystem.L2_ID, pa + PAGE - 64)).isEqualTo(LineState.INVALID);
        assertThat(r.costs().cmoLines(Costs.Cmo.DC_CIVAC)).isEqualTo(PAGE / 64);
        // The I-cache baseline of an executable mapping still runs.
        assertThat(r.costs().cmoLines(Costs.Cmo.IC_IVAU)).isEqualTo(PAGE / 64);
    }

    @Test
    void kvm2014Fault_cachesOffBlock_cleansTheWhole2MiBBlock() {
        PolicyRig r = new PolicyRig(Policies.KVM_2014, 1, 4L << 20, true);
        r.dataFault(r.vcpu(0), RAM_IPA + BLOCK + 0x1234, false);

        long[] mapping = r.vm.mappingOf(RAM_IPA + BLOCK);
        assertThat(mapping[0]).isEqualTo(RAM_IPA + BLOCK);
        assertThat(mapping[2]).isEqualTo(BLOCK);
        assertThat(r.civacLines.keySet()).containsExactlyInAnyOrderElementsOf(PolicyRig.linesOf(mapping[1], BLOCK));
        assertThat(r.costs().cmoLines(Costs.Cmo.DC_CIVAC)).isEqualTo(BLOCK / 64); // 32768 lines
        assertThat(r.m.mem.ramPeek(mapping[1] + BLOCK - 8, 8)).isZero();
    }

    @Test
    void kvm2014Fault_cachesOnOfThisVcpu_noCleanToPoc() {
        PolicyRig r = new PolicyRig(Policies.KVM_2014, 2, 1L << 20, false);
        r.vcpu(1).writeSysRegById(org.cachevisor.machine.SysRegs.SCTLR_EL1, PolicyRig.SCTLR_MCI);
        r.dataFault(r.vcpu(1), RAM_IPA, true);
        assertThat(r.civacLines).isEmpty();
        // Only M and C count: M alone, or C alone, is "caches off" (vcpu_has_cache_enabled).
        r.vcpu(0).writeSysRegById(org.cachevisor.machine.SysRegs.SCTLR_EL1, PolicyRig.SCTLR_M_ONLY);
        r.dataFault(r.vcpu(0), RAM_IPA + PAGE, true);
        r.vcpu(0).writeSysRegById(org.cachevisor.machine.SysRegs.SCTLR_EL1, PolicyRig.SCTLR_C_ONLY);
        r.dataFault(r.vcpu(0), RAM_IPA + 2 * PAGE, true);
        assertThat(r.costs().cmoOps(Costs.Cmo.DC_CIVAC)).isEqualTo(2);
    }

    @Test
    void kvm2017Fault_cachesOn_stillCleansOnTranslationFaultsAndIcacheOnlyOnExec() {
        PolicyRig r = new PolicyRig(Policies.KVM_2017, 1, 1L << 20, false);
        KvmVcpu v = r.vcpu(0);
        v.writeSysRegById(org.cachevisor.machine.SysRegs.SCTLR_EL1, PolicyRig.SCTLR_MCI);
        r.dataFault(v, RAM_IPA, false);
        assertThat(r.costs().cmoLines(Costs.Cmo.DC_CIVAC)).isEqualTo(64);
        assertThat(r.costs().cmoLines(Costs.Cmo.IC_IVAU)).isZero();
        // Data faults map non-executable (XN, bit 54 of the leaf).
        long desc = r.m.mem.read(0, 0, AccessKind.LOAD, r.vm.stage2().leafDescriptorPa(0, RAM_IPA), 8, Attrs.HOST_WB);
        assertThat(desc & (1L << 54)).isNotZero();

        r.execFault(v, RAM_IPA, true); // permission fault: no D-cache work, I-cache invalidated
        assertThat(r.costs().cmoLines(Costs.Cmo.DC_CIVAC)).isEqualTo(64);
        assertThat(r.costs().cmoLines(Costs.Cmo.IC_IVAU)).isEqualTo(64);
        assertThat(r.costs().cmoLines(Costs.Cmo.DC_CVAU)).isZero();

        r.execFault(v, RAM_IPA + PAGE, false); // translation fault on execution: both
        assertThat(r.costs().cmoLines(Costs.Cmo.DC_CIVAC)).isEqualTo(128);
        assertThat(r.costs().cmoLines(Costs.Cmo.IC_IVAU)).isEqualTo(128);
    }

    // ---- TVM per vCPU, flush per VM

    @Test
    void kvm2014SctlrWrite_cachesOn_clearsTvmOnlyOnTheWritingVcpuAndFlushesTheVmOnce() {
        PolicyRig r = new PolicyRig(Policies.KVM_2014, 2, 1L << 20, false);
        assertThat(tvm(r.vcpu(0))).isTrue();
        assertThat(tvm(r.vcpu(1))).isTrue();

        r.trappedSctlrWrite(r.vcpu(0), PolicyRig.SCTLR_MCI);

        assertThat(tvm(r.vcpu(0))).isFalse();
        assertThat(tvm(r.vcpu(1))).isTrue();
        assertThat(r.costs().vmFlushes()).isEqualTo(1);
        assertThat(r.costs().traps(Costs.Trap.VM_REGISTER)).isEqualTo(1);
        assertThat(r.vcpu(0).sysRegById(org.cachevisor.machine.SysRegs.SCTLR_EL1)).isEqualTo(PolicyRig.SCTLR_MCI);

        // vCPU1 turns on its MMU only: no flush, still trapped; then its caches: its own flush.
        r.trappedSctlrWrite(r.vcpu(1), PolicyRig.SCTLR_M_ONLY);
        assertThat(tvm(r.vcpu(1))).isTrue();
        assertThat(r.costs().vmFlushes()).isEqualTo(1);
        r.trappedSctlrWrite(r.vcpu(1), PolicyRig.SCTLR_MCI);
        assertThat(tvm(r.vcpu(1))).isFalse();
        assertThat(r.costs().vmFlushes()).isEqualTo(2);
    }

    @Test
    void flushVm_pagesBlocksTwoSlotsAndADeviceLeaf_everyMappedRamLineOnceAndNoMmio() {
        PolicyRig r = new PolicyRig(Policies.KVM_2014, 1, 4L << 20, true);
        long slotB = 0x8000_0000L, mmioPa = 0x0900_0000L;
        r.vm.setUserMemoryRegion(new MemorySlot(1, slotB, 1L << 20, false));
        MmioHandler dev = new MmioHandler() {
            @Override public long read(int agent, long offset, int size) { throw new AssertionError("MMIO read at +" + offset); }
            @Override public void write(int agent, long offset, int size, long value) { throw new AssertionError("MMIO write"); }
        };
        r.m.mem.map().addMmio("dev", mmioPa, PAGE, dev);
        KvmVcpu v = r.vcpu(0);
        r.dataFault(v, RAM_IPA + 0x10, true);   // a 2 MiB block
        r.dataFault(v, slotB, true);            // pages (slot B is smaller than a block)
        r.dataFault(v, slotB + 0x5000, false);
        // A device page mapped inside slot B's IPA range (a passthrough-style leaf): the walk sees it, the flush skips it.
        r.vm.stage2().map(0, slotB + 0x8000, mmioPa, PAGE, true, false);
        List<Long> expected = new ArrayList<>();
        for (long ipa : new long[] {RAM_IPA, slotB, slotB + 0x5000}) {
            long[] m = r.vm.mappingOf(ipa);
            expected.addAll(PolicyRig.linesOf(m[1], m[2]));
        }
        r.civacLines.clear();
        long ciBefore = r.costs().cmoLines(Costs.Cmo.DC_CIVAC);

        r.trappedSctlrWrite(v, PolicyRig.SCTLR_MCI);

        assertThat(r.civacLines.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(r.civacLines.values()).containsOnly(1);
        assertThat(r.civacLines.keySet()).noneMatch(pa -> pa >= mmioPa && pa < mmioPa + PAGE);
        assertThat(r.costs().cmoLines(Costs.Cmo.DC_CIVAC) - ciBefore).isEqualTo((BLOCK + 2 * PAGE) / 64);
    }

    @Test
    void kvm2014SetWay_runsLocallyAndMarksTheOtherPes() {
        PolicyRig r = new PolicyRig(Policies.KVM_2014, 1, 1L << 20, false);
        r.trappedSetWay(r.vcpu(0));
        assertThat(r.costs().cmoOps(Costs.Cmo.DC_SET_WAY)).isEqualTo(1);
        assertThat(r.costs().vmFlushes()).isZero();
        assertThat(r.vcpu(0).requireFlush().get(1)).isTrue();
        assertThat(r.vcpu(0).requireFlush().get(0)).isFalse();
    }

    // ---- 2015: set/way, toggles, unmap, re-init

    @Test
    void kvm2015SetWay_firstOpFlushesAndRearmsTvm_laterOnesIgnoredUntilCachesToggle() {
        PolicyRig r = new PolicyRig(Policies.KVM_2015, 1, 1L << 20, false);
        KvmVcpu v = r.vcpu(0);
        r.dataFault(v, RAM_IPA, true);
        // At boot TVM is set: a set/way op does nothing (the flush waits for the caches to go on).
        r.trappedSetWay(v);
        assertThat(r.costs().vmFlushes()).isZero();
        r.trappedSctlrWrite(v, PolicyRig.SCTLR_MCI); // off -> on: flush, TVM cleared
        assertThat(r.costs().vmFlushes()).isEqualTo(1);
        assertThat(tvm(v)).isFalse();

        r.trappedSetWay(v); // first op with TVM clear: flush + TVM
        assertThat(r.costs().vmFlushes()).isEqualTo(2);
        assertThat(tvm(v)).isTrue();
        r.trappedSetWay(v); // ignored
        r.trappedSetWay(v); // ignored
        assertThat(r.costs().vmFlushes()).isEqualTo(2);
        r.trappedMairWrite(v, 0xFF); // a VM register write that does not toggle: no flush, caches on: TVM off
        assertThat(r.costs().vmFlushes()).isEqualTo(2);
        assertThat(tvm(v)).isFalse();

        r.trappedSetWay(v); // re-armed once more
        r.trappedSctlrWrite(v, PolicyRig.SCTLR_RESET); // on -> off: flush, keep trapping
        assertThat(r.costs().vmFlushes()).isEqualTo(4);
        assertThat(tvm(v)).isTrue();
        r.trappedSetWay(v);
        assertThat(r.costs().vmFlushes()).isEqualTo(4);
        // No set/way op ever reached the caches, and nobody was marked for a flush at load.
        assertThat(r.costs().cmoOps(Costs.Cmo.DC_SET_WAY)).isZero();
        assertThat(v.requireFlush().isEmpty()).isTrue();
        assertThat(r.costs().traps(Costs.Trap.SET_WAY)).isEqualTo(6);
    }

    @ParameterizedTest
    @ValueSource(strings = {"kvm-2015", "kvm-2017"})
    void reinit_kvm2015AndLater_resetsTvmAndUnmapsAllRamWithACleanPerMapping(String name) {
        PolicyRig r = new PolicyRig(Policies.byName(name), 1, 1L << 20, false);
        KvmVcpu v = r.vcpu(0);
        r.dataFault(v, RAM_IPA, true);
        r.dataFault(v, RAM_IPA + 0x7000, true);
        r.trappedSctlrWrite(v, PolicyRig.SCTLR_MCI);
        assertThat(tvm(v)).isFalse();
        long pa0 = r.vm.backingPa(RAM_IPA), pa7 = r.vm.backingPa(RAM_IPA + 0x7000);
        r.civacLines.clear();

        v.init(VcpuInit.at(RAM_IPA, 0));

        assertThat(tvm(v)).isTrue();
        assertThat(r.vm.mappingCount()).isZero();
        assertThat(r.m.stage2Walker(r.vm, 0).translate(RAM_IPA, Mmu.LOAD, 1)).isEqualTo(Mmu.FAULT);
        assertThat(r.m.stage2Walker(r.vm, 0).translate(RAM_IPA + 0x7000, Mmu.LOAD, 1)).isEqualTo(Mmu.FAULT);
        List<Long> expected = new ArrayList<>(PolicyRig.linesOf(pa0, PAGE));
        expected.addAll(PolicyRig.linesOf(pa7, PAGE));
        assertThat(r.civacLines.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(r.vm.backedPages()).isEqualTo(2); // the memory stays; only stage 2 forgets it
    }

    @Test
    void reinit_kvm2014_keepsHcrAndMappings() {
        PolicyRig r = new PolicyRig(Policies.KVM_2014, 1, 1L << 20, false);
        KvmVcpu v = r.vcpu(0);
        r.dataFault(v, RAM_IPA, true);
        r.trappedSctlrWrite(v, PolicyRig.SCTLR_MCI);
        v.init(VcpuInit.at(RAM_IPA, 0));
        assertThat(tvm(v)).isFalse(); // HCR_EL2 was set at creation only: the rebooted guest is not trapped
        assertThat(r.vm.mappingCount()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"kvm-2014", "kvm-2015"})
    void swapOut_cleansTheUnmappedPageFrom2015On(String name) {
        PolicyRig r = new PolicyRig(Policies.byName(name), 1, 1L << 20, false);
        KvmVcpu v = r.vcpu(0);
        v.writeSysRegById(org.cachevisor.machine.SysRegs.SCTLR_EL1, PolicyRig.SCTLR_MCI); // no fault-time clean
        r.dataFault(v, RAM_IPA + 0x2000, true);
        long pa = r.vm.backingPa(RAM_IPA + 0x2000);
        assertThat(r.civacLines).isEmpty();

        r.vm.swapOut(RAM_IPA + 0x2000, 1);

        if (name.equals("kvm-2014")) assertThat(r.civacLines).isEmpty();
        else assertThat(r.civacLines.keySet()).containsExactlyInAnyOrderElementsOf(PolicyRig.linesOf(pa, PAGE));
    }
}
