/**
 * The KVM-like boundary between a VMM and the hypervisor: what QEMU sees of Linux KVM on arm64, and
 * nothing else. Interfaces and records only; the VMM depends on this package, never on the
 * hypervisor's implementation (architecture.md: {@code vmm -> hypervisor-api}).
 *
 * <table>
 *   <caption>KVM ioctls and their counterparts here</caption>
 *   <tr><th>KVM</th><th>here</th></tr>
 *   <tr><td>open("/dev/kvm"), KVM_CREATE_VM</td><td>{@link Hypervisor#createVm}</td></tr>
 *   <tr><td>KVM_SET_USER_MEMORY_REGION</td><td>{@link Vm#setUserMemoryRegion}</td></tr>
 *   <tr><td>KVM_CREATE_VCPU</td><td>{@link Vm#createVcpu}</td></tr>
 *   <tr><td>KVM_ARM_VCPU_INIT (+ KVM_SET_ONE_REG of PC, X0)</td><td>{@link Vcpu#init}</td></tr>
 *   <tr><td>KVM_RUN and {@code struct kvm_run}</td><td>{@link Vcpu#run} returning a {@link VcpuExit}</td></tr>
 *   <tr><td>run-&gt;mmio.data for an MMIO read</td><td>{@link Vcpu#completeMmioRead}</td></tr>
 *   <tr><td>KVM_GET_ONE_REG / KVM_SET_ONE_REG</td><td>{@link Vcpu#x}, {@link Vcpu#setX}, {@link Vcpu#pc}, ...</td></tr>
 *   <tr><td>KVM_GET_MP_STATE</td><td>{@link Vcpu#mpState}</td></tr>
 *   <tr><td>the VMM's mmap of a memslot's backing</td><td>{@link Vm#memory}</td></tr>
 * </table>
 *
 * <p>Addresses: {@code ipa} is a guest (intermediate) physical address, the only kind of address
 * that crosses this boundary.
 */
package org.cachevisor.hypervisor.api;
