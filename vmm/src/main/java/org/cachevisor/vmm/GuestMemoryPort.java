package org.cachevisor.vmm;

/**
 * Guest memory as a bus-master device sees it: at the Point of Coherency, by IPA, bypassing every cache
 * (a non-coherent DMA master). The hypervisor implements it later; tests use a flat fake.
 *
 * <p>Contract: {@link #contains} says whether {@code [ipa, ipa + len)} is entirely guest RAM that a device
 * may read and write. {@link #read} and {@link #write} may be called only for ranges for which
 * {@code contains} is true; otherwise they throw {@link IllegalArgumentException} (a VMM bug, not a
 * guest event: devices check {@code contains} first and report a bad guest address as device status).
 *
 * <p>When the run loop arrives, the implementation is an adapter over hypervisor-api's
 * {@code Vm.pocMemory()}, with {@code contains} answered from the VM's RAM memory slots.
 */
public interface GuestMemoryPort {
    /** True if every byte of {@code [ipa, ipa + len)} is guest RAM reachable by a device. */
    boolean contains(long ipa, long len);

    /** Copies {@code len} bytes of guest memory at {@code ipa} into {@code dst[off..off+len)}. */
    void read(long ipa, byte[] dst, int off, int len);

    /** Copies {@code src[off..off+len)} into guest memory at {@code ipa}. */
    void write(long ipa, byte[] src, int off, int len);
}
