package org.cachevisor.hypervisor.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ApiRecordsTest {
    @Test
    void kvmName_eachExit_namesTheKvmExitReasonItMirrors() {
        // Names from include/uapi/linux/kvm.h.
        assertThat(new VcpuExit.Mmio(0x900_0000L, 4, true, 0x41, 1, false, false).kvmName()).isEqualTo("KVM_EXIT_MMIO");
        assertThat(new VcpuExit.Hypercall(1, 0, 0, 0, 0).kvmName()).isEqualTo("KVM_EXIT_HYPERCALL");
        assertThat(new VcpuExit.SystemEvent(VcpuExit.SystemEvent.Type.RESET).kvmName()).isEqualTo("KVM_EXIT_SYSTEM_EVENT");
        assertThat(new VcpuExit.InternalError("x", 0).kvmName()).isEqualTo("KVM_EXIT_INTERNAL_ERROR");
        assertThat(new VcpuExit.Interrupted(VcpuExit.Interrupted.Reason.QUANTUM_EXPIRED).kvmName()).isEqualTo("KVM_EXIT_INTR");
    }

    @Test
    void mmio_badSizeOrRegister_isRejected() {
        assertThatThrownBy(() -> new VcpuExit.Mmio(0, 3, false, 0, 0, false, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("size");
        assertThatThrownBy(() -> new VcpuExit.Mmio(0, 4, false, 0, 32, false, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("register");
    }

    @Test
    void memorySlot_unalignedOrWrapping_isRejected() {
        assertThatThrownBy(() -> new MemorySlot(0, 0x4000_0800L, 0x1000, false)).hasMessageContaining("4 KiB aligned");
        assertThatThrownBy(() -> new MemorySlot(0, 0x4000_0000L, 0x800, false)).hasMessageContaining("multiple of 4 KiB");
        assertThatThrownBy(() -> new MemorySlot(0, 0x7FFF_FFFF_FFFF_F000L, 0x2000, false)).hasMessageContaining("wraps");
        assertThatThrownBy(() -> new MemorySlot(-1, 0, 0x1000, false)).hasMessageContaining(">= 0");
    }

    @Test
    void memorySlot_containsAndOverlaps_followTheHalfOpenRange() {
        MemorySlot a = new MemorySlot(0, 0x4000_0000L, 0x2000, false);
        assertThat(a.contains(0x4000_0000L)).isTrue();
        assertThat(a.contains(0x4000_1FFFL)).isTrue();
        assertThat(a.contains(0x4000_2000L)).isFalse();
        assertThat(a.contains(0x3FFF_FFFFL)).isFalse();
        assertThat(a.overlaps(new MemorySlot(1, 0x4000_2000L, 0x1000, false))).isFalse();
        assertThat(a.overlaps(new MemorySlot(1, 0x4000_1000L, 0x1000, false))).isTrue();
    }
}
