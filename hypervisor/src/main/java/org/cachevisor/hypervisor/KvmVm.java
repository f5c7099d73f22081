package org.cachevisor.hypervisor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.cachevisor.hypervisor.api.GuestMemory;
import org.cachevisor.hypervisor.api.MemorySlot;
import org.cachevisor.hypervisor.api.Vcpu;
import org.cachevisor.hypervisor.api.VcpuExit;
import org.cachevisor.hypervisor.api.Vm;
import org.cachevisor.isa.Esr;
import org.cachevisor.memsys.AccessKind;
import org.cachevisor.memsys.Agents;
import org.cachevisor.memsys.Attrs;
import org.cachevisor.memsys.MemorySystem;

/**
 * A VM of the {@link KvmHypervisor}: memory slots, lazily allocated backing pages, its stage-2
 * tables and VMID, its vCPUs, the stage-2 fault handler ({@link #handleGuestAbort}, KVM's
 * {@code kvm_handle_guest_abort} / {@code user_mem_abort} / {@code io_mem_abort}), unmapping with TLB
 * invalidation, and the host actions a scenario can call (free, swap out, swap in a page).
 *
 * <p>Bookkeeping: {@code backing} maps each backed IPA page to its host page; {@code mappings} lists
 * what stage 2 maps (IPA base to host PA and size). The tables in simulated RAM
 * ({@link Stage2Tables}) are what the MMU walks; the maps are the host's own records of them, as
 * Linux keeps {@code struct page} and the memslot's rmap apart from the page tables.
 */
public final class KvmVm implements Vm {
    private final KvmHypervisor hyp;
    private final int id;
    private final String name;
    private final int domain;
    private final Stage2Tables stage2;
    private final TreeMap<Long, MemorySlot> slots = new TreeMap<>();
    private final List<KvmVcpu> vcpus = new ArrayList<>();
    private final TreeMap<Long, Long> backing = new TreeMap<>();
    /** IPA base -> {host PA, size}. */
    private final TreeMap<Long, long[]> mappings = new TreeMap<>();
    private final Map<Long, byte[]> swap = new HashMap<>();
    private final GuestMemory cacheable, poc;
    private boolean destroyed;

    KvmVm(KvmHypervisor hyp, int id, String name, int vmid) {
        this.hyp = hyp;
        this.id = id;
        this.name = name;
        this.domain = id + 1;
        this.stage2 = new Stage2Tables(hyp.host(), hyp.allocator(), vmid, hyp.hostPe());
        this.cacheable = new View(hyp.vmmPe(), hyp.vmmAgent(), Attrs.HOST_WB);
        this.poc = new View(-1, hyp.dmaAgent(), Attrs.NC);
    }

    @Override public int id() { return id; }

    @Override public String name() { return name; }

    public KvmHypervisor hypervisor() { return hyp; }

    public HostKernel host() { return hyp.host(); }

    public Stage2Tables stage2() { return stage2; }

    /** The VM's security domain for memory-system agents (the oracle tells leaks across domains). */
    public int domain() { return domain; }

    void checkAlive() {
        if (destroyed) throw new IllegalStateException("VM " + name + " was destroyed");
    }

    @Override public boolean destroyed() { return destroyed; }

    // =====================================================================================
    // Slots and vCPUs
    // =====================================================================================

