package org.cachevisor.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.cachevisor.hypervisor.api.GuestMemory;
import org.cachevisor.hypervisor.api.MemorySlot;
import org.cachevisor.memsys.MemorySystem;
import org.cachevisor.memsys.LineState;
import org.junit.jupiter.api.Test;

class HostMemoryTest {
    static final long IPA = 0x4000_0000L;

    @Test
    void allocator_lowestFirst_andAFreedPageIsHandedOutNext() {
        HostPageAllocator a = new HostPageAllocator(0x1000_0000L, 16 * 4096);
        assertThat(a.allocPage()).isEqualTo(0x1000_0000L);
        assertThat(a.allocPage()).isEqualTo(0x1000_1000L);
        assertThat(a.allocPage()).isEqualTo(0x1000_2000L);
        a.freePage(0x1000_1000L);
        assertThat(a.allocPage()).isEqualTo(0x1000_1000L);
        assertThat(a.pagesInUse()).isEqualTo(3);
        assertThatThrownBy(() -> a.freePage(0x1000_5000L)).hasMessageContaining("double free");
        assertThatThrownBy(() -> a.freePage(0x2000_0000L)).hasMessageContaining("not a page of host RAM");
    }

    @Test
    void allocator_exhausted_failsWithAClearMessage() {
        HostPageAllocator a = new HostPageAllocator(0, 2 * 4096);
        a.allocPage();
        a.allocPage();
        assertThatThrownBy(a::allocPage).isInstanceOf(IllegalStateException.class).hasMessageContaining("out of memory");
        assertThat(a.allocBlock()).isEqualTo(-1);
    }

    @Test
    void vmmWrite_toAnUnbackedPage_allocatesZeroesThroughTheHostMapAndLandsInTheVmmPesCache() {
        TestMachine m = new TestMachine(Policies.NONE);
        m.hyp.setVmmPe(1);
        KvmVm vm = m.hyp.createVm("g");
        vm.setUserMemoryRegion(new MemorySlot(0, IPA, 1L << 20, false));
        GuestMemory mem = vm.memory();
        mem.writeLong(IPA + 0x2008, 0x1122_3344_5566_7788L);
        long pa = vm.backingPa(IPA + 0x2000);
        assertThat(pa).isEqualTo(TestMachine.HOST_PA + 0x1000);
        assertThat(mem.readLong(IPA + 0x2008)).isEqualTo(0x1122_3344_5566_7788L);
        assertThat(m.mem.lineState(MemorySystem.l1dId(1), pa + 8)).isEqualTo(LineState.DIRTY);
        // The PoC view does not see what is still in the VMM's cache.
        assertThat(vm.pocMemory().readLong(IPA + 0x2008)).isNotEqualTo(0x1122_3344_5566_7788L);
        assertThatThrownBy(() -> mem.readLong(IPA + (1L << 20) - 4)).hasMessageContaining("leaves the RAM slots");
    }

    @Test
    void swapOutThenIn_keepsTheContentsAndUnmapsStage2() {
        List<String> calls = new ArrayList<>();
        TestMachine m = new TestMachine(TestMachine.recording(calls));
        KvmVm vm = m.hyp.createVm("g");
        vm.setUserMemoryRegion(new MemorySlot(0, IPA, 1L << 20, false));
        KvmVcpu v = (KvmVcpu) vm.createVcpu(0);
        v.init(org.cachevisor.hypervisor.api.VcpuInit.at(IPA, 0));
        vm.memory().writeLong(IPA + 0x10, 0xDEAD_BEEFL);
        vm.handleGuestAbort(v, Stage2FaultTest.dabt(true, 3, false, 0, true, false, 7), IPA + 0x10, Stage2FaultTest.hpfar(IPA));
        assertThat(vm.mappingCount()).isEqualTo(1);

        vm.swapOut(IPA, 1);
        assertThat(vm.swappedOut(IPA)).isTrue();
        assertThat(vm.backingPa(IPA)).isEqualTo(-1);
        assertThat(vm.mappingCount()).isZero();
        assertThat(calls).last().isEqualTo("unmap:0x40000000:0x1000");

        long newPa = vm.swapIn(IPA, 1);
        assertThat(vm.backingPa(IPA)).isEqualTo(newPa);
        assertThat(vm.memory().readLong(IPA + 0x10)).isEqualTo(0xDEAD_BEEFL);
        assertThatThrownBy(() -> vm.swapIn(IPA, 1)).hasMessageContaining("not swapped out");
    }

