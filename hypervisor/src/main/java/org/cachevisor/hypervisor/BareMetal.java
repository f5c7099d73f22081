package org.cachevisor.hypervisor;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.cachevisor.hypervisor.api.GuestMemory;
import org.cachevisor.hypervisor.api.Hypervisor;
import org.cachevisor.hypervisor.api.MemorySlot;
import org.cachevisor.hypervisor.api.MpState;
import org.cachevisor.hypervisor.api.Vcpu;
import org.cachevisor.hypervisor.api.VcpuExit;
import org.cachevisor.hypervisor.api.VcpuInit;
import org.cachevisor.hypervisor.api.Vm;
import org.cachevisor.isa.Esr;
import org.cachevisor.machine.Pe;
import org.cachevisor.machine.Platform;
import org.cachevisor.machine.RunStatus;
import org.cachevisor.machine.SysRegs;
import org.cachevisor.memsys.AccessKind;
import org.cachevisor.memsys.AddressMap;
import org.cachevisor.memsys.Agents;
import org.cachevisor.memsys.Attrs;
import org.cachevisor.memsys.BusError;
import org.cachevisor.memsys.MemorySystem;
import org.cachevisor.memsys.MmioHandler;

/**
 * The same API without a hypervisor: the baseline in which a correct guest must see no stale read.
 * The guest runs at EL1 and owns the machine: IPA = PA, no stage 2, no traps, vCPU {@code n} is PE
 * {@code n} for good (no scheduling, no migration). One VM per platform.
 *
 * <ul>
 *   <li>Memory slots are RAM regions of the platform's address map at PA = IPA (added if missing).</li>
 *   <li>Everything else in the physical address space is routed to the VMM as {@link VcpuExit.Mmio}
 *   exits: at the first run, every gap of the address map becomes an MMIO window whose handler stops
 *   the access (see "MMIO" below). Slots are therefore fixed once a vCPU has run.</li>
 *   <li>The loader's view ({@link Vm#memory()}) places data as a boot protocol requires: written, then
 *   cleaned and invalidated to the PoC (and invalidated from the I-caches), so nothing stale of it is
 *   left in any cache. {@link Vm#pocMemory()} reads and writes RAM directly.</li>
 *   <li>PSCI over HVC is answered by the platform's firmware, as QEMU does for a guest without EL2:
 *   the PE has an "EL2" attached with HCR_EL2 = 0 only so that HVC stops the PE.</li>
 * </ul>
 *
 * <h2>MMIO</h2>
 * Simplification: hardware performs a device access in one go; we abandon the guest instruction
 * when it reaches a device window (the window's handler throws a preallocated signal out of the PE,
 * before the PE changes any state for the instruction: the PC still points at it, its register is
 * not written), return the exit, and re-execute the instruction at the next run, when the handler
 * answers from the VMM's completed value (or, for a write, accepts it silently). The guest sees one
 * access with the device's value; the memory-event stream sees it once (the handler runs before the
 * event). The exit's {@code register}, {@code signExtend} and {@code sixtyFourBit} are not decoded
 * (0, false, size == 8): the PE itself extends the value into the register on re-execution.
 *
 * <p>When the VMM answers an exit with {@link Vcpu#injectExternalDataAbort}, the re-executed access
 * meets a {@link BusError} from the window instead of a value, and the PE takes the synchronous external
 * abort it takes for any bus error (ESR_EL1 DFSC 0x10, FAR_EL1 = the VA, ELR_EL1 = the instruction), as
 * the hardware does for a decode error on a device access.
 *
 * <p>Simplification: a read-only slot is plain RAM here (guest writes change it instead of exiting
 * to the VMM): the ROM regions of the memory system cannot be written by a loader. Flash emulation
 * in command mode therefore needs the KVM mode.
 */
public final class BareMetal implements Hypervisor {
    private final Platform platform;
    private final MemorySystem mem;
    private final int loaderAgent;
    private BareVm vm;