    @Override
    public void setUserMemoryRegion(MemorySlot slot) {
        if (slot == null) throw new IllegalArgumentException("memory slot must not be null");
        checkAlive();
        MemorySlot old = null;
        for (MemorySlot s : slots.values()) if (s.slot() == slot.slot()) old = s;
        if (slot.size() != 0) {
            if (slot.ipaEnd() > (1L << Stage2Tables.IPA_BITS)) {
                throw new IllegalArgumentException(String.format("memory slot %d ends at ipa 0x%x, beyond the %d-bit IPA space",
                        slot.slot(), slot.ipaEnd(), Stage2Tables.IPA_BITS));
            }
            for (MemorySlot s : slots.values()) {
                if (s != old && s.overlaps(slot)) {
                    throw new IllegalArgumentException("memory slot " + slot + " overlaps " + s);
                }
            }
        }
        Retained kept = retained.remove(slot.slot());
        if (kept != null && (slot.size() == 0 || kept.ipaBase != slot.ipaBase() || kept.size != slot.size())) {
            for (long pa : kept.backing.values()) hyp.allocator().freePage(pa);
            kept = null;
        }
        if (old != null) {
            if (slot.size() == 0) retained.put(old.slot(), detachRange(hyp.hostPe(), old));
            else releaseRange(hyp.hostPe(), old.ipaBase(), old.size());
            slots.remove(old.ipaBase());
        }
        if (slot.size() != 0) {
            slots.put(slot.ipaBase(), slot);
            if (kept != null) {
                for (Map.Entry<Long, Long> e : kept.backing.entrySet()) backing.put(slot.ipaBase() + e.getKey(), e.getValue());
                for (Map.Entry<Long, byte[]> e : kept.swap.entrySet()) swap.put(slot.ipaBase() + e.getKey(), e.getValue());
            }
        }
    }

    /**
     * The backing of a deleted slot, kept under its slot number (see {@link MemorySlot}): page offsets in
     * the slot to host pages, and to swapped-out contents.
     *
     * <p>Simplification: in KVM the backing is the VMM's userspace mapping ({@code userspace_addr}), which
     * deleting a memslot leaves alone, so a slot added again over the same mapping (QEMU's ROM devices
     * leaving and re-entering ROMD mode, e.g. a CFI flash bank around a query) shows the same contents
     * without the VMM writing them again. The API has no userspace address: the same slot number with the
     * same base and size stands for "the same mapping"; any other use of the number frees the pages.
     */
    private record Retained(long ipaBase, long size, TreeMap<Long, Long> backing, Map<Long, byte[]> swap) {}

    /** Slot number -> the backing of that deleted slot. */
    private final Map<Integer, Retained> retained = new HashMap<>();

    /** Unmaps {@code old}'s range from stage 2 and takes its backing out of the VM's books, unfreed. */
    private Retained detachRange(int pe, MemorySlot old) {
        unmapRange(pe, old.ipaBase(), old.size());
        TreeMap<Long, Long> pages = new TreeMap<>();
        for (Map.Entry<Long, Long> e : backing.subMap(old.ipaBase(), old.ipaEnd()).entrySet()) {
            pages.put(e.getKey() - old.ipaBase(), e.getValue());
        }
        backing.subMap(old.ipaBase(), old.ipaEnd()).clear();
        Map<Long, byte[]> swapped = new HashMap<>();
        for (Iterator<Map.Entry<Long, byte[]>> it = swap.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, byte[]> e = it.next();
            if (old.contains(e.getKey())) {
                swapped.put(e.getKey() - old.ipaBase(), e.getValue());
                it.remove();
            }
        }
        return new Retained(old.ipaBase(), old.size(), pages, swapped);
    }

    @Override public List<MemorySlot> memorySlots() { return List.copyOf(slots.values()); }

    /** The RAM slot holding {@code ipa}, or null. */
    public MemorySlot slotOf(long ipa) {
        Map.Entry<Long, MemorySlot> e = slots.floorEntry(ipa);
        return e != null && e.getValue().contains(ipa) ? e.getValue() : null;
    }

    @Override
    public Vcpu createVcpu(int vcpuId) {
        checkAlive();
        if (vcpuId < 0 || vcpuId > 255) throw new IllegalArgumentException("vCPU id " + vcpuId + " outside 0..255");
        for (KvmVcpu v : vcpus) if (v.id() == vcpuId) throw new IllegalArgumentException("vCPU id " + vcpuId + " already exists in " + name);
        int agent = hyp.memory().agents().register(Agents.Kind.VCPU, name + "/vcpu" + vcpuId, domain);
        KvmVcpu v = new KvmVcpu(this, vcpuId, vcpuId % hyp.peCount(), agent);
        vcpus.add(v);
        vcpus.sort((a, b) -> Integer.compare(a.id(), b.id()));
        return v;
    }

