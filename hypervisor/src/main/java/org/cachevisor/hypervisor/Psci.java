package org.cachevisor.hypervisor;

import org.cachevisor.hypervisor.api.MpState;
import org.cachevisor.hypervisor.api.VcpuExit;

/**
 * PSCI 1.0 (Arm DEN 0022, "Power State Coordination Interface") over the SMC Calling Convention
 * with the HVC conduit, as KVM's {@code kvm_psci_call}: the function id in W0 (SMC32 ids 0x84xxxxxx,
 * SMC64 ids 0xC4xxxxxx where the function has a 64-bit form), arguments in X1..X3, the result in X0.
 *
 * <p>Implemented: PSCI_VERSION (answers 1.0), CPU_OFF, CPU_ON, AFFINITY_INFO, MIGRATE_INFO_TYPE
 * (2: no Trusted OS), SYSTEM_OFF, SYSTEM_RESET, PSCI_FEATURES. Any other id in the PSCI range, and
 * any other SMCCC function, returns NOT_SUPPORTED (-1).
 */
public final class Psci {
    private Psci() {}

    public static final int VERSION = 0x8400_0000, CPU_SUSPEND_32 = 0x8400_0001, CPU_SUSPEND_64 = 0xC400_0001,
            CPU_OFF = 0x8400_0002, CPU_ON_32 = 0x8400_0003, CPU_ON_64 = 0xC400_0003,
            AFFINITY_INFO_32 = 0x8400_0004, AFFINITY_INFO_64 = 0xC400_0004, MIGRATE_INFO_TYPE = 0x8400_0006,
            SYSTEM_OFF = 0x8400_0008, SYSTEM_RESET = 0x8400_0009, FEATURES = 0x8400_000A;

    /** Return codes. */
    public static final long SUCCESS = 0, NOT_SUPPORTED = -1, INVALID_PARAMETERS = -2, DENIED = -3, ALREADY_ON = -4,
            ON_PENDING = -5, INTERNAL_FAILURE = -6, NOT_PRESENT = -7, DISABLED = -8;

    /** PSCI 1.0: major 1 in [31:16], minor 0. */
    public static final long VERSION_1_0 = 0x1_0000L;

    /** AFFINITY_INFO results. */
    public static final long AFFINITY_ON = 0, AFFINITY_OFF = 1;

    /**
     * Carries out the call whose function id is in the vCPU's W0; writes the result to X0 and
     * returns null, or returns the {@link VcpuExit.SystemEvent} of SYSTEM_OFF / SYSTEM_RESET (after
     * powering off every vCPU of the VM).
     */
    public static VcpuExit call(KvmVcpu vcpu) {
        int fid = (int) vcpu.x(0);
        // SMC32 functions take 32-bit arguments (SMCCC: the upper halves are ignored).
        boolean smc64 = (fid & 0x4000_0000) != 0;
        long a1 = smc64 ? vcpu.x(1) : vcpu.x(1) & 0xFFFF_FFFFL, a2 = smc64 ? vcpu.x(2) : vcpu.x(2) & 0xFFFF_FFFFL,
                a3 = smc64 ? vcpu.x(3) : vcpu.x(3) & 0xFFFF_FFFFL;
        long result;
        switch (fid) {
            case VERSION -> result = VERSION_1_0;
            case CPU_OFF -> {
                vcpu.powerOff();
                result = SUCCESS; // not seen by the guest: the vCPU does not return
            }
            case CPU_ON_32, CPU_ON_64 -> result = cpuOn(vcpu, a1, a2, a3);
            case AFFINITY_INFO_32, AFFINITY_INFO_64 -> {
                KvmVcpu target = byMpidr(vcpu.vm(), a1);
                if (target == null || a2 != 0) result = INVALID_PARAMETERS;
                else result = target.mpState() == MpState.STOPPED ? AFFINITY_OFF : AFFINITY_ON;
            }
            case MIGRATE_INFO_TYPE -> result = 2;
            case SYSTEM_OFF, SYSTEM_RESET -> {
                for (KvmVcpu v : vcpu.vm().kvmVcpus()) v.powerOff();
                return new VcpuExit.SystemEvent(fid == SYSTEM_OFF ? VcpuExit.SystemEvent.Type.SHUTDOWN
                        : VcpuExit.SystemEvent.Type.RESET);
            }
            case FEATURES -> result = features((int) a1);
            default -> result = NOT_SUPPORTED;
        }
        vcpu.setX(0, result);
        return null;
    }

    private static long features(int fid) {
        return switch (fid) {
            case VERSION, CPU_OFF, CPU_ON_32, CPU_ON_64, AFFINITY_INFO_32, AFFINITY_INFO_64, MIGRATE_INFO_TYPE,
                    SYSTEM_OFF, SYSTEM_RESET, FEATURES -> SUCCESS;
            default -> NOT_SUPPORTED;
        };
    }

    /** CPU_ON(target MPIDR, entry point, context id): the target resets and starts at the entry with X0 = context. */
    private static long cpuOn(KvmVcpu caller, long targetMpidr, long entry, long contextId) {
        KvmVcpu target = byMpidr(caller.vm(), targetMpidr);
        if (target == null) return INVALID_PARAMETERS;
        if (target.mpState() != MpState.STOPPED) return ALREADY_ON;
        target.powerOnAt(entry, contextId);
        return SUCCESS;
    }

    /** The vCPU whose MPIDR_EL1 affinity (Aff3..Aff0, bits [39:32] and [23:0]) is {@code mpidr}'s, or null. */
    static KvmVcpu byMpidr(KvmVm vm, long mpidr) {
        long aff = mpidr & 0xFF_00FF_FFFFL;
        for (KvmVcpu v : vm.kvmVcpus()) {
            if ((v.mpidr() & 0xFF_00FF_FFFFL) == aff) return v;
        }
        return null;
    }
}