    @Test
    void pageRecycle_destroyedVmsPage_goesToTheNextVmWithoutCleaning() {
        TestMachine m = new TestMachine(Policies.NONE);
        KvmVm a = m.hyp.createVm("A");
        a.setUserMemoryRegion(new MemorySlot(0, IPA, 1L << 20, false));
        a.memory().writeLong(IPA, 0x5EC2E7L);
        long paA = a.backingPa(IPA);
        a.destroy();
        assertThat(a.destroyed()).isTrue();
        assertThat(m.hyp.allocator().pagesInUse()).isZero();
        // A's secret is still in the VMM PE's cache (destroy does not clean).
        assertThat(m.mem.lineState(MemorySystem.l1dId(0), paA)).isEqualTo(LineState.DIRTY);

        KvmVm b = m.hyp.createVm("B");
        b.setUserMemoryRegion(new MemorySlot(0, IPA, 1L << 20, false));
        assertThat(b.stage2().vmid()).isEqualTo(1); // A's VMID was freed
        b.memory().readLong(IPA);
        // Lowest-first allocation: B's root table takes the pool's first page again, B's first data page is A's old one.
        assertThat(b.backingPa(IPA)).isEqualTo(TestMachine.HOST_PA + 0x1000);
        assertThat(paA).isEqualTo(TestMachine.HOST_PA + 0x1000);
        assertThatThrownBy(() -> a.memory().readLong(IPA)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void setUserMemoryRegion_overlap_isRejectedAndReusingTheNumberElsewhereFreesThePages() {
        TestMachine m = new TestMachine(Policies.NONE);
        KvmVm vm = m.hyp.createVm("g");
        vm.setUserMemoryRegion(new MemorySlot(0, IPA, 1L << 20, false));
        assertThatThrownBy(() -> vm.setUserMemoryRegion(new MemorySlot(1, IPA + 0x8_0000, 1L << 20, false)))
                .hasMessageContaining("overlaps");
        vm.memory().writeInt(IPA, 1);
        int before = m.hyp.allocator().pagesInUse();
        vm.setUserMemoryRegion(new MemorySlot(0, IPA, 0, false));
        assertThat(vm.memorySlots()).isEmpty();
        assertThat(vm.backingPa(IPA)).isEqualTo(-1);
        // Deleted: out of the guest, but the VMM's memory is kept for the slot number ...
        assertThat(m.hyp.allocator().pagesInUse()).isEqualTo(before);
        // ... until the number is used for another range.
        vm.setUserMemoryRegion(new MemorySlot(0, IPA + (1L << 20), 1L << 20, false));
        assertThat(m.hyp.allocator().pagesInUse()).isEqualTo(before - 1);
        assertThat(vm.memory().readInt(IPA + (1L << 20))).isZero();
    }

    @Test
    void setUserMemoryRegion_deletedAndAddedAgain_keepsContentsAndUnmapsStage2() {
        TestMachine m = new TestMachine(Policies.NONE);
        KvmVm vm = m.hyp.createVm("g");
        vm.setUserMemoryRegion(new MemorySlot(3, IPA, 1L << 20, true));
        KvmVcpu v = (KvmVcpu) vm.createVcpu(0);
        v.init(org.cachevisor.hypervisor.api.VcpuInit.at(IPA, 0));
        vm.memory().writeInt(IPA + 0x2004, 0x1234_5678);
        long pa = vm.backingPa(IPA + 0x2000);
        assertThat(pa).isGreaterThanOrEqualTo(0);
        vm.handleGuestAbort(v, Stage2FaultTest.dabt(true, 2, false, 0, false, false, 7), IPA + 0x2004,
                Stage2FaultTest.hpfar(IPA + 0x2000));
        assertThat(vm.mappingCount()).isEqualTo(1);
        vm.setUserMemoryRegion(new MemorySlot(3, IPA, 0, true));
        assertThat(vm.mappingCount()).isZero();
        assertThat(vm.slotOf(IPA + 0x2000)).isNull();
        int pages = m.hyp.allocator().pagesInUse();
        vm.setUserMemoryRegion(new MemorySlot(3, IPA, 1L << 20, true));
        assertThat(vm.backingPa(IPA + 0x2000)).isEqualTo(pa);
        assertThat(vm.memory().readInt(IPA + 0x2004)).isEqualTo(0x1234_5678);
        assertThat(m.hyp.allocator().pagesInUse()).isEqualTo(pages);
        vm.destroy();
        assertThat(m.hyp.allocator().pagesInUse()).isLessThan(pages);
    }
}