    @Override public List<Vcpu> vcpus() { return List.copyOf(vcpus); }

    /** The vCPUs with their implementation type. */
    public List<KvmVcpu> kvmVcpus() { return Collections.unmodifiableList(vcpus); }

    @Override public GuestMemory memory() { return cacheable; }

    @Override public GuestMemory pocMemory() { return poc; }

    // =====================================================================================
    // Backing pages
    // =====================================================================================

    /** The host page backing {@code ipa}'s page, or -1 if none. */
    public long backingPa(long ipa) {
        Long pa = backing.get(ipa & -Stage2Tables.PAGE_SIZE);
        return pa == null ? -1 : pa;
    }

    /** Number of backed pages. */
    public int backedPages() { return backing.size(); }

    /**
     * The host page backing the page of {@code ipa} (which must be in a slot), allocating it on first
     * use: a fresh page zeroed through the host mapping on {@code pe}, or the swapped-out contents
     * copied back ({@link #swapIn}).
     */
    long ensureBacked(long ipa, int pe) {
        long pageIpa = ipa & -Stage2Tables.PAGE_SIZE;
        Long pa = backing.get(pageIpa);
        if (pa != null) return pa;
        if (swap.containsKey(pageIpa)) return swapIn(pageIpa, pe);
        long fresh = hyp.allocator().allocPage();
        host().zero(pe, fresh, Stage2Tables.PAGE_SIZE);
        backing.put(pageIpa, fresh);
        return fresh;
    }

    // =====================================================================================
    // The stage-2 fault handler
    // =====================================================================================

    /**
     * Handles a data or instruction abort from the guest taken to EL2 (ESR_EL2.EC 0x24 / 0x20), KVM's
     * kvm_handle_guest_abort:
     * <ul>
     *   <li>In a RAM slot (and not a write to a read-only slot): back the page (allocate + zero through
     *   the host mapping, or swap in), let the {@link Policy} maintain the caches, map it (a 2 MiB block
     *   when block mappings are on and the whole aligned 2 MiB lies in the slot, unbacked), resume.</li>
     *   <li>Otherwise, a data abort with ESR_EL2.ISV = 1: an {@link VcpuExit.Mmio} exit decoded from
     *   SAS/SSE/SRT/SF/WnR, the IPA from HPFAR_EL2 and FAR_EL2's page offset.</li>
     *   <li>Otherwise (ISV = 0, or an instruction fetch outside RAM): a synchronous external abort
     *   injected into the guest (KVM's kvm_inject_dabt / kvm_inject_pabt).</li>
     * </ul>
     *
     * @return the exit for the VMM, or null to resume the guest
     */
    public VcpuExit handleGuestAbort(KvmVcpu vcpu, long esr, long farEl2, long hpfarEl2) {
        int ec = Esr.ec(esr);
        if (ec != Esr.EC_DABT_LOWER && ec != Esr.EC_IABT_LOWER) {
            throw new IllegalArgumentException("not a stage-2 abort: ESR_EL2 EC " + Esr.ecName(ec));
        }
        boolean exec = ec == Esr.EC_IABT_LOWER;
        long iss = Esr.iss(esr);
        boolean cm = !exec && (iss & (1 << 8)) != 0;
        boolean write = !exec && (iss & (1 << 6)) != 0 && !cm;
        long ipa = ((hpfarEl2 >>> 4) << 12) | (farEl2 & 0xFFF);
        Costs costs = hyp.costs();
        costs.trap(exec ? Costs.Trap.INSTRUCTION_ABORT : Costs.Trap.DATA_ABORT);
        MemorySlot slot = slotOf(ipa);
        if (slot != null && !(write && slot.readOnly())) {
            costs.stage2Fault();
            mapRam(vcpu, slot, ipa, farEl2, write, exec);
            return null;
        }
        // KVM: a cache maintenance instruction on an MMIO address is skipped (kvm_handle_guest_abort).
        if (cm) {
            vcpu.setPc(vcpu.pc() + 4);
            return null;
        }
        boolean isv = !exec && (iss & (1 << 24)) != 0;
        if (!isv) {
            if (exec) vcpu.injectInstructionAbort(farEl2);
            else vcpu.injectDataAbort(farEl2);
            return null;
        }
        int size = 1 << ((iss >>> 22) & 3);
        boolean sse = (iss & (1 << 21)) != 0;
        int srt = (int) (iss >>> 16) & 31;
        boolean sf = (iss & (1 << 15)) != 0;
        long data = 0;
        if (write) {
            data = vcpu.x(srt);
            if (size < 8) data &= (1L << (size * 8)) - 1;
        }
        costs.mmioExit();
        return vcpu.startMmio(new VcpuExit.Mmio(ipa, size, write, data, srt, sse, sf), farEl2);
    }

