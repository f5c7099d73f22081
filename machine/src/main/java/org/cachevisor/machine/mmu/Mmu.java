package org.cachevisor.machine.mmu;

import org.cachevisor.memsys.AccessKind;
import org.cachevisor.memsys.Attrs;
import org.cachevisor.memsys.BusError;
import org.cachevisor.memsys.MemorySystem;

/**
 * One PE's MMU for the EL1&amp;0 translation regime: stage 1 (VMSAv8-64, 4 KiB granule, TTBR0_EL1 /
 * TTBR1_EL1) and stage 2 (VTTBR_EL2, VTCR_EL2), the attribute rules of SCTLR_EL1.{M,C,I} and
 * HCR_EL2.{VM,DC,FWB}, a {@link Tlb} of combined entries with per-PE micro-TLBs in front, AT, and
 * faults as data in a {@link FaultRecord}.
 *
 * <h2>Use</h2>
 * The PE calls {@link #setContext} whenever a translation register changes (MSR of SCTLR_EL1,
 * TCR_EL1, TTBR0/1_EL1, MAIR_EL1; HCR_EL2, VTTBR_EL2, VTCR_EL2 by the hypervisor), then per access
 * {@link #translate}: the PA (attributes in {@link #attrs()}), or {@link #FAULT} with the fault in
 * {@link #fault()}. Nothing is allocated per access, hit or miss.
 *
 * <h2>Fast path</h2>
 * Six direct-mapped micro-TLBs of {@value #MICRO_ENTRIES} 4 KiB pages, one per (load, store, fetch) x
 * (EL0, EL1), hold only translations whose permission check passed: a hit is one compare of the VA's
 * page with the tag and one add of the stored PA-VA delta. They are emptied by {@link #setContext}
 * and by every TLB invalidation (local or broadcast), so they never outlive the main TLB entry they
 * were copied from.
 *
 * <h2>Walks</h2>
 * Table walks read descriptors through the memory system ({@link MemorySystem#read} with
 * {@link AccessKind#WALK}, this PE's caches, the agent of {@link #setAgent}) with the attributes
 * TCR_EL1.IRGNn/ORGNn/SHn give (Non-cacheable when SCTLR_EL1.C = 0), combined with stage 2 when it
 * is on; stage-2 walks use VTCR_EL2.IRGN0/ORGN0/SH0. A walk therefore sees a stale descriptor exactly
 * when a cache holds an old copy of the table line and the walk is cacheable. Follows the Arm ARM
 * ASL AArch64.TranslationTableWalk / AArch64.FirstStageTranslate / AArch64.SecondStageTranslate /
 * AArch64.CheckPermission / AArch64.CheckS2Permission (DDI 0487, D8 "The AArch64 Virtual Memory
 * System Architecture").
 *
 * <p>Simplification: hardware may update the Access flag and dirty state (FEAT_HAFDBS); we model the
 * Armv8.0 behaviour: AF = 0 always faults and descriptors are never written. TCR_EL1.HA/HD are ignored.
 *
 * <p>Simplification: the 16 KiB and 64 KiB granules, FEAT_LPA (52-bit addresses), FEAT_PAN, FEAT_HPDS,
 * FEAT_XNX, FEAT_TTST and the Contiguous hint are not implemented: TCR_EL1.TG0/TG1 and VTCR_EL2.TG0
 * are read as 4 KiB, T0SZ/T1SZ outside 16..39 are clamped into that range (one of the CONSTRAINED
 * UNPREDICTABLE choices), the Contiguous bit is ignored (allowed: it is a hint). HCR_EL2.PTW (a
 * stage-1 walk to stage-2 Device memory faults) is not checked.
 *
 * <p>An instruction fetch from memory that stage 1 maps as Device takes a stage-1 Permission fault
 * (the CONSTRAINED UNPREDICTABLE choice of AArch64.InstructionDevice that does not hide bugs).
 */
public final class Mmu {
    /** Access types for {@link #translate}. */
    public static final int LOAD = 0, STORE = 1, FETCH = 2,
            /** A data/instruction cache maintenance by VA other than DC IVAC (DC CVAC, CVAU, CIVAC, IC IVAU). */
            CMO = 3,
            /** DC IVAC: needs write permission. */
            CMO_IVAC = 4;

    /** {@link #translate}'s result when the access faults. */
    public static final long FAULT = -1L;

