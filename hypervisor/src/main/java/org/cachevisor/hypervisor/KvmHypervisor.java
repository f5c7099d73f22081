package org.cachevisor.hypervisor;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.cachevisor.hypervisor.api.Hypervisor;
import org.cachevisor.hypervisor.api.Vcpu;
import org.cachevisor.hypervisor.api.Vm;
import org.cachevisor.machine.Pe;
import org.cachevisor.machine.Platform;
import org.cachevisor.machine.mmu.TlbDomain;
import org.cachevisor.machine.mmu.Tlbi;
import org.cachevisor.memsys.AddressMap;
import org.cachevisor.memsys.Agents;
import org.cachevisor.memsys.MemorySystem;

/**
 * The KVM/arm64-style hypervisor on a {@link Platform}: the host side of the machine.
 *
 * <h2>What it owns</h2>
 * <ul>
 *   <li>Host memory: a {@link HostPageAllocator} over one host RAM region of the platform's address
 *   map, from which guest pages and stage-2 tables come, and the {@link HostKernel} that zeroes and
 *   copies them through the cacheable linear mapping.</li>
 *   <li>VMs ({@link KvmVm}) with VMIDs 1..255 (0 stays the host's), the {@link Policy}, the
 *   {@link TrapTable}, the {@link Costs}.</li>
 *   <li>Scheduling: each vCPU is assigned a physical PE (initially {@code id % peCount}); {@link #migrate}
 *   moves it (a scheduling event a scenario requests); {@link Vcpu#run} loads it onto its PE for one
 *   quantum of virtual time (instructions), KVM's vcpu_load + guest entry.</li>
 * </ul>
 *
 * <h2>Where host work runs</h2>
 * The VMM's accesses to guest RAM run on {@link #vmmPe()}; the work of a stage-2 fault on the faulting
 * vCPU's PE; VM set-up (tables) and teardown on {@link #hostPe()}; scenario host actions name their PE.
 */
public final class KvmHypervisor implements Hypervisor {
    /** Default quantum: 10 000 instructions (10 us of virtual time). */
    public static final long DEFAULT_QUANTUM = 10_000;

    private final Platform platform;
    private final MemorySystem mem;
    private final Costs costs = new Costs();
    private final HostKernel host;
    private final HostPageAllocator allocator;
    private final Policy policy;
    private final TrapTable trapTable = TrapTable.standard();
    private final TlbDomain tlbs;
    private final BitSet vmids = new BitSet(256);
    private final List<KvmVm> vms = new ArrayList<>();
    private final KvmVcpu[] loadedOn;
    private final int vmmAgent, dmaAgent;
    private int nextVmId;
    private int vmmPe, hostPe;
    private long quantum = DEFAULT_QUANTUM;
    private boolean blockMappings;

    /**
     * A hypervisor on {@code platform} using host RAM {@code [hostRamPa, hostRamPa + hostRamSize)} (which
     * must lie inside one RAM region of the address map) and {@code policy}.
     *
     * @throws IllegalArgumentException for a null argument, a host RAM range that is not RAM, or a
     *     platform the policy cannot run on ({@link Policy#platformConfig} would change its config)
     */
    public KvmHypervisor(Platform platform, long hostRamPa, long hostRamSize, Policy policy) {
        if (platform == null || policy == null) throw new IllegalArgumentException("platform and policy must not be null");
        this.platform = platform;
        this.mem = platform.memory();
        AddressMap.Region r = mem.map().find(hostRamPa);
        if (r == null || r.kind() != AddressMap.Kind.RAM || hostRamSize <= 0 || hostRamPa + hostRamSize > r.endPa()) {
            throw new IllegalArgumentException(String.format("host RAM [0x%x, +0x%x) is not inside one RAM region of the address map",
                    hostRamPa, hostRamSize));
        }
        if (!policy.platformConfig(mem.config()).equals(mem.config())) {
            throw new IllegalArgumentException("policy " + policy.name() + " needs another platform configuration ("
                    + policy.platformConfig(mem.config()) + "); build the memory system with Policy.platformConfig");
        }
        this.allocator = new HostPageAllocator(hostRamPa, hostRamSize);
        this.policy = policy;
        this.tlbs = platform.tlbDomain();
        this.host = new HostKernel(mem, costs);
        this.vmmAgent = mem.agents().register(Agents.Kind.VMM, "vmm", Agents.HOST_DOMAIN);
        this.dmaAgent = mem.agents().register(Agents.Kind.DEVICE, "dma", Agents.HOST_DOMAIN);
        this.loadedOn = new KvmVcpu[platform.peCount()];
        vmids.set(0); // VMID 0 is the host's
    }

    @Override public String name() { return "kvm"; }

    public Platform platform() { return platform; }

    public MemorySystem memory() { return mem; }

    public int peCount() { return platform.peCount(); }

    public Costs costs() { return costs; }

    public HostKernel host() { return host; }

    public HostPageAllocator allocator() { return allocator; }

    public Policy policy() { return policy; }

    public TrapTable trapTable() { return trapTable; }