    /** Bare mode on {@code platform}. */
    public BareMetal(Platform platform) {
        if (platform == null) throw new IllegalArgumentException("platform must not be null");
        this.platform = platform;
        this.mem = platform.memory();
        this.loaderAgent = mem.agents().register(Agents.Kind.VMM, "loader", Agents.HOST_DOMAIN);
    }

    @Override public String name() { return "bare"; }

    @Override
    public Vm createVm(String name) {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("VM name must not be empty");
        if (vm != null) throw new IllegalArgumentException("bare mode hosts one VM; " + vm.name + " exists");
        vm = new BareVm(name);
        return vm;
    }

    /** The signal that abandons a guest instruction at a device window (stackless, preallocated). */
    static final class MmioStop extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final MmioStop INSTANCE = new MmioStop();

        private MmioStop() { super("MMIO exit", null, false, false); }
    }

    /** The VM (IPA = PA). */
    public final class BareVm implements Vm {
        private final String name;
        private final TreeMap<Long, MemorySlot> slots = new TreeMap<>();
        private final List<BareVcpu> vcpus = new ArrayList<>();
        private boolean started, destroyed;

        // ---- the MMIO access in flight, and the completed ones the re-executed instruction consumes
        private long pendingPa;
        private int pendingSize;
        private boolean pendingWrite;
        private long pendingValue;
        private BareVcpu pendingVcpu;
        private final List<long[]> completed = new ArrayList<>(); // {pa, size, write, value}
        private int replayIndex;
        /** The pending access was answered with an external abort: its re-execution meets a bus error. */
        private boolean abortPending;

        BareVm(String name) { this.name = name; }

        @Override public int id() { return 0; }

        @Override public String name() { return name; }

        private void checkAlive() {
            if (destroyed) throw new IllegalStateException("VM " + name + " was destroyed");
        }

        @Override
        public void setUserMemoryRegion(MemorySlot slot) {
            if (slot == null) throw new IllegalArgumentException("memory slot must not be null");
            checkAlive();
            if (started) throw new IllegalStateException("bare mode: memory slots are fixed once a vCPU has run");
            if (slot.size() == 0) throw new IllegalArgumentException("bare mode: memory slots cannot be deleted");
            for (MemorySlot s : slots.values()) {
                if (s.slot() == slot.slot() || s.overlaps(slot)) throw new IllegalArgumentException("memory slot " + slot + " clashes with " + s);
            }
            AddressMap.Region r = mem.map().find(slot.ipaBase());
            if (r != null) {
                if (r.kind() != AddressMap.Kind.RAM || slot.ipaEnd() > r.endPa()) {
                    throw new IllegalArgumentException("memory slot " + slot + " is not inside RAM region " + r);
                }
            } else {
                mem.map().addRam(name + "-slot" + slot.slot(), slot.ipaBase(), slot.size());
            }
            slots.put(slot.ipaBase(), slot);
        }

        @Override public List<MemorySlot> memorySlots() { return List.copyOf(slots.values()); }

        @Override
        public Vcpu createVcpu(int vcpuId) {
            checkAlive();
            if (vcpuId < 0 || vcpuId >= platform.peCount()) {
                throw new IllegalArgumentException("bare mode: vCPU id " + vcpuId + " must name a PE 0.." + (platform.peCount() - 1));
            }
            for (BareVcpu v : vcpus) if (v.id == vcpuId) throw new IllegalArgumentException("vCPU id " + vcpuId + " already exists");
            BareVcpu v = new BareVcpu(this, vcpuId, platform.pe(vcpuId));
            vcpus.add(v);
            return v;
        }

        @Override public List<Vcpu> vcpus() { return List.copyOf(vcpus); }

        @Override public GuestMemory memory() { return bootView; }

        @Override public GuestMemory pocMemory() { return pocView; }

        @Override public void destroy() {
            destroyed = true;
            for (BareVcpu v : vcpus) v.mp = MpState.STOPPED;
        }

        @Override public boolean destroyed() { return destroyed; }

        /** At the first run: every gap of the address map becomes a device window. */
        private void start() {
            if (started) return;
            started = true;
            long top = 1L << mem.config().paBits();
            long cursor = 0;
            int n = 0;
            for (AddressMap.Region r : mem.map().regions()) {
                if (r.basePa() > cursor) addWindow(n++, cursor, r.basePa());
                cursor = Math.max(cursor, r.endPa());
            }
            if (cursor < top) addWindow(n, cursor, top);
        }

        private void addWindow(int n, long basePa, long endPa) {
            mem.map().addMmio("bare-mmio" + n, basePa, endPa - basePa, new MmioHandler() {
                @Override public long read(int agent, long offset, int size) { return access(basePa + offset, size, false, 0); }

                @Override public void write(int agent, long offset, int size, long value) { access(basePa + offset, size, true, value); }
            });
        }

        /** A device access by the running guest: answered from a completion, or stops the instruction. */
        private long access(long pa, int size, boolean write, long value) {
            if (replayIndex < completed.size()) {
                long[] c = completed.get(replayIndex);
                if (c[0] == pa && c[1] == size && (c[2] != 0) == write) {
                    replayIndex++;
                    return c[3];
                }
            }
            if (abortPending && pa == pendingPa && size == pendingSize && write == pendingWrite) {
                abortPending = false; // taken once: the PE turns the bus error into the guest's abort
                throw new BusError(pa, write, "no device decodes the access (the VMM injected an external data abort)");
            }
            pendingPa = pa;
            pendingSize = size;
            pendingWrite = write;
            pendingValue = write ? value : 0;
            throw MmioStop.INSTANCE;
        }

        private final GuestMemory pocView = new View(true);
        private final GuestMemory bootView = new View(false);

        /** The loader's views: at the PoC directly, or written and then cleaned to the PoC. */
        private final class View implements GuestMemory {
            private final boolean poc;

            View(boolean poc) { this.poc = poc; }

            private void check(long ipa, long len) {
                checkAlive();
                for (long pageIpa = ipa & -4096L; pageIpa < ipa + len; pageIpa += 4096) {
                    var e = slots.floorEntry(pageIpa);
                    if (e == null || !e.getValue().contains(pageIpa)) {
                        throw new IllegalArgumentException(String.format("guest memory access [0x%x, +0x%x) leaves the RAM slots of %s", ipa, len, name));
                    }
                }
            }

            /** Boot protocol: no cache holds anything of the range afterwards (DC CIVAC and IC IVAU by line). */
            private void toPoC(long pa, long len) {
                int line = mem.config().lineSize();
                for (long linePa = pa & -(long) line; linePa < pa + len; linePa += line) {
                    mem.dcCleanInvalidatePoC(0, loaderAgent, linePa);
                    mem.icInvalidatePa(0, loaderAgent, linePa);
                }
            }

            @Override public void read(long ipa, byte[] dst, int off, int len) {
                check(ipa, len);
                mem.readBytes(-1, loaderAgent, ipa, dst, off, len, Attrs.NC);
            }

            @Override public void write(long ipa, byte[] src, int off, int len) {
                check(ipa, len);
                if (poc) {
                    mem.writeBytes(-1, loaderAgent, ipa, src, off, len, Attrs.NC);
                } else {
                    mem.writeBytes(0, loaderAgent, ipa, src, off, len, Attrs.HOST_WB);
                    toPoC(ipa, len);
                }
            }

            @Override public long readWord(long ipa, int size) {
                check(ipa, size);
                return mem.read(-1, loaderAgent, AccessKind.LOAD, ipa, size, Attrs.NC);
            }

            @Override public void writeWord(long ipa, int size, long value) {
                check(ipa, size);
                if (poc) {
                    mem.write(-1, loaderAgent, AccessKind.STORE, ipa, size, Attrs.NC, value);
                } else {
                    mem.write(0, loaderAgent, AccessKind.STORE, ipa, size, Attrs.HOST_WB, value);
                    toPoC(ipa, size);
                }
            }
        }
    }

    /** A vCPU that is PE {@code id} itself. */
    public final class BareVcpu implements Vcpu {
        private final BareVm vm;
        private final int id;
        private final Pe pe;
        private boolean initialized;
        MpState mp = MpState.STOPPED;
        private boolean mmioWaiting;
        /** The last run returned an MMIO exit the VMM has not answered with a read value or an abort. */
        private boolean mmioExitPending;

        BareVcpu(BareVm vm, int id, Pe pe) {
            this.vm = vm;
            this.id = id;
            this.pe = pe;
        }

        @Override public int id() { return id; }

        @Override
        public void init(VcpuInit init) {
            if (init == null) throw new IllegalArgumentException("vcpu init must not be null");
            vm.checkAlive();
            reset(init.pc(), init.x0());
            mp = init.powerOff() ? MpState.STOPPED : MpState.RUNNABLE;
            if (vm.pendingVcpu == this) {
                vm.pendingVcpu = null;
                vm.completed.clear();
                vm.abortPending = false;
            }
            mmioWaiting = false;
            mmioExitPending = false;
            initialized = true;
        }

        private void reset(long pc, long x0) {
            pe.reset(pc);
            pe.setX(0, x0);
            pe.attachEl2(true);
            pe.setHcrEl2(0);
            pe.setVttbrEl2(0);
            pe.setVtcrEl2(0);
        }

        @Override public boolean initialized() { return initialized; }

        @Override public VcpuExit run() { return run(KvmHypervisor.DEFAULT_QUANTUM); }

        @Override
        public VcpuExit run(long maxInstructions) {
            if (maxInstructions <= 0) throw new IllegalArgumentException("instruction budget must be > 0, got " + maxInstructions);
            if (!initialized) throw new IllegalStateException("vCPU " + id + " was not initialised (call init first)");
            vm.checkAlive();
            if (mmioWaiting) throw new IllegalStateException("vCPU " + id + ": MMIO read not completed (call completeMmioRead or injectExternalDataAbort)");
            mmioExitPending = false;
            if (mp == MpState.STOPPED) return new VcpuExit.Interrupted(VcpuExit.Interrupted.Reason.POWERED_OFF);
            mp = MpState.RUNNABLE;
            vm.start();
            long left = maxInstructions;
            while (left > 0) {
                long before = pe.instructionCount();
                RunStatus status;
                vm.replayIndex = 0;
                try {
                    status = pe.run(left);
                } catch (MmioStop stop) {
                    // Completions consumed by instructions that finished before this one are spent; those
                    // of this instruction (a pair access stopped at its second half) stay for the replay.
                    if (pe.instructionCount() > before) vm.completed.clear();
                    vm.pendingVcpu = this;
                    boolean w = vm.pendingWrite;
                    if (w) vm.completed.add(new long[] {vm.pendingPa, vm.pendingSize, 1, 0});
                    else mmioWaiting = true;
                    mmioExitPending = true;
                    return new VcpuExit.Mmio(vm.pendingPa, vm.pendingSize, w, vm.pendingValue, 0, false, vm.pendingSize == 8);
                }
                left -= pe.instructionCount() - before;
                // The instruction that consumed the completions (or took the abort) has finished.
                if (vm.pendingVcpu == this && pe.instructionCount() > before) {
                    vm.completed.clear();
                    vm.pendingVcpu = null;
                    vm.abortPending = false;
                }
                switch (status) {
                    case BUDGET_EXHAUSTED:
                    case INTERRUPT_TO_EL2:
                        return new VcpuExit.Interrupted(VcpuExit.Interrupted.Reason.QUANTUM_EXPIRED);
                    case WFI:
                        mp = MpState.HALTED;
                        return new VcpuExit.Interrupted(VcpuExit.Interrupted.Reason.WAITING_FOR_INTERRUPT);
                    case TRAP_EL2: {
                        left--;
                        VcpuExit e = firmwareCall(pe.el2Syndrome());
                        if (e != null) return e;
                        if (mp == MpState.STOPPED) return new VcpuExit.Interrupted(VcpuExit.Interrupted.Reason.POWERED_OFF);
                        break;
                    }
                    default:
                        return new VcpuExit.InternalError("PE stopped with " + status, 0);
                }
            }
            return new VcpuExit.Interrupted(VcpuExit.Interrupted.Reason.QUANTUM_EXPIRED);
        }

        /** HVC: the firmware's PSCI (same function ids and results as {@link Psci}). */
        private VcpuExit firmwareCall(long esr) {
            if (Esr.ec(esr) != Esr.EC_HVC64) return new VcpuExit.InternalError("unexpected trap " + Esr.ecName(Esr.ec(esr)), esr);
            int imm = Esr.iss(esr) & 0xFFFF;
            if (imm != 0) return new VcpuExit.Hypercall(imm, x(0), x(1), x(2), x(3));
            int fid = (int) x(0);
            long result;
            switch (fid) {
                case Psci.VERSION -> result = Psci.VERSION_1_0;
                case Psci.CPU_OFF -> {
                    mp = MpState.STOPPED;
                    result = Psci.SUCCESS;
                }
                case Psci.CPU_ON_32, Psci.CPU_ON_64 -> {
                    BareVcpu t = null;
                    for (BareVcpu v : vm.vcpus) if ((0x8000_0000L | v.id) == (x(1) | 0x8000_0000L)) t = v;
                    if (t == null) result = Psci.INVALID_PARAMETERS;
                    else if (t.mp != MpState.STOPPED) result = Psci.ALREADY_ON;
                    else {
                        t.reset(x(2), x(3));
                        t.mp = MpState.RUNNABLE;
                        t.initialized = true;
                        result = Psci.SUCCESS;
                    }
                }
                case Psci.SYSTEM_OFF, Psci.SYSTEM_RESET -> {
                    for (BareVcpu v : vm.vcpus) v.mp = MpState.STOPPED;
                    return new VcpuExit.SystemEvent(fid == Psci.SYSTEM_OFF ? VcpuExit.SystemEvent.Type.SHUTDOWN
                            : VcpuExit.SystemEvent.Type.RESET);
                }
                case Psci.MIGRATE_INFO_TYPE -> result = 2;
                default -> result = Psci.NOT_SUPPORTED;
            }
            setX(0, result);
            return null;
        }

        @Override
        public void completeMmioRead(long value) {
            if (!mmioWaiting) throw new IllegalStateException("vCPU " + id + ": no MMIO read is waiting for data");
            vm.completed.add(new long[] {vm.pendingPa, vm.pendingSize, 0, value});
            mmioWaiting = false;
            mmioExitPending = false;
        }

        /**
         * The pending access is not completed: a write's completion is withdrawn, and its re-execution at
         * the next run meets a bus error from the window, which the PE takes as a synchronous external
         * abort (its path for every bus error: ESR_EL1 with IL = 1, WnR, DFSC 0x10; FAR_EL1 = the VA).
         */
        @Override
        public void injectExternalDataAbort() {
            if (!mmioExitPending || vm.pendingVcpu != this) {
                throw new IllegalStateException("vCPU " + id + ": no MMIO exit is pending to answer with an external data abort");
            }
            if (vm.pendingWrite) vm.completed.remove(vm.completed.size() - 1); // the one the exit added
            mmioWaiting = false;
            mmioExitPending = false;
            vm.abortPending = true;
        }

        @Override public long x(int n) { return pe.x(n); }

        @Override public void setX(int n, long value) { pe.setX(n, value); }

        @Override public long pc() { return pe.pc(); }

        @Override public void setPc(long pc) { pe.setPc(pc); }

        @Override public long pstate() { return pe.pstate(); }

        @Override public long sysReg(int encoding) {
            SysRegs.Reg r = SysRegs.lookup(encoding);
            if (r == null || r.key() != encoding) {
                throw new IllegalArgumentException("vCPU holds no system register with encoding " + SysRegs.describeKey(encoding));
            }
            return pe.readSysReg(r.id());
        }

        @Override public MpState mpState() { return mp; }
    }
}