    /** Permission bits of stage 1 (P_*1 at EL1, P_*0 at EL0) and stage 2 (the EL1 bits). */
    static final int P_R1 = 1, P_W1 = 2, P_X1 = 4, P_R0 = 8, P_W0 = 16, P_X0 = 32, P_ALL = 63;

    static final int MICRO_BITS = 8;
    public static final int MICRO_ENTRIES = 1 << MICRO_BITS;
    private static final int MICRO_MASK = MICRO_ENTRIES - 1;
    private static final long PAGE_MASK = ~0xFFFL;
    private static final long OA_MASK = 0x0000_FFFF_FFFF_F000L;
    private static final long TTBR_BADDR = 0x0000_FFFF_FFFF_FFFEL;

    private final MemorySystem mem;
    private final int pe;
    private final int paBits;
    private final Tlb tlb;
    private TlbDomain domain;
    private final TranslationContext ctx = new TranslationContext();
    private final FaultRecord fault = new FaultRecord();
    private int agent;

    // ---- micro-TLBs: index ((access << 1) | el) << MICRO_BITS | page bits
    private final long[] microTag = new long[6 * MICRO_ENTRIES];
    private final long[] microDelta = new long[6 * MICRO_ENTRIES];
    private final int[] microAttrs = new int[6 * MICRO_ENTRIES];

    // ---- results of the last translation
    private int lastAttrs;

    // ---- walk scratch (single-threaded: the machine runs its PEs in one thread)
    private long s1Out, s2Out;
    private int s1Shift, s1Level, s1Attrs, s1Perm, s1MairByte;
    private boolean s1Global;
    private int s2Shift, s2Level, s2MemAttr, s2Sh, s2Perm;
    private long walkCount;
    private long tlbMisses;

    /**
     * An MMU for PE {@code pe} of {@code mem}, walking with agent {@code pe} (the memory system's PE
     * agent; see {@link #setAgent}), caching in {@code tlb}, broadcasting Inner Shareable TLBIs to
     * {@code domain} (which must contain {@code tlb}; null = a domain of this TLB alone).
     */
    public Mmu(MemorySystem mem, int pe, Tlb tlb, TlbDomain domain) {
        if (mem == null) throw new IllegalArgumentException("memory system must not be null");
        if (pe < 0 || pe >= mem.config().peCount()) {
            throw new IllegalArgumentException("PE index " + pe + " outside 0.." + (mem.config().peCount() - 1));
        }
        if (tlb == null) throw new IllegalArgumentException("tlb must not be null");
        if (domain == null) {
            domain = new TlbDomain();
            domain.add(tlb);
        }
        tlb.attach(this);
        this.mem = mem;
        this.pe = pe;
        this.agent = pe;
        this.paBits = mem.config().paBits();
        this.tlb = tlb;
        this.domain = domain;
        ctx.derive();
        flushMicroTlb();
    }

    /**
     * Moves this MMU's TLB into {@code shared} (the platform's Inner Shareable domain), so that
     * {@code TLBI ...IS} on any PE of the domain reaches it and its own IS operations reach theirs.
     */
    public void joinDomain(TlbDomain shared) {
        if (shared == null) throw new IllegalArgumentException("domain must not be null");
        if (shared == domain) return;
        shared.add(tlb);
        domain = shared;
    }

    /** The agent that walks and is named in walk events (e.g. the vCPU running on this PE). */
    public void setAgent(int agent) { this.agent = agent; }

    public Tlb tlb() { return tlb; }

    /** The current register values (read-only use; change them with {@link #setContext}). */
    public TranslationContext context() { return ctx; }

    /** The fault of the last {@link #translate} / {@link #at} that failed. */
    public FaultRecord fault() { return fault; }

    /** The final memory attributes ({@link Attrs}) of the last successful {@link #translate}. */
    public int attrs() { return lastAttrs; }

    /** Number of table walks started (stage-1 or stage-2-only), for statistics. */
    public long walks() { return walkCount; }

    /** Number of main-TLB misses, for statistics. */
    public long tlbMisses() { return tlbMisses; }

    /**
     * Takes new translation register values (copied from {@code c}), recomputes the current ASID,
     * VMID and enabled stages, and empties the micro-TLBs. The main TLB is untouched: as on hardware,
     * entries of other ASIDs/VMIDs stay, and a changed table needs a TLBI.
     */
    public void setContext(TranslationContext c) {
        if (c != ctx) {
            // Translations depend on the registers alone (the TLB's contents change only through TLBI,
            // which flushes by itself): the same values again (e.g. a vCPU loaded back after a trap)
            // change nothing, and keep the micro-TLBs and every generation-validated memo warm.
            if (ctx.sameRegisters(c)) return;
            ctx.copyFrom(c);
        }
        ctx.derive();
        flushMicroTlb();
    }

