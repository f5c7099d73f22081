/**
 * The memory system of Cachevisor: physical memory and the address map ({@link
 * org.cachevisor.memsys.AddressMap}, sparse RAM, ROM/flash, MMIO windows), caches that hold data (per
 * PE an L1D and an L1I, a shared unified L2 = the PoU; RAM = the PoC), hardware coherency among the
 * PEs' cacheable accesses, cache maintenance (by PA, by set/way, DC ZVA, IC), the seeded {@link
 * org.cachevisor.memsys.Adversary} (speculative fills, evictions), and the event stream to {@link
 * org.cachevisor.memsys.MemoryObserver}s that the coherence oracle consumes.
 *
 * <p>Entry point: {@link org.cachevisor.memsys.MemorySystem}, configured by one {@link
 * org.cachevisor.memsys.MemConfig}. Line behaviour is the table {@link
 * org.cachevisor.memsys.LineTransitions}. Vocabulary (all ints, allocation-free): {@link
 * org.cachevisor.memsys.Attrs}, {@link org.cachevisor.memsys.AccessKind}, {@link
 * org.cachevisor.memsys.Source}, {@link org.cachevisor.memsys.LineState}, {@link
 * org.cachevisor.memsys.LineEvent}, {@link org.cachevisor.memsys.Maintenance}. JDK only.
 */
package org.cachevisor.memsys;
