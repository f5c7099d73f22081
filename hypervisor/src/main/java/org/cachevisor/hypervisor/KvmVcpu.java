package org.cachevisor.hypervisor;

import java.util.BitSet;
import org.cachevisor.hypervisor.api.MpState;
import org.cachevisor.hypervisor.api.Vcpu;
import org.cachevisor.hypervisor.api.VcpuExit;
import org.cachevisor.hypervisor.api.VcpuInit;
import org.cachevisor.isa.Esr;
import org.cachevisor.machine.Pe;
import org.cachevisor.machine.RunStatus;
import org.cachevisor.machine.SysRegs;

/**
 * A vCPU of a {@link KvmVm}: its saved register context (general-purpose registers, PC, PSTATE, both
 * stack pointers, the EL1 system registers, MPIDR_EL1), its HCR_EL2, the physical PE it is scheduled
 * on, and the run loop that loads it onto that PE ({@link Pe}), runs a quantum, and handles what traps
 * to EL2 (trapped system registers and set/way ops via the {@link TrapTable}, HVC/PSCI, WFI/WFE,
 * stage-2 aborts via {@link KvmVm#handleGuestAbort}).
 *
 * <p>While {@link #run} executes, the register state lives in the PE; the accessors here read and
 * write wherever the state currently is, so trap handlers and policies need not care.
 */
public final class KvmVcpu implements Vcpu {
    /**
     * HCR_EL2 bits every policy sets (KVM's HCR_GUEST_FLAGS of 2014 without TVM): VM (stage 2), SWIO,
     * FB, TSC, TSW, TWI, TWE, TIDCP, TACR.
     * Simplification: KVM also sets IMO/FMO/AMO (physical interrupts to EL2, virtual ones to the guest)
     * and BSU_IS; we leave interrupt routing alone and barriers are complete in the model anyway; no
     * interrupt controller is modelled yet, so no guest-visible interrupt and no memory access changes.
     */
    public static final long BASE_HCR = Pe.HCR_VM | Pe.HCR_SWIO | Pe.HCR_FB | Pe.HCR_TSC | Pe.HCR_TSW | Pe.HCR_TWI
            | Pe.HCR_TWE | Pe.HCR_TIDCP | Pe.HCR_TACR;

    /** PSTATE after reset: EL1h with D, A, I, F masked (SPSR format 0x3C5). */
    public static final long RESET_PSTATE = 0x3C5;

    /** The EL1 (and EL0 thread) system registers switched with the vCPU. */
    static final int[] CONTEXT = {SysRegs.SCTLR_EL1, SysRegs.ACTLR_EL1, SysRegs.CPACR_EL1, SysRegs.TTBR0_EL1,
        SysRegs.TTBR1_EL1, SysRegs.TCR_EL1, SysRegs.SPSR_EL1, SysRegs.ELR_EL1, SysRegs.AFSR0_EL1, SysRegs.AFSR1_EL1,
        SysRegs.ESR_EL1, SysRegs.FAR_EL1, SysRegs.PAR_EL1, SysRegs.MAIR_EL1, SysRegs.AMAIR_EL1, SysRegs.VBAR_EL1,
        SysRegs.CONTEXTIDR_EL1, SysRegs.TPIDR_EL1, SysRegs.CNTKCTL_EL1, SysRegs.CSSELR_EL1, SysRegs.TPIDR_EL0,
        SysRegs.TPIDRRO_EL0, SysRegs.CNTP_CTL_EL0, SysRegs.CNTP_CVAL_EL0, SysRegs.CNTV_CTL_EL0,
        SysRegs.CNTV_CVAL_EL0, SysRegs.MDSCR_EL1};

    private final KvmVm vm;
    private final int id;
    private final int agent;

    // ---- saved context (valid while not loaded)
    private final long[] x = new long[31];
    private long pc, pstate = RESET_PSTATE, spEl0, spEl1;
    private final long[] sys = new long[SysRegs.COUNT];
    private long hcr;

    private boolean initialized;
    private MpState mpState = MpState.STOPPED;
    private int pe;
    /** The PE holding the context: while running, and afterwards until another vCPU is loaded there. */
    private Pe loaded;
    private boolean running;
    /** PEs that must flush their caches before this vCPU runs there again (KVM's require_dcache_flush). */
    private final BitSet requireFlush = new BitSet();

    // ---- MMIO in flight
    private VcpuExit.Mmio pendingMmio;
    /** FAR_EL2 of the pending MMIO exit: the guest's faulting VA, for {@link #injectExternalDataAbort}. */
    private long pendingMmioVa;
    private boolean mmioCompleted;
    private long mmioValue;