    private void mapRam(KvmVcpu vcpu, MemorySlot slot, long ipa, long va, boolean write, boolean exec) {
        int pe = vcpu.pe();
        Policy policy = hyp.policy();
        long baseIpa = ipa & -Stage2Tables.PAGE_SIZE, size = Stage2Tables.PAGE_SIZE, pa = -1;
        boolean permission = false;
        Map.Entry<Long, long[]> existing = mappings.floorEntry(ipa);
        if (existing != null && ipa - existing.getKey() < existing.getValue()[1]) {
            // A permission fault on a present mapping (an execution fault on an XN page): remap it executable
            // (break-before-make: clear, TLBI, then the new entry).
            permission = true;
            baseIpa = existing.getKey();
            pa = existing.getValue()[0];
            size = existing.getValue()[1];
            unmapMapping(pe, baseIpa, false);
        } else if (hyp.blockMappings() && !slot.readOnly()) {
            long blockIpa = ipa & -Stage2Tables.BLOCK_SIZE;
            if (slot.contains(blockIpa) && slot.contains(blockIpa + Stage2Tables.BLOCK_SIZE - 1)
                    && backing.subMap(blockIpa, blockIpa + Stage2Tables.BLOCK_SIZE).isEmpty()
                    && mappings.subMap(blockIpa, blockIpa + Stage2Tables.BLOCK_SIZE).isEmpty()) {
                long blockPa = hyp.allocator().allocBlock();
                if (blockPa >= 0) {
                    host().zero(pe, blockPa, Stage2Tables.BLOCK_SIZE);
                    for (long off = 0; off < Stage2Tables.BLOCK_SIZE; off += Stage2Tables.PAGE_SIZE) {
                        backing.put(blockIpa + off, blockPa + off);
                    }
                    baseIpa = blockIpa;
                    pa = blockPa;
                    size = Stage2Tables.BLOCK_SIZE;
                }
            }
        }
        if (pa < 0) pa = ensureBacked(baseIpa, pe);
        Stage2Fault fault = new Stage2Fault(baseIpa, pa, size, va, write, exec, permission);
        if (exec) policy.onExecFault(vcpu, fault);
        policy.beforeStage2Map(vcpu, fault);
        boolean executable = exec || policy.mapExecutableOnDataFault();
        stage2.map(pe, baseIpa, pa, size, !slot.readOnly(), executable, policy.stage2MemAttr());
        mappings.put(baseIpa, new long[] {pa, size});
    }

    // =====================================================================================
    // Unmapping and host actions
    // =====================================================================================