    /**
     * Empties the micro-TLBs (called on every context change and TLB invalidation) in O(1): each tag
     * carries the flush epoch in its low 12 bits (a page address has them clear), so bumping
     * {@link #microEpoch} invalidates every entry; only when the epoch wraps are the tags cleared.
     */
    void flushMicroTlb() {
        generation++;
        if (++microEpoch > MICRO_EPOCH_MAX) {
            java.util.Arrays.fill(microTag, 0L); // epoch 0 is never current: no tag matches
            microEpoch = 1;
        }
    }

    private static final int MICRO_EPOCH_MAX = 0xFFF;
    /** The current flush epoch, 1..0xFFF, or-ed into every micro-TLB tag (see {@link #flushMicroTlb}). */
    private long microEpoch;
    private int generation;

    /**
     * Changes whenever a translation this MMU handed out may have changed: every {@link #setContext}
     * and every TLB invalidation reaching this PE's TLB (also a broadcast from another PE). A PE that
     * caches translations of its own (e.g. fetched lines keyed by VA) drops them when this changes.
     */
    public int generation() { return generation; }

    // =====================================================================================
    // Translation
    // =====================================================================================

    /**
     * Translates {@code va} for an access of type {@code access} ({@link #LOAD}, {@link #STORE},
     * {@link #FETCH}, {@link #CMO}, {@link #CMO_IVAC}) made at EL {@code el} (0 or 1). Returns the PA
     * with the attributes in {@link #attrs()}, or {@link #FAULT} with {@link #fault()} filled.
     *
     * @throws IllegalArgumentException for an EL other than 0 and 1 or an unknown access type
     */
    public long translate(long va, int access, int el) {
        if ((access | el) >= 0 && access <= FETCH && el <= 1) {
            int t = (((access << 1) | el) << MICRO_BITS) | ((int) (va >>> 12) & MICRO_MASK);
            if (microTag[t] == ((va & PAGE_MASK) | microEpoch)) {
                lastAttrs = microAttrs[t];
                return va + microDelta[t];
            }
        }
        return translateSlow(va, access, el);
    }

    private long translateSlow(long va, int access, int el) {
        if (el < 0 || el > 1) throw new IllegalArgumentException("EL1&0 translation from EL" + el);
        if (access < LOAD || access > CMO_IVAC) throw new IllegalArgumentException("unknown access type " + access);
        fault.clear();
        fault.va = va;
        fault.el = el;
        fault.fetch = access == FETCH;
        fault.cm = access >= CMO;
        fault.write = access == STORE || access >= CMO;

        int e;
        long vaKey;
        if (!ctx.s1Enabled) {
            // Stage 1 off (SCTLR_EL1.M = 0 or HCR_EL2.DC = 1): IPA = VA, which must fit the PA size
            // (AArch64.TranslateAddressS1Off: Address size fault at level 0).
            if (paBits < 64 && (va >>> paBits) != 0) {
                fault.set(FaultRecord.ADDRESS_SIZE, 0, false, false, va, 0);
                return FAULT;
            }
            if (!ctx.s2Enabled) {
                lastAttrs = s1OffAttrs(access);
                fillMicro(va, access, el, va, lastAttrs);
                return va;
            }
            vaKey = va;
            e = tlb.lookup(vaKey, ctx.vmid, 0, Tlb.FLAG_S2);
            if (e < 0) {
                tlbMisses++;
                walkCount++;
                if (!walkStage2(va, false, va)) return FAULT;
                e = tlb.insert(s2Shift, vaKey, va, s2Out, 0, ctx.vmid, Tlb.FLAG_S2 | Tlb.FLAG_GLOBAL,
                        packS2(s2MemAttr, s2Sh), P_ALL, s2Perm, 0, s2Level);
            }
        } else {
            long tcr = ctx.tcrEl1;
            boolean upper = (va & (1L << 55)) != 0;
            int tsz = clampTsz((int) (upper ? tcr >>> 16 : tcr) & 63);
            boolean tbi = (tcr & (upper ? TranslationContext.TCR_TBI1 : TranslationContext.TCR_TBI0)) != 0;
            // AArch64.S1IsInputAddressValid: VA[top:inputsize] all equal to VA[55] (top = 55 with TBI).
            long high = tbi ? (va << 8) >> (8 + 64 - tsz) : va >> (64 - tsz);
            if (high != 0 && high != -1) {
                fault.set(FaultRecord.TRANSLATION, 0, false, false, va, 0);
                return FAULT;
            }
            vaKey = (va << 8) >> 8;
            int flags = Tlb.FLAG_S1 | (ctx.s2Enabled ? Tlb.FLAG_S2 : 0);
            e = tlb.lookup(vaKey, ctx.vmid, ctx.asid, flags);
            if (e < 0) {
                tlbMisses++;
                walkCount++;
                if (!walkStage1(va, upper, tsz)) return FAULT;
                // AArch64.FirstStageTranslate checks stage-1 permissions before stage 2 translates the
                // output, so a stage-1 Permission fault wins over any stage-2 fault of the output IPA.
                int s1Need = s1Required(access, el);
                if ((s1Perm & s1Need) != s1Need) {
                    fault.set(FaultRecord.PERMISSION, s1Level, false, false, va, 0);
                    return FAULT;
                }
                long ipa = s1Out | (va & ((1L << s1Shift) - 1));
                int shift = s1Shift;
                long pa = ipa;
                int s2p = P_ALL, s2l = 0, s2packed = 0;
                if (ctx.s2Enabled) {
                    if (!walkStage2(ipa, false, va)) return FAULT;
                    shift = Math.min(shift, s2Shift);
                    pa = s2Out | (ipa & ((1L << s2Shift) - 1));
                    s2p = s2Perm;
                    s2l = s2Level;
                    s2packed = packS2(s2MemAttr, s2Sh);
                }
                e = tlb.insert(shift, vaKey, ipa, pa, ctx.asid, ctx.vmid, flags | (s1Global ? Tlb.FLAG_GLOBAL : 0),
                        s2packed, s1Perm, s2p, s1Level, s2l);
                tlb.s1AttrsOf[e] = s1Attrs;
            }
        }
        return finishFromEntry(e, va, vaKey, access, el);
    }