    KvmVcpu(KvmVm vm, int id, int pe, int agent) {
        this.vm = vm;
        this.id = id;
        this.pe = pe;
        this.agent = agent;
    }

    @Override public int id() { return id; }

    public KvmVm vm() { return vm; }

    /** The physical PE this vCPU is scheduled on. */
    public int pe() { return pe; }

    /** The vCPU's agent id (memory-system agents; kind VCPU, the VM's security domain). */
    public int agent() { return agent; }

    void setPe(int newPe) { this.pe = newPe; }

    /** MPIDR_EL1 as the guest reads it: bit 31 RES1, Aff0 = the vCPU id (KVM's VMPIDR_EL2 value). */
    public long mpidr() { return (1L << 31) | id; }

    @Override public MpState mpState() { return mpState; }

    @Override public boolean initialized() { return initialized; }

    /** HCR_EL2 of this vCPU. */
    public long hcr() { return hcr; }

    /** Sets this vCPU's HCR_EL2 (takes effect at once if the vCPU is running). */
    public void setHcr(long value) {
        hcr = value;
        if (loaded != null) loaded.setHcrEl2(value);
    }

    /** The PEs marked to flush their caches before this vCPU is next loaded there. */
    public BitSet requireFlush() { return (BitSet) requireFlush.clone(); }

    /** Marks every PE but the current one (KVM 2014's access_dcsw: {@code cpumask_setall; clear this cpu}). */
    public void requireFlushOnOtherPes() {
        int n = vm.hypervisor().peCount();
        requireFlush.set(0, n);
        requireFlush.clear(pe);
    }

    /** Clears the flush mark of {@code p} and returns whether it was set. */
    boolean testAndClearFlush(int p) {
        boolean b = requireFlush.get(p);
        requireFlush.clear(p);
        return b;
    }

    // =====================================================================================
    // Init
    // =====================================================================================

    @Override
    public void init(VcpuInit init) {
        if (init == null) throw new IllegalArgumentException("vcpu init must not be null");
        vm.checkAlive();
        boolean reinit = initialized;
        resetState(init.pc(), init.x0());
        Policy policy = vm.hypervisor().policy();
        hcr = reinit ? policy.hcrAtReinit(BASE_HCR, hcr) : policy.hcrAtInit(BASE_HCR);
        mpState = init.powerOff() ? MpState.STOPPED : MpState.RUNNABLE;
        pendingMmio = null;
        mmioCompleted = false;
        initialized = true;
        vm.hypervisor().policy().onVcpuInit(this, reinit);
    }

    /** The architected reset (KVM's kvm_reset_vcpu): EL1h, DAIF masked, registers 0, SCTLR_EL1 reset value. */
    private void resetState(long entryPc, long x0) {
        if (running) throw new IllegalStateException("vCPU " + id + " reset while running");
        if (loaded != null) vm.hypervisor().evict(this);
        java.util.Arrays.fill(x, 0);
        java.util.Arrays.fill(sys, 0);
        sys[SysRegs.SCTLR_EL1] = Pe.SCTLR_EL1_RESET;
        spEl0 = spEl1 = 0;
        pstate = RESET_PSTATE;
        pc = entryPc;
        x[0] = x0;
    }

    /** PSCI CPU_ON: reset, enter at {@code entry} with X0 = {@code contextId}, runnable. */
    void powerOnAt(long entry, long contextId) {
        resetState(entry, contextId);
        mpState = MpState.RUNNABLE;
    }

    /** PSCI CPU_OFF / SYSTEM_OFF / SYSTEM_RESET. */
    void powerOff() { mpState = MpState.STOPPED; }

    // =====================================================================================
    // Registers (wherever the state is)
    // =====================================================================================

    private static void checkReg(int n) {
        if (n < 0 || n > 31) throw new IllegalArgumentException("register number " + n + " outside 0..31");
    }

    @Override public long x(int n) {
        checkReg(n);
        if (n == 31) return 0;
        return loaded != null ? loaded.x(n) : x[n];
    }

    @Override public void setX(int n, long value) {
        checkReg(n);
        if (n == 31) return;
        if (loaded != null) loaded.setX(n, value);
        else x[n] = value;
    }

    @Override public long pc() { return loaded != null ? loaded.pc() : pc; }

    @Override public void setPc(long value) {
        if (loaded != null) loaded.setPc(value);
        else pc = value;
    }

    @Override public long pstate() { return loaded != null ? loaded.pstate() : pstate; }

