package org.cachevisor.hypervisor;

/**
 * A stage-2 fault on RAM as a {@link Policy} sees it, after the backing page (or block) is known and
 * before it is mapped.
 *
 * @param ipa    the mapping's first IPA (page or block aligned)
 * @param hostPa the backing's first host PA
 * @param size   4 KiB or 2 MiB
 * @param va     FAR_EL2: the guest VA of the faulting access
 * @param write  the access was a write (ESR_EL2.WnR)
 * @param exec   the fault is an instruction abort (an execution fault)
 * @param permission the page was mapped already (a permission fault: an execution fault on a
 *                   non-executable mapping); false for a translation fault
 */
public record Stage2Fault(long ipa, long hostPa, long size, long va, boolean write, boolean exec, boolean permission) {}