    /** Checks permissions of entry {@code e} for the access and produces the PA and attributes. */
    private long finishFromEntry(int e, long va, long vaKey, int access, int el) {
        long offsetMask = (1L << tlb.shift[e]) - 1;
        long ipa = tlb.ipaBase[e] | (vaKey & offsetMask);
        int s1Need = s1Required(access, el), s2Need = s2Required(access);
        if ((tlb.s1Perm[e] & s1Need) != s1Need) {
            fault.set(FaultRecord.PERMISSION, tlb.s1Level[e], false, false, va, 0);
            return FAULT;
        }
        if ((tlb.s2Perm[e] & s2Need) != s2Need) {
            fault.set(FaultRecord.PERMISSION, tlb.s2Level[e], true, false, va, ipa);
            return FAULT;
        }
        int s1 = (tlb.flags[e] & Tlb.FLAG_S1) != 0 ? s1OnAttrs(tlb.s1AttrsOf[e], access) : s1OffAttrs(access);
        int attrs = (tlb.flags[e] & Tlb.FLAG_S2) != 0
                ? MemAttrs.combine(s1, tlb.attrs[e] & 0xF, tlb.attrs[e] >>> 4, ctx.fwb) : s1;
        long pa = tlb.paBase[e] | (vaKey & offsetMask);
        lastAttrs = attrs;
        if (access <= FETCH) fillMicro(va, access, el, pa, attrs);
        return pa;
    }

    private void fillMicro(long va, int access, int el, long pa, int attrs) {
        if (access > FETCH) return;
        int t = (((access << 1) | el) << MICRO_BITS) | ((int) (va >>> 12) & MICRO_MASK);
        microTag[t] = (va & PAGE_MASK) | microEpoch;
        microDelta[t] = (pa & PAGE_MASK) - (va & PAGE_MASK);
        microAttrs[t] = attrs;
    }

    private static int packS2(int memAttr, int sh) { return (memAttr & 0xF) | (sh & 3) << 4; }

    /** Stage-1 permission bits an access needs (AArch64.CheckPermission; DC/IC: the AccType_DC/IC rules). */
    private static int s1Required(int access, int el) {
        return switch (access) {
            case LOAD -> el == 0 ? P_R0 : P_R1;
            case STORE, CMO_IVAC -> el == 0 ? P_W0 : P_W1;
            case FETCH -> el == 0 ? P_X0 : P_X1;
            // "DC maintenance instructions operating by VA cannot fault from stage 1 translation, other
            // than DC IVAC, which requires write permission, and operations executed at EL0, which
            // require read permission" (ASL AArch64.CheckPermission).
            default -> el == 0 ? P_R0 : 0;
        };
    }

