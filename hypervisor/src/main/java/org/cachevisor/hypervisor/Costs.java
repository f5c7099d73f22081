package org.cachevisor.hypervisor;

/**
 * What the hypervisor's work cost, counted as it happens: traps by kind, stage-2 faults, cache
 * maintenance operations and the cache lines they touched, AT walks, TLB invalidations, pages zeroed
 * and copied, cache flushes at vCPU load, and a cycle estimate.
 *
 * <h2>Cost model (cycles; illustrative, the same for every policy)</h2>
 * The numbers are <b>illustrative</b>, chosen to be of the order reported for KVM/arm64 on
 * Cortex-A57-class hosts, not measured here. Reasoning: a trap to EL2 and back (exception entry, the
 * exit path's context save/restore, dispatch, ERET) costs from hundreds of cycles (a minimal
 * hypervisor) to several thousand (KVM/arm64's full world switch), as measured for hypercall round trips
 * on ARMv8 servers by Dall et al., "ARM Virtualization: Performance and Architectural Implications"
 * (ISCA 2016); a stage-2 fault adds the memslot lookup, page allocation and table update on top; a DC/IC
 * by VA costs tens of cycles per line once it must reach memory; AT is one table walk (tens of cycles
 * when the walk caches hit); a broadcast TLBI with its DSB is a few hundred. They exist to compare
 * policies with each other, not to predict a real machine:
 * <ul>
 *   <li>{@link #TRAP_CYCLES} per trap taken to EL2 (entry, dispatch, return);</li>
 *   <li>{@link #STAGE2_FAULT_CYCLES} per stage-2 fault handled (on top of its trap), excluding the
 *   memory work below;</li>
 *   <li>{@link #LINE_WRITE_CYCLES} per cache line zeroed or copied by the host;</li>
 *   <li>{@link #CMO_LINE_CYCLES} per cache line touched by a DC/IC by VA or by set/way;</li>
 *   <li>{@link #AT_CYCLES} per AT instruction, {@link #TLBI_CYCLES} per TLBI (with its DSB).</li>
 * </ul>
 */
public final class Costs {
    public static final long TRAP_CYCLES = 1_000, STAGE2_FAULT_CYCLES = 2_000, LINE_WRITE_CYCLES = 4,
            CMO_LINE_CYCLES = 20, AT_CYCLES = 50, TLBI_CYCLES = 200;

    /** Kinds of trap to EL2. */
    public enum Trap {
        /** A trapped write (HCR_EL2.TVM) or read (TRVM) of one of the eleven VM registers. */
        VM_REGISTER,
        /** A trapped DC ISW/CSW/CISW (HCR_EL2.TSW). */
        SET_WAY,
        /** Another trapped MSR/MRS (ID registers, ACTLR_EL1, IMPLEMENTATION DEFINED ones). */
        OTHER_SYSREG,
        /** WFI/WFE (HCR_EL2.TWI/TWE). */
        WFX,
        /** HVC (PSCI and hypercalls). */
        HVC,
        /** SMC (HCR_EL2.TSC). */
        SMC,
        /** Data abort from the guest (stage-2 fault, MMIO). */
        DATA_ABORT,
        /** Instruction abort from the guest (stage-2 fault). */
        INSTRUCTION_ABORT
    }

    /** Kinds of cache maintenance the hypervisor issues. */
    public enum Cmo { DC_CVAC, DC_CIVAC, DC_CVAU, IC_IVAU, IC_IALLU, DC_SET_WAY }

    private final long[] traps = new long[Trap.values().length];
    private final long[] cmoOps = new long[Cmo.values().length];
    private final long[] cmoLines = new long[Cmo.values().length];
    private long stage2Faults, mmioExits, atWalks, tlbis, linesWritten, pagesZeroed, vmFlushes, loadFlushes;

    public void trap(Trap kind) { traps[kind.ordinal()]++; }

    public long traps(Trap kind) { return traps[kind.ordinal()]; }

    public long trapsTotal() {
        long n = 0;
        for (long t : traps) n += t;
        return n;
    }

    /** One maintenance operation (e.g. a range clean) that touched {@code lines} cache lines. */
    public void cmo(Cmo kind, long lines) {
        cmoOps[kind.ordinal()]++;
        cmoLines[kind.ordinal()] += lines;
    }

    /** How many times maintenance of this kind was requested (one per page/range/flush). */
    public long cmoOps(Cmo kind) { return cmoOps[kind.ordinal()]; }

    /** Cache lines (one DC/IC instruction each) touched by maintenance of this kind. */
    public long cmoLines(Cmo kind) { return cmoLines[kind.ordinal()]; }

    /** Operations of the D-cache kinds (DC CVAC, DC CIVAC, DC CVAU, set/way), I-cache ones excluded. */
    public long dcacheCmoOps() {
        return cmoOps(Cmo.DC_CVAC) + cmoOps(Cmo.DC_CIVAC) + cmoOps(Cmo.DC_CVAU) + cmoOps(Cmo.DC_SET_WAY);
    }

    /** Cache lines touched by D-cache maintenance (DC CVAC, DC CIVAC, DC CVAU, set/way). */
    public long dcacheCmoLines() {
        return cmoLines(Cmo.DC_CVAC) + cmoLines(Cmo.DC_CIVAC) + cmoLines(Cmo.DC_CVAU) + cmoLines(Cmo.DC_SET_WAY);
    }

    public long cmoLinesTotal() {
        long n = 0;
        for (long l : cmoLines) n += l;
        return n;
    }

    public void stage2Fault() { stage2Faults++; }

    public long stage2Faults() { return stage2Faults; }

    public void mmioExit() { mmioExits++; }

    public long mmioExits() { return mmioExits; }

    public void atWalk() { atWalks++; }

    public long atWalks() { return atWalks; }

    public void tlbi() { tlbis++; }

    public long tlbis() { return tlbis; }

    /** The host zeroed a page ({@code lines} cache lines written). */
    public void pageZeroed(long lines) { pagesZeroed++; linesWritten += lines; }

    public long pagesZeroed() { return pagesZeroed; }

    /** The host copied {@code lines} cache lines (swap-in, swap-out). */
    public void linesCopied(long lines) { linesWritten += lines; }

    public void vmFlush() { vmFlushes++; }

    /** Whole-VM flushes (KVM's stage2_flush_vm). */
    public long vmFlushes() { return vmFlushes; }

    public void loadFlush() { loadFlushes++; }

    /** Whole-cache flushes of a PE when a vCPU was loaded on it (the {@code none} set/way emulation). */
    public long loadFlushes() { return loadFlushes; }

    /** The cycle estimate of the model in the class comment. */
    public long cycles() {
        return trapsTotal() * TRAP_CYCLES + stage2Faults * STAGE2_FAULT_CYCLES + linesWritten * LINE_WRITE_CYCLES
                + cmoLinesTotal() * CMO_LINE_CYCLES + atWalks * AT_CYCLES + tlbis * TLBI_CYCLES;
    }

    /** A one-line summary for reports. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("traps=").append(trapsTotal()).append(" {");
        for (Trap t : Trap.values()) if (traps[t.ordinal()] != 0) sb.append(' ').append(t).append('=').append(traps[t.ordinal()]);
        sb.append(" } s2faults=").append(stage2Faults).append(" mmio=").append(mmioExits).append(" cmoLines=")
                .append(cmoLinesTotal()).append(" at=").append(atWalks).append(" tlbi=").append(tlbis)
                .append(" zeroed=").append(pagesZeroed).append(" vmFlushes=").append(vmFlushes)
                .append(" cycles~").append(cycles());
        return sb.toString();
    }
}
