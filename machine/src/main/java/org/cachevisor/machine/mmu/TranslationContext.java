package org.cachevisor.machine.mmu;

/**
 * The register values that control EL1&amp;0 translation (stage 1) and stage 2, as the PE (and its
 * hypervisor) hold them, plus the values derived from them once per change (current ASID and
 * VMID, which stages are on). Mutable and owned by one {@link Mmu}; change it only through
 * {@link Mmu#setContext}, which also empties the micro-TLBs.
 *
 * <p>Field names are the registers' (Arm ARM D13.2): SCTLR_EL1, TCR_EL1, TTBR0_EL1, TTBR1_EL1,
 * MAIR_EL1, HCR_EL2, VTTBR_EL2, VTCR_EL2. {@code el2Enabled = false} means no hypervisor: HCR_EL2,
 * VTTBR_EL2 and VTCR_EL2 are then ignored (treated as 0).
 */
public final class TranslationContext {
    public long sctlrEl1, tcrEl1, ttbr0El1, ttbr1El1, mairEl1, hcrEl2, vttbrEl2, vtcrEl2;
    public boolean el2Enabled;

    // ---- derived (recomputed by derive())
    /** Stage 1 is on: SCTLR_EL1.M = 1 and HCR_EL2.DC = 0. */
    boolean s1Enabled;
    /** Stage 2 is on: HCR_EL2.VM = 1 or HCR_EL2.DC = 1 (EL2 enabled). */
    boolean s2Enabled;
    boolean dc, fwb;
    /** The current ASID (TTBR1_EL1.ASID if TCR_EL1.A1 else TTBR0_EL1.ASID; 8 bits unless TCR_EL1.AS). */
    int asid;
    /** The current VMID (VTTBR_EL2.VMID, 8 bits unless VTCR_EL2.VS; 0 without EL2). */
    int vmid;
    int asidMask;

    /** Register bits used here (Arm ARM D13.2.46 HCR_EL2, D13.2.118 SCTLR_EL1, D13.2.131 TCR_EL1). */
    public static final long HCR_VM = 1L, HCR_DC = 1L << 12, HCR_FWB = 1L << 46;
    public static final long SCTLR_M = 1L, SCTLR_C = 1L << 2, SCTLR_I = 1L << 12, SCTLR_WXN = 1L << 19;
    public static final long TCR_EPD0 = 1L << 7, TCR_EPD1 = 1L << 23, TCR_A1 = 1L << 22, TCR_AS = 1L << 36,
            TCR_TBI0 = 1L << 37, TCR_TBI1 = 1L << 38;
    public static final long VTCR_VS = 1L << 19;

    /** Recomputes the derived values; called by {@link Mmu#setContext}. */
    void derive() {
        long hcr = el2Enabled ? hcrEl2 : 0;
        dc = (hcr & HCR_DC) != 0;
        fwb = (hcr & HCR_FWB) != 0;
        s1Enabled = (sctlrEl1 & SCTLR_M) != 0 && !dc;
        s2Enabled = (hcr & (HCR_VM | HCR_DC)) != 0;
        asidMask = (tcrEl1 & TCR_AS) != 0 ? 0xFFFF : 0xFF;
        asid = (int) (((tcrEl1 & TCR_A1) != 0 ? ttbr1El1 : ttbr0El1) >>> 48) & asidMask;
        vmid = el2Enabled ? (int) (vttbrEl2 >>> 48) & ((vtcrEl2 & VTCR_VS) != 0 ? 0xFFFF : 0xFF) : 0;
    }

    /** Copies every register value of {@code o} (the derived values follow at the next derive()). */
    /** True if {@code o} holds the same register values as this context (the derived fields follow from them). */
    public boolean sameRegisters(TranslationContext o) {
        return sctlrEl1 == o.sctlrEl1 && tcrEl1 == o.tcrEl1 && ttbr0El1 == o.ttbr0El1 && ttbr1El1 == o.ttbr1El1
                && mairEl1 == o.mairEl1 && hcrEl2 == o.hcrEl2 && vttbrEl2 == o.vttbrEl2 && vtcrEl2 == o.vtcrEl2
                && el2Enabled == o.el2Enabled;
    }

    public void copyFrom(TranslationContext o) {
        sctlrEl1 = o.sctlrEl1; tcrEl1 = o.tcrEl1; ttbr0El1 = o.ttbr0El1; ttbr1El1 = o.ttbr1El1;
        mairEl1 = o.mairEl1; hcrEl2 = o.hcrEl2; vttbrEl2 = o.vttbrEl2; vtcrEl2 = o.vtcrEl2;
        el2Enabled = o.el2Enabled;
    }

    public int asid() { return asid; }

    public int vmid() { return vmid; }

    public boolean stage1Enabled() { return s1Enabled; }

    public boolean stage2Enabled() { return s2Enabled; }
}