    /** Stage-2 permission bits an access needs (AArch64.CheckS2Permission: fetch X; write W; else R). */
    private static int s2Required(int access) {
        return switch (access) {
            case STORE, CMO_IVAC -> P_W1;
            case FETCH -> P_X1;
            default -> P_R1;
        };
    }

    /** Stage-1 attributes with stage 1 off: HCR_EL2.DC Normal WB NSH; data Device-nGnRnE; fetch NC or WT. */
    private int s1OffAttrs(int access) {
        if (ctx.dc) return Attrs.make(Attrs.NORMAL_WB, Attrs.NSH);
        if (access == FETCH) {
            return (ctx.sctlrEl1 & TranslationContext.SCTLR_I) != 0 ? Attrs.make(Attrs.NORMAL_WT, Attrs.OSH) : Attrs.NC;
        }
        return Attrs.DEVICE_nGnRnE;
    }

    /** Stage-1 attributes with stage 1 on: the descriptor's, Normal made NC by SCTLR_EL1.C = 0 (data) or .I = 0 (fetch). */
    private int s1OnAttrs(int raw, int access) {
        if (Attrs.type(raw) == Attrs.DEVICE) return raw;
        long bit = access == FETCH ? TranslationContext.SCTLR_I : TranslationContext.SCTLR_C;
        return (ctx.sctlrEl1 & bit) != 0 ? raw : Attrs.NC;
    }

    private static int clampTsz(int tsz) { return Math.max(16, Math.min(39, tsz)); }

    /** Output size in bits of a TCR_EL1.IPS / VTCR_EL2.PS value, limited to the implemented PA size. */
    private int oaBits(int ps) {
        int bits = switch (ps & 7) {
            case 0 -> 32;
            case 1 -> 36;
            case 2 -> 40;
            case 3 -> 42;
            case 4 -> 44;
            default -> 48;
        };
        return Math.min(bits, paBits);
    }

    /** Lookup level that starts a 4 KiB-granule walk of an {@code inputSize}-bit space (stage 1). */
    static int s1StartLevel(int inputSize) {
        return 4 - (inputSize - 12 + 8) / 9;
    }

    private static int levelShift(int level) { return 12 + 9 * (3 - level); }

    // =====================================================================================
    // Walks
    // =====================================================================================

