package org.cachevisor.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import org.cachevisor.hypervisor.api.VcpuExit;
import org.cachevisor.hypervisor.api.VcpuInit;
import org.cachevisor.machine.Pe;
import org.cachevisor.machine.SysRegs;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A real guest (assembled AArch64) that sets up an identity stage-1 map, turns its MMU and caches on,
 * then writes more VM registers: under the seed, the writes before the enable (and the enabling SCTLR_EL1
 * write itself) trap, none after; the guest sees its own values in every case.
 */
class Kvm2014GuestTest {
    static final long TABLE = 0x4010_0000L;

    static final String GUEST = """
                ldr x1, =0xFF
                msr mair_el1, x1
                ldr x1, =0x200803519
                msr tcr_el1, x1
                ldr x1, =0x40100000
                msr ttbr0_el1, x1
                isb
                ldr x2, =0x00C5107D
                msr sctlr_el1, x2
                isb
                mov x3, #0x77
                msr contextidr_el1, x3
                msr far_el1, x3
                ldr x6, =0x77FF
                msr mair_el1, x6
                msr sctlr_el1, x2
                ldr x4, =0x40100008
                ldr x5, [x4]
                ldr x0, =0x84000008
                hvc #0
                b .
                """;

    @ParameterizedTest
    @CsvSource({"kvm-2014, 4, 1", "kvm-2015, 4, 1", "none, 0, 0"})
    void guestEnablingCaches_vmRegisterTrapsStopAfterTheEnable(String policy, long expectedTraps, long expectedFlushes) {
        TestMachine m = new TestMachine(Policies.byName(policy));
        KvmVm vm = RunLoopTest.vmWithImage(m, GUEST);
        AlternativePoliciesTest.identityTable(vm, TABLE, 0);
        KvmVcpu v = (KvmVcpu) vm.createVcpu(0);
        v.init(VcpuInit.at(RunLoopTest.CODE, 0));

        VcpuExit exit = v.run(10_000);

        assertThat(exit).isEqualTo(new VcpuExit.SystemEvent(VcpuExit.SystemEvent.Type.SHUTDOWN));
        // Three writes before the enable + the enabling SCTLR_EL1 write; the four after it run untrapped.
        assertThat(m.hyp.costs().traps(Costs.Trap.VM_REGISTER)).isEqualTo(expectedTraps);
        assertThat(m.hyp.costs().vmFlushes()).isEqualTo(expectedFlushes);
        assertThat(v.hcr() & Pe.HCR_TVM).isZero();
        assertThat(v.sysRegById(SysRegs.SCTLR_EL1)).isEqualTo(0x00C5_107DL);
        assertThat(v.sysRegById(SysRegs.CONTEXTIDR_EL1)).isEqualTo(0x77);
        assertThat(v.sysRegById(SysRegs.FAR_EL1)).isEqualTo(0x77);
        assertThat(v.sysRegById(SysRegs.MAIR_EL1)).isEqualTo(0x77FFL);
        // The load through the MMU read the block descriptor the test wrote (the identity map worked).
        assertThat(v.x(5)).isEqualTo(0x4000_0000L | (1L << 10) | (3L << 8) | 0b01);
    }
}