    public int vmmAgent() { return vmmAgent; }

    public int dmaAgent() { return dmaAgent; }

    public int vmmPe() { return vmmPe; }

    /** The PE the VMM's accesses to guest RAM run on. */
    public void setVmmPe(int pe) { checkPe(pe); vmmPe = pe; }

    public int hostPe() { return hostPe; }

    /** The PE VM set-up and teardown run on. */
    public void setHostPe(int pe) { checkPe(pe); hostPe = pe; }

    public long quantum() { return quantum; }

    /** The default instruction budget of {@link Vcpu#run()}. */
    public void setQuantum(long instructions) {
        if (instructions <= 0) throw new IllegalArgumentException("quantum must be > 0, got " + instructions);
        quantum = instructions;
    }

    public boolean blockMappings() { return blockMappings; }

    /** Map 2 MiB blocks where a whole aligned 2 MiB of a writable slot is unbacked at the fault (THP). */
    public void setBlockMappings(boolean on) { blockMappings = on; }

    void checkPe(int pe) {
        if (pe < 0 || pe >= platform.peCount()) throw new IllegalArgumentException("PE " + pe + " outside 0.." + (platform.peCount() - 1));
    }

    @Override
    public KvmVm createVm(String name) {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("VM name must not be empty");
        int vmid = vmids.nextClearBit(1);
        if (vmid > 255) throw new IllegalArgumentException("no free VMID: 255 VMs are alive");
        KvmVm vm = new KvmVm(this, nextVmId, name, vmid);
        vmids.set(vmid);
        nextVmId++;
        vms.add(vm);
        return vm;
    }

    /** The live VMs. */
    public List<Vm> vms() { return List.copyOf(vms); }

    void vmDestroyed(KvmVm vm) {
        vms.remove(vm);
        vmids.clear(vm.stage2().vmid());
        for (int i = 0; i < loadedOn.length; i++) if (loadedOn[i] != null && loadedOn[i].vm() == vm) evict(loadedOn[i]);
    }

    // =====================================================================================
    // Scheduling
    // =====================================================================================

    /**
     * Migrates {@code vcpu} to physical PE {@code pe}: its next {@link Vcpu#run} loads it there.
     *
     * @throws IllegalArgumentException for a PE outside the platform or a vCPU of another hypervisor
     */
    public void migrate(Vcpu vcpu, int pe) {
        checkPe(pe);
        if (!(vcpu instanceof KvmVcpu v) || v.vm().hypervisor() != this) {
            throw new IllegalArgumentException("vCPU " + vcpu + " does not belong to this hypervisor");
        }
        v.setPe(pe);
    }

    /**
     * KVM's vcpu_load on the vCPU's PE: the flush a trapped set/way op asked for (if this PE is marked),
     * then the vCPU's registers into the PE.
     */
    Pe loadVcpu(KvmVcpu v) {
        int pe = v.pe();
        if (v.testAndClearFlush(pe)) {
            costs.loadFlush();
            host.flushCacheAll(pe);
        }
        Pe p = platform.pe(pe);
        // Simplification: KVM restores the guest's EL1 context at every KVM_RUN (vcpu_load, __guest_enter)
        // and saves it at every exit (__guest_exit, vcpu_put). Between two runs of the same vCPU on the same
        // PE with no other vCPU in between, the PE still holds exactly those values (the vCPU's accessors
        // read and write through to it meanwhile), so we skip the copy: the guest and the host see the
        // same registers, only the Java work differs (no cycle cost is charged for either).
        if (loadedOn[pe] == v && v.residentPe() == p) return p;
        if (loadedOn[pe] != null) evict(loadedOn[pe]);
        if (v.residentPe() != null) evict(v);
        v.load(p);
        loadedOn[pe] = v;
        return p;
    }

    /** Saves a resident vCPU's context out of its PE (the PE is free for another vCPU). */
    void evict(KvmVcpu v) {
        Pe p = v.residentPe();
        if (p == null) return;
        v.save();
        if (loadedOn[p.index()] == v) loadedOn[p.index()] = null;
    }

    // =====================================================================================
    // TLB maintenance
    // =====================================================================================

    /**
     * KVM's __kvm_tlb_flush_vmid_ipa: TLBI IPAS2E1IS for the IPA, DSB, TLBI VMALLE1IS, for VMID {@code vmid}
     * (the second is needed because TLBs may hold combined stage 1+2 entries for the IPA).
     */
    void tlbFlushVmidIpa(int vmid, long ipa) {
        costs.tlbi();
        costs.tlbi();
        tlbs.invalidateAll(Tlbi.IPAS2E1, ipa >>> 12, vmid, 0xFF);
        tlbs.invalidateAll(Tlbi.VMALLE1, 0, vmid, 0xFF);
    }

    /** KVM's __kvm_tlb_flush_vmid: TLBI VMALLS12E1IS for VMID {@code vmid}. */
    void tlbFlushVmid(int vmid) {
        costs.tlbi();
        tlbs.invalidateAll(Tlbi.VMALLS12E1, 0, vmid, 0xFF);
    }
}