    /**
     * Stage-1 walk of {@code va} (already range-checked) from TTBR1_EL1 if {@code upper} else
     * TTBR0_EL1. On success sets s1Out (the block/page output address), s1Shift, s1Level, s1Attrs,
     * s1MairByte, s1Perm, s1Global and returns true; otherwise fills {@link #fault} and returns false.
     */
    private boolean walkStage1(long va, boolean upper, int tsz) {
        long tcr = ctx.tcrEl1;
        if ((tcr & (upper ? TranslationContext.TCR_EPD1 : TranslationContext.TCR_EPD0)) != 0) {
            fault.set(FaultRecord.TRANSLATION, 0, false, false, va, 0);
            return false;
        }
        int inputSize = 64 - tsz;
        int level = s1StartLevel(inputSize);
        int firstBits = inputSize - levelShift(level);
        int oa = oaBits((int) (tcr >>> 32) & 7);
        long ttbr = upper ? ctx.ttbr1El1 : ctx.ttbr0El1;
        long tableIpa = ttbr & TTBR_BADDR & -(8L << firstBits);
        if ((tableIpa >>> oa) != 0) {
            fault.set(FaultRecord.ADDRESS_SIZE, 0, false, false, va, 0);
            return false;
        }
        int rgnShift = upper ? 24 : 8;
        int walkAttrs = (ctx.sctlrEl1 & TranslationContext.SCTLR_C) == 0 ? Attrs.NC
                : MemAttrs.walkAttrs((int) (tcr >>> rgnShift) & 3, (int) (tcr >>> (rgnShift + 2)) & 3,
                        (int) (tcr >>> (rgnShift + 4)) & 3);
        long apTable = 0, uxnTable = 0, pxnTable = 0;
        int bits = firstBits;
        while (true) {
            int sh = levelShift(level);
            long descIpa = tableIpa + (((va >>> sh) & ((1L << bits) - 1)) << 3);
            long descPa = descIpa;
            int attrs = walkAttrs;
            if (ctx.s2Enabled) {
                if (!walkStage2(descIpa, true, va)) return false;
                descPa = s2Out | (descIpa & ((1L << s2Shift) - 1));
                attrs = MemAttrs.combine(walkAttrs, s2MemAttr, s2Sh, ctx.fwb);
            }
            long desc;
            try {
                desc = mem.read(pe, agent, AccessKind.WALK, descPa, 8, attrs);
            } catch (BusError err) {
                fault.set(FaultRecord.EXTERNAL_WALK, level, false, false, va, 0);
                return false;
            }
            if ((desc & 1) == 0 || (level == 3 && (desc & 2) == 0) || (level == 0 && (desc & 2) == 0)) {
                fault.set(FaultRecord.TRANSLATION, level, false, false, va, 0);
                return false;
            }
            if (level < 3 && (desc & 2) != 0) {
                long next = desc & OA_MASK;
                if ((next >>> oa) != 0) {
                    fault.set(FaultRecord.ADDRESS_SIZE, level, false, false, va, 0);
                    return false;
                }
                apTable |= (desc >>> 61) & 3;
                uxnTable |= (desc >>> 60) & 1;
                pxnTable |= (desc >>> 59) & 1;
                tableIpa = next;
                level++;
                bits = 9;
                continue;
            }
            // A block (level 1 or 2) or page (level 3) descriptor.
            long out = desc & OA_MASK & -(1L << sh);
            if ((out >>> oa) != 0) {
                fault.set(FaultRecord.ADDRESS_SIZE, level, false, false, va, 0);
                return false;
            }
            if ((desc & (1L << 10)) == 0) {
                fault.set(FaultRecord.ACCESS_FLAG, level, false, false, va, 0);
                return false;
            }
            s1Out = out;
            s1Shift = sh;
            s1Level = level;
            s1Global = (desc & (1L << 11)) == 0;
            s1MairByte = MemAttrs.mairByte(ctx.mairEl1, (int) (desc >>> 2) & 7);
            int type = MemAttrs.mairType(s1MairByte);
            s1Attrs = MemAttrs.normalizeSh(Attrs.make(type, MemAttrs.shareability((int) (desc >>> 8) & 3)));
            // AArch64.CheckPermission (no PAN): AP[2:1] with APTable applied hierarchically.
            boolean ap1 = (desc & (1L << 6)) != 0 && (apTable & 1) == 0; // EL0 access
            boolean ap2 = (desc & (1L << 7)) != 0 || (apTable & 2) != 0;  // read-only
            boolean userW = ap1 && !ap2, privW = !ap2;
            boolean wxn = (ctx.sctlrEl1 & TranslationContext.SCTLR_WXN) != 0;
            boolean device = type == Attrs.DEVICE;
            boolean userX = ((desc >>> 54) & 1) == 0 && uxnTable == 0 && !(userW && wxn) && !device;
            boolean privX = ((desc >>> 53) & 1) == 0 && pxnTable == 0 && !(privW && wxn) && !userW && !device;
            s1Perm = P_R1 | (privW ? P_W1 : 0) | (privX ? P_X1 : 0)
                    | (ap1 ? P_R0 : 0) | (userW ? P_W0 : 0) | (userX ? P_X0 : 0);
            return true;
        }
    }

