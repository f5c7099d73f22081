package org.cachevisor.hypervisor.api;

/** KVM_GET_MP_STATE values a vCPU can be in (the KVM_MP_STATE_* names). */
public enum MpState {
    /** KVM_MP_STATE_RUNNABLE: powered on and not waiting. */
    RUNNABLE,
    /** KVM_MP_STATE_HALTED: in WFI, waiting for an interrupt. */
    HALTED,
    /** KVM_MP_STATE_STOPPED: powered off (PSCI CPU_OFF, KVM_ARM_VCPU_POWER_OFF, SYSTEM_OFF). */
    STOPPED
}
