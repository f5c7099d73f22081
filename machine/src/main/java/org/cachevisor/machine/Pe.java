package org.cachevisor.machine;

import org.cachevisor.machine.mmu.FaultRecord;
import org.cachevisor.machine.mmu.Mmu;
import org.cachevisor.machine.mmu.Tlb;
import org.cachevisor.machine.mmu.Tlbi;
import org.cachevisor.machine.mmu.TranslationContext;
import org.cachevisor.memsys.AccessKind;
import org.cachevisor.memsys.Attrs;
import org.cachevisor.memsys.BusError;
import org.cachevisor.memsys.Maintenance;
import org.cachevisor.memsys.MemorySystem;

/**
 * One AArch64 processing element (PE): general-purpose registers, PSTATE, the EL0/EL1 system
 * registers, exception entry and return (AArch64.TakeException, AArch64.ExceptionReturn), the
 * HCR_EL2 trap interface to a hypervisor written in Java, the translation step, and the interpreter.
 *
 * <h2>How it runs</h2>
 * The PE owns no thread: {@link #run(long)} executes up to a budget of instructions and returns a
 * {@link RunStatus}. Each step fetches a word through the I-side of the memory system, looks the
 * word up in a direct-mapped cache of {@link Decoded} entries keyed by the word (so a stale I-cache
 * line executes the stale instruction), and executes it. The loop allocates nothing.
 *
 * <p>Fetch fast path: when a fetch hits a line the L1I holds, the line's words are copied (with
 * {@link MemorySystem#peekLine}, no access, no event) into a small table of lines, together with
 * their decodes. Later fetches from those lines read the table while
 * {@link MemorySystem#l1iGeneration(int)} is unchanged (any L1I fill, eviction or invalidation
 * changes it) and no observer is attached, so the words executed are always the L1I's. The generation
 * is re-read only after instructions that call the memory system ({@link Decoded#touchesMemory}).
 *
 * <p>Dispatch: the run loop executes the most frequent instructions (the fast forms of {@link Op}:
 * 64-bit ADD/SUB/SUBS immediate, ADD/AND/ORR/EOR register, LSL, B, B.cond, unsigned-offset LDR/LDRB/STR,
 * post-index STR) inline, with PC and the instruction count in locals; everything else goes to the
 * out-of-line executor.
 *
 * <h2>Translation</h2>
 * One translation step for data ({@link #translateData}, {@code translateCmo}) and one for fetch
 * (in {@code fetchSlow}), both through the {@link Mmu} (stage 1 and 2 as the registers say; its
 * micro-TLB makes a hit one compare and one add), or identity in the test-only "flat" regime. In front
 * of it, loads and stores each remember the last page they translated (VA page, PA - VA, attributes),
 * dropped together with the fetch table and whenever PSTATE.EL changes. Writes
 * of the translation registers call {@code syncMmu}, which hands them to the MMU and drops the fetch
 * table; so do this PE's TLBIs, and a change of {@link Mmu#generation()} (a TLBI broadcast by another
 * PE) is noticed at the start of {@link #run}.
 *
 * <h2>Register file layout</h2>
 * {@code r[0..30]} are X0..X30, {@code r[31]} is the stack pointer currently selected by
 * PSTATE.{EL,SP} (the other one is banked in {@link #spEl0}/{@link #spEl1}), {@code r[32]} always
 * holds 0 (XZR reads) and {@code r[33]} absorbs XZR writes. The decode step maps register 31 to the
 * right slot once, so the executor never tests for it.
 *
 * <h2>EL2</h2>
 * EL2 is the Java hypervisor. If one is attached ({@link #attachEl2(boolean)}), {@link #hcrEl2} is
 * honoured: an instruction that HCR_EL2 traps makes the PE stop before executing it and return
 * {@link RunStatus#TRAP_EL2}, with the syndrome in {@link #el2Syndrome()}. Without a hypervisor the PE
 * behaves as the architecture says with EL2 (and EL3) not implemented.
 *
 * <h2>Guest exceptions are data</h2>
 * A guest fault updates the architectural state (ESR/ELR/SPSR/FAR, PSTATE, PC) and then unwinds the
 * current instruction with a pre-allocated, stackless {@link GuestFault}: it never escapes the PE and
 * costs no allocation.
 */
public final class Pe {
    /** Register-file slots (see the class comment). */
    public static final int SP = 31, ZR = 32, SINK = 33;

    /** Translation regimes (the one translation step, {@link #translateData}, switches on this). */
    public static final int REGIME_MMU_OFF = 0, REGIME_FLAT_WB = 1;

    /** HCR_EL2 bits the PE honours (Arm ARM D13.2.46). */
    public static final long HCR_VM = 1L, HCR_SWIO = 1L << 1, HCR_FMO = 1L << 3, HCR_IMO = 1L << 4,
            HCR_AMO = 1L << 5, HCR_VF = 1L << 6, HCR_VI = 1L << 7, HCR_VSE = 1L << 8, HCR_FB = 1L << 9,
            HCR_DC = 1L << 12, HCR_TWI = 1L << 13, HCR_TWE = 1L << 14, HCR_TID0 = 1L << 15,
            HCR_TID1 = 1L << 16, HCR_TID2 = 1L << 17, HCR_TID3 = 1L << 18, HCR_TSC = 1L << 19,
            HCR_TIDCP = 1L << 20, HCR_TACR = 1L << 21, HCR_TSW = 1L << 22, HCR_TPCP = 1L << 23,
            HCR_TPU = 1L << 24, HCR_TTLB = 1L << 25, HCR_TVM = 1L << 26, HCR_TDZ = 1L << 28,
            HCR_HCD = 1L << 29, HCR_TRVM = 1L << 30, HCR_FWB = 1L << 46;

    /** SCTLR_EL1 bits (Arm ARM D13.2.118). */
    public static final long SCTLR_M = 1, SCTLR_A = 1 << 1, SCTLR_C = 1 << 2, SCTLR_SA = 1 << 3,
            SCTLR_SA0 = 1 << 4, SCTLR_UMA = 1 << 9, SCTLR_I = 1 << 12, SCTLR_DZE = 1 << 14,
            SCTLR_UCT = 1 << 15, SCTLR_nTWI = 1 << 16, SCTLR_nTWE = 1 << 18, SCTLR_UCI = 1 << 26;

    /** SCTLR_EL1 reset value as KVM sets it: M = C = I = 0. */
    public static final long SCTLR_EL1_RESET = 0x00C5_0078L;

    /** CNTFRQ_EL0: 62.5 MHz, as QEMU's virt board. */
    public static final long CNTFRQ_HZ = 62_500_000L;

    /**
     * MIDR_EL1: Arm Cortex-A57 r1p0 (implementer 0x41, variant 1, architecture 0xF, part 0xD07, revision 0).
     */
    public static final long MIDR_CORTEX_A57 = 0x411F_D070L;

    private static final int DCACHE_BITS = 16;

    // ---- identity and collaborators
    private final int index;
    private int agent;
    private final MemorySystem mem;
    private Platform platform;

    // ---- architectural state
    final long[] r = new long[34];
    long spEl0, spEl1;
    long pc;
    /** PSTATE.{N,Z,C,V} in bits [3:0]. */
    int nzcv;
    /** PSTATE.{D,A,I,F} in bits [3:0] (D = bit 3), i.e. DAIF register bits [9:6]. */
    int daif;
    int el;
    int spSel;
    boolean illegalState;
    final long[] sys = new long[SysRegs.COUNT];

    // ---- EL2 interface
    private boolean el2Attached;
    private long hcrEl2;
    private long el2Syndrome;
    private long el2Far;
    private long el2Hpfar;
    private long vttbrEl2, vtcrEl2;

    // ---- host interface (exec mode)
    private boolean syncToHost;
    private long hostEsr, hostFar, hostElr;
    private boolean halted;

    // ---- interrupt lines
    private boolean irqLine, fiqLine, serrorPending;
    private boolean eventRegister;

    // ---- run state
    private RunStatus stopStatus;
    /** Non-zero when the run loop must look at something before the next instruction. */
    private int attention;
    private static final int ATT_STOP = 1, ATT_INTERRUPT = 2, ATT_ILLEGAL = 4;
    private long instructions;
    private long idleTicks;
    private long tlbiCount;

    // ---- translation and derived state (recomputed by updateDerivedState)
    private int regime = REGIME_MMU_OFF;
    private int dataAttrs;
    private int fetchAttrs;
    private boolean alignCheck;
    private boolean spAlignCheck;

    /** The MMU (stage 1, stage 2, TLB); every access goes through it except in the flat regime. */
    private final Mmu mmu;
    private final TranslationContext tctx = new TranslationContext();
    /** mmu.generation() when the fetch-line table (keyed by VA) was last checked against it. */
    private int mmuGeneration;
    /**
     * The word of the instruction being executed (for the ISS instruction syndrome of a stage-2 data
     * abort, decoded again then): an int, so that setting it per load/store needs no GC write barrier.
     */
    private int currentWord;
    /** An LDTR/STTR at EL1 is in progress: its accesses are translated with EL0's permissions. */
    private boolean unprivileged;

    // ---- fetch fast path: a small direct-mapped table of L1I lines (their words and decodes), and with
    // observers attached also of RAM lines fetched Non-cacheable (see fetchLineNc),
    // valid while the PE's L1I generation is unchanged (any L1I fill, eviction or invalidation changes
    // it; with observers attached also any change to a copied line: MemorySystem.peekFetchLine) and the
    // translation is unchanged (syncMmu, TLBI and a changed Mmu.generation() call
    // invalidateFetchLines()). Keyed by VA.
    private static final int FETCH_LINES = 64;
    private final int lineSize;
    private final int lineShift;
    private final int wordsPerLine;
    private final long[] fetchLineVa = new long[FETCH_LINES];
    private final int[] fetchLineGen = new int[FETCH_LINES];
    /**
     * Whether the entry is a copy of a RAM line fetched Non-cacheable (MemorySystem.peekFetchLineNc, with
     * observers attached): each fetch from it must tick the memory system's clock (tryTickFetch).
     */
    private final boolean[] fetchLineNc = new boolean[FETCH_LINES];
    private final int[] fetchWords;
    private final Decoded[] fetchDecoded;
    private final byte[] lineBytes;
    private final int l1iId;

    // ---- decoded-instruction cache (keyed by the fetched word)
    private final Decoded[] dcache = new Decoded[1 << DCACHE_BITS];

    // ---- exclusive monitor. Simplification: hardware has a local monitor per PE and a global monitor
    // tracking physical addresses for shareable memory, with an IMPLEMENTATION DEFINED granule; we
    // keep one monitor per PE (PA, granule = one cache line = CTR_EL0.ERG) that another PE's store,
    // STXR or DC ZVA to the granule clears when the PEs share a Platform. Guests using LDXR/STXR
    // loops see the architected success/failure behaviour; memory values are unaffected.
    private boolean exclusiveValid;
    private long exclusivePa;
    private final long exclusiveGranuleMask;

    // ---- scratch for 16-byte accesses
    private final long[] pair = new long[2];

    /**
     * A PE with index {@code index} (its MPIDR_EL1.Aff0, its cache hierarchy in {@code mem} and its agent
     * id: the memory system pre-registers agent i as PE i). The PE starts in reset state at PC 0.
     */
    public Pe(int index, MemorySystem mem) {
        if (mem == null) throw new IllegalArgumentException("memory system must not be null");
        if (index < 0 || index >= mem.config().peCount()) {
            throw new IllegalArgumentException("PE index " + index + " outside 0.." + (mem.config().peCount() - 1));
        }
        this.index = index;
        this.agent = index;
        this.mem = mem;
        this.mmu = new Mmu(mem, index, new Tlb(), null);
        this.lineSize = mem.config().lineSize();
        this.lineShift = Integer.numberOfTrailingZeros(lineSize);
        this.wordsPerLine = lineSize / 4;
        this.fetchWords = new int[FETCH_LINES * wordsPerLine];
        this.fetchDecoded = new Decoded[FETCH_LINES * wordsPerLine];
        this.lineBytes = new byte[lineSize];
        this.l1iId = MemorySystem.l1iId(index);
        this.exclusiveGranuleMask = ~((long) lineSize - 1);
        reset(0);
    }

    void setPlatform(Platform p) {
        this.platform = p;
        mmu.joinDomain(p.tlbDomain);
    }

    // =====================================================================================
    // Reset and state access (for loaders, the hypervisor, tests)
    // =====================================================================================