    /** The mapping covering {@code ipa}: {IPA base, host PA, size}, or null. */
    public long[] mappingOf(long ipa) {
        Map.Entry<Long, long[]> e = mappings.floorEntry(ipa);
        if (e == null || ipa - e.getKey() >= e.getValue()[1]) return null;
        return new long[] {e.getKey(), e.getValue()[0], e.getValue()[1]};
    }

    /** Number of stage-2 leaf mappings. */
    public int mappingCount() { return mappings.size(); }

    /** Clears the leaf, invalidates the TLBs (KVM: kvm_tlb_flush_vmid_ipa), then calls the policy's unmap hook. */
    private void unmapMapping(int pe, long baseIpa, boolean notifyPolicy) {
        long[] m = mappings.remove(baseIpa);
        stage2.unmap(pe, baseIpa);
        hyp.tlbFlushVmidIpa(stage2.vmid(), baseIpa);
        if (notifyPolicy) hyp.policy().onStage2Unmap(this, pe, baseIpa, m[0], m[1]);
    }

    /** Unmaps the page (or the whole block) mapping {@code ipa}, if any: {@link #unmapRange} of one page. */
    public void unmapPage(int pe, long ipa) {
        unmapRange(pe, ipa & -Stage2Tables.PAGE_SIZE, Stage2Tables.PAGE_SIZE);
    }

    /**
     * Unmaps every stage-2 mapping that intersects {@code [ipa, ipa + size)} (whole blocks), with TLB
     * invalidation and the policy's unmap hook; host work on {@code pe}. Backing pages stay.
     */
    public void unmapRange(int pe, long ipa, long size) {
        hyp.checkPe(pe);
        List<Long> baseIpas = new ArrayList<>();
        // Mappings do not overlap: at most one starts below ipa and reaches into the range.
        Long from = mappings.floorKey(ipa);
        for (Map.Entry<Long, long[]> e : mappings.tailMap(from != null ? from : ipa, true).entrySet()) {
            if (e.getKey() >= ipa + size) break;
            if (ipa < e.getKey() + e.getValue()[1]) baseIpas.add(e.getKey());
        }
        for (long baseIpa : baseIpas) unmapMapping(pe, baseIpa, true);
    }

    /** Unmaps everything (KVM's stage2_unmap_vm), then TLBI VMALLS12E1IS. */
    public void unmapAll(int pe) {
        hyp.checkPe(pe);
        for (long baseIpa : new ArrayList<>(mappings.keySet())) unmapMapping(pe, baseIpa, true);
        hyp.tlbFlushVmid(stage2.vmid());
    }

    /**
     * KVM's stage2_flush_vm: memslot by memslot, walk the stage-2 tables in simulated RAM
     * ({@link Stage2Tables#forEachLeaf}) and clean and invalidate to the PoC (DC CIVAC), through the host
     * mapping on {@code pe}, every page and every whole block mapped there whose output is RAM (KVM skips
     * device PFNs: {@code kvm_is_device_pfn}); MMIO is never touched. Counted as one VM flush.
     */
    public void flushVm(int pe) {
        hyp.checkPe(pe);
        hyp.costs().vmFlush();
        org.cachevisor.memsys.AddressMap map = hyp.memory().map();
        for (MemorySlot slot : slots.values()) {
            stage2.forEachLeaf(pe, slot.ipaBase(), slot.ipaEnd(), (ipa, pa, size) -> {
                org.cachevisor.memsys.AddressMap.Region r = map.find(pa);
                if (r != null && r.kind() == org.cachevisor.memsys.AddressMap.Kind.RAM) host().cleanInvalidatePoC(pe, pa, size);
            });
        }
    }

    private void requirePage(long ipa) {
        if ((ipa & (Stage2Tables.PAGE_SIZE - 1)) != 0 || slotOf(ipa) == null) {
            throw new IllegalArgumentException(String.format("ipa 0x%x is not a page of a RAM slot of %s", ipa, name));
        }
        long[] m = mappingOf(ipa);
        if (m != null && m[2] != Stage2Tables.PAGE_SIZE) {
            throw new IllegalArgumentException(String.format("ipa 0x%x is mapped by a 2 MiB block (splitting is not modelled)", ipa));
        }
    }

