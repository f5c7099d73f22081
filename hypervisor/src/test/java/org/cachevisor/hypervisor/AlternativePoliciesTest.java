package org.cachevisor.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cachevisor.hypervisor.PolicyRig.RAM_IPA;

import org.cachevisor.hypervisor.api.VcpuInit;
import org.cachevisor.machine.Pe;
import org.cachevisor.machine.SysRegs;
import org.junit.jupiter.api.Test;

/** The seed's two rejected alternatives, dc-bit and at-par, each on its own (mission.md, "Policies"). */
class AlternativePoliciesTest {
    static final long TABLE_IPA = RAM_IPA + 0x10_0000, DATA_IPA = RAM_IPA + 0x20_0000;
    /** TCR_EL1: T0SZ = 25 (start at level 1), IRGN0 = ORGN0 = WB, SH0 = Inner, TG0 = 4 KiB, EPD1, IPS = 40 bits. */
    static final long TCR = 25 | (1L << 8) | (1L << 10) | (3L << 12) | (1L << 23) | (2L << 32);

    /**
     * A stage-1 level-1 table at {@code tableIpa} with one 1 GiB block descriptor identity-mapping
     * [0x4000_0000, 0x8000_0000) with MAIR index {@code attrIndx}: OA | AF | SH = Inner | AttrIndx | block
     * (Arm ARM D8.3, VMSAv8-64 block descriptor). Written through the VMM mapping and cleaned to the PoC.
     */
    static void identityTable(KvmVm vm, long tableIpa, int attrIndx) {
        long desc = 0x4000_0000L | (1L << 10) | (3L << 8) | ((long) attrIndx << 2) | 0b01;
        vm.memory().writeWord(tableIpa + 8, 8, desc);
        vm.host().cleanInvalidatePoC(0, vm.backingPa(tableIpa), 4096);
    }

    // ---- dc-bit

    @Test
    void dcBitInit_setsDcAndTvm_andFaultsNeedNoDcacheCleanToPoc() {
        PolicyRig r = new PolicyRig(Policies.DC_BIT, 1, 1L << 20, false);
        KvmVcpu v = r.vcpu(0);
        assertThat(v.hcr() & (Pe.HCR_DC | Pe.HCR_TVM)).isEqualTo(Pe.HCR_DC | Pe.HCR_TVM);
        r.dataFault(v, RAM_IPA, true);
        assertThat(r.civacLines).isEmpty();
        assertThat(r.costs().cmoLines(Costs.Cmo.IC_IVAU)).isEqualTo(64); // the I-cache baseline stays
    }

    @Test
    void dcBitSctlrWrite_mmuOnCachesOff_clearsDcAndTvmAndFlushes_cachesOnDoesNotFlush() {
        PolicyRig r = new PolicyRig(Policies.DC_BIT, 2, 1L << 20, false);
        r.dataFault(r.vcpu(0), RAM_IPA, true);
        r.trappedSctlrWrite(r.vcpu(0), PolicyRig.SCTLR_C_ONLY); // M still 0: DC stays, nothing happens
        assertThat(r.vcpu(0).hcr() & Pe.HCR_DC).isNotZero();
        assertThat(r.costs().vmFlushes()).isZero();

        r.trappedSctlrWrite(r.vcpu(0), PolicyRig.SCTLR_M_ONLY); // M = 1, C = 0: data in the caches must reach RAM
        assertThat(r.vcpu(0).hcr() & (Pe.HCR_DC | Pe.HCR_TVM)).isZero();
        assertThat(r.costs().vmFlushes()).isEqualTo(1);
        assertThat(r.civacLines).hasSize(64);

        r.trappedSctlrWrite(r.vcpu(1), PolicyRig.SCTLR_MCI); // M = C = 1: cached data stay valid, no flush
        assertThat(r.vcpu(1).hcr() & (Pe.HCR_DC | Pe.HCR_TVM)).isZero();
        assertThat(r.costs().vmFlushes()).isEqualTo(1);

        r.vcpu(0).init(VcpuInit.at(RAM_IPA, 0)); // every init: DC again
        assertThat(r.vcpu(0).hcr() & (Pe.HCR_DC | Pe.HCR_TVM)).isEqualTo(Pe.HCR_DC | Pe.HCR_TVM);
    }