    /**
     * Stage-2 walk of {@code ipa} from VTTBR_EL2 with VTCR_EL2. {@code forS1Walk}: the IPA is a
     * stage-1 table address (faults get S1PTW, and read permission is checked here). On success sets
     * s2Out, s2Shift, s2Level, s2MemAttr, s2Sh, s2Perm; otherwise fills {@link #fault} (stage 2,
     * FAR = {@code va}, HPFAR from {@code ipa}).
     */
    private boolean walkStage2(long ipa, boolean forS1Walk, long va) {
        long vtcr = ctx.vtcrEl2;
        int tsz = clampTsz((int) vtcr & 63);
        int inputSize = 64 - tsz;
        int sl0 = (int) (vtcr >>> 6) & 3;
        int level = 2 - sl0;
        if ((ipa >>> inputSize) != 0) {
            fault.set(FaultRecord.TRANSLATION, 0, true, forS1Walk, va, ipa);
            return false;
        }
        int firstBits = sl0 == 3 ? -1 : inputSize - levelShift(level);
        if (firstBits < 1 || firstBits > 13) {
            // AArch64.S2InconsistentSL: SL0 and T0SZ disagree (at most 16 concatenated tables); like
            // an IPA beyond the input size, the walk finds no base: Translation fault, level 0.
            fault.set(FaultRecord.TRANSLATION, 0, true, forS1Walk, va, ipa);
            return false;
        }
        int oa = oaBits((int) (vtcr >>> 16) & 7);
        long tablePa = ctx.vttbrEl2 & TTBR_BADDR & -(8L << firstBits);
        if ((tablePa >>> oa) != 0) {
            fault.set(FaultRecord.ADDRESS_SIZE, 0, true, forS1Walk, va, ipa);
            return false;
        }
        int attrs = MemAttrs.walkAttrs((int) (vtcr >>> 8) & 3, (int) (vtcr >>> 10) & 3, (int) (vtcr >>> 12) & 3);
        int bits = firstBits;
        while (true) {
            int sh = levelShift(level);
            long descPa = tablePa + (((ipa >>> sh) & ((1L << bits) - 1)) << 3);
            long desc;
            try {
                desc = mem.read(pe, agent, AccessKind.WALK, descPa, 8, attrs);
            } catch (BusError err) {
                fault.set(FaultRecord.EXTERNAL_WALK, level, true, forS1Walk, va, ipa);
                return false;
            }
            if ((desc & 1) == 0 || (level == 3 && (desc & 2) == 0) || (level == 0 && (desc & 2) == 0)) {
                fault.set(FaultRecord.TRANSLATION, level, true, forS1Walk, va, ipa);
                return false;
            }
            if (level < 3 && (desc & 2) != 0) {
                long next = desc & OA_MASK;
                if ((next >>> oa) != 0) {
                    fault.set(FaultRecord.ADDRESS_SIZE, level, true, forS1Walk, va, ipa);
                    return false;
                }
                tablePa = next;
                level++;
                bits = 9;
                continue;
            }
            long out = desc & OA_MASK & -(1L << sh);
            if ((out >>> oa) != 0) {
                fault.set(FaultRecord.ADDRESS_SIZE, level, true, forS1Walk, va, ipa);
                return false;
            }
            if ((desc & (1L << 10)) == 0) {
                fault.set(FaultRecord.ACCESS_FLAG, level, true, forS1Walk, va, ipa);
                return false;
            }
            int s2ap = (int) (desc >>> 6) & 3;
            int perm = ((s2ap & 1) != 0 ? P_R1 : 0) | ((s2ap & 2) != 0 ? P_W1 : 0) | (((desc >>> 54) & 1) == 0 ? P_X1 : 0);
            if (forS1Walk && (perm & P_R1) == 0) {
                fault.set(FaultRecord.PERMISSION, level, true, true, va, ipa);
                return false;
            }
            s2Out = out;
            s2Shift = sh;
            s2Level = level;
            s2MemAttr = (int) (desc >>> 2) & 0xF;
            s2Sh = (int) (desc >>> 8) & 3;
            s2Perm = perm;
            return true;
        }
    }

    // =====================================================================================
    // AT, TLBI, DC IVAC
    // =====================================================================================