    void setPstate(long value) {
        if (loaded != null) loaded.setPstate(value);
        else pstate = value;
    }

    /** A register of the vCPU's context by machine SysRegs id. */
    public long sysRegById(int id) {
        if (id == SysRegs.MPIDR_EL1) return mpidr();
        return loaded != null ? loaded.readSysReg(id) : sys[id];
    }

    /** Writes a register of the vCPU's context by machine SysRegs id (the hypervisor's write: no trap). */
    public void writeSysRegById(int id, long value) {
        if (loaded != null) loaded.writeSysReg(id, value);
        else sys[id] = value;
    }

    @Override public long sysReg(int encoding) {
        SysRegs.Reg r = SysRegs.lookup(encoding);
        if (r == null || r.key() != encoding) {
            throw new IllegalArgumentException("vCPU holds no system register with encoding " + SysRegs.describeKey(encoding));
        }
        return sysRegById(r.id());
    }

    // =====================================================================================
    // Loading onto a PE
    // =====================================================================================

    /** Writes the saved context into {@code p} (KVM's vcpu_load + __guest_enter register restore). */
    void load(Pe p) {
        p.attachEl2(true);
        p.setHcrEl2(hcr);
        p.setVttbrEl2(vm.stage2().vttbrEl2());
        p.setVtcrEl2(Stage2Tables.vtcrEl2(vm.hypervisor().memory().config().paBits()));
        for (int i = 0; i < 31; i++) p.setX(i, x[i]);
        p.setPstate(0x4); // EL1t: SP is SP_EL0
        p.setSp(spEl0);
        p.setPstate(0x5); // EL1h: SP is SP_EL1
        p.setSp(spEl1);
        p.setPstate(pstate);
        p.setPc(pc);
        for (int id : CONTEXT) p.writeSysReg(id, sys[id]);
        p.writeSysReg(SysRegs.MPIDR_EL1, mpidr());
        // The guest's loads, stores, fetches and table walks are this vCPU's (and its VM's domain).
        p.setAgent(agent);
        loaded = p;
    }

    /** The PE holding this vCPU's context (running, or resident since its last run), or null. */
    Pe residentPe() { return loaded; }

    /** Reads the context back from the PE (KVM's __guest_exit register save); the PE is free afterwards. */
    void save() {
        Pe p = loaded;
        for (int i = 0; i < 31; i++) x[i] = p.x(i);
        pc = p.pc();
        pstate = p.pstate();
        spEl0 = p.spEl0();
        spEl1 = p.spEl1();
        for (int id : CONTEXT) sys[id] = p.readSysReg(id);
        p.setAgent(p.index());
        loaded = null;
    }

    // =====================================================================================
    // Run
    // =====================================================================================

    @Override public VcpuExit run() { return run(vm.hypervisor().quantum()); }

    @Override
    public VcpuExit run(long maxInstructions) {
        if (maxInstructions <= 0) throw new IllegalArgumentException("instruction budget must be > 0, got " + maxInstructions);
        if (!initialized) throw new IllegalStateException("vCPU " + id + " was not initialised (call init first)");
        vm.checkAlive();
        if (pendingMmio != null && !pendingMmio.write() && !mmioCompleted) {
            throw new IllegalStateException(String.format("vCPU %d: MMIO read of ipa 0x%x not completed (call completeMmioRead or injectExternalDataAbort)",
                    id, pendingMmio.ipa()));
        }
        finishMmio();
        if (mpState == MpState.STOPPED) return new VcpuExit.Interrupted(VcpuExit.Interrupted.Reason.POWERED_OFF);
        mpState = MpState.RUNNABLE;
        Pe p = vm.hypervisor().loadVcpu(this);
        running = true;
        try {
            long left = maxInstructions;
            while (left > 0) {
                long before = p.instructionCount();
                RunStatus status = p.run(left);
                left -= p.instructionCount() - before;
                switch (status) {
                    case BUDGET_EXHAUSTED:
                    case INTERRUPT_TO_EL2:
                        return new VcpuExit.Interrupted(VcpuExit.Interrupted.Reason.QUANTUM_EXPIRED);
                    case WFI:
                        mpState = MpState.HALTED;
                        return new VcpuExit.Interrupted(VcpuExit.Interrupted.Reason.WAITING_FOR_INTERRUPT);
                    case TRAP_EL2: {
                        left--; // emulating the trapped instruction uses one instruction of the quantum
                        VcpuExit exit = handleTrap(p, p.el2Syndrome());
                        if (exit != null) return exit;
                        if (mpState == MpState.STOPPED) return new VcpuExit.Interrupted(VcpuExit.Interrupted.Reason.POWERED_OFF);
                        if (mpState == MpState.HALTED) {
                            return new VcpuExit.Interrupted(VcpuExit.Interrupted.Reason.WAITING_FOR_INTERRUPT);
                        }
                        break;
                    }
                    default:
                        return new VcpuExit.InternalError("PE stopped with " + status, 0);
                }
            }
            return new VcpuExit.Interrupted(VcpuExit.Interrupted.Reason.QUANTUM_EXPIRED);
        } finally {
            // The context stays in the PE (resident) until another vCPU needs it: see KvmHypervisor.loadVcpu.
            running = false;
        }
    }