    // ---- at-par

    @Test
    void atParFault_mmuOff_cleansWithoutAnAtWalk() {
        PolicyRig r = new PolicyRig(Policies.AT_PAR, 1, 4L << 20, false);
        r.dataFault(r.vcpu(0), RAM_IPA + 0x5000, false);
        assertThat(r.civacLines.keySet()).containsExactlyInAnyOrderElementsOf(
                PolicyRig.linesOf(r.vm.backingPa(RAM_IPA + 0x5000), 4096));
        assertThat(r.costs().atWalks()).isZero();
        assertThat(r.vcpu(0).hcr() & Pe.HCR_TVM).isZero();
    }

    /** A fault on DATA_IPA by a running vCPU with its MMU on, stage 1 mapping it with MAIR attribute {@code attr}. */
    static PolicyRig atParFaultWithMmuOn(int mairAttr) {
        PolicyRig r = new PolicyRig(Policies.AT_PAR, 1, 4L << 20, false);
        KvmVcpu v = r.vcpu(0);
        r.dataFault(v, TABLE_IPA, false); // the stage-1 table page is mapped at stage 2 (MMU still off)
        identityTable(r.vm, TABLE_IPA, 0);
        v.writeSysRegById(SysRegs.MAIR_EL1, mairAttr);
        v.writeSysRegById(SysRegs.TCR_EL1, TCR);
        v.writeSysRegById(SysRegs.TTBR0_EL1, TABLE_IPA);
        v.writeSysRegById(SysRegs.SCTLR_EL1, PolicyRig.SCTLR_MCI);
        v.writeSysRegById(SysRegs.PAR_EL1, 0x1234_5000L); // the guest's own PAR_EL1 value
        r.civacLines.clear();
        r.m.hyp.loadVcpu(v);
        try {
            r.dataFault(v, DATA_IPA + 0x88, true);
        } finally {
            r.m.hyp.evict(v);
        }
        return r;
    }

    @Test
    void atParFault_stage1NormalWriteBack_noCleanOneAtWalkParRestored() {
        PolicyRig r = atParFaultWithMmuOn(0xFF);
        assertThat(r.civacLines).isEmpty();
        assertThat(r.costs().atWalks()).isEqualTo(1);
        assertThat(r.vcpu(0).sysRegById(SysRegs.PAR_EL1)).isEqualTo(0x1234_5000L);
    }

    @Test
    void atParFault_stage1NonCacheable_cleansThePage() {
        PolicyRig r = atParFaultWithMmuOn(0x44);
        assertThat(r.civacLines.keySet()).containsExactlyInAnyOrderElementsOf(
                PolicyRig.linesOf(r.vm.backingPa(DATA_IPA), 4096));
        assertThat(r.costs().atWalks()).isEqualTo(1);
        assertThat(r.vcpu(0).sysRegById(SysRegs.PAR_EL1)).isEqualTo(0x1234_5000L);
    }

    @Test
    void isNormalWriteBack_mairEncodings_onlyInnerAndOuterWriteBack() {
        // MAIR_EL1.Attr<n> (Arm ARM D19): 0xFF WB RW-alloc, 0xEE WB non-transient, 0x77 WB transient RW,
        // 0x44 Non-cacheable, 0xBB Write-Through, 0x00 Device-nGnRnE, 0x04 Device-nGnRE, 0x4F outer NC,
        // 0xF4 inner NC, 0x40 outer NC with inner 0000.
        assertThat(AtParPolicy.isNormalWriteBack(0xFF)).isTrue();
        assertThat(AtParPolicy.isNormalWriteBack(0xEE)).isTrue();
        assertThat(AtParPolicy.isNormalWriteBack(0x77)).isTrue();
        for (int attr : new int[] {0x44, 0xBB, 0x00, 0x04, 0x4F, 0xF4, 0x40}) {
            assertThat(AtParPolicy.isNormalWriteBack(attr)).as("attr 0x%02x", attr).isFalse();
        }
    }
}