    /**
     * Warm reset into EL1h with DAIF masked, SCTLR_EL1 = {@link #SCTLR_EL1_RESET}, all GPRs 0,
     * PC = {@code resetPc}. HCR_EL2 and the EL2 attachment are kept (they belong to the hypervisor).
     */
    public void reset(long resetPc) {
        java.util.Arrays.fill(r, 0);
        spEl0 = spEl1 = 0;
        java.util.Arrays.fill(sys, 0);
        sys[SysRegs.SCTLR_EL1] = SCTLR_EL1_RESET;
        sys[SysRegs.MIDR_EL1] = MIDR_CORTEX_A57;
        sys[SysRegs.MPIDR_EL1] = (1L << 31) | index;
        // No FP, no AdvSIMD (0xF = not implemented), EL0 and EL1 AArch64 only, EL2/EL3 not visible.
        sys[SysRegs.ID_AA64PFR0_EL1] = (0xFL << 20) | (0xFL << 16) | (1L << 4) | 1L;
        // CRC32 only: no AES/SHA (SIMD), no LSE atomics, no RDM.
        sys[SysRegs.ID_AA64ISAR0_EL1] = 1L << 16;
        sys[SysRegs.ID_AA64ISAR1_EL1] = 0; // no PAuth, no LRCPC, no DPB
        // 4 KiB granule only (TGran4 = 0, TGran64 = 0xF, TGran16 = 0), 8-bit ASID, PARange from the config.
        sys[SysRegs.ID_AA64MMFR0_EL1] = (0xFL << 24) | paRange(mem.config().paBits());
        sys[SysRegs.ID_AA64MMFR1_EL1] = 0; // no PAN, no VHE, no HAFDBS
        sys[SysRegs.ID_AA64MMFR2_EL1] = 0; // no UAO
        sys[SysRegs.ID_AA64DFR0_EL1] = 0x6; // DebugVer = Armv8, no PMU
        sys[SysRegs.CNTFRQ_EL0] = CNTFRQ_HZ;
        sys[SysRegs.OSLSR_EL1] = 1L << 3 | 1L << 1; // OSLM = 0b10, OS lock locked at reset
        sys[SysRegs.CLIDR_EL1] = mem.config().clidrEl1();
        sys[SysRegs.CTR_EL0] = mem.config().ctrEl0();
        sys[SysRegs.DCZID_EL0] = mem.config().dczidEl0();
        pc = resetPc;
        nzcv = 0;
        daif = 0xF;
        el = 1;
        spSel = 1;
        illegalState = false;
        exclusiveValid = false;
        eventRegister = false;
        stopStatus = null;
        halted = false;
        updateDerivedState();
        syncMmu();
        updateAttention();
    }

    /** ID_AA64MMFR0_EL1.PARange: the largest encoded width not above the memory system's. */
    private static long paRange(int paBits) {
        int[] widths = {32, 36, 40, 42, 44, 48, 52};
        long range = 0;
        for (int i = 0; i < widths.length; i++) {
            if (widths[i] <= paBits) range = i;
        }
        return range;
    }

    public int index() { return index; }

    /** The agent id this PE's accesses (and its table walks) are attributed to. */
    public int agent() { return agent; }

    /**
     * Attributes this PE's accesses, table walks included, to {@code agent} (an id registered with the
     * memory system's {@code Agents}): a hypervisor names the vCPU it loads, so the oracle knows the
     * reader's VM (security domain). {@link #setAgent(int) setAgent(index())} restores the PE's own id.
     */
    public void setAgent(int agent) {
        mem.agents().get(agent); // validates the id (IllegalArgumentException for an unknown one)
        this.agent = agent;
        mmu.setAgent(agent);
    }

    public MemorySystem memory() { return mem; }

    /** X[n] for n in 0..30; 31 reads as XZR (0). */
    public long x(int n) {
        checkReg(n);
        return n == 31 ? 0 : r[n];
    }

    /** Writes X[n] for n in 0..30; 31 (XZR) discards the write. */
    public void setX(int n, long value) {
        checkReg(n);
        if (n != 31) r[n] = value;
    }

    private static void checkReg(int n) {
        if (n < 0 || n > 31) throw new IllegalArgumentException("register number " + n + " outside 0..31");
    }

    /** The stack pointer selected by PSTATE.{EL,SP}. */
    public long sp() { return r[SP]; }

    public void setSp(long value) { r[SP] = value; }

    public long spEl0() { return (el == 0 || spSel == 0) ? r[SP] : spEl0; }

    public long spEl1() { return (el == 1 && spSel == 1) ? r[SP] : spEl1; }

    public long pc() { return pc; }

    public void setPc(long value) { pc = value; }

    /** Advances PC past the current instruction (after a hypervisor emulated a trapped one). */
    public void advancePc() { pc += 4; }

    public int currentEl() { return el; }

    public int nzcv() { return nzcv; }

    public void setNzcv(int flags) { nzcv = flags & 0xF; }

    public int daif() { return daif; }

    public int spSel() { return spSel; }

    /** PSTATE as an SPSR value (GetPSRFromPSTATE): NZCV[31:28], IL[20], D[9] A[8] I[7] F[6], M[3:0]. */
    public long pstate() {
        return ((long) nzcv << 28) | (illegalState ? 1L << 20 : 0) | ((long) daif << 6) | ((long) el << 2) | spSel;
    }

    /**
     * Sets PSTATE from an SPSR-format value (for loaders and the hypervisor; no legality checks beyond
     * AArch64 EL0/EL1): moves the stack pointer bank accordingly.
     */
    public void setPstate(long spsr) {
        int m = (int) spsr & 0x1F;
        if ((m & 0x10) != 0 || (m >>> 2) > 1 || m == 1) {
            throw new IllegalArgumentException(String.format("SPSR M field 0x%x is not EL0t, EL1t or EL1h", m));
        }
        nzcv = (int) (spsr >>> 28) & 0xF;
        daif = (int) (spsr >>> 6) & 0xF;
        illegalState = ((spsr >>> 20) & 1) != 0;
        selectPstateElSp(m >>> 2, m & 1);
        updateAttention();
    }

    /** Number of instructions executed since construction (advances during {@link #run}). */
    public long instructionCount() { return instructions; }

    /** Virtual time in nanoseconds (1 instruction = 1 ns, plus time credited while waiting in WFI). */
    public long virtualNanos() { return instructions + idleTicks; }

    /** Credits idle virtual time (the platform calls this for a PE sleeping in WFI). */
    public void creditIdle(long nanos) { idleTicks += nanos; }

    /** Number of TLBI instructions executed. */
    public long tlbiCount() { return tlbiCount; }

    /** Reads a system register by {@link SysRegs} id (for the hypervisor and tests; no trap checks). */
    public long readSysReg(int id) {
        checkSysRegId(id);
        return readSys(id);
    }

    /** Writes a system register by {@link SysRegs} id (for the hypervisor and tests; no trap checks). */
    public void writeSysReg(int id, long value) {
        checkSysRegId(id);
        writeSys(id, value);
    }

    private static void checkSysRegId(int id) {
        if (id < 0 || id >= SysRegs.COUNT) throw new IllegalArgumentException("system register id " + id + " outside 0.." + (SysRegs.COUNT - 1));
    }

    // ---- EL2 interface

    /** Declares whether a hypervisor (EL2) is attached; without one HCR_EL2 is ignored and HVC is UNDEFINED. */
    public void attachEl2(boolean attached) { el2Attached = attached; updateAttention(); updateDerivedState(); syncMmu(); }

    public boolean el2Attached() { return el2Attached; }

    public long hcrEl2() { return hcrEl2; }

    /** Sets HCR_EL2 (the hypervisor's view of this PE); takes effect at the next instruction. */
    public void setHcrEl2(long value) {
        hcrEl2 = value;
        updateDerivedState();
        syncMmu();
        updateAttention();
    }

    public long vttbrEl2() { return vttbrEl2; }

    /** Sets VTTBR_EL2 (stage-2 table base, VMID); takes effect at the next instruction. */
    public void setVttbrEl2(long value) { vttbrEl2 = value; syncMmu(); }

    public long vtcrEl2() { return vtcrEl2; }

    /** Sets VTCR_EL2 (stage-2 T0SZ, SL0, walk attributes, PS); takes effect at the next instruction. */
    public void setVtcrEl2(long value) { vtcrEl2 = value; syncMmu(); }

    /** FAR_EL2 of the last stage-2 abort ({@link RunStatus#TRAP_EL2} with EC 0x20/0x24): the VA. */
    public long el2Far() { return el2Far; }

    /** HPFAR_EL2 of the last stage-2 abort: FIPA[39:4] = IPA[47:12]. */
    public long hpfarEl2() { return el2Hpfar; }

    /** This PE's MMU: the hypervisor's TLBI (EL2 forms) and stage-2 inspection ({@link Mmu#walkIpa}), tests. */
    public Mmu mmu() { return mmu; }

    /**
     * Copies the translation registers (SCTLR_EL1, TCR_EL1, TTBR0/1_EL1, MAIR_EL1, HCR_EL2, VTTBR_EL2,
     * VTCR_EL2) into the MMU after any of them changed, and drops the fetch-line table.
     */
    private void syncMmu() {
        tctx.sctlrEl1 = sys[SysRegs.SCTLR_EL1];
        tctx.tcrEl1 = sys[SysRegs.TCR_EL1];
        tctx.ttbr0El1 = sys[SysRegs.TTBR0_EL1];
        tctx.ttbr1El1 = sys[SysRegs.TTBR1_EL1];
        tctx.mairEl1 = sys[SysRegs.MAIR_EL1];
        tctx.el2Enabled = el2Attached;
        tctx.hcrEl2 = hcrEl2;
        tctx.vttbrEl2 = vttbrEl2;
        tctx.vtcrEl2 = vtcrEl2;
        mmu.setContext(tctx);
        // The MMU bumps its generation only if a register value changed (a vCPU loaded back with the
        // same values keeps every translation): the fetch table and page memos go only then.
        if (mmu.generation() != mmuGeneration) {
            mmuGeneration = mmu.generation();
            invalidateFetchLines();
        }
    }

    private long hcr() { return el2Attached ? hcrEl2 : 0; }

    /** The ESR_EL2-style syndrome of the last {@link RunStatus#TRAP_EL2}. */
    public long el2Syndrome() { return el2Syndrome; }

    // ---- host interface (exec mode)

    /**
     * In host mode, synchronous exceptions taken from EL0 are not delivered to EL1 but returned to
     * the caller of {@link #run} as {@link RunStatus#EXCEPTION_TO_HOST} (the exec layer's system calls).
     */
    public void setSyncToHost(boolean on) { syncToHost = on; }

    public long hostEsr() { return hostEsr; }

    public long hostFar() { return hostFar; }

    /** Preferred return address of the last host exception (after an SVC: the next instruction). */
    public long hostElr() { return hostElr; }

    /** Stops the PE for good: every later {@link #run} returns {@link RunStatus#HALTED}. */
    public void halt() { halted = true; }

    public boolean halted() { return halted; }

    // ---- interrupt lines

    /** The level of the physical IRQ line (a device or interrupt controller drives it). */
    public void setIrqLine(boolean level) { irqLine = level; updateAttention(); }

    public void setFiqLine(boolean level) { fiqLine = level; updateAttention(); }

    /** Makes an SError interrupt pending (taken when PSTATE.A allows). */
    public void raiseSError() { serrorPending = true; updateAttention(); }

    /** Sets the event register (SEV from another PE). */
    public void sendEvent() { eventRegister = true; }

    /** True if an interrupt is pending, masked or not (what ends a WFI). */
    public boolean interruptPending() {
        long h = hcr();
        return irqLine || fiqLine || serrorPending || (h & (HCR_VI | HCR_VF | HCR_VSE)) != 0;
    }

    // ---- translation regime

    /**
     * Selects the translation regime: {@link #REGIME_MMU_OFF} (the default, despite its name the
     * architectural one: every access goes through the {@link Mmu}, which applies SCTLR_EL1.M = 0 rules
     * or stage-1 tables and stage 2 as the registers say) or {@link #REGIME_FLAT_WB}.
     *
     * <p>Simplification: the flat regime is an identity map with Normal Write-Back Inner Shareable
     * attributes for every access and no translation at all (no tables, no TLB, no permission
     * checks), for tests and benchmarks that want the caches without setting up tables; exec and guests
     * use real tables.
     */
    public void setRegime(int regime) {
        if (regime != REGIME_MMU_OFF && regime != REGIME_FLAT_WB) {
            throw new IllegalArgumentException("unknown translation regime " + regime);
        }
        this.regime = regime;
        updateDerivedState();
    }

    public int regime() { return regime; }

    /** The attributes of data accesses in the current regime (for tests and reports). */
    public int dataAttrs() { return dataAttrs; }

    /** The attributes of instruction fetches in the current regime. */
    public int fetchAttrs() { return fetchAttrs; }

    /** Recomputes everything derived from SCTLR_EL1, HCR_EL2, the regime and PSTATE.EL. */
    private void updateDerivedState() {
        long sctlr = sys[SysRegs.SCTLR_EL1];
        if (regime == REGIME_FLAT_WB) {
            dataAttrs = Attrs.HOST_WB;
            fetchAttrs = Attrs.HOST_WB;
        } else if ((hcr() & HCR_DC) != 0) {
            // HCR_EL2.DC: stage 1 behaves as off but the result is Normal Non-shareable Write-Back.
            dataAttrs = Attrs.make(Attrs.NORMAL_WB, Attrs.NSH);
            fetchAttrs = dataAttrs;
        } else {
            // Reported by dataAttrs()/fetchAttrs() only (the MMU gives each access its attributes):
            // the SCTLR_EL1.M = 0 rules (data Device-nGnRnE; fetch Normal Non-cacheable if
            // SCTLR_EL1.I = 0, else Write-Through) and, with M = 1, what an identity-mapped Normal
            // Write-Back page gives.
            if ((sctlr & SCTLR_M) == 0) {
                dataAttrs = Attrs.DEVICE_nGnRnE;
            } else {
                dataAttrs = (sctlr & SCTLR_C) != 0 ? Attrs.HOST_WB : Attrs.NC;
            }
            fetchAttrs = (sctlr & SCTLR_I) != 0 ? Attrs.make(Attrs.NORMAL_WT, Attrs.OSH) : Attrs.NC;
        }
        alignCheck = (sctlr & SCTLR_A) != 0;
        spAlignCheck = (sctlr & (el == 0 ? SCTLR_SA0 : SCTLR_SA)) != 0;
        invalidateFetchLines();
    }