    /**
     * Host action: the page at {@code ipa} is freed (e.g. the VMM discarded it): unmapped at stage 2
     * (policy hook), and its host page returned to the allocator without any cleaning: whatever the
     * caches hold of it stays there. The next guest access faults in a fresh zeroed page.
     */
    public void freePage(long ipa, int pe) {
        checkAlive();
        hyp.checkPe(pe);
        requirePage(ipa);
        if (mappingOf(ipa) != null) unmapMapping(pe, ipa, true);
        Long pa = backing.remove(ipa);
        if (pa != null) hyp.allocator().freePage(pa);
        swap.remove(ipa);
    }

    /**
     * Host action, reclaim / swap-out of the page at {@code ipa}, in Linux's order: unmap it at stage 2
     * (the MMU notifier; policy hook), read it through the host's cacheable mapping on {@code pe} into
     * the swap store (what the swap device receives), free the host page.
     *
     * @throws IllegalArgumentException if the page is not backed or is part of a block mapping
     */
    public void swapOut(long ipa, int pe) {
        checkAlive();
        hyp.checkPe(pe);
        requirePage(ipa);
        Long pa = backing.get(ipa);
        if (pa == null) throw new IllegalArgumentException(String.format("ipa 0x%x of %s is not backed: nothing to swap out", ipa, name));
        if (mappingOf(ipa) != null) unmapMapping(pe, ipa, true);
        byte[] data = new byte[(int) Stage2Tables.PAGE_SIZE];
        host().read(pe, pa, data, 0, data.length);
        swap.put(ipa, data);
        backing.remove(ipa);
        hyp.allocator().freePage(pa);
    }

    /** True if the page at {@code ipa} is in the swap store. */
    public boolean swappedOut(long ipa) { return swap.containsKey(ipa & -Stage2Tables.PAGE_SIZE); }

    /**
     * Host action, swap-in of the page at {@code ipa}: allocate a host page, zero it and copy the swapped
     * contents in, both through the host mapping on {@code pe}. Not mapped at stage 2 (the next guest
     * access faults it in). Returns the new host PA.
     *
     * @throws IllegalArgumentException if the page is not swapped out
     */
    public long swapIn(long ipa, int pe) {
        checkAlive();
        hyp.checkPe(pe);
        byte[] data = swap.get(ipa);
        if (data == null) throw new IllegalArgumentException(String.format("ipa 0x%x of %s is not swapped out", ipa, name));
        long pa = hyp.allocator().allocPage();
        host().zero(pe, pa, Stage2Tables.PAGE_SIZE);
        host().write(pe, pa, data, 0, data.length);
        swap.remove(ipa);
        backing.put(ipa, pa);
        return pa;
    }

    /** Unmaps and frees what lies in {@code [ipa, ipa + size)} (a slot being deleted or replaced). */
    private void releaseRange(int pe, long ipa, long size) {
        unmapRange(pe, ipa, size);
        for (long pageIpa : new ArrayList<>(backing.subMap(ipa, ipa + size).keySet())) {
            hyp.allocator().freePage(backing.remove(pageIpa));
        }
        swap.keySet().removeIf(pageIpa -> pageIpa >= ipa && pageIpa < ipa + size);
    }

    @Override
    public void destroy() {
        if (destroyed) return;
        int pe = hyp.hostPe();
        for (KvmVcpu v : vcpus) v.powerOff();
        unmapAll(pe);
        for (long pa : backing.values()) hyp.allocator().freePage(pa);
        backing.clear();
        for (Retained r : retained.values()) for (long pa : r.backing.values()) hyp.allocator().freePage(pa);
        retained.clear();
        swap.clear();
        stage2.freeTables();
        hyp.vmDestroyed(this);
        destroyed = true;
    }

