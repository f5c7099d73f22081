package org.cachevisor.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.cachevisor.hypervisor.PolicyRig.RAM_IPA;

import java.util.List;
import org.cachevisor.hypervisor.api.VcpuInit;
import org.cachevisor.machine.Pe;
import org.cachevisor.machine.Platform;
import org.cachevisor.machine.mmu.Mmu;
import org.cachevisor.machine.mmu.Tlb;
import org.cachevisor.machine.mmu.TranslationContext;
import org.cachevisor.memsys.AccessKind;
import org.cachevisor.memsys.Attrs;
import org.cachevisor.memsys.MemConfig;
import org.cachevisor.memsys.MemorySystem;
import org.junit.jupiter.api.Test;

/** The fwb policy on its own, and the policy registry. */
class FwbAndRegistryTest {
    @Test
    void fwb_everyHookExercised_noDcacheMaintenanceAtAll() {
        PolicyRig r = new PolicyRig(Policies.FWB, 2, 4L << 20, true);
        KvmVcpu v = r.vcpu(0);
        assertThat(v.hcr() & Pe.HCR_FWB).isNotZero();
        assertThat(v.hcr() & (Pe.HCR_TVM | Pe.HCR_DC)).isZero();
        r.dataFault(v, RAM_IPA + 0x10, true);           // a block
        r.execFault(r.vcpu(1), RAM_IPA + 0x4000, true); // permission fault on it: I-cache only
        r.trappedSetWay(v);
        r.trappedSetWay(r.vcpu(1));
        v.writeSysRegById(org.cachevisor.machine.SysRegs.SCTLR_EL1, PolicyRig.SCTLR_MCI);
        r.vm.unmapPage(0, RAM_IPA);
        v.init(VcpuInit.at(RAM_IPA, 0));

        Costs c = r.costs();
        assertThat(c.dcacheCmoOps()).isZero();
        assertThat(c.dcacheCmoLines()).isZero();
        assertThat(r.civacLines).isEmpty();
        assertThat(c.vmFlushes()).isZero();
        assertThat(c.cmoLines(Costs.Cmo.IC_IVAU)).isEqualTo((2L << 20) / 64); // the exec fault, whole block
        assertThat(c.cmoOps(Costs.Cmo.IC_IALLU)).isEqualTo(1); // the re-init
        assertThat(c.traps(Costs.Trap.SET_WAY)).isEqualTo(2);
        assertThat(v.requireFlush().isEmpty()).isTrue();
    }

    @Test
    void fwbMapping_carriesMemAttr0110_andTheMmuForcesWriteBackWithStage1Off() {
        PolicyRig r = new PolicyRig(Policies.FWB, 1, 1L << 20, false);
        r.dataFault(r.vcpu(0), RAM_IPA, true);
        long desc = r.m.mem.read(0, 0, AccessKind.LOAD, r.vm.stage2().leafDescriptorPa(0, RAM_IPA), 8, Attrs.HOST_WB);
        assertThat((desc >>> 2) & 0xF).isEqualTo(0b0110);
        assertThat(desc & (1L << 54)).isNotZero(); // data faults map non-executable

        // The machine's MMU, stage 1 off (data would be Device-nGnRnE), HCR_EL2.VM with and without FWB.
        for (boolean fwb : new boolean[] {false, true}) {
            Mmu mmu = new Mmu(r.m.mem, 0, new Tlb(), null);
            TranslationContext ctx = new TranslationContext();
            ctx.el2Enabled = true;
            ctx.hcrEl2 = TranslationContext.HCR_VM | (fwb ? TranslationContext.HCR_FWB : 0);
            ctx.vttbrEl2 = r.vm.stage2().vttbrEl2();
            ctx.vtcrEl2 = Stage2Tables.vtcrEl2(40);
            ctx.sctlrEl1 = 0;
            mmu.setContext(ctx);
            assertThat(mmu.translate(RAM_IPA + 8, Mmu.LOAD, 1)).isEqualTo(r.vm.backingPa(RAM_IPA) + 8);
            assertThat(Attrs.type(mmu.attrs())).isEqualTo(fwb ? Attrs.NORMAL_WB : Attrs.DEVICE);
        }
    }

    @Test
    void fwbPlatform_needsIdc_otherPoliciesKeepTheConfig() {
        MemConfig base = MemConfig.defaults();
        MemConfig fwb = Policies.FWB.platformConfig(base);
        assertThat(fwb.idc()).isTrue();
        assertThat(fwb.withPeCount(2)).isEqualTo(new MemConfig(2, 64, base.l1d(), base.l1i(), base.l2(), true, false, 64, 40));
        for (Policy p : Policies.ALL) if (p != Policies.FWB) assertThat(p.platformConfig(base)).isSameAs(base);

        MemorySystem mem = new MemorySystem(base);
        mem.map().addRam("ram", TestMachine.RAM_PA, TestMachine.RAM_SIZE);
        Platform platform = new Platform(mem);
        assertThatThrownBy(() -> new KvmHypervisor(platform, TestMachine.HOST_PA, TestMachine.HOST_SIZE, Policies.FWB))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("policy fwb needs");
    }

    @Test
    void byName_sevenNamesInMissionColumnOrder() {
        List<String> mission = List.of("none", "dc-bit", "at-par", "kvm-2014", "kvm-2015", "kvm-2017", "fwb");
        assertThat(Policies.names()).isEqualTo(mission);
        for (int i = 0; i < mission.size(); i++) {
            assertThat(Policies.byName(mission.get(i))).isSameAs(Policies.ALL.get(i));
            assertThat(Policies.ALL.get(i).name()).isEqualTo(mission.get(i));
            assertThat(Policies.ALL.get(i).toString()).isEqualTo(mission.get(i));
        }
        assertThat(Policies.KVM_2014.name()).isEqualTo("kvm-2014");
    }

    @Test
    void byName_unknownOrNull_throwsListingTheValidNames() {
        for (String bad : new String[] {"kvm-1999", "KVM-2014", "", null}) {
            assertThatThrownBy(() -> Policies.byName(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unknown policy '" + bad + "'")
                    .hasMessageContaining("none, dc-bit, at-par, kvm-2014, kvm-2015, kvm-2017, fwb");
        }
    }
}