    /**
     * {@code AT S1E1R/S1E1W} ({@code el} = 1) or {@code AT S1E0R/S1E0W} ({@code el} = 0): the stage-1
     * translation of {@code va} for a read or {@code write}, as the PAR_EL1 value to write (Arm ARM
     * D13.2.100 PAR_EL1; ASL AArch64.AT_S1: the output address is the IPA when stage 2 is on). Success:
     * PA[47:12], ATTR[63:56] (the MAIR_EL1 byte; 0x00 Device-nGnRnE with stage 1 off, 0xFF with
     * HCR_EL2.DC), SH[8:7], NS = 0, bit 11 RES1. Failure: F = 1, FST, PTW, S.
     *
     * <p>A stage-2 fault on the stage-1 walk is not reported in PAR_EL1: it is an exception to EL2.
     * Then this returns {@link #FAULT} and {@link #fault()} holds it (S1PTW = 1, CM = 1) for the PE
     * to take; PAR_EL1 is unchanged.
     *
     * <p>Simplification: hardware may answer AT from the TLB; we always walk (what a TLB miss does).
     */
    public long at(long va, int el, boolean write) {
        if (el < 0 || el > 1) throw new IllegalArgumentException("AT S1E" + el + " is not an EL1&0 operation");
        fault.clear();
        fault.va = va;
        fault.el = el;
        fault.fetch = false;
        fault.cm = true;
        fault.write = true;
        if (!ctx.s1Enabled) {
            if (paBits < 64 && (va >>> paBits) != 0) {
                fault.set(FaultRecord.ADDRESS_SIZE, 0, false, false, va, 0);
                return fault.parEl1();
            }
            long attrField = ctx.dc ? 0xFFL : 0x00L;
            int sh = ctx.dc ? 0b00 : 0b10;
            return (va & OA_MASK) | (attrField << 56) | ((long) sh << 7) | (1L << 11);
        }
        long tcr = ctx.tcrEl1;
        boolean upper = (va & (1L << 55)) != 0;
        int tsz = clampTsz((int) (upper ? tcr >>> 16 : tcr) & 63);
        boolean tbi = (tcr & (upper ? TranslationContext.TCR_TBI1 : TranslationContext.TCR_TBI0)) != 0;
        long high = tbi ? (va << 8) >> (8 + 64 - tsz) : va >> (64 - tsz);
        if (high != 0 && high != -1) {
            fault.set(FaultRecord.TRANSLATION, 0, false, false, va, 0);
            return fault.parEl1();
        }
        walkCount++;
        if (!walkStage1(va, upper, tsz)) {
            return fault.stage2 ? FAULT : fault.parEl1();
        }
        int need = write ? (el == 0 ? P_W0 : P_W1) : (el == 0 ? P_R0 : P_R1);
        if ((s1Perm & need) != need) {
            fault.set(FaultRecord.PERMISSION, s1Level, false, false, va, 0);
            return fault.parEl1();
        }
        long out = s1Out | (va & ((1L << s1Shift) - 1));
        return (out & OA_MASK) | ((long) s1MairByte << 56) | ((long) MemAttrs.shField(s1Attrs) << 7) | (1L << 11);
    }

    /**
     * Walks stage 2 alone for {@code ipa} with the current VTTBR_EL2/VTCR_EL2 (no TLB, no permission
     * check), as a hypervisor or a test inspects its stage-2 tables: the PA, or {@link #FAULT} with
     * {@link #fault()} filled (stage 2, FAR = HPFAR source = {@code ipa}). Details of the leaf in
     * {@link #stage2MemAttr()}, {@link #stage2Sh()}, {@link #stage2Permissions()}, {@link #stage2Level()}.
     * Works whether or not HCR_EL2.VM is set.
     */
    public long walkIpa(long ipa) {
        fault.clear();
        fault.va = ipa;
        fault.el = 1;
        fault.fetch = false;
        fault.cm = false;
        fault.write = false;
        walkCount++;
        if (!walkStage2(ipa, false, ipa)) return FAULT;
        return s2Out | (ipa & ((1L << s2Shift) - 1));
    }

    /** MemAttr[3:0] of the leaf of the last successful {@link #walkIpa}. */
    public int stage2MemAttr() { return s2MemAttr; }

    /** SH[1:0] of the leaf of the last successful {@link #walkIpa}. */
    public int stage2Sh() { return s2Sh; }

    /** Permissions of the leaf of the last successful {@link #walkIpa}: 1 read (S2AP[0]), 2 write (S2AP[1]), 4 execute (XN = 0). */
    public int stage2Permissions() { return s2Perm & 7; }

    /** Lookup level of the leaf of the last successful {@link #walkIpa} (1, 2 or 3). */
    public int stage2Level() { return s2Level; }

    /**
     * Executes {@code TLBI op} with operand {@code xt} on this PE's TLB, or with
     * {@code innerShareable} on every TLB of the domain; VMID and ASID width are this PE's current ones.
     */
    public void tlbi(int op, long xt, boolean innerShareable) {
        if (op < 0 || op >= Tlbi.COUNT) throw new IllegalArgumentException("unknown TLBI operation " + op);
        if (innerShareable) domain.invalidateAll(op, xt, ctx.vmid, ctx.asidMask);
        else tlb.invalidate(op, xt, ctx.vmid, ctx.asidMask);
    }

    /**
     * True if {@code DC IVAC} executed at {@code el} is performed as {@code DC CIVAC}: at EL1 with
     * HCR_EL2.VM = 1 (Arm ARM D7.5.9.2: invalidation by VA at EL1 with stage 2 on cleans as well,
     * so a guest cannot discard the hypervisor's data).
     */
    public boolean dcIvacIsCivac(int el) {
        return el == 1 && ctx.el2Enabled && (ctx.hcrEl2 & TranslationContext.HCR_VM) != 0;
    }
}