    // =====================================================================================
    // The VMM's views of guest RAM
    // =====================================================================================

    /** Guest RAM through a host mapping (cacheable on the VMM's PE, or at the PoC with pe = -1). */
    private final class View implements GuestMemory {
        private final int pe, agent, attrs;

        View(int pe, int agent, int attrs) {
            this.pe = pe;
            this.agent = agent;
            this.attrs = attrs;
        }

        private void check(long ipa, long len) {
            checkAlive();
            if (len < 0) throw new IllegalArgumentException("negative length " + len);
            if (len == 0) return;
            for (long pageIpa = ipa & -Stage2Tables.PAGE_SIZE; pageIpa < ipa + len; pageIpa += Stage2Tables.PAGE_SIZE) {
                if (slotOf(pageIpa) == null) {
                    throw new IllegalArgumentException(String.format("guest memory access [0x%x, +0x%x) leaves the RAM slots of %s at ipa 0x%x",
                            ipa, len, name, Math.max(pageIpa, ipa)));
                }
            }
        }

        private int hostPe() { return pe < 0 ? hyp.vmmPe() : pe; }

        private void bytes(long ipa, byte[] buf, int off, int len, boolean write) {
            if (buf == null || off < 0 || len < 0 || off + len > buf.length) {
                throw new IllegalArgumentException("buffer range [" + off + ", +" + len + ") outside the array");
            }
            check(ipa, len);
            MemorySystem mem = hyp.memory();
            long chunkIpa = ipa;
            int i = off, end = off + len;
            while (i < end) {
                int n = (int) Math.min(end - i, Stage2Tables.PAGE_SIZE - (chunkIpa & (Stage2Tables.PAGE_SIZE - 1)));
                long pa = ensureBacked(chunkIpa, hostPe()) + (chunkIpa & (Stage2Tables.PAGE_SIZE - 1));
                if (write) mem.writeBytes(pe, agent, pa, buf, i, n, attrs);
                else mem.readBytes(pe, agent, pa, buf, i, n, attrs);
                chunkIpa += n;
                i += n;
            }
        }

        @Override public void read(long ipa, byte[] dst, int off, int len) { bytes(ipa, dst, off, len, false); }

        @Override public void write(long ipa, byte[] src, int off, int len) { bytes(ipa, src, off, len, true); }

        private static void checkSize(int size) {
            if (size != 1 && size != 2 && size != 4 && size != 8) throw new IllegalArgumentException("word size must be 1, 2, 4 or 8, got " + size);
        }

        @Override
        public long readWord(long ipa, int size) {
            checkSize(size);
            if (((ipa ^ (ipa + size - 1)) & -Stage2Tables.PAGE_SIZE) != 0) {
                byte[] b = new byte[size];
                read(ipa, b, 0, size);
                long v = 0;
                for (int k = size - 1; k >= 0; k--) v = (v << 8) | (b[k] & 0xFF);
                return v;
            }
            check(ipa, size);
            long pa = ensureBacked(ipa, hostPe()) + (ipa & (Stage2Tables.PAGE_SIZE - 1));
            return hyp.memory().read(pe, agent, AccessKind.LOAD, pa, size, attrs);
        }

        @Override
        public void writeWord(long ipa, int size, long value) {
            checkSize(size);
            if (((ipa ^ (ipa + size - 1)) & -Stage2Tables.PAGE_SIZE) != 0) {
                byte[] b = new byte[size];
                for (int k = 0; k < size; k++) b[k] = (byte) (value >>> (8 * k));
                write(ipa, b, 0, size);
                return;
            }
            check(ipa, size);
            long pa = ensureBacked(ipa, hostPe()) + (ipa & (Stage2Tables.PAGE_SIZE - 1));
            hyp.memory().write(pe, agent, AccessKind.STORE, pa, size, attrs, value);
        }
    }

    @Override public String toString() { return "VM " + name + " (id " + id + ", VMID " + stage2.vmid() + ")"; }
}