    /** Drops the fetch-line table and the data page memos (the translation or the regime may have changed). */
    private void invalidateFetchLines() {
        java.util.Arrays.fill(fetchLineVa, -1L);
        loadPageVa = storePageVa = -1L;
    }

    // =====================================================================================
    // The run loop
    // =====================================================================================

    /** Executes one instruction (or takes one pending interrupt); see {@link #run(long)}. */
    public RunStatus step() {
        return run(1);
    }

    /**
     * Runs until {@code maxInstructions} have executed or something stops the PE (see {@link RunStatus}).
     * Allocation-free in steady state (the decoded-instruction cache allocates only on a miss).
     */
    public RunStatus run(long maxInstructions) {
        if (maxInstructions < 0) throw new IllegalArgumentException("instruction budget must be >= 0, got " + maxInstructions);
        if (halted) return RunStatus.HALTED;
        stopStatus = null;
        attention &= ~ATT_STOP;
        if (mmu.generation() != mmuGeneration) {
            mmuGeneration = mmu.generation();
            invalidateFetchLines();
        }
        final long limit = instructions + maxInstructions;
        final long wordMask = lineSize - 4;
        final long[] r = this.r;
        final Decoded[] fetchDecoded = this.fetchDecoded;
        // The L1I generation can only change through a memory-system call: re-read it after the
        // instructions that make one (Decoded.touchesMemory), after a slow fetch and after exceptions.
        int gen = mem.l1iGeneration(index);
        // The current line of the fetch-line table, for a one-compare fast path; forgotten whenever
        // the table may have been invalidated (instructions that change the translation context,
        // Decoded.changesContext, and exceptions).
        long curLineVa = 0;
        int curBase = 0;
        boolean curValid = false;
        if (attention != 0) {
            int a = serviceAttention();
            if (a == ATTENDED_STOP) return takeStop();
            if (a == ATTENDED_EXCEPTION) {
                instructions++; // taking an interrupt or an illegal-state exception uses up one step
                gen = mem.l1iGeneration(index);
            }
        }
        // PC and the instruction count live in locals while the loop runs the hot handlers inline;
        // the fields are written back before anything that may read them (the out-of-line executor,
        // memory accesses, which may take an exception or reach a device that reads the virtual time,
        // attention, return) and PC is re-read after.
        long pc = this.pc;
        long count = instructions;
        while (count < limit) {
            try {
                long offset = pc - curLineVa;
                Decoded di;
                // curValid implies: the current line's entry was filled at generation `gen` and gen has
                // not changed since (every refresh of gen that sees a change clears curValid).
                if (curValid && (offset & ~wordMask) == 0) {
                    int slot = curBase + (int) (offset >>> 2);
                    di = fetchDecoded[slot];
                    if (di == null) {
                        di = lookupDecoded(fetchWords[slot]);
                        fetchDecoded[slot] = di;
                    }
                } else {
                    long lineVa = pc & -(long) lineSize;
                    int e = (int) (lineVa >>> lineShift) & (FETCH_LINES - 1);
                    if (fetchLineVa[e] == lineVa && (pc & 3) == 0 && fetchLineGen[e] == gen
                            && (!fetchLineNc[e] || mem.tryTickFetch())) {
                        // A Non-cacheable copy is never the current line: each of its fetches comes
                        // through here, to tick the clock, and the fast path above stays one compare.
                        curLineVa = lineVa;
                        curBase = e * wordsPerLine;
                        curValid = !fetchLineNc[e];
                        int slot = curBase + (int) ((pc & wordMask) >>> 2);
                        di = fetchDecoded[slot];
                        if (di == null) {
                            di = lookupDecoded(fetchWords[slot]);
                            fetchDecoded[slot] = di;
                        }
                    } else {
                        this.pc = pc;
                        instructions = count;
                        di = lookupDecoded(fetchSlow(pc));
                        gen = mem.l1iGeneration(index);
                        curValid = false;
                    }
                }
                // The most frequent instructions run here; everything else in execute().
                switch (di.op) {
                    case Op.ADD_X_IMM:
                        r[di.d] = r[di.n] + di.imm;
                        pc += 4;
                        break;
                    case Op.SUB_X_IMM:
                        r[di.d] = r[di.n] - di.imm;
                        pc += 4;
                        break;
                    case Op.SUBS_X_IMM: {
                        long x = r[di.n];
                        nzcv = Asl.addWithCarryFlags(x, ~di.imm, 1, 64);
                        r[di.d] = x - di.imm;
                        pc += 4;
                        break;
                    }
                    case Op.ADD_X_REG:
                        r[di.d] = r[di.n] + r[di.m];
                        pc += 4;
                        break;
                    case Op.AND_X_REG:
                        r[di.d] = r[di.n] & r[di.m];
                        pc += 4;
                        break;
                    case Op.ORR_X_REG:
                        r[di.d] = r[di.n] | r[di.m];
                        pc += 4;
                        break;
                    case Op.EOR_X_REG:
                        r[di.d] = r[di.n] ^ r[di.m];
                        pc += 4;
                        break;
                    case Op.LSL_X_IMM:
                        r[di.d] = r[di.n] << di.shiftAmount;
                        pc += 4;
                        break;
                    case Op.B_COND:
                        pc += Asl.conditionHolds(di.cond, nzcv) ? di.imm : 4;
                        break;
                    case Op.B:
                        pc += di.imm;
                        break;
                    case Op.LDR_X_UIMM: {
                        long baseVa = r[di.n];
                        long va = baseVa + di.imm;
                        // The page memo hit and the access naturally aligned (one compare: the memo's VA has
                        // its low 12 bits clear): a cacheable access tries the memory system's L1D hit path, a
                        // Non-cacheable one with a RAM page handle goes straight to the page; neither can
                        // fault, reach a device or change the L1I, so pc and the count stay in locals.
                        if ((va & ~0xFF8L) == loadPageVa && !(di.spBase && spAlignCheck)) {
                            byte[] page = loadPageRam;
                            if (page == null) {
                                if (mem.tryReadCached(index, va + loadPageDelta, 8, loadPageAttrs)) {
                                    r[di.t] = mem.fastValue();
                                    pc += 4;
                                    break;
                                }
                            } else if ((page != MemorySystem.PAGE_NOT_YET
                                    || (page = setLoadPageRam(va + loadPageDelta, loadPageAttrs)) != MemorySystem.PAGE_NOT_YET)
                                    && mem.fastAccessAllowed()) {
                                r[di.t] = mem.ncPageRead(page, va, 8);
                                pc += 4;
                                break;
                            }
                        }
                        this.pc = pc;
                        instructions = count;
                        currentWord = di.word;
                        if (di.spBase && spAlignCheck && (baseVa & 15) != 0) throw spAlignmentFault();
                        r[di.t] = load(va, 8);
                        pc += 4;
                        // A data access may change the L1I (e.g. an L2 eviction); see the default case.
                        if (mem.l1iGeneration(index) != gen) {
                            gen = mem.l1iGeneration(index);
                            curValid = false;
                        }
                        break;
                    }
                    case Op.LDR_W_UIMM: {
                        long baseVa = r[di.n];
                        long va = baseVa + di.imm;
                        if ((va & ~0xFFCL) == loadPageVa && !(di.spBase && spAlignCheck)) {
                            byte[] page = loadPageRam;
                            if (page == null) {
                                if (mem.tryReadCached(index, va + loadPageDelta, 4, loadPageAttrs)) {
                                    r[di.t] = mem.fastValue();
                                    pc += 4;
                                    break;
                                }
                            } else if ((page != MemorySystem.PAGE_NOT_YET
                                    || (page = setLoadPageRam(va + loadPageDelta, loadPageAttrs)) != MemorySystem.PAGE_NOT_YET)
                                    && mem.fastAccessAllowed()) {
                                r[di.t] = mem.ncPageRead(page, va, 4);
                                pc += 4;
                                break;
                            }
                        }
                        this.pc = pc;
                        instructions = count;
                        currentWord = di.word;
                        if (di.spBase && spAlignCheck && (baseVa & 15) != 0) throw spAlignmentFault();
                        r[di.t] = load(va, 4);
                        pc += 4;
                        // A data access may change the L1I (e.g. an L2 eviction); see the default case.
                        if (mem.l1iGeneration(index) != gen) {
                            gen = mem.l1iGeneration(index);
                            curValid = false;
                        }
                        break;
                    }
                    case Op.LDRB_UIMM: {
                        long baseVa = r[di.n];
                        long va = baseVa + di.imm;
                        if ((va & ~0xFFFL) == loadPageVa && !(di.spBase && spAlignCheck)) {
                            byte[] page = loadPageRam;
                            if (page == null) {
                                if (mem.tryReadCached(index, va + loadPageDelta, 1, loadPageAttrs)) {
                                    r[di.t] = mem.fastValue();
                                    pc += 4;
                                    break;
                                }
                            } else if ((page != MemorySystem.PAGE_NOT_YET
                                    || (page = setLoadPageRam(va + loadPageDelta, loadPageAttrs)) != MemorySystem.PAGE_NOT_YET)
                                    && mem.fastAccessAllowed()) {
                                r[di.t] = mem.ncPageRead(page, va, 1);
                                pc += 4;
                                break;
                            }
                        }
                        this.pc = pc;
                        instructions = count;
                        currentWord = di.word;
                        if (di.spBase && spAlignCheck && (baseVa & 15) != 0) throw spAlignmentFault();
                        r[di.t] = load(va, 1);
                        pc += 4;
                        // A data access may change the L1I (e.g. an L2 eviction); see the default case.
                        if (mem.l1iGeneration(index) != gen) {
                            gen = mem.l1iGeneration(index);
                            curValid = false;
                        }
                        break;
                    }
                    case Op.STR_X_UIMM: {
                        long baseVa = r[di.n];
                        long va = baseVa + di.imm;
                        if ((va & ~0xFF8L) == storePageVa && !(di.spBase && spAlignCheck)) { // as for the loads
                            byte[] page = storePageRam;
                            boolean done;
                            if (page == null) {
                                done = mem.tryWrite(index, agent, va + storePageDelta, 8, storePageAttrs, r[di.t]);
                            } else if ((page != MemorySystem.PAGE_NOT_YET
                                    || (page = setStorePageRam(va + storePageDelta, storePageAttrs)) != MemorySystem.PAGE_NOT_YET)
                                    && mem.fastAccessAllowed()) {
                                mem.ncPageWrite(page, va, 8, r[di.t]);
                                done = true;
                            } else {
                                done = false;
                            }
                            if (done) {
                                if (platform != null && platform.armedMonitors > 0) platform.clearMonitors(this, va + storePageDelta);
                                pc += 4;
                                break;
                            }
                        }
                        this.pc = pc;
                        instructions = count;
                        currentWord = di.word;
                        if (di.spBase && spAlignCheck && (baseVa & 15) != 0) throw spAlignmentFault();
                        store(va, 8, r[di.t]);
                        pc += 4;
                        // A data access may change the L1I (e.g. an L2 eviction); see the default case.
                        if (mem.l1iGeneration(index) != gen) {
                            gen = mem.l1iGeneration(index);
                            curValid = false;
                        }
                        break;
                    }
                    case Op.STR_W_UIMM: {
                        long baseVa = r[di.n];
                        long va = baseVa + di.imm;
                        if ((va & ~0xFFCL) == storePageVa && !(di.spBase && spAlignCheck)) { // as for the loads
                            byte[] page = storePageRam;
                            boolean done;
                            if (page == null) {
                                done = mem.tryWrite(index, agent, va + storePageDelta, 4, storePageAttrs, r[di.t]);
                            } else if ((page != MemorySystem.PAGE_NOT_YET
                                    || (page = setStorePageRam(va + storePageDelta, storePageAttrs)) != MemorySystem.PAGE_NOT_YET)
                                    && mem.fastAccessAllowed()) {
                                mem.ncPageWrite(page, va, 4, r[di.t]);
                                done = true;
                            } else {
                                done = false;
                            }
                            if (done) {
                                if (platform != null && platform.armedMonitors > 0) platform.clearMonitors(this, va + storePageDelta);
                                pc += 4;
                                break;
                            }
                        }
                        this.pc = pc;
                        instructions = count;
                        currentWord = di.word;
                        if (di.spBase && spAlignCheck && (baseVa & 15) != 0) throw spAlignmentFault();
                        store(va, 4, r[di.t]);
                        pc += 4;
                        // A data access may change the L1I (e.g. an L2 eviction); see the default case.
                        if (mem.l1iGeneration(index) != gen) {
                            gen = mem.l1iGeneration(index);
                            curValid = false;
                        }
                        break;
                    }
                    case Op.STR_X_POST: {
                        long baseVa = r[di.n];
                        long va = baseVa;
                        if ((va & ~0xFF8L) == storePageVa && !(di.spBase && spAlignCheck)) { // as for the loads
                            byte[] page = storePageRam;
                            boolean done;
                            if (page == null) {
                                done = mem.tryWrite(index, agent, va + storePageDelta, 8, storePageAttrs, r[di.t]);
                            } else if ((page != MemorySystem.PAGE_NOT_YET
                                    || (page = setStorePageRam(va + storePageDelta, storePageAttrs)) != MemorySystem.PAGE_NOT_YET)
                                    && mem.fastAccessAllowed()) {
                                mem.ncPageWrite(page, va, 8, r[di.t]);
                                done = true;
                            } else {
                                done = false;
                            }
                            if (done) {
                                r[di.n] = baseVa + di.imm;
                                if (platform != null && platform.armedMonitors > 0) platform.clearMonitors(this, va + storePageDelta);
                                pc += 4;
                                break;
                            }
                        }
                        this.pc = pc;
                        instructions = count;
                        currentWord = di.word;
                        if (di.spBase && spAlignCheck && (baseVa & 15) != 0) throw spAlignmentFault();
                        store(baseVa, 8, r[di.t]);
                        r[di.n] = baseVa + di.imm;
                        pc += 4;
                        // A data access may change the L1I (e.g. an L2 eviction); see the default case.
                        if (mem.l1iGeneration(index) != gen) {
                            gen = mem.l1iGeneration(index);
                            curValid = false;
                        }
                        break;
                    }
                    default: {
                        long next = quickExecute(di, pc, count);
                        if (next != NOT_QUICK) {
                            pc = next;
                            break;
                        }
                        this.pc = pc;
                        instructions = count;
                        execute(di);
                        pc = this.pc;
                        if (di.touchesMemory) {
                            int g = mem.l1iGeneration(index);
                            if (g != gen || di.changesContext) {
                                gen = g;
                                curValid = false;
                            }
                        }
                        break;
                    }
                }
            } catch (GuestFault f) {
                // the exception was taken (state updated); continue with the next instruction
                pc = this.pc;
                gen = mem.l1iGeneration(index);
                curValid = false;
            }
            count++;
            if (attention != 0) {
                this.pc = pc;
                instructions = count;
                if (stopStatus != null) {
                    if (stopStatus == RunStatus.TRAP_EL2) instructions--; // the trapped instruction did not execute
                    return takeStop();
                }
                if (count >= limit) break;
                int a = serviceAttention();
                if (a == ATTENDED_STOP) return takeStop();
                if (a == ATTENDED_EXCEPTION) {
                    count++; // taking an interrupt or an illegal-state exception uses up one step
                    instructions = count;
                    gen = mem.l1iGeneration(index);
                    curValid = false;
                }
                pc = this.pc;
            }
        }
        this.pc = pc;
        instructions = count;
        return RunStatus.BUDGET_EXHAUSTED;
    }