    /** Dispatches one trap to EL2 by ESR_EL2.EC (KVM's arm_exit_handlers); null = resume the guest. */
    VcpuExit handleTrap(Pe p, long esr) {
        Costs costs = vm.hypervisor().costs();
        int ec = Esr.ec(esr);
        long iss = Esr.iss(esr);
        switch (ec) {
            case Esr.EC_SYS64: {
                boolean read = (iss & 1) != 0;
                int rt = (int) (iss >>> 5) & 31;
                TrapTable.Row row = vm.hypervisor().trapTable().lookup(TrapTable.keyOfIss(iss));
                if (row == null) {
                    costs.trap(Costs.Trap.OTHER_SYSREG);
                    injectUndefined();
                    return null;
                }
                costs.trap(row.kind());
                row.handler().access(this, row, read, rt);
                setPc(pc() + 4);
                return null;
            }
            case Esr.EC_HVC64: {
                costs.trap(Costs.Trap.HVC);
                int imm = (int) iss & 0xFFFF;
                // The PE has already advanced PC past the HVC (its preferred return address).
                if (imm != 0) return new VcpuExit.Hypercall(imm, x(0), x(1), x(2), x(3));
                return Psci.call(this);
            }
            case Esr.EC_SMC64:
                // KVM (since 4.17): an SMC the hypervisor does not implement returns SMCCC NOT_SUPPORTED.
                costs.trap(Costs.Trap.SMC);
                setX(0, Psci.NOT_SUPPORTED);
                setPc(pc() + 4);
                return null;
            case Esr.EC_WFX: {
                costs.trap(Costs.Trap.WFX);
                setPc(pc() + 4);
                boolean wfe = (iss & 1) != 0;
                // Simplification: KVM yields the physical CPU on a trapped WFE (kvm_vcpu_on_spin); we continue
                // the same vCPU (WFE is a hint that may complete at once), so only the schedule differs.
                if (!wfe && !p.interruptPending()) mpState = MpState.HALTED;
                return null;
            }
            case Esr.EC_DABT_LOWER:
            case Esr.EC_IABT_LOWER:
                return vm.handleGuestAbort(this, esr, p.el2Far(), p.hpfarEl2());
            default:
                return new VcpuExit.InternalError("unhandled exception class " + Esr.ecName(ec), esr);
        }
    }

    // =====================================================================================
    // MMIO completion
    // =====================================================================================

    /** Records an MMIO exit in flight (the PC still points at the access); {@code va} is its FAR_EL2. */
    VcpuExit.Mmio startMmio(VcpuExit.Mmio exit, long va) {
        pendingMmio = exit;
        pendingMmioVa = va;
        mmioCompleted = false;
        return exit;
    }

    /**
     * KVM_SET_VCPU_EVENTS ext_dabt_pending (KVM's kvm_arm_vcpu_set_events then kvm_inject_dabt with
     * FAR_EL2 of the exit): the pending access is dropped, so {@link #finishMmio} neither writes its
     * register nor advances the PC, and the abort is taken now on the saved context, so the guest's
     * next instruction is the EL1 vector with ELR_EL1 = the access.
     */
    @Override
    public void injectExternalDataAbort() {
        VcpuExit.Mmio m = pendingMmio;
        if (m == null || mmioCompleted) {
            throw new IllegalStateException("vCPU " + id + ": no MMIO exit is pending to answer with an external data abort");
        }
        pendingMmio = null;
        mmioCompleted = false;
        injectDataAbort(pendingMmioVa, m.write());
    }

    @Override
    public void completeMmioRead(long value) {
        if (pendingMmio == null || pendingMmio.write() || mmioCompleted) {
            throw new IllegalStateException("vCPU " + id + ": no MMIO read is waiting for data");
        }
        mmioValue = value;
        mmioCompleted = true;
    }

