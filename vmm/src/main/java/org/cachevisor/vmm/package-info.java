/**
 * The VMM (the QEMU of Cachevisor), the parts that need no hypervisor:
 * <ul>
 *   <li>{@link org.cachevisor.vmm.board.VirtBoard}: the {@code virt} board's memory map and interrupts;</li>
 *   <li>{@link org.cachevisor.vmm.MmioBus} and the devices in {@code org.cachevisor.vmm.devices} (PL011 UART,
 *       PL031 RTC, CFI flash, the non-coherent test DMA engine, absent-device placeholders), assembled by
 *       {@link org.cachevisor.vmm.VirtDevices};</li>
 *   <li>{@code org.cachevisor.vmm.fdt}: the flattened-device-tree writer and the virt tree;</li>
 *   <li>{@code org.cachevisor.vmm.loader}: raw, ELF64, Linux arm64 Image and -bios loaders producing a
 *       {@link org.cachevisor.vmm.loader.LoadPlan}.</li>
 * </ul>
 * As QEMU sees only KVM, the VMM sees only the hypervisor API: it depends on {@code isa} (for the ELF
 * reader) and never on {@code memsys} or {@code machine}. What devices need from the outside is one of the
 * small interfaces here: {@link org.cachevisor.vmm.GuestMemoryPort} (guest RAM at the PoC, for DMA),
 * {@link org.cachevisor.vmm.InterruptLine} (a GIC SPI), {@link org.cachevisor.vmm.VirtualClock}.
 */
package org.cachevisor.vmm;
