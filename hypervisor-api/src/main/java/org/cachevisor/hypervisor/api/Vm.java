package org.cachevisor.hypervisor.api;

import java.util.List;

/** A virtual machine: the KVM VM file descriptor. */
public interface Vm {
    /** A small number unique among the hypervisor's live and past VMs (KVM: the VM's VMID owner). */
    int id();

    /** The name given to {@link Hypervisor#createVm}. */
    String name();

    /**
     * KVM_SET_USER_MEMORY_REGION: adds {@code slot}, replaces the slot with the same number (its
     * stage-2 mappings and backing pages are dropped first), or, with {@code size == 0}, deletes it
     * (stage 2 unmapped; the backing kept for the slot's number as {@link MemorySlot} explains).
     *
     * @throws IllegalArgumentException if the range overlaps another slot or exceeds the VM's IPA size;
     *     nothing changes then
     * @throws IllegalStateException if the VM was destroyed
     */
    void setUserMemoryRegion(MemorySlot slot);

    /** The current slots, by IPA. */
    List<MemorySlot> memorySlots();

    /**
     * KVM_CREATE_VCPU: vCPU {@code vcpuId} (its MPIDR_EL1.Aff0), uninitialised: call
     * {@link Vcpu#init} before {@link Vcpu#run}.
     *
     * @throws IllegalArgumentException if the id is negative, taken, or beyond the implementation's limit
     */
    Vcpu createVcpu(int vcpuId);

    /** The vCPUs created so far, by id. */
    List<Vcpu> vcpus();

    /** Guest RAM through the host's cacheable mapping, as the VMM's {@code mmap} of the memslots. */
    GuestMemory memory();

    /** Guest RAM at the Point of Coherency, as a non-coherent DMA master sees it (see {@link GuestMemory}). */
    GuestMemory pocMemory();

    /**
     * Destroys the VM (the last close of its file descriptor): unmaps stage 2, frees every backing
     * page to the host (without cleaning it: what is in the caches stays there) and the VMID.
     */
    void destroy();

    /** True after {@link #destroy}. */
    boolean destroyed();
}