    /** {@link #quickExecute}'s answer for an instruction it does not run (no valid PC: see there). */
    private static final long NOT_QUICK = Long.MIN_VALUE;

    /**
     * The second tier of the run loop: frequent instructions that need neither the fields the loop keeps
     * in locals (PC, the instruction count: passed in) nor the out-of-line executor's exception and trap
     * machinery: calls, returns, compare-and-branch, CMP, ADD/SUB (shifted register), moves, barriers and
     * the EL1 read of the generic-timer counter. U-Boot's delay loop (BL, ISB, MRS, STR, RET, CMP, B.cond)
     * is all here or inline. Kept out of run()'s switch so that the JIT's code for the hottest cases stays
     * small. Returns the next PC, or {@link #NOT_QUICK} having done nothing (then {@link #execute} runs the
     * instruction). NOT_QUICK cannot be a PC this returns: a branch to it would be re-run by execute()
     * identically (it only sets PC and, for BL, X30 to the same values), and the PC after a sequential
     * instruction is never 2^63 (0x7FFF_FFFF_FFFF_FFFC is outside every translation regime's VA range).
     */
    private long quickExecute(Decoded di, long pc, long count) {
        switch (di.op) {
            case Op.BL:
                r[30] = pc + 4;
                return pc + di.imm;
            case Op.BR:
            case Op.RET:
                return r[di.n];
            case Op.CBZ:
                return pc + (Asl.trunc(r[di.t], di.datasize) == 0 ? di.imm : 4);
            case Op.CBNZ:
                return pc + (Asl.trunc(r[di.t], di.datasize) != 0 ? di.imm : 4);
            case Op.SUBS_X_REG: {
                long x = r[di.n], y = r[di.m];
                nzcv = Asl.addWithCarryFlags(x, ~y, 1, 64);
                r[di.d] = x - y;
                return pc + 4;
            }
            case Op.ADDSUB_SHIFTED:
                addSub(di, Asl.shift(r[di.m], di.shiftType, di.shiftAmount, di.datasize), 0);
                return pc + 4;
            case Op.MOV_REG:
                r[di.d] = Asl.trunc(r[di.m], di.datasize);
                return pc + 4;
            case Op.MOV_IMM:
                r[di.d] = di.imm;
                return pc + 4;
            case Op.NOP:
            case Op.BARRIER: // no-ops: see execute()
                return pc + 4;
            case Op.LDST: {
                // A store with a register offset (memset's str xN, [xM, xK]) to a cacheable page the store
                // memo holds, through the memory system's fast paths (observed included); else NOT_QUICK
                // having done nothing.
                if (!di.flag1 || di.sub != 1 || di.mode != Decoded.MODE_OFFSET || storePageRam != null
                        || (di.spBase && spAlignCheck)) {
                    return NOT_QUICK;
                }
                int size = di.size;
                long va = r[di.n] + Asl.extend(r[di.m], di.extendType, di.shiftAmount);
                if ((va & ~(0xFFFL & -size)) != storePageVa
                        || !mem.tryWrite(index, agent, va + storePageDelta, size, storePageAttrs, r[di.t])) {
                    return NOT_QUICK;
                }
                if (platform != null && platform.armedMonitors > 0) platform.clearMonitors(this, va + storePageDelta);
                return pc + 4;
            }
            case Op.MRS: {
                // CNTPCT/CNTVCT at EL1 (never trapped: TRAP_NONE in sysRegAccessAllowed): counter() with the
                // instruction count the loop keeps in a local.
                SysRegs.Reg reg = di.sysReg;
                if (el == 1 && reg != null && (reg.id() == SysRegs.CNTPCT_EL0 || reg.id() == SysRegs.CNTVCT_EL0)) {
                    r[di.t] = (count + idleTicks) >>> 4;
                    return pc + 4;
                }
                return NOT_QUICK;
            }
            default:
                return NOT_QUICK;
        }
    }

    private RunStatus takeStop() {
        RunStatus s = stopStatus;
        stopStatus = null;
        attention &= ~ATT_STOP;
        return s;
    }

    private Decoded lookupDecoded(int word) {
        Decoded di = dcache[(word * 0x9E3779B1) >>> (32 - DCACHE_BITS)];
        if (di == null || di.word != word) di = decodeMiss(word);
        return di;
    }

    private Decoded decodeMiss(int word) {
        Decoded di = Decoder.decode(word);
        dcache[(word * 0x9E3779B1) >>> (32 - DCACHE_BITS)] = di;
        return di;
    }

    /** Drops every cached decode (for tests; decodes depend only on the word, so this is never needed for correctness). */
    public void flushDecodeCache() {
        java.util.Arrays.fill(dcache, null);
    }

    private void stop(RunStatus s) {
        stopStatus = s;
        attention |= ATT_STOP;
    }

    private void updateAttention() {
        int a = attention & ATT_STOP;
        if (illegalState) a |= ATT_ILLEGAL;
        if (interruptPending()) a |= ATT_INTERRUPT;
        attention = a;
    }

    private static final int ATTENDED_NOTHING = 0, ATTENDED_EXCEPTION = 1, ATTENDED_STOP = 2;

    /**
     * Takes a pending interrupt or illegal-state exception before the next instruction. Returns
     * {@link #ATTENDED_EXCEPTION} if one was taken, {@link #ATTENDED_STOP} if the PE must stop (the
     * status is in {@link #stopStatus}), else {@link #ATTENDED_NOTHING}.
     */
    private int serviceAttention() {
        if ((attention & ATT_ILLEGAL) != 0 && illegalState) {
            // Illegal Execution state: the next instruction takes an exception (EC 0x0E), PC unchanged.
            takeSync(Syndrome.make(Syndrome.EC_ILLEGAL_STATE, 0), pc, 0, false);
            return stopStatus != null ? ATTENDED_STOP : ATTENDED_EXCEPTION;
        }
        if ((attention & ATT_INTERRUPT) != 0) {
            long h = hcr();
            // Physical interrupts routed to EL2 by IMO/FMO/AMO go to the hypervisor, whatever PSTATE says
            // (EL2 is above EL0/EL1, so the EL1 masks do not apply).
            if ((irqLine && (h & HCR_IMO) != 0) || (fiqLine && (h & HCR_FMO) != 0)
                    || (serrorPending && (h & HCR_AMO) != 0)) {
                stop(RunStatus.INTERRUPT_TO_EL2);
                return ATTENDED_STOP;
            }
            boolean serror = (serrorPending && (h & HCR_AMO) == 0) || ((h & HCR_VSE) != 0 && (h & HCR_AMO) != 0);
            boolean irq = (irqLine && (h & HCR_IMO) == 0) || ((h & HCR_VI) != 0 && (h & HCR_IMO) != 0);
            boolean fiq = (fiqLine && (h & HCR_FMO) == 0) || ((h & HCR_VF) != 0 && (h & HCR_FMO) != 0);
            // Interrupts targeting EL1 are masked by PSTATE at EL1, never at EL0 (the target is higher).
            boolean masked0 = el == 0;
            if (serror && (masked0 || (daif & 0b0100) == 0)) {
                if (serrorPending && (h & HCR_AMO) == 0) serrorPending = false;
                else hcrEl2 &= ~HCR_VSE; // a virtual SError is consumed when taken
                takeException(0x180, Syndrome.make(Syndrome.EC_SERROR, 0), pc, 0, false, true);
                updateAttention();
                return ATTENDED_EXCEPTION;
            }
            if (fiq && (masked0 || (daif & 0b0001) == 0)) {
                takeException(0x100, 0, pc, 0, false, false);
                return ATTENDED_EXCEPTION;
            }
            if (irq && (masked0 || (daif & 0b0010) == 0)) {
                takeException(0x080, 0, pc, 0, false, false);
                return ATTENDED_EXCEPTION;
            }
        }
        return ATTENDED_NOTHING;
    }

    // =====================================================================================
    // Exceptions
    // =====================================================================================

    /** Thrown (pre-allocated, no stack trace) to unwind an instruction after its exception was taken. */
    static final class GuestFault extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final GuestFault INSTANCE = new GuestFault();

