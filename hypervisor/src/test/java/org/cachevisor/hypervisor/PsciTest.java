package org.cachevisor.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import org.cachevisor.hypervisor.api.MpState;
import org.cachevisor.hypervisor.api.VcpuExit;
import org.cachevisor.hypervisor.api.VcpuInit;
import org.cachevisor.machine.Pe;
import org.cachevisor.machine.SysRegs;
import org.junit.jupiter.api.Test;

/** PSCI through trapped HVC #0 (function ids and return codes from Arm DEN 0022). */
class PsciTest {
    static final long HVC0 = (0x16L << 26) | (1L << 25);

    final TestMachine m = new TestMachine(Policies.NONE);
    final KvmVm vm = m.hyp.createVm("guest");
    final KvmVcpu boot = (KvmVcpu) vm.createVcpu(0);
    final KvmVcpu secondary = (KvmVcpu) vm.createVcpu(1);

    PsciTest() {
        boot.init(VcpuInit.at(0x4010_0000L, 0x4800_0000L));
        secondary.init(VcpuInit.poweredOff());
    }

    VcpuExit call(KvmVcpu v, long fid, long a1, long a2, long a3) {
        v.setX(0, fid);
        v.setX(1, a1);
        v.setX(2, a2);
        v.setX(3, a3);
        return v.handleTrap(null, HVC0);
    }

    @Test
    void version_is1_0() {
        assertThat(call(boot, 0x8400_0000L, 0, 0, 0)).isNull();
        assertThat(boot.x(0)).isEqualTo(0x1_0000L);
        assertThat(m.hyp.costs().traps(Costs.Trap.HVC)).isEqualTo(1);
    }

    @Test
    void features_ofImplementedAndUnimplementedFunctions() {
        call(boot, 0x8400_000AL, 0xC400_0003L, 0, 0);
        assertThat(boot.x(0)).isZero();
        call(boot, 0x8400_000AL, 0xC400_0001L, 0, 0); // CPU_SUSPEND: not offered
        assertThat(boot.x(0)).isEqualTo(-1);
    }

    @Test
    void cpuOn_poweredOffSecondary_resetsItAtTheEntryWithContextInX0() {
        secondary.setX(5, 99);
        assertThat(call(boot, 0xC400_0003L, 1, 0x4020_0000L, 0xCAFE)).isNull();
        assertThat(boot.x(0)).isZero();
        assertThat(secondary.mpState()).isEqualTo(MpState.RUNNABLE);
        assertThat(secondary.pc()).isEqualTo(0x4020_0000L);
        assertThat(secondary.x(0)).isEqualTo(0xCAFE);
        assertThat(secondary.x(5)).isZero();
        assertThat(secondary.sysRegById(SysRegs.SCTLR_EL1)).isEqualTo(0x00C5_0078L);

        call(boot, 0xC400_0003L, 1, 0x4020_0000L, 0);
        assertThat(boot.x(0)).isEqualTo(-4); // ALREADY_ON
        call(boot, 0xC400_0003L, 7, 0x4020_0000L, 0);
        assertThat(boot.x(0)).isEqualTo(-2); // INVALID_PARAMETERS: no such MPIDR
    }

    @Test
    void cpuOnSmc32_ignoresTheUpperHalvesOfItsArguments() {
        call(boot, 0x8400_0003L, 0xFFFF_FFFF_0000_0001L, 0x1_4020_0000L, 0);
        assertThat(boot.x(0)).isZero();
        assertThat(secondary.pc()).isEqualTo(0x4020_0000L);
    }

    @Test
    void affinityInfo_reportsOnAndOff() {
        call(boot, 0xC400_0004L, 1, 0, 0);
        assertThat(boot.x(0)).isEqualTo(1); // OFF
        call(boot, 0xC400_0004L, 0x8000_0000L, 0, 0);
        assertThat(boot.x(0)).isZero(); // ON (MPIDR with bit 31 set names vCPU 0)
    }

    @Test
    void cpuOff_stopsTheCaller() {
        call(boot, 0x8400_0002L, 0, 0, 0);
        assertThat(boot.mpState()).isEqualTo(MpState.STOPPED);
        assertThat(boot.run(10)).isEqualTo(new VcpuExit.Interrupted(VcpuExit.Interrupted.Reason.POWERED_OFF));
    }

    @Test
    void systemOffAndReset_exitWithTheSystemEventAndStopEveryVcpu() {
        call(boot, 0xC400_0003L, 1, 0x4020_0000L, 0);
        assertThat(call(boot, 0x8400_0008L, 0, 0, 0)).isEqualTo(new VcpuExit.SystemEvent(VcpuExit.SystemEvent.Type.SHUTDOWN));
        assertThat(boot.mpState()).isEqualTo(MpState.STOPPED);
        assertThat(secondary.mpState()).isEqualTo(MpState.STOPPED);
        assertThat(call(boot, 0x8400_0009L, 0, 0, 0)).isEqualTo(new VcpuExit.SystemEvent(VcpuExit.SystemEvent.Type.RESET));
    }

    @Test
    void unknownFunction_returnsNotSupported_andNonZeroImmediateIsAHypercallExit() {
        call(boot, 0x8600_0000L, 0, 0, 0);
        assertThat(boot.x(0)).isEqualTo(-1);
        boot.setX(0, 42);
        assertThat(boot.handleTrap(null, HVC0 | 7)).isEqualTo(new VcpuExit.Hypercall(7, 42, 0, 0, 0));
    }

    @Test
    void reinit_afterUse_restoresTheArchitectedResetState() {
        boot.setX(7, 123);
        boot.writeSysRegById(SysRegs.SCTLR_EL1, 0x30D0_1805L);
        boot.setHcr(0);
        boot.init(VcpuInit.at(0x4000_0000L, 0x4400_0000L));
        assertThat(boot.pc()).isEqualTo(0x4000_0000L);
        assertThat(boot.x(0)).isEqualTo(0x4400_0000L);
        assertThat(boot.x(7)).isZero();
        assertThat(boot.sysRegById(SysRegs.SCTLR_EL1)).isEqualTo(0x00C5_0078L);
        assertThat(boot.pstate()).isEqualTo(0x3C5L);
        assertThat(boot.hcr()).isEqualTo(KvmVcpu.BASE_HCR);
        assertThat(boot.hcr() & (Pe.HCR_VM | Pe.HCR_TSW | Pe.HCR_TWI)).isEqualTo(Pe.HCR_VM | Pe.HCR_TSW | Pe.HCR_TWI);
        assertThat(boot.hcr() & Pe.HCR_TVM).isZero(); // none: no TVM
        assertThat(boot.mpState()).isEqualTo(MpState.RUNNABLE);
    }
}
