package org.cachevisor.vmm.run;

import java.util.List;
import org.cachevisor.hypervisor.api.MemorySlot;
import org.cachevisor.hypervisor.api.Vm;
import org.cachevisor.vmm.GuestMemoryPort;

/**
 * The DMA engine's view of guest memory: {@link Vm#pocMemory()} (at the Point of Coherency, bypassing
 * every cache, as a non-coherent bus master sees RAM), with {@link #contains} answered from the VM's
 * writable RAM memory slots. Read-only slots (the flash bank's ROM mapping) are not DMA targets: a device
 * would reach the flash through its registers, not as RAM.
 */
public final class PocMemoryPort implements GuestMemoryPort {
    private final Vm vm;

    /** A port over {@code vm}'s RAM slots. */
    public PocMemoryPort(Vm vm) {
        if (vm == null) throw new IllegalArgumentException("DMA memory port: VM must not be null");
        this.vm = vm;
    }

    /**
     * True if every byte of {@code [ipa, ipa + len)} lies in writable RAM slots (adjacent slots may share
     * the range). False for a negative or empty length and for a range that wraps around.
     */
    @Override
    public boolean contains(long ipa, long len) {
        if (len <= 0 || ipa < 0 || ipa + len < ipa) return false;
        List<MemorySlot> slots = vm.memorySlots();
        long cursorIpa = ipa, endIpa = ipa + len;
        while (cursorIpa < endIpa) {
            MemorySlot holder = null;
            for (MemorySlot s : slots) {
                if (!s.readOnly() && s.contains(cursorIpa)) { holder = s; break; }
            }
            if (holder == null) return false;
            cursorIpa = holder.ipaEnd();
        }
        return true;
    }

    @Override
    public void read(long ipa, byte[] dst, int off, int len) {
        requireContained(ipa, len);
        vm.pocMemory().read(ipa, dst, off, len);
    }

    @Override
    public void write(long ipa, byte[] src, int off, int len) {
        requireContained(ipa, len);
        vm.pocMemory().write(ipa, src, off, len);
    }

    private void requireContained(long ipa, int len) {
        if (!contains(ipa, len)) {
            throw new IllegalArgumentException(String.format("DMA memory port: [ipa 0x%x, +0x%x) is not inside the RAM slots of %s", ipa, len, vm.name()));
        }
    }
}
