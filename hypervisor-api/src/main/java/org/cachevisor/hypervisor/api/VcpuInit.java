package org.cachevisor.hypervisor.api;

/**
 * The arguments of a vCPU (re)initialisation: KVM_ARM_VCPU_INIT ({@code struct kvm_vcpu_init}, whose
 * only feature modelled is KVM_ARM_VCPU_POWER_OFF) followed by the KVM_SET_ONE_REG calls a VMM makes for
 * PC and X0 (QEMU: the boot PC and the DTB address in X0).
 *
 * @param pc       the first instruction's IPA
 * @param x0       X0 at entry (a Linux kernel's DTB address)
 * @param powerOff KVM_ARM_VCPU_POWER_OFF: the vCPU starts powered off and waits for a PSCI CPU_ON
 */
public record VcpuInit(long pc, long x0, boolean powerOff) {
    /** A powered-on vCPU entering at {@code pc} with {@code x0}. */
    public static VcpuInit at(long pc, long x0) { return new VcpuInit(pc, x0, false); }

    /** A secondary vCPU that waits, powered off, for PSCI CPU_ON. */
    public static VcpuInit poweredOff() { return new VcpuInit(0, 0, true); }
}
