package org.cachevisor.vmm.run;

import java.util.List;
import java.util.function.IntConsumer;
import org.cachevisor.hypervisor.api.Hypervisor;
import org.cachevisor.hypervisor.api.MemorySlot;
import org.cachevisor.hypervisor.api.Vcpu;
import org.cachevisor.hypervisor.api.VcpuInit;
import org.cachevisor.hypervisor.api.Vm;
import org.cachevisor.vmm.InterruptLine;
import org.cachevisor.vmm.VirtDevices;
import org.cachevisor.vmm.board.VirtBoard;
import org.cachevisor.vmm.devices.CfiFlash;
import org.cachevisor.vmm.devices.Pl031Rtc;
import org.cachevisor.vmm.fdt.VirtFdt;
import org.cachevisor.vmm.loader.LoadPlan;
import org.cachevisor.vmm.loader.Placement;

/**
 * A {@link VirtBoard} brought up on a {@link Hypervisor}, as QEMU's {@code -M virt} does under KVM: one VM,
 * its memory slots, its vCPUs, the VMM-side devices ({@link VirtDevices}) and the boot image loaded.
 *
 * <h2>Memory slots</h2>
 * <ul>
 *   <li>slot {@value #RAM_SLOT}: RAM, {@code [0x4000_0000, + ramSize)}, writable;</li>
 *   <li>slot {@value #FLASH_SLOT} (only with a {@link BootImage.Bios}): flash bank 0 from IPA 0, read-only
 *       (KVM_MEM_READONLY), as long as the firmware image rounded up to 4 KiB, backed by the image. Guest
 *       reads and fetches see the image; guest writes exit to the VMM as MMIO and reach the {@link CfiFlash}
 *       device. While the device is out of read-array mode (a CFI query, a status read...) the slot is
 *       removed so that reads exit to the device too, and restored when it returns to read-array mode
 *       (QEMU's memory_region_rom_device_set_romd). The rest of the bank is MMIO.</li>
 *   <li>slot {@value #FLASH1_SLOT} (with a {@link BootImage.Bios}, under a hypervisor with memory slots of
 *       its own, i.e. not bare): flash bank 1, the whole bank, read-only, switched the same way. Its contents
 *       are zeros (QEMU's bank without a drive), so the VMM writes nothing: the pages are allocated, zeroed,
 *       as the guest touches them. U-Boot reads its environment there (256 KiB, byte by byte, twice).</li>
 * </ul>
 *
 * <h2>Loading</h2>
 * Every placement of the {@link LoadPlan} is written through {@link Vm#memory()}, the VMM's cacheable
 * mapping, exactly as QEMU writes its ROM blobs into guest RAM under KVM: whatever cache maintenance the
 * guest then needs is the hypervisor's business (that is the seed's whole subject). The boot vCPU (id 0)
 * enters at the plan's PC with X0 from the plan; the others start powered off and wait for PSCI CPU_ON.
 *
 * <h2>Reset</h2>
 * {@link #reset()} is what QEMU does on a guest's PSCI SYSTEM_RESET: devices back to their reset state (new
 * instances), the images written again into RAM (QEMU's rom_reset), every vCPU re-initialised.
 *
 * <p>Simplification: the board has no interrupt controller yet (KVM's vGIC is not modelled by the
 * hypervisor); every device's interrupt line is {@link InterruptLine#NONE}, so guests must poll. No
 * memory access changes, so the oracle sees the same thing.
 *
 * <p>Virtual time for the RTC comes from {@link #advanceClock} (the run loop passes the instructions it
 * saw retire, one nanosecond each, as the machine's platform clock counts them), never the host clock.
 */
public final class VirtMachine {
    public static final int RAM_SLOT = 0, FLASH_SLOT = 1, FLASH1_SLOT = 2;

