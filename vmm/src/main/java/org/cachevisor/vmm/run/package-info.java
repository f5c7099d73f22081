/**
 * The VMM on the hypervisor API: what QEMU's {@code -M virt -accel kvm} does in user space.
 * <ul>
 *   <li>{@link org.cachevisor.vmm.run.BootImage}: what to boot ({@code -bios}, {@code -kernel}, an ELF, a raw
 *       binary) and its {@link org.cachevisor.vmm.loader.LoadPlan} with the board's DTB;</li>
 *   <li>{@link org.cachevisor.vmm.run.VirtMachine}: the board brought up on a
 *       {@link org.cachevisor.hypervisor.api.Hypervisor}: VM, memory slots (RAM; flash bank 0 as a ROM slot
 *       switched to MMIO while the flash is in a command mode), vCPUs, devices, images written through the
 *       VMM's cacheable mapping, system reset;</li>
 *   <li>{@link org.cachevisor.vmm.run.RunLoop}: the one place that reacts to
 *       {@link org.cachevisor.hypervisor.api.VcpuExit}s, vCPUs round-robin in deterministic quanta;</li>
 *   <li>{@link org.cachevisor.vmm.run.PocMemoryPort}: the DMA engine's port onto
 *       {@link org.cachevisor.hypervisor.api.Vm#pocMemory()}.</li>
 * </ul>
 * Which hypervisor (the KVM model with a policy, or bare metal) and the coherence oracle are chosen by the
 * composition root ({@code cachevisor run} in the cli); nothing here imports them (ModuleBoundaryTest).
 */
package org.cachevisor.vmm.run;