        private GuestFault() { super("guest exception taken", null, false, false); }
    }

    /**
     * A synchronous exception to EL1 (or to the host in host mode), then unwinds the instruction.
     * {@code preferredReturn} is ELR_EL1's value (AArch64.TakeException's preferred_exception_return).
     */
    private GuestFault syncException(long esr, long preferredReturn, long far, boolean farValid) {
        takeSync(esr, preferredReturn, far, farValid);
        return GuestFault.INSTANCE;
    }

    private void takeSync(long esr, long preferredReturn, long far, boolean farValid) {
        if (syncToHost && el == 0) {
            hostEsr = esr;
            hostFar = farValid ? far : 0;
            hostElr = preferredReturn;
            pc = preferredReturn;
            stop(RunStatus.EXCEPTION_TO_HOST);
            return;
        }
        takeException(0, esr, preferredReturn, far, farValid, true);
    }

    /** UNDEFINED instruction (EC 0x00) at the current PC. */
    private GuestFault undefined() {
        return syncException(Syndrome.make(Syndrome.EC_UNKNOWN, 0), pc, 0, false);
    }

    /**
     * AArch64.TakeException to EL1: SPSR_EL1 = PSTATE, ELR_EL1 = preferred return, ESR_EL1 (synchronous
     * and SError only), FAR_EL1 (aborts only), PSTATE.{EL,SP} = EL1h, DAIF all masked, IL = 0, the local
     * exclusive monitor cleared, PC = VBAR_EL1 + vector offset (0x000 current EL with SP_EL0, 0x200
     * current EL with SP_ELx, 0x400 lower EL using AArch64; plus 0x80/0x100/0x180 for IRQ/FIQ/SError).
     */
    void takeException(int typeOffset, long esr, long preferredReturn, long far, boolean farValid, boolean writeEsr) {
        int base = el == 0 ? 0x400 : (spSel == 1 ? 0x200 : 0x000);
        sys[SysRegs.SPSR_EL1] = pstate();
        sys[SysRegs.ELR_EL1] = preferredReturn;
        if (writeEsr) sys[SysRegs.ESR_EL1] = esr;
        if (farValid) sys[SysRegs.FAR_EL1] = far;
        selectPstateElSp(1, 1);
        daif = 0xF;
        illegalState = false;
        exclusiveValid = false;
        pc = (sys[SysRegs.VBAR_EL1] & ~0x7FFL) + base + typeOffset;
        updateAttention();
    }

    /** Moves PSTATE to (el, spSel), banking the stack pointers. */
    private void selectPstateElSp(int newEl, int newSpSel) {
        // save the current SP into its bank
        if (el == 0 || spSel == 0) spEl0 = r[SP];
        else spEl1 = r[SP];
        el = newEl;
        spSel = newEl == 0 ? 0 : newSpSel;
        r[SP] = (el == 0 || spSel == 0) ? spEl0 : spEl1;
        updateDerivedState();
    }

    /** ERET (AArch64.ExceptionReturn) from EL1. */
    private void exceptionReturn() {
        long spsr = sys[SysRegs.SPSR_EL1];
        long target = sys[SysRegs.ELR_EL1];
        int m = (int) spsr & 0x1F;
        boolean illegal = (m & 0x10) != 0 || (m >>> 2) > el || m == 0b00001 || (m & 0b10) != 0;
        exclusiveValid = false;
        nzcv = (int) (spsr >>> 28) & 0xF;
        daif = (int) (spsr >>> 6) & 0xF;
        if (illegal) {
            // IllegalExceptionReturn: EL and SP unchanged, PSTATE.IL set; the next instruction faults.
            illegalState = true;
        } else {
            illegalState = ((spsr >>> 20) & 1) != 0;
            selectPstateElSp(m >>> 2, m & 1);
        }
        pc = target;
        updateAttention();
    }

    // =====================================================================================
    // Memory path: one translation step, fetch, loads and stores
    // =====================================================================================

    /** The attributes of the last translated data access (translateData's second result). */
    private int accAttrs;

    // ---- data page memos: the last 4 KiB page a load (a store) translated at the current EL in the
    // current regime, as its VA, PA - VA and attributes; -1 (never a page address) when empty. A hit
    // is one compare in front of the MMU's micro-TLB. Like the fetch-line table they are dropped by
    // invalidateFetchLines() whenever the translation, the regime or PSTATE.EL may have changed (the
    // MMU only hands out translations whose permission check passed for that access type and EL).
    private long loadPageVa = -1L, storePageVa = -1L;
    private long loadPageDelta, storePageDelta;
    private int loadPageAttrs, storePageAttrs;
    // For a Non-cacheable (or Device) memo page that is RAM: the memory system's page handle
    // (MemorySystem.ncPageHandle), so run() serves aligned loads and stores there inline; else null.
    // MemorySystem.PAGE_NOT_YET while the RAM page was never written: run() then asks again (a store
    // allocates the page).
    private byte[] loadPageRam, storePageRam;

    /** The load memo's page handle for pa (attrs: the memo's), kept in {@link #loadPageRam}. */
    private byte[] setLoadPageRam(long pa, int attrs) {
        return loadPageRam = Attrs.cacheable(attrs) ? null : mem.ncPageHandle(pa, false);
    }

    /** As {@link #setLoadPageRam}, for the store memo. */
    private byte[] setStorePageRam(long pa, int attrs) {
        return storePageRam = Attrs.cacheable(attrs) ? null : mem.ncPageHandle(pa, true);
    }

    /**
     * The one translation step for data accesses: returns the PA and leaves the attributes in
     * {@link #accAttrs}; a translation fault is taken (see {@link #translationFault}). The flat regime:
     * PA = VA. An access to a PA no region covers is a synchronous external abort (in the callers).
     */
    private long translateData(long va, int access) {
        if (regime == REGIME_FLAT_WB) {
            accAttrs = dataAttrs;
            return va;
        }
        long pa = mmu.translate(va, access, unprivileged ? 0 : el);
        if (pa == Mmu.FAULT) throw translationFault();
        accAttrs = mmu.attrs();
        return pa;
    }

    /**
     * A load's translation when the load page memo misses: {@link #translateData}, then the memo
     * remembers the page (not for LDTR, whose permissions are EL0's).
     */
    private long translateLoadPage(long va) {
        long pa = translateData(va, Mmu.LOAD);
        if (!unprivileged) {
            loadPageVa = va & ~0xFFFL;
            loadPageDelta = (pa & ~0xFFFL) - loadPageVa;
            loadPageAttrs = accAttrs;
            setLoadPageRam(pa, accAttrs);
        }
        return pa;
    }

    /** As {@link #translateLoadPage}, for stores. */
    private long translateStorePage(long va) {
        long pa = translateData(va, Mmu.STORE);
        if (!unprivileged) {
            storePageVa = va & ~0xFFFL;
            storePageDelta = (pa & ~0xFFFL) - storePageVa;
            storePageAttrs = accAttrs;
            setStorePageRam(pa, accAttrs);
        }
        return pa;
    }

    /** DC/IC by VA: the PA to maintain (read permission at EL0 only; DC IVAC needs write permission). */
    private long translateCmo(long va, boolean ivac) {
        if (regime == REGIME_FLAT_WB) return va;
        long pa = mmu.translate(va, ivac ? Mmu.CMO_IVAC : Mmu.CMO, el);
        if (pa == Mmu.FAULT) throw translationFault();
        return pa;
    }

    /**
     * Takes the MMU's fault: a stage-1 fault to EL1 (ESR_EL1, FAR_EL1 = VA); a stage-2 fault to the
     * hypervisor ({@link RunStatus#TRAP_EL2} with ESR_EL2 in {@link #el2Syndrome()}, {@link #el2Far()},
     * {@link #hpfarEl2()}), the instruction not executed.
     */
    private GuestFault translationFault() {
        FaultRecord f = mmu.fault();
        f.el = el; // the exception comes from the current EL (also for LDTR/STTR, checked as EL0)
        if (f.stage2) {
            el2Syndrome = f.esrEl2(instructionSyndrome(lookupDecoded(currentWord)));
            el2Far = f.va;
            el2Hpfar = f.hpfarEl2();
            stop(RunStatus.TRAP_EL2);
            return GuestFault.INSTANCE;
        }
        return syncException(f.esrEl1(), pc, f.va, true);
    }

    /**
     * The ISS instruction syndrome (ISV, SAS, SSE, SRT, SF, AR) of a stage-2 data abort on {@code di}:
     * valid (ISV = 1) for loads and stores of one general-purpose register without writeback (the
     * hypervisor can emulate them as MMIO); 0 for pairs, writeback forms, exclusives and the rest.
     */
    private static long instructionSyndrome(Decoded di) {
        if (di == null) return 0;
        int rt = Math.min(di.t, 31);
        switch (di.op) {
            case Op.LDR_X_UIMM: case Op.STR_X_UIMM: return FaultRecord.instructionSyndrome(3, false, rt, true, false);
            case Op.LDR_W_UIMM: case Op.STR_W_UIMM: return FaultRecord.instructionSyndrome(2, false, rt, false, false);
            case Op.LDRB_UIMM: return FaultRecord.instructionSyndrome(0, false, rt, false, false);
            case Op.LDST:
                if (di.mode != Decoded.MODE_OFFSET && di.flag3) return 0; // writeback
                return FaultRecord.instructionSyndrome(Integer.numberOfTrailingZeros(di.size), di.flag2, rt, di.regsize == 64, false);
            case Op.LOAD_LITERAL:
                return FaultRecord.instructionSyndrome(Integer.numberOfTrailingZeros(di.size), di.flag2, rt, di.size == 8 || di.flag2, false);
            case Op.LDST_ORDERED:
                return FaultRecord.instructionSyndrome(Integer.numberOfTrailingZeros(di.size), false, rt, di.size == 8, true);
            default:
                return 0;
        }
    }

    /**
     * Fetches the word at {@code va} through the memory system's I-side (fetch32 with the fetch
     * attributes), taking a PC alignment fault or an instruction abort as needed. If the memory system
     * allows it ({@link MemorySystem#peekFetchLine}), copies the line's words into the fetch-line table.
     */
    private int fetchSlow(long va) {
        if ((va & 3) != 0) {
            throw syncException(Syndrome.make(Syndrome.EC_PC_ALIGN, 0), va, va, true);
        }
        long pa;
        int attrs;
        if (regime == REGIME_FLAT_WB) {
            pa = va;
            attrs = fetchAttrs;
        } else {
            pa = mmu.translate(va, Mmu.FETCH, el);
            if (pa == Mmu.FAULT) throw translationFault();
            attrs = mmu.attrs();
        }
        int word;
        try {
            word = mem.fetch32(index, agent, pa, attrs);
        } catch (BusError e) {
            throw syncException(Syndrome.instructionAbort(el == 0, Syndrome.FSC_SYNC_EXTERNAL), va, va, true);
        }
        // Cache the line's words where the L1I holds them and the memory system allows it (with
        // observers: only a line they verified, watched for writes): peekFetchLine copies the L1I line
        // without an access or event. A Non-cacheable fetch reads RAM every time; with observers
        // attached, a RAM line they verified is copied too (peekFetchLineNc: watched for any change to
        // the RAM line) and each fetch from it ticks the clock as the fetch would.
        boolean cacheable = Attrs.cacheable(attrs);
        if (cacheable || mem.observed()) {
            long lineVa = va & -(long) lineSize;
            int e = (int) (lineVa >>> lineShift) & (FETCH_LINES - 1);
            if (cacheable ? mem.peekFetchLine(index, pa, lineBytes) : mem.peekFetchLineNc(pa, lineBytes)) {
                int base = e * wordsPerLine;
                for (int i = 0; i < wordsPerLine; i++) {
                    int o = 4 * i;
                    fetchWords[base + i] = (lineBytes[o] & 0xFF) | (lineBytes[o + 1] & 0xFF) << 8
                            | (lineBytes[o + 2] & 0xFF) << 16 | (lineBytes[o + 3] & 0xFF) << 24;
                    fetchDecoded[base + i] = null;
                }
                fetchLineVa[e] = lineVa;
                fetchLineGen[e] = mem.l1iGeneration(index);
                fetchLineNc[e] = !cacheable;
            } else {
                fetchLineVa[e] = -1;
            }
        }
        return word;
    }

    private void checkAlignment(long va, int size, int attrs, boolean write, boolean forceAligned) {
        if ((va & (size - 1)) != 0 && (forceAligned || alignCheck || Attrs.type(attrs) == Attrs.DEVICE)) {
            throw syncException(Syndrome.dataAbort(el == 0, write, false, Syndrome.FSC_ALIGNMENT), pc, va, true);
        }
    }

    private GuestFault externalAbort(long va, boolean write) {
        return syncException(Syndrome.dataAbort(el == 0, write, false, Syndrome.FSC_SYNC_EXTERNAL), pc, va, true);
    }

    /** Loads {@code size} (1, 2, 4, 8) bytes at {@code va}, zero-extended. */
    private long load(long va, int size) {
        long pa;
        int attrs;
        if ((va & ~0xFFFL) == loadPageVa) {
            pa = va + loadPageDelta;
            attrs = loadPageAttrs;
        } else {
            pa = translateLoadPage(va);
            attrs = accAttrs;
        }
        if ((va & (size - 1)) != 0) {
            checkAlignment(va, size, attrs, false, false);
            if ((va & 0xFFF) + size > 0x1000 && regime != REGIME_FLAT_WB) return loadCrossing(va, size);
        }
        try {
            return mem.read(index, agent, AccessKind.LOAD, pa, size, attrs);
        } catch (BusError e) {
            throw externalAbort(va, false);
        }
    }

    private void store(long va, int size, long value) {
        long pa;
        int attrs;
        if ((va & ~0xFFFL) == storePageVa) {
            pa = va + storePageDelta;
            attrs = storePageAttrs;
        } else {
            pa = translateStorePage(va);
            attrs = accAttrs;
        }
        if ((va & (size - 1)) != 0) {
            checkAlignment(va, size, attrs, true, false);
            if ((va & 0xFFF) + size > 0x1000 && regime != REGIME_FLAT_WB) {
                storeCrossing(va, size, value);
                return;
            }
        }
        try {
            mem.write(index, agent, AccessKind.STORE, pa, size, attrs, value);
        } catch (BusError e) {
            throw externalAbort(va, true);
        }
        if (platform != null && platform.armedMonitors > 0) platform.clearMonitors(this, pa);
    }

    /**
     * An access crossing a 4 KiB page boundary: the second page is translated (and may fault) before
     * any byte moves, then the bytes go one by one, each through its own page's translation.
     */
    private long loadCrossing(long va, int size) {
        translateData((va | 0xFFF) + 1, Mmu.LOAD);
        long v = 0;
        for (int i = 0; i < size; i++) v |= load(va + i, 1) << (8 * i);
        return v;
    }

    private void storeCrossing(long va, int size, long value) {
        translateData((va | 0xFFF) + 1, Mmu.STORE);
        for (int i = 0; i < size; i++) store(va + i, 1, value >>> (8 * i));
    }

    private long loadAligned(long va, int size) {
        long pa = translateData(va, Mmu.LOAD);
        checkAlignment(va, size, accAttrs, false, true);
        try {
            return mem.read(index, agent, AccessKind.LOAD, pa, size, accAttrs);
        } catch (BusError e) {
            throw externalAbort(va, false);
        }
    }

    private void storeAligned(long va, int size, long value) {
        long pa = translateData(va, Mmu.STORE);
        checkAlignment(va, size, accAttrs, true, true);
        try {
            mem.write(index, agent, AccessKind.STORE, pa, size, accAttrs, value);
        } catch (BusError e) {
            throw externalAbort(va, true);
        }
        if (platform != null && platform.armedMonitors > 0) platform.clearMonitors(this, pa);
    }

    /** Clears this PE's monitor if it covers the granule of {@code pa} (another PE stored there). */
    void snoopStore(long pa) {
        if (exclusiveValid && ((pa ^ exclusivePa) & exclusiveGranuleMask) == 0) {
            exclusiveValid = false;
            platform.armedMonitors--;
        }
    }

    private void setExclusive(long pa) {
        if (!exclusiveValid && platform != null) platform.armedMonitors++;
        exclusiveValid = true;
        exclusivePa = pa;
    }

    private void clearExclusive() {
        if (exclusiveValid && platform != null) platform.armedMonitors--;
        exclusiveValid = false;
    }

    /** The exclusive monitor state (for tests): true if armed. */
    public boolean exclusiveMonitorArmed() { return exclusiveValid; }

    // =====================================================================================
    // The executor
    // =====================================================================================

    private void execute(Decoded di) {
        currentWord = di.word;
        final long[] r = this.r;
        switch (di.op) {
            case Op.ADD_X_IMM:
                r[di.d] = r[di.n] + di.imm;
                break;
            case Op.SUB_X_IMM:
                r[di.d] = r[di.n] - di.imm;
                break;
            case Op.SUBS_X_IMM: {
                long x = r[di.n], y = ~di.imm;
                nzcv = Asl.addWithCarryFlags(x, y, 1, 64);
                r[di.d] = x - di.imm;
                break;
            }
            case Op.ADD_X_REG:
                r[di.d] = r[di.n] + r[di.m];
                break;
            case Op.SUBS_X_REG: {
                long x = r[di.n], y = r[di.m];
                nzcv = Asl.addWithCarryFlags(x, ~y, 1, 64);
                r[di.d] = x - y;
                break;
            }
            case Op.MOV_REG:
                r[di.d] = Asl.trunc(r[di.m], di.datasize);
                break;
            case Op.MOV_IMM:
                r[di.d] = di.imm;
                break;
            case Op.B_COND:
                if (Asl.conditionHolds(di.cond, nzcv)) {
                    pc += di.imm;
                    return;
                }
                break;
            case Op.CBZ:
                if (Asl.trunc(r[di.t], di.datasize) == 0) {
                    pc += di.imm;
                    return;
                }
                break;
            case Op.CBNZ:
                if (Asl.trunc(r[di.t], di.datasize) != 0) {
                    pc += di.imm;
                    return;
                }
                break;
            case Op.B:
                pc += di.imm;
                return;
            case Op.LDR_X_UIMM: {
                long baseVa = r[di.n];
                if (di.spBase && spAlignCheck && (baseVa & 15) != 0) throw spAlignmentFault();
                r[di.t] = load(baseVa + di.imm, 8);
                break;
            }
            case Op.STR_X_UIMM: {
                long baseVa = r[di.n];
                if (di.spBase && spAlignCheck && (baseVa & 15) != 0) throw spAlignmentFault();
                store(baseVa + di.imm, 8, r[di.t]);
                break;
            }
            case Op.LDR_W_UIMM: {
                long baseVa = r[di.n];
                if (di.spBase && spAlignCheck && (baseVa & 15) != 0) throw spAlignmentFault();
                r[di.t] = load(baseVa + di.imm, 4);
                break;
            }
            case Op.STR_W_UIMM: {
                long baseVa = r[di.n];
                if (di.spBase && spAlignCheck && (baseVa & 15) != 0) throw spAlignmentFault();
                store(baseVa + di.imm, 4, r[di.t]);
                break;
            }
            case Op.LDRB_UIMM: {
                long baseVa = r[di.n];
                if (di.spBase && spAlignCheck && (baseVa & 15) != 0) throw spAlignmentFault();
                r[di.t] = load(baseVa + di.imm, 1);
                break;
            }
            case Op.STR_X_POST: {
                long baseVa = r[di.n];
                if (di.spBase && spAlignCheck && (baseVa & 15) != 0) throw spAlignmentFault();
                store(baseVa, 8, r[di.t]);
                r[di.n] = baseVa + di.imm;
                break;
            }
            case Op.LDR_X_POST: {
                long baseVa = r[di.n];
                if (di.spBase && spAlignCheck && (baseVa & 15) != 0) throw spAlignmentFault();
                r[di.t] = load(baseVa, 8);
                r[di.n] = baseVa + di.imm;
                break;
            }
            case Op.ADDSUB_IMM: addSub(di, di.imm, 0); break;
            case Op.ADDSUB_SHIFTED: addSub(di, Asl.shift(r[di.m], di.shiftType, di.shiftAmount, di.datasize), 0); break;
            case Op.ADDSUB_EXT: addSub(di, Asl.extend(r[di.m], di.extendType, di.shiftAmount), 0); break;
            case Op.ADDSUB_CARRY: addSub(di, r[di.m], (nzcv >>> 1) & 1); break;
            case Op.LOGICAL_IMM: logical(di, di.imm); break;
            case Op.LOGICAL_SHIFTED: {
                long op2 = Asl.shift(r[di.m], di.shiftType, di.shiftAmount, di.datasize);
                logical(di, di.flag2 ? ~op2 : op2);
                break;
            }
            case Op.MOVK:
                r[di.d] = Asl.trunc((r[di.d] & ~di.imm2) | di.imm, di.datasize);
                break;
            case Op.BITFIELD: bitfield(di); break;
            case Op.AND_X_REG: r[di.d] = r[di.n] & r[di.m]; break;
            case Op.ORR_X_REG: r[di.d] = r[di.n] | r[di.m]; break;
            case Op.EOR_X_REG: r[di.d] = r[di.n] ^ r[di.m]; break;
            case Op.LSL_X_IMM: r[di.d] = r[di.n] << di.shiftAmount; break;
            case Op.EXTRACT: extract(di); break;
            case Op.ADR: r[di.d] = pc + di.imm; break;
            case Op.ADRP: r[di.d] = (pc & ~0xFFFL) + di.imm; break;
            case Op.COND_COMPARE: condCompare(di); break;
            case Op.COND_SELECT: {
                long v;
                if (Asl.conditionHolds(di.cond, nzcv)) {
                    v = r[di.n];
                } else {
                    v = r[di.m];
                    if (di.flag2) v = ~v;
                    if (di.flag1) v++;
                }
                r[di.d] = Asl.trunc(v, di.datasize);
                break;
            }
            case Op.DP_1SRC: dp1(di); break;
            case Op.DP_2SRC: dp2(di); break;
            case Op.DP_3SRC: dp3(di); break;
            case Op.LDST: ldst(di); break;
            case Op.LDST_PAIR: ldstPair(di); break;
            case Op.LOAD_LITERAL: {
                long v = load(pc + di.imm, di.size);
                if (di.flag2) v = (int) v;
                r[di.t] = v;
                break;
            }
            case Op.LDST_EXCLUSIVE: ldstExclusive(di); break;
            case Op.LDST_ORDERED: ldstOrdered(di); break;
            case Op.PREFETCH:
                // Simplification: hardware may use PRFM to fill caches; we ignore it (a hint, never
                // architecturally visible). Speculative fills are the adversary's job.
                break;
            case Op.BL:
                r[30] = pc + 4;
                pc += di.imm;
                return;
            case Op.TBZ:
                if ((r[di.t] & di.imm2) == 0) {
                    pc += di.imm;
                    return;
                }
                break;
            case Op.TBNZ:
                if ((r[di.t] & di.imm2) != 0) {
                    pc += di.imm;
                    return;
                }
                break;
            case Op.BR:
            case Op.RET:
                pc = r[di.n];
                return;
            case Op.BLR: {
                long target = r[di.n];
                r[30] = pc + 4;
                pc = target;
                return;
            }
            case Op.ERET:
                if (el == 0) throw undefined();
                exceptionReturn();
                return;
            case Op.SVC:
                throw syncException(Syndrome.make(Syndrome.EC_SVC, di.imm), pc + 4, 0, false);
            case Op.HVC:
                if (el == 0 || !el2Attached || (hcrEl2 & HCR_HCD) != 0) throw undefined();
                pc += 4; // HVC's preferred return address is the next instruction
                trapToEl2(Syndrome.make(Syndrome.EC_HVC, di.imm));
                return;
            case Op.SMC:
                if (el == 0) throw undefined();
                if ((hcr() & HCR_TSC) != 0) {
                    trapToEl2(Syndrome.make(Syndrome.EC_SMC, di.imm));
                    return;
                }
                throw undefined(); // EL3 is not implemented
            case Op.BRK:
                throw syncException(Syndrome.make(Syndrome.EC_BRK, di.imm), pc, 0, false);
            case Op.HLT:
                throw undefined(); // halting debug is not enabled: HLT is UNDEFINED
            case Op.NOP:
            case Op.BARRIER:
                // Simplification: hardware may reorder, buffer and speculate accesses, which DMB/DSB
                // order and ISB resynchronises; the model performs every access completely, in program
                // order, before the next instruction (and fetches through the memory system each
                // time), so barriers are no-ops; the oracle sees the architecturally ordered stream.
                break;
            case Op.CLREX:
                clearExclusive();
                break;
            case Op.SEVL:
                eventRegister = true;
                break;
            case Op.SEV:
                if (platform != null) platform.sendEventToAll();
                else eventRegister = true;
                break;
            case Op.WFI:
            case Op.WFE:
                if (wfx(di.op == Op.WFE)) return;
                break;
            case Op.MSR_IMM: msrImm(di); break;
            case Op.MRS: mrs(di); if (stopStatus == RunStatus.TRAP_EL2) return; break;
            case Op.MSR_REG: msrReg(di); if (stopStatus == RunStatus.TRAP_EL2) return; break;
            case Op.SYS: sysInstruction(di); if (stopStatus == RunStatus.TRAP_EL2) return; break;
            case Op.SYSL:
                throw undefined();
            case Op.UNDEFINED:
            default:
                throw undefined();
        }
        pc += 4;
    }

    private GuestFault spAlignmentFault() {
        return syncException(Syndrome.make(Syndrome.EC_SP_ALIGN, 0), pc, 0, false);
    }

    private void trapToEl2(long esr) {
        el2Syndrome = esr;
        stop(RunStatus.TRAP_EL2);
    }

    private void addSub(Decoded di, long op2, int carry) {
        long op1 = r[di.n];
        if (di.flag1) {
            op2 = ~op2;
            if (di.op != Op.ADDSUB_CARRY) carry = 1;
        }
        int ds = di.datasize;
        if (di.setflags) nzcv = Asl.addWithCarryFlags(op1, op2, carry, ds);
        r[di.d] = Asl.addWithCarry(op1, op2, carry, ds);
    }

    private void logical(Decoded di, long op2) {
        long op1 = r[di.n];
        long result;
        switch (di.sub) {
            case Op.AND: case Op.ANDS: result = op1 & op2; break;
            case Op.ORR: result = op1 | op2; break;
            default: result = op1 ^ op2; break;
        }
        result = Asl.trunc(result, di.datasize);
        if (di.sub == Op.ANDS) nzcv = Asl.logicalFlags(result, di.datasize);
        r[di.d] = result;
    }

    private void bitfield(Decoded di) {
        int ds = di.datasize;
        long dst = di.flag1 ? 0 : r[di.d];
        long src = r[di.n];
        long wmask = di.imm, tmask = di.imm2;
        long bot = (dst & ~wmask) | (Asl.ror(Asl.trunc(src, ds), di.shiftAmount, ds) & wmask);
        long top = di.flag2 ? (((src >>> di.sub) & 1) != 0 ? -1L : 0) : dst;
        r[di.d] = Asl.trunc((top & ~tmask) | (bot & tmask), ds);
    }

    private void extract(Decoded di) {
        int lsb = di.shiftAmount;
        long hi = r[di.n], lo = r[di.m];
        long result;
        if (di.datasize == 64) {
            result = lsb == 0 ? lo : (lo >>> lsb) | (hi << (64 - lsb));
        } else {
            long concat = (hi << 32) | (lo & 0xFFFF_FFFFL);
            result = (concat >>> lsb) & 0xFFFF_FFFFL;
        }
        r[di.d] = result;
    }

    private void condCompare(Decoded di) {
        if (Asl.conditionHolds(di.cond, nzcv)) {
            long op2 = di.flag2 ? di.imm : r[di.m];
            int carry = 0;
            if (di.flag1) {
                op2 = ~op2;
                carry = 1;
            }
            nzcv = Asl.addWithCarryFlags(r[di.n], op2, carry, di.datasize);
        } else {
            nzcv = (int) di.imm2;
        }
    }

    private void dp1(Decoded di) {
        long x = r[di.n];
        int ds = di.datasize;
        long v;
        switch (di.sub) {
            case Op.RBIT: v = Asl.rbit(x, ds); break;
            case Op.REV16: v = Asl.rev16(x, ds); break;
            case Op.REV32: v = ds == 32 ? Asl.rev32(x) & 0xFFFF_FFFFL : Asl.rev32(x); break;
            case Op.REV64: v = Long.reverseBytes(x); break;
            case Op.CLZ: v = Asl.clz(x, ds); break;
            default: v = Asl.cls(x, ds); break;
        }
        r[di.d] = v;
    }

    private void dp2(Decoded di) {
        long x = r[di.n], y = r[di.m];
        int ds = di.datasize;
        long v;
        switch (di.sub) {
            case Op.UDIV: v = Asl.udiv(x, y, ds); break;
            case Op.SDIV: v = Asl.sdiv(x, y, ds); break;
            case Op.LSLV: v = Asl.shift(x, Asl.LSL, (int) (y & (ds - 1)), ds); break;
            case Op.LSRV: v = Asl.shift(x, Asl.LSR, (int) (y & (ds - 1)), ds); break;
            case Op.ASRV: v = Asl.shift(x, Asl.ASR, (int) (y & (ds - 1)), ds); break;
            case Op.RORV: v = Asl.shift(x, Asl.ROR, (int) (y & (ds - 1)), ds); break;
            case Op.CRC32: v = Asl.crc32((int) x, y, di.size, false); break;
            default: v = Asl.crc32((int) x, y, di.size, true); break;
        }
        r[di.d] = v;
    }

    private void dp3(Decoded di) {
        long n = r[di.n], m = r[di.m], a = r[di.a];
        long v;
        switch (di.sub) {
            case Op.MADD: v = Asl.trunc(a + n * m, di.datasize); break;
            case Op.MSUB: v = Asl.trunc(a - n * m, di.datasize); break;
            case Op.SMADDL: v = a + (long) (int) n * (long) (int) m; break;
            case Op.SMSUBL: v = a - (long) (int) n * (long) (int) m; break;
            case Op.UMADDL: v = a + (n & 0xFFFF_FFFFL) * (m & 0xFFFF_FFFFL); break;
            case Op.UMSUBL: v = a - (n & 0xFFFF_FFFFL) * (m & 0xFFFF_FFFFL); break;
            case Op.SMULH: v = Asl.signedMultiplyHigh(n, m); break;
            default: v = Asl.unsignedMultiplyHigh(n, m); break;
        }
        r[di.d] = v;
    }

    /** Sign- or zero-extends a loaded value of {@code size} bytes to {@code regsize} bits. */
    private static long extendLoad(long v, int size, boolean signed, int regsize) {
        if (signed) {
            int shift = 64 - 8 * size;
            v = (v << shift) >> shift;
            if (regsize == 32) v &= 0xFFFF_FFFFL;
        }
        return v;
    }

    /** Single-register loads and stores: unsigned offset, pre/post-index, unscaled, unprivileged, register offset. */
    private void ldst(Decoded di) {
        long va = r[di.n];
        if (di.spBase && spAlignCheck && (va & 15) != 0) throw spAlignmentFault();
        long offset = di.sub == 1 ? Asl.extend(r[di.m], di.extendType, di.shiftAmount) : di.imm;
        if (di.mode != Decoded.MODE_POST) va += offset;
        // LDTR/STTR (di.sub == 2) at EL1 are checked with EL0's stage-1 permissions (no PAN/UAO here).
        unprivileged = di.sub == 2 && el == 1;
        if (unprivileged) loadPageVa = storePageVa = -1L; // the memos hold EL1 permissions
        try {
            if (di.flag1) {
                store(va, di.size, r[di.t]);
            } else {
                r[di.t] = extendLoad(load(va, di.size), di.size, di.flag2, di.regsize);
            }
        } finally {
            unprivileged = false;
        }
        if (di.mode != Decoded.MODE_OFFSET && di.flag3) {
            if (di.mode == Decoded.MODE_POST) va += offset;
            r[di.n] = va;
        }
    }

    private void ldstPair(Decoded di) {
        long va = r[di.n];
        if (di.spBase && spAlignCheck && (va & 15) != 0) throw spAlignmentFault();
        if (di.mode != Decoded.MODE_POST) va += di.imm;
        int size = di.size;
        if (di.flag1) {
            long d1 = r[di.t], d2 = r[di.t2];
            store(va, size, d1);
            store(va + size, size, d2);
        } else {
            long v1 = load(va, size);
            long v2 = load(va + size, size);
            if (di.flag2) {
                v1 = (int) v1;
                v2 = (int) v2;
            }
            r[di.t] = v1;
            r[di.t2] = v2;
        }
        if (di.mode != Decoded.MODE_OFFSET && di.flag3) {
            if (di.mode == Decoded.MODE_POST) va += di.imm;
            r[di.n] = va;
        }
    }

    /**
     * LDXR/LDAXR/STXR/STLXR and the pair forms. The exclusive monitor records the PA of the access;
     * a store-exclusive succeeds if the local monitor is armed on the same granule (the CTR_EL0.ERG
     * granule, here one cache line). Exclusives must be aligned to their total size.
     */
    private void ldstExclusive(Decoded di) {
        long va = r[di.n];
        if (di.spBase && spAlignCheck && (va & 15) != 0) throw spAlignmentFault();
        int size = di.size;
        boolean pairAccess = di.flag2;
        int total = pairAccess ? 2 * size : size;
        long pa = translateData(va, di.flag1 ? Mmu.STORE : Mmu.LOAD);
        int attrs = accAttrs;
        if ((va & (total - 1)) != 0) checkAlignment(va, total, attrs, di.flag1, true);
        if (!di.flag1) {
            long v1, v2 = 0;
            try {
                if (pairAccess && size == 8) {
                    mem.read16(index, agent, AccessKind.LOAD, pa, attrs, pair);
                    v1 = pair[0];
                    v2 = pair[1];
                } else if (pairAccess) {
                    long both = mem.read(index, agent, AccessKind.LOAD, pa, 8, attrs);
                    v1 = both & 0xFFFF_FFFFL;
                    v2 = both >>> 32;
                } else {
                    v1 = mem.read(index, agent, AccessKind.LOAD, pa, size, attrs);
                }
            } catch (BusError e) {
                throw externalAbort(va, false);
            }
            setExclusive(pa);
            r[di.t] = v1;
            if (pairAccess) r[di.t2] = v2;
        } else {
            boolean pass = exclusiveValid && ((pa ^ exclusivePa) & exclusiveGranuleMask) == 0;
            long d1 = r[di.t], d2 = pairAccess ? r[di.t2] : 0;
            if (pass) {
                try {
                    if (pairAccess && size == 8) {
                        mem.write16(index, agent, AccessKind.STORE, pa, attrs, d1, d2);
                    } else if (pairAccess) {
                        mem.write(index, agent, AccessKind.STORE, pa, 8, attrs, (d1 & 0xFFFF_FFFFL) | (d2 << 32));
                    } else {
                        mem.write(index, agent, AccessKind.STORE, pa, size, attrs, d1);
                    }
                } catch (BusError e) {
                    throw externalAbort(va, true);
                }
            }
            clearExclusive();
            if (pass && platform != null && platform.armedMonitors > 0) platform.clearMonitors(this, pa);
            r[di.s] = pass ? 0 : 1;
        }
    }

    /** LDAR/STLR/LDAPR and friends: aligned single-copy-atomic accesses; ordering is implicit here. */
    private void ldstOrdered(Decoded di) {
        long va = r[di.n];
        if (di.spBase && spAlignCheck && (va & 15) != 0) throw spAlignmentFault();
        if (di.flag1) {
            storeAligned(va, di.size, r[di.t]);
        } else {
            r[di.t] = loadAligned(va, di.size);
        }
    }

    /** WFI/WFE; returns true if the PE stopped or trapped (PC already set). */
    private boolean wfx(boolean wfe) {
        long h = hcr();
        if (el == 0 && (sys[SysRegs.SCTLR_EL1] & (wfe ? SCTLR_nTWE : SCTLR_nTWI)) == 0) {
            throw syncException(Syndrome.wfx(wfe), pc, 0, false);
        }
        if ((h & (wfe ? HCR_TWE : HCR_TWI)) != 0) {
            trapToEl2(Syndrome.wfx(wfe));
            return true;
        }
        // Simplification: hardware WFE also wakes on events from the generic timer event stream and
        // on a cleared global monitor; we wake only on SEV/SEVL and interrupts. WFE is a hint.
        if (wfe && eventRegister) {
            eventRegister = false;
            return false;
        }
        if (interruptPending()) return false;
        pc += 4;
        stop(RunStatus.WFI);
        return true;
    }

    private void msrImm(Decoded di) {
        switch (di.sub) {
            case Op.PSTATE_SPSEL:
                if (el == 0) throw undefined();
                selectPstateElSp(el, (int) di.imm & 1);
                break;
            case Op.PSTATE_DAIFSET:
            case Op.PSTATE_DAIFCLR:
                if (el == 0 && (sys[SysRegs.SCTLR_EL1] & SCTLR_UMA) == 0) {
                    throw syncException(Syndrome.sysTrap(di.sysKey, 31, false), pc, 0, false);
                }
                if (di.sub == Op.PSTATE_DAIFSET) daif |= (int) di.imm;
                else daif &= ~(int) di.imm;
                updateAttention();
                break;
            default:
                throw undefined();
        }
    }

    /** EL0 access rules and HCR_EL2 trap groups for MRS/MSR; returns false if the access trapped to EL2. */
    private boolean sysRegAccessAllowed(Decoded di, boolean read) {
        SysRegs.Reg reg = di.sysReg;
        if (reg == null) {
            // IMPLEMENTATION DEFINED registers (op0 = 3, CRn = 11 or 15) trap with HCR_EL2.TIDCP.
            int crn = (di.sysKey >>> 7) & 0xF;
            if (el == 1 && (di.sysKey >>> 14) == 3 && (crn == 11 || crn == 15) && (hcr() & HCR_TIDCP) != 0) {
                trapToEl2(Syndrome.sysTrap(di.sysKey, di.rtRaw, read));
                return false;
            }
            throw undefined();
        }
        if (read && reg.access() == SysRegs.WO) throw undefined();
        if (!read && reg.access() == SysRegs.RO) throw undefined();
        if (el == 0) {
            if (!reg.el0()) throw undefined();
            long sctlr = sys[SysRegs.SCTLR_EL1], cntkctl = sys[SysRegs.CNTKCTL_EL1];
            boolean trapToEl1;
            switch (reg.id()) {
                case SysRegs.CTR_EL0: trapToEl1 = (sctlr & SCTLR_UCT) == 0; break;
                case SysRegs.DAIF: trapToEl1 = (sctlr & SCTLR_UMA) == 0; break;
                case SysRegs.CNTFRQ_EL0:
                    if (!read) throw undefined();
                    trapToEl1 = (cntkctl & 0b11) == 0;
                    break;
                case SysRegs.CNTPCT_EL0: trapToEl1 = (cntkctl & 1) == 0; break;
                case SysRegs.CNTVCT_EL0: trapToEl1 = (cntkctl & 2) == 0; break;
                case SysRegs.CNTV_CTL_EL0: case SysRegs.CNTV_CVAL_EL0: case SysRegs.CNTV_TVAL_EL0:
                    trapToEl1 = (cntkctl & (1 << 8)) == 0;
                    break;
                case SysRegs.CNTP_CTL_EL0: case SysRegs.CNTP_CVAL_EL0: case SysRegs.CNTP_TVAL_EL0:
                    trapToEl1 = (cntkctl & (1 << 9)) == 0;
                    break;
                case SysRegs.TPIDRRO_EL0:
                    if (!read) throw undefined();
                    trapToEl1 = false;
                    break;
                case SysRegs.MDCCSR_EL0: trapToEl1 = true; break; // MDSCR_EL1.TDCC-like: debug comms not offered
                default: trapToEl1 = false; break;
            }
            if (trapToEl1) throw syncException(Syndrome.sysTrap(di.sysKey, di.rtRaw, read), pc, 0, false);
        }
        long h = hcr();
        if (h != 0) {
            boolean trap;
            switch (reg.trapGroup()) {
                case SysRegs.TRAP_VM: trap = el == 1 && (h & (read ? HCR_TRVM : HCR_TVM)) != 0; break;
                case SysRegs.TRAP_TID1: trap = el == 1 && (h & HCR_TID1) != 0; break;
                case SysRegs.TRAP_TID2: trap = (h & HCR_TID2) != 0; break;
                case SysRegs.TRAP_TID3: trap = el == 1 && (h & HCR_TID3) != 0; break;
                case SysRegs.TRAP_TACR: trap = el == 1 && (h & HCR_TACR) != 0; break;
                default: trap = false; break;
            }
            if (trap) {
                trapToEl2(Syndrome.sysTrap(di.sysKey, di.rtRaw, read));
                return false;
            }
        }
        return true;
    }

    private void mrs(Decoded di) {
        if (!sysRegAccessAllowed(di, true)) return;
        if (di.sysReg.id() == SysRegs.SP_EL0 && spSel == 0) throw undefined();
        r[di.t] = readSys(di.sysReg.id());
    }

    private void msrReg(Decoded di) {
        if (!sysRegAccessAllowed(di, false)) return;
        if (di.sysReg.id() == SysRegs.SP_EL0 && spSel == 0) throw undefined();
        writeSys(di.sysReg.id(), r[di.t]);
    }

    /**
     * CNTVCT_EL0/CNTPCT_EL0. Simplification: hardware counts at CNTFRQ_EL0 in real time; we derive
     * the count from virtual time (one instruction = 1 ns, 62.5 MHz = one tick per 16 ns), so runs are
     * deterministic; guests only see a monotonic counter at the advertised frequency. CNTVOFF is 0.
     */
    private long counter() {
        return virtualNanos() >>> 4;
    }

    private long readSys(int id) {
        switch (id) {
            case SysRegs.NZCV: return (long) nzcv << 28;
            case SysRegs.DAIF: return (long) daif << 6;
            case SysRegs.CURRENTEL: return (long) el << 2;
            case SysRegs.SPSEL: return spSel;
            case SysRegs.SP_EL0: return spEl0();
            case SysRegs.CNTPCT_EL0: case SysRegs.CNTVCT_EL0: return counter();
            case SysRegs.CNTV_TVAL_EL0: return (sys[SysRegs.CNTV_CVAL_EL0] - counter()) & 0xFFFF_FFFFL;
            case SysRegs.CNTP_TVAL_EL0: return (sys[SysRegs.CNTP_CVAL_EL0] - counter()) & 0xFFFF_FFFFL;
            case SysRegs.CNTV_CTL_EL0: return timerCtl(sys[SysRegs.CNTV_CTL_EL0], sys[SysRegs.CNTV_CVAL_EL0]);
            case SysRegs.CNTP_CTL_EL0: return timerCtl(sys[SysRegs.CNTP_CTL_EL0], sys[SysRegs.CNTP_CVAL_EL0]);
            case SysRegs.CCSIDR_EL1: {
                long csselr = sys[SysRegs.CSSELR_EL1];
                int level = (int) (csselr >>> 1) & 7;
                boolean instr = (csselr & 1) != 0;
                try {
                    return mem.config().ccsidrEl1(level + 1, instr);
                } catch (IllegalArgumentException e) {
                    return 0; // CSSELR_EL1 names a cache that does not exist: CCSIDR_EL1 is UNKNOWN
                }
            }
            case SysRegs.DCZID_EL0: {
                long v = sys[SysRegs.DCZID_EL0];
                if (dcZvaProhibited()) v |= 1 << 4; // DZP
                return v;
            }
            case SysRegs.ISR_EL1: {
                long h = hcr();
                boolean i = (h & HCR_IMO) != 0 ? (h & HCR_VI) != 0 : irqLine;
                boolean f = (h & HCR_FMO) != 0 ? (h & HCR_VF) != 0 : fiqLine;
                boolean a = (h & HCR_AMO) != 0 ? (h & HCR_VSE) != 0 : serrorPending;
                return (a ? 1 << 8 : 0) | (i ? 1 << 7 : 0) | (f ? 1 << 6 : 0);
            }
            case SysRegs.ID_RAZ: return 0;
            default: return sys[id];
        }
    }

    /**
     * CNTx_CTL_EL0 reads. Simplification: hardware sets ISTATUS when the counter passes CVAL and raises
     * the timer PPI; until there is an interrupt controller we report ENABLE/IMASK only and raise no
     * interrupt; memory coherence is unaffected.
     */
    private static long timerCtl(long ctl, long cval) {
        return ctl & 0b11;
    }

    private boolean dcZvaProhibited() {
        return (el == 0 && (sys[SysRegs.SCTLR_EL1] & SCTLR_DZE) == 0) || (hcr() & HCR_TDZ) != 0;
    }

    private void writeSys(int id, long v) {
        switch (id) {
            case SysRegs.NZCV: nzcv = (int) (v >>> 28) & 0xF; break;
            case SysRegs.DAIF: daif = (int) (v >>> 6) & 0xF; updateAttention(); break;
            case SysRegs.SPSEL: selectPstateElSp(el, (int) v & 1); break;
            case SysRegs.SP_EL0:
                if (el == 0 || spSel == 0) r[SP] = v;
                else spEl0 = v;
                break;
            case SysRegs.SCTLR_EL1: sys[id] = v; updateDerivedState(); syncMmu(); break;
            case SysRegs.TCR_EL1: case SysRegs.TTBR0_EL1: case SysRegs.TTBR1_EL1: case SysRegs.MAIR_EL1:
                sys[id] = v;
                syncMmu();
                break;
            case SysRegs.VBAR_EL1: sys[id] = v & ~0x7FFL; break;
            case SysRegs.CSSELR_EL1: sys[id] = v & 0xF; break;
            case SysRegs.OSLAR_EL1: sys[SysRegs.OSLSR_EL1] = (sys[SysRegs.OSLSR_EL1] & ~2L) | ((v & 1) << 1); break;
            case SysRegs.CNTV_TVAL_EL0: sys[SysRegs.CNTV_CVAL_EL0] = counter() + (int) v; break;
            case SysRegs.CNTP_TVAL_EL0: sys[SysRegs.CNTP_CVAL_EL0] = counter() + (int) v; break;
            case SysRegs.CNTV_CTL_EL0: case SysRegs.CNTP_CTL_EL0: sys[id] = v & 0b11; break;
            default: sys[id] = v; break;
        }
    }

    // ---- SYS: DC, IC, TLBI, AT

    private void sysInstruction(Decoded di) {
        int sub = di.sub;
        long h = hcr();
        long sctlr = sys[SysRegs.SCTLR_EL1];
        if (el == 0) {
            boolean allowed;
            switch (sub) {
                case Op.SYS_DC_ZVA: allowed = (sctlr & SCTLR_DZE) != 0; break;
                case Op.SYS_DC_CVAC: case Op.SYS_DC_CVAU: case Op.SYS_DC_CIVAC: case Op.SYS_IC_IVAU:
                    allowed = (sctlr & SCTLR_UCI) != 0;
                    break;
                default: throw undefined();
            }
            if (!allowed) throw syncException(Syndrome.sysTrap(di.sysKey, di.rtRaw, false), pc, 0, false);
        }
        long trapBit;
        switch (sub) {
            case Op.SYS_DC_ISW: case Op.SYS_DC_CSW: case Op.SYS_DC_CISW: trapBit = HCR_TSW; break;
            case Op.SYS_DC_IVAC: case Op.SYS_DC_CVAC: case Op.SYS_DC_CIVAC: trapBit = HCR_TPCP; break;
            case Op.SYS_DC_CVAU: case Op.SYS_IC_IVAU: case Op.SYS_IC_IALLU: case Op.SYS_IC_IALLUIS: trapBit = HCR_TPU; break;
            case Op.SYS_DC_ZVA: trapBit = HCR_TDZ; break;
            case Op.SYS_TLBI: trapBit = HCR_TTLB; break;
            default: trapBit = 0; break;
        }
        if ((h & trapBit) != 0) {
            trapToEl2(Syndrome.sysTrap(di.sysKey, di.rtRaw, false));
            return;
        }
        long operand = r[di.t];
        switch (sub) {
            case Op.SYS_DC_IVAC: {
                long pa = translateCmo(operand, true);
                // DC IVAC at EL1 with HCR_EL2.VM (or DC) = 1 is performed as a clean and invalidate.
                if ((h & (HCR_VM | HCR_DC)) != 0) maintain(Maintenance.DC_CIVAC, pa);
                else maintain(Maintenance.DC_IVAC, pa);
                break;
            }
            case Op.SYS_DC_CVAC: maintain(Maintenance.DC_CVAC, translateCmo(operand, false)); break;
            case Op.SYS_DC_CIVAC: maintain(Maintenance.DC_CIVAC, translateCmo(operand, false)); break;
            case Op.SYS_DC_CVAU: maintain(Maintenance.DC_CVAU, translateCmo(operand, false)); break;
            case Op.SYS_IC_IVAU: maintain(Maintenance.IC_IVAU, translateCmo(operand, false)); break;
            case Op.SYS_IC_IALLU: mem.icInvalidateAll(index, agent, (h & HCR_FB) != 0); break;
            case Op.SYS_IC_IALLUIS: mem.icInvalidateAll(index, agent, true); break;
            case Op.SYS_DC_ISW: case Op.SYS_DC_CSW: case Op.SYS_DC_CISW: {
                int op = sub == Op.SYS_DC_ISW ? ((h & HCR_SWIO) != 0 ? Maintenance.DC_CISW : Maintenance.DC_ISW)
                        : sub == Op.SYS_DC_CSW ? Maintenance.DC_CSW : Maintenance.DC_CISW;
                try {
                    mem.dcSetWay(index, agent, op, operand);
                } catch (IllegalArgumentException e) {
                    // Simplification: an out-of-range set/way operand is CONSTRAINED UNPREDICTABLE; we
                    // treat it as a NOP (no cache is touched), one of the permitted behaviours.
                }
                break;
            }
            case Op.SYS_DC_ZVA: dcZva(operand); break;
            case Op.SYS_TLBI: {
                tlbiCount++;
                int op1 = (di.sysKey >>> 11) & 7, crm = (di.sysKey >>> 3) & 0xF, op2 = di.sysKey & 7;
                // The EL2 forms (op1 = 4) are UNDEFINED at EL1; the hypervisor uses mmu().tlbi.
                int d = op1 == 0 ? Tlbi.decode(op1, crm, op2) : -1;
                if (d < 0) throw undefined();
                // HCR_EL2.FB: TLB maintenance at EL1 is broadcast within the Inner Shareable domain.
                mmu.tlbi(d & ~Tlbi.IS, operand, (d & Tlbi.IS) != 0 || (h & HCR_FB) != 0);
                mmuGeneration = mmu.generation();
                invalidateFetchLines();
                break;
            }
            case Op.SYS_AT: at(di, operand); break;
            default: throw undefined();
        }
    }

    private void maintain(int op, long pa) {
        try {
            switch (op) {
                case Maintenance.DC_CVAC: mem.dcCleanPoC(index, agent, pa); break;
                case Maintenance.DC_CIVAC: mem.dcCleanInvalidatePoC(index, agent, pa); break;
                case Maintenance.DC_IVAC: mem.dcInvalidatePoC(index, agent, pa); break;
                case Maintenance.DC_CVAU: mem.dcCleanPoU(index, agent, pa); break;
                default: mem.icInvalidatePa(index, agent, pa); break;
            }
        } catch (BusError e) {
            // Maintenance of an address no memory answers: no cache can hold it; nothing to do.
        }
    }

    private void dcZva(long va) {
        int blockBytes = 4 << (int) (sys[SysRegs.DCZID_EL0] & 0xF);
        long blockVa = va & -(long) blockBytes;
        long pa = translateData(blockVa, Mmu.STORE);
        if (Attrs.type(accAttrs) == Attrs.DEVICE) {
            // DC ZVA to Device memory (e.g. any data address with the MMU off) is an alignment fault.
            throw syncException(Syndrome.dataAbort(el == 0, true, true, Syndrome.FSC_ALIGNMENT), pc, va, true);
        }
        try {
            mem.dcZeroBlock(index, agent, pa, accAttrs);
        } catch (BusError e) {
            throw externalAbort(va, true);
        }
        if (platform != null && platform.armedMonitors > 0) platform.clearMonitors(this, pa);
    }

    /**
     * AT S1E1R/W, S1E0R/W: the MMU's stage-1 walk writes PAR_EL1 ({@link Mmu#at}: PA or IPA[47:12], ATTR,
     * SH, or F = 1 with FST/PTW/S); a stage-2 fault on that walk is taken to EL2. In the flat regime:
     * PAR_EL1 = PA[47:12] with the flat attributes. Other AT operations (stage 1+2, EL2/EL3) are
     * UNDEFINED at EL1.
     */
    private void at(Decoded di, long va) {
        int op1 = (di.sysKey >>> 11) & 7, op2 = di.sysKey & 7;
        if (op1 != 0 || op2 > 3) throw undefined();
        if (regime != REGIME_FLAT_WB) {
            // AT S1E1R (op2 0), S1E1W (1), S1E0R (2), S1E0W (3): stage 1 only (an IPA with stage 2 on).
            long par = mmu.at(va, op2 >= 2 ? 0 : 1, (op2 & 1) != 0);
            if (par == Mmu.FAULT) throw translationFault(); // stage-2 fault on the stage-1 walk
            sys[SysRegs.PAR_EL1] = par;
            return;
        }
        translateData(va, Mmu.LOAD);
        int attrs = accAttrs;
        long mairAttr;
        switch (Attrs.type(attrs)) {
            case Attrs.DEVICE: mairAttr = 0x00; break;
            case Attrs.NORMAL_NC: mairAttr = 0x44; break;
            case Attrs.NORMAL_WT: mairAttr = 0xBB; break;
            default: mairAttr = 0xFF; break;
        }
        long sh;
        switch (attrs & Attrs.SH_MASK) {
            case Attrs.ISH: sh = 0b11; break;
            case Attrs.OSH: sh = 0b10; break;
            default: sh = 0b00; break;
        }
        sys[SysRegs.PAR_EL1] = (mairAttr << 56) | (va & 0x0000_FFFF_FFFF_F000L) | (sh << 7) | (1L << 11); // bit 11 RES1
    }
}