    private final Hypervisor hypervisor;
    private final VirtBoard board;
    private final BootImage image;
    private final LoadPlan plan;
    private final Vm vm;
    private final IntConsumer consoleTx;
    private final byte[] flashImage;
    /** Per flash bank: its read-only slot while in read-array mode, or null (the bank is MMIO only). */
    private final MemorySlot[] flashSlots = new MemorySlot[2];
    /** Per flash bank: the slot is currently added. */
    private final boolean[] flashSlotMapped = new boolean[2];
    private VirtDevices devices;
    private long clockNanos;
    private int resets;
    private long flashRemaps;

    private VirtMachine(Hypervisor hypervisor, VirtBoard board, BootImage image, LoadPlan plan, IntConsumer consoleTx, String vmName) {
        this.hypervisor = hypervisor;
        this.board = board;
        this.image = image;
        this.plan = plan;
        this.consoleTx = consoleTx;
        Placement bios = biosPlacement(plan);
        this.flashImage = bios == null ? null : bios.bytes();
        if (bios != null) {
            long size = (bios.bytes().length + MemorySlot.PAGE_SIZE - 1) & -MemorySlot.PAGE_SIZE;
            flashSlots[0] = new MemorySlot(FLASH_SLOT, VirtBoard.FLASH0_BASE, size, true);
            // Bare mode fixes its slots once a vCPU ran and its read-only slots are plain RAM (see BareMetal):
            // guest writes to the bank (CFI commands) would land in memory. Bank 1 stays MMIO there.
            if (!"bare".equals(hypervisor.name())) {
                flashSlots[1] = new MemorySlot(FLASH1_SLOT, VirtBoard.FLASH1_BASE, VirtBoard.FLASH_BANK_SIZE, true);
            }
        }
        this.vm = hypervisor.createVm(vmName);
        vm.setUserMemoryRegion(new MemorySlot(RAM_SLOT, board.ramBase(), board.ramSize(), false));
        for (int i = 0; i < board.vcpus(); i++) vm.createVcpu(i);
        this.devices = newDevices();
        for (int bank = 0; bank < 2; bank++) if (flashSlots[bank] != null) setFlashSlot(bank, true);
        // Once: a slot deleted and added again keeps its contents (see MemorySlot); bank 1's are zeros.
        if (flashImage != null) vm.memory().write(VirtBoard.FLASH0_BASE, flashImage, 0, flashImage.length);
        loadRam();
        initVcpus();
    }

    /**
     * Creates the VM on {@code hypervisor}, adds its slots and vCPUs, loads {@code image} and initialises the
     * vCPUs. The plan is computed (and every input checked) before the hypervisor is touched.
     *
     * @param consoleTx receives each byte the guest transmits on the PL011 (0..255)
     * @throws IllegalArgumentException for an image that is malformed or does not fit the board, or a board
     *     the hypervisor cannot host
     */
    public static VirtMachine create(Hypervisor hypervisor, VirtBoard board, BootImage image, IntConsumer consoleTx) {
        if (hypervisor == null || board == null || image == null || consoleTx == null) {
            throw new IllegalArgumentException("virt machine: hypervisor, board, image and console sink are required");
        }
        LoadPlan plan = image.plan(board);
        return new VirtMachine(hypervisor, board, image, plan, consoleTx, "virt");
    }

    private static Placement biosPlacement(LoadPlan plan) {
        for (Placement p : plan.placements()) {
            if (Long.compareUnsigned(p.ipa() - VirtBoard.FLASH0_BASE, VirtBoard.FLASH_BANK_SIZE) < 0) return p;
        }
        return null;
    }

    private VirtDevices newDevices() {
        return VirtDevices.create(board, new VirtDevices.Wiring(consoleTx, () -> clockNanos, new PocMemoryPort(vm), spi -> InterruptLine.NONE,
                flashImage, null, Pl031Rtc.DEFAULT_EPOCH_SECONDS));
    }

    /** Writes every RAM placement through the VMM's cacheable mapping. */
    private void loadRam() {
        for (Placement p : plan.placements()) {
            if (p.bytes() == flashImage) continue;
            vm.memory().write(p.ipa(), p.bytes(), 0, p.bytes().length);
        }
    }

