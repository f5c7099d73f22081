package org.cachevisor.vmm.run;

import java.util.ArrayList;
import java.util.List;
import org.cachevisor.hypervisor.api.GuestMemory;
import org.cachevisor.hypervisor.api.Hypervisor;
import org.cachevisor.hypervisor.api.MemorySlot;
import org.cachevisor.hypervisor.api.MpState;
import org.cachevisor.hypervisor.api.Vcpu;
import org.cachevisor.hypervisor.api.VcpuExit;
import org.cachevisor.hypervisor.api.VcpuInit;
import org.cachevisor.hypervisor.api.Vm;

/**
 * A real hypervisor seen through a wrapper that turns the guest's {@code HVC #0xBAD} into
 * KVM_EXIT_INTERNAL_ERROR (a correct hypervisor gives none to a correct guest, so tests of the run
 * loop's reaction need one on demand).
 */
final class FaultyHypervisor implements Hypervisor {
    static final int FAULT_IMMEDIATE = 0xBAD;
    static final long FAULT_ESR = 0x5A00_0BADL;

    private final Hypervisor real;

    FaultyHypervisor(Hypervisor real) { this.real = real; }

    @Override public String name() { return real.name() + "+faulty"; }

    @Override public Vm createVm(String name) { return new FaultyVm(real.createVm(name)); }

    private static final class FaultyVm implements Vm {
        private final Vm real;
        private final List<Vcpu> vcpus = new ArrayList<>();

        FaultyVm(Vm real) { this.real = real; }

        @Override public int id() { return real.id(); }
        @Override public String name() { return real.name(); }
        @Override public void setUserMemoryRegion(MemorySlot slot) { real.setUserMemoryRegion(slot); }
        @Override public List<MemorySlot> memorySlots() { return real.memorySlots(); }

        @Override
        public Vcpu createVcpu(int vcpuId) {
            Vcpu v = new FaultyVcpu(real.createVcpu(vcpuId));
            vcpus.add(v);
            return v;
        }

        @Override public List<Vcpu> vcpus() { return List.copyOf(vcpus); }
        @Override public GuestMemory memory() { return real.memory(); }
        @Override public GuestMemory pocMemory() { return real.pocMemory(); }
        @Override public void destroy() { real.destroy(); }
        @Override public boolean destroyed() { return real.destroyed(); }
    }

    private static final class FaultyVcpu implements Vcpu {
        private final Vcpu real;

        FaultyVcpu(Vcpu real) { this.real = real; }

        private static VcpuExit filter(VcpuExit e) {
            if (e instanceof VcpuExit.Hypercall h && h.immediate() == FAULT_IMMEDIATE) return new VcpuExit.InternalError("scripted fault", FAULT_ESR);
            return e;
        }

        @Override public int id() { return real.id(); }
        @Override public void init(VcpuInit init) { real.init(init); }
        @Override public boolean initialized() { return real.initialized(); }
        @Override public VcpuExit run(long maxInstructions) { return filter(real.run(maxInstructions)); }
        @Override public VcpuExit run() { return filter(real.run()); }
        @Override public void completeMmioRead(long value) { real.completeMmioRead(value); }
        @Override public void injectExternalDataAbort() { real.injectExternalDataAbort(); }
        @Override public long x(int n) { return real.x(n); }
        @Override public void setX(int n, long value) { real.setX(n, value); }
        @Override public long pc() { return real.pc(); }
        @Override public void setPc(long pc) { real.setPc(pc); }
        @Override public long pstate() { return real.pstate(); }
        @Override public long sysReg(int encoding) { return real.sysReg(encoding); }
        @Override public MpState mpState() { return real.mpState(); }
    }
}
