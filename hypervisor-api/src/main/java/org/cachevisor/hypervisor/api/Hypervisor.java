package org.cachevisor.hypervisor.api;

/**
 * The hypervisor as a VMM sees it: the {@code /dev/kvm} file descriptor.
 */
public interface Hypervisor {
    /** KVM_GET_API_VERSION: KVM has answered 12 since Linux 2.6.22; so does every implementation here. */
    int KVM_API_VERSION = 12;

    /** KVM_GET_API_VERSION. */
    default int apiVersion() { return KVM_API_VERSION; }

    /** A short name of the implementation (e.g. "kvm" or "bare"), for reports. */
    String name();

    /**
     * KVM_CREATE_VM: a VM with no memory slots and no vCPUs.
     *
     * @param name a readable name (reports name the VM's agents after it); not empty
     * @throws IllegalArgumentException for an empty name, or if this implementation cannot host
     *     another VM (e.g. the bare-metal one hosts exactly one)
     */
    Vm createVm(String name);
}