    /** KVM's kvm_handle_mmio_return: a read's data into the register (extended as decoded), then PC += 4. */
    private void finishMmio() {
        VcpuExit.Mmio m = pendingMmio;
        if (m == null) return;
        if (!m.write()) {
            int bits = m.size() * 8;
            long v = bits == 64 ? mmioValue : mmioValue & ((1L << bits) - 1);
            if (m.signExtend() && bits < 64) v = (v << (64 - bits)) >> (64 - bits);
            if (!m.sixtyFourBit()) v &= 0xFFFF_FFFFL;
            setX(m.register(), v);
        }
        setPc(pc() + 4);
        pendingMmio = null;
        mmioCompleted = false;
    }

    // =====================================================================================
    // Exceptions injected into the guest
    // =====================================================================================

    /**
     * Takes a synchronous exception to the guest's EL1 as the hardware would (AArch64.TakeException):
     * SPSR_EL1, ELR_EL1 = PC, ESR_EL1, FAR_EL1 (if given), PSTATE = EL1h with DAIF masked, PC =
     * VBAR_EL1 + 0x000/0x200/0x400 (current EL with SP_EL0 / SP_ELx, lower EL). KVM: inject_abt64, inject_undef64.
     */
    void injectSync(long esr, long far, boolean farValid) {
        long ps = pstate();
        int el = (int) (ps >>> 2) & 3;
        long offset = el == 0 ? 0x400 : ((ps & 1) != 0 ? 0x200 : 0x000);
        writeSysRegById(SysRegs.SPSR_EL1, ps);
        writeSysRegById(SysRegs.ELR_EL1, pc());
        writeSysRegById(SysRegs.ESR_EL1, esr);
        if (farValid) writeSysRegById(SysRegs.FAR_EL1, far);
        setPstate(RESET_PSTATE);
        setPc((sysRegById(SysRegs.VBAR_EL1) & ~0x7FFL) + offset);
    }

    /** An UNDEFINED instruction exception (EC 0x00) at the current PC. */
    void injectUndefined() {
        injectSync(Esr.esr(Esr.EC_UNKNOWN, true, 0), 0, false);
    }

    /**
     * A synchronous external abort (DFSC 0x10) on a data access to {@code va}, WnR = 0 (KVM's inject_abt64
     * sets no WnR; used for an access without syndrome, whose direction the hypervisor does not decode).
     */
    void injectDataAbort(long va) {
        injectDataAbort(va, false);
    }

    /** A synchronous external abort (DFSC 0x10) on a data access to {@code va}, ESR_EL1.WnR = {@code write}. */
    void injectDataAbort(long va, boolean write) {
        boolean lower = ((pstate() >>> 2) & 3) == 0;
        int iss = Esr.dataAbortIss(false, 0, false, 0, false, false, false, false, write, Esr.FSC_SYNC_EXTERNAL);
        injectSync(Esr.esr(lower ? Esr.EC_DABT_LOWER : Esr.EC_DABT_CURRENT, true, iss), va, true);
    }

    /** A synchronous external abort (IFSC 0x10) on an instruction fetch from {@code va}. */
    void injectInstructionAbort(long va) {
        boolean lower = ((pstate() >>> 2) & 3) == 0;
        injectSync(Esr.esr(lower ? Esr.EC_IABT_LOWER : Esr.EC_IABT_CURRENT, true, Esr.FSC_SYNC_EXTERNAL), va, true);
    }

    /**
     * AT S1E1R/S1E1W of {@code va} for the at-par policy, executed at EL2 on the PE the vCPU is loaded on,
     * as the instruction does: the result is written to the vCPU's PAR_EL1 (an IPA when it succeeds) and
     * returned. A caller that must not disturb the guest saves PAR_EL1 before and restores it after (as
     * the at-par patch did around its AT). Returns {@link org.cachevisor.machine.mmu.Mmu#FAULT} (PAR_EL1
     * untouched) if the stage-1 walk itself took a stage-2 fault. Counted as one AT walk in {@link Costs}.
     *
     * @throws IllegalStateException if the vCPU is not running (policies call this from fault handling)
     */
    public long atS1e1(long va, boolean write) {
        if (loaded == null) throw new IllegalStateException("AT for vCPU " + id + ": the vCPU is not loaded on a PE");
        vm.hypervisor().costs().atWalk();
        long par = loaded.mmu().at(va, 1, write);
        if (par != org.cachevisor.machine.mmu.Mmu.FAULT) loaded.writeSysReg(SysRegs.PAR_EL1, par);
        return par;
    }

    @Override public String toString() { return vm.name() + "/vcpu" + id; }
}