    private void initVcpus() {
        List<Vcpu> vcpus = vm.vcpus();
        for (Vcpu v : vcpus) {
            v.init(v.id() == 0 ? VcpuInit.at(plan.entryPc(), plan.x0()) : VcpuInit.poweredOff());
        }
    }

    /** Adds ({@code mapped}) or deletes flash bank {@code bank}'s read-only slot. */
    private void setFlashSlot(int bank, boolean mapped) {
        MemorySlot slot = flashSlots[bank];
        vm.setUserMemoryRegion(mapped ? slot : new MemorySlot(slot.slot(), slot.ipaBase(), 0, true));
        flashSlotMapped[bank] = mapped;
    }

    /**
     * Called by the run loop after a guest write reached flash bank {@code bank} (0 or 1): maps the bank as
     * ROM while its device is in read-array mode, as MMIO otherwise.
     *
     * <p>As QEMU flips the ROM device's mode and keeps its RAM backing, the slot is deleted and added again
     * over the same backing (the hypervisor keeps a deleted slot's pages for its number): the image is not
     * written again. Bare mode fixes the slots once a vCPU has run (it refuses with IllegalStateException)
     * and keeps bank 0 mapped; its read-only slot is plain RAM anyway (see BareMetal), so guests there
     * cannot talk to bank 0's command interface at all.
     *
     * @throws IllegalArgumentException for a bank other than 0 and 1
     */
    public void flashWritten(int bank) {
        if (bank != 0 && bank != 1) throw new IllegalArgumentException("flash bank " + bank + " outside 0..1");
        if (flashSlots[bank] == null) return;
        boolean arrayMode = (bank == 0 ? devices.flash0() : devices.flash1()).readArrayMode();
        if (arrayMode == flashSlotMapped[bank]) return;
        try {
            setFlashSlot(bank, arrayMode);
            flashRemaps++;
        } catch (IllegalStateException fixedSlots) {
            // bare mode: slots are fixed once a vCPU ran (see above)
        }
    }

    /**
     * A system reset (PSCI SYSTEM_RESET): new devices in their reset state, flash bank 0 mapped as ROM, the
     * images written again into RAM, every vCPU re-initialised (vCPU 0 at the entry point, the others powered
     * off).
     */
    public void reset() {
        resets++;
        devices = newDevices();
        // Flash keeps its contents over a reset: the banks are mapped as ROM again, nothing is rewritten.
        for (int bank = 0; bank < 2; bank++) if (flashSlots[bank] != null && !flashSlotMapped[bank]) setFlashSlot(bank, true);
        loadRam();
        initVcpus();
    }

    /** Advances the devices' virtual clock by {@code nanos} (never backwards). */
    public void advanceClock(long nanos) {
        if (nanos > 0) clockNanos += nanos;
    }

    public Hypervisor hypervisor() { return hypervisor; }

    public VirtBoard board() { return board; }

    public BootImage image() { return image; }

    public LoadPlan plan() { return plan; }

    public Vm vm() { return vm; }

    /** The current devices (replaced by {@link #reset()}). */
    public VirtDevices devices() { return devices; }

    /** The DTB given to the guest, or one built for the board if the plan has none. */
    public byte[] dtb() {
        Placement p = plan.placement("dtb");
        return p != null ? p.bytes().clone() : VirtFdt.build(board, VirtFdt.Chosen.NONE);
    }

    /** True while flash bank 0 is mapped as a read-only slot (always false without a firmware image). */
    public boolean flashMapped() { return flashSlotMapped[0]; }

    /** True while flash bank 1 is mapped as a read-only slot. */
    public boolean flash1Mapped() { return flashSlotMapped[1]; }

    /** How many times a flash bank switched between ROM and MMIO mapping. */
    public long flashRemaps() { return flashRemaps; }

    /** System resets so far. */
    public int resets() { return resets; }

    /** The devices' virtual time in nanoseconds. */
    public long clockNanos() { return clockNanos; }
}
