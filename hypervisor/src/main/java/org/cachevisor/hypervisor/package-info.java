/**
 * A KVM/arm64-style hypervisor written against the simulated machine, implementing
 * {@link org.cachevisor.hypervisor.api}: host memory (a page allocator over a host RAM region, pages
 * zeroed through the host kernel's cacheable linear mapping), stage-2 tables in simulated RAM, the
 * stage-2 fault handler, trapped system registers and set/way operations, PSCI, vCPUs scheduled on
 * physical PEs with migration, and the hook points of the cache-maintenance {@link
 * org.cachevisor.hypervisor.Policy policies} with their {@link org.cachevisor.hypervisor.Costs costs}.
 *
 * <p>Start at {@link org.cachevisor.hypervisor.KvmHypervisor}; {@link org.cachevisor.hypervisor.BareMetal}
 * implements the same API without a hypervisor (the baseline).
 */
package org.cachevisor.hypervisor;
