package org.cachevisor.hypervisor.api;

/**
 * One memory slot, as {@code struct kvm_userspace_memory_region} given to KVM_SET_USER_MEMORY_REGION:
 * the guest-physical range {@code [ipaBase, ipaBase + size)} is RAM backed by host memory.
 *
 * <p>KVM's {@code userspace_addr} (the VMM's mapping of the backing) has no counterpart: the backing
 * is anonymous host memory that the hypervisor allocates page by page on first use (a stage-2 fault or
 * a VMM access through {@link Vm#memory()}), and the VMM reaches it through {@link GuestMemory}.
 * As KVM leaves the VMM's memory alone when a memslot is deleted, deleting a slot ({@code size == 0})
 * removes it from the guest (accesses exit as MMIO) but keeps its backing: adding a slot with the same
 * number, base and size again brings the same contents back (QEMU's ROM devices leaving and re-entering
 * ROMD mode). Any other use of that number, or destroying the VM, frees the kept pages.
 *
 * @param slot     the slot number (KVM's {@code slot}); a later region with the same number replaces
 *                 this one, and {@code size == 0} deletes it
 * @param ipaBase  the first guest-physical address ({@code guest_phys_addr}), 4 KiB aligned
 * @param size     the length in bytes ({@code memory_size}), a multiple of 4 KiB, or 0 to delete
 * @param readOnly KVM_MEM_READONLY: guest writes are not performed but exit to the VMM as MMIO
 *                 writes ({@link VcpuExit.Mmio}); guest reads and fetches see the memory
 */
public record MemorySlot(int slot, long ipaBase, long size, boolean readOnly) {
    /** The page size of slots: 4 KiB. */
    public static final long PAGE_SIZE = 4096;

    /** @throws IllegalArgumentException for a negative slot, an unaligned base or size, or a range that wraps */
    public MemorySlot {
        if (slot < 0) throw new IllegalArgumentException("memory slot number must be >= 0, got " + slot);
        if (ipaBase < 0 || (ipaBase & (PAGE_SIZE - 1)) != 0) {
            throw new IllegalArgumentException(String.format("memory slot %d: ipa base 0x%x is not a 4 KiB aligned address", slot, ipaBase));
        }
        if (size < 0 || (size & (PAGE_SIZE - 1)) != 0) {
            throw new IllegalArgumentException(String.format("memory slot %d: size 0x%x is not a multiple of 4 KiB", slot, size));
        }
        if (ipaBase + size < ipaBase) {
            throw new IllegalArgumentException(String.format("memory slot %d: [0x%x, +0x%x) wraps around", slot, ipaBase, size));
        }
    }

    /** The first address after the slot. */
    public long ipaEnd() { return ipaBase + size; }

    /** True if {@code ipa} lies in the slot. */
    public boolean contains(long ipa) { return ipa - ipaBase >= 0 && ipa - ipaBase < size; }

    /** True if this slot and {@code o} share an address. */
    public boolean overlaps(MemorySlot o) { return ipaBase < o.ipaEnd() && o.ipaBase < ipaEnd(); }
}
