package org.cachevisor.machine.mmu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.cachevisor.machine.mmu.PageTables.*;

import org.cachevisor.memsys.AccessKind;
import org.cachevisor.memsys.Attrs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * TLB behaviour: a table change without TLBI stays invisible; each TLBI removes exactly its
 * architectural scope (Arm ARM C5.5 TLBI descriptions). Five cached translations are set up:
 * A (VMID 1, ASID 1, VA1), B (VMID 1, ASID 1, VA2), C (VMID 1, ASID 2, VA1), G (VMID 1, global, VA3)
 * and D (VMID 2, ASID 1, VA1). Then every leaf is rewritten to a new PA without TLBI, so a
 * translation that still yields the old PA is still cached and one yielding the new PA was removed.
 * The rewrites are cacheable stores, coherent with the (cacheable) walks.
 */
class TlbTest {
    static final long VA1 = 0x0000_0000_4000_1000L, VA2 = 0x0000_0000_4000_2000L, VA3 = 0x0000_0000_4020_0000L;
    static final long OLD = 0x0010_0000L, NEW = 0x0020_0000L;

    final PageTables pt = new PageTables(org.cachevisor.memsys.MemConfig.defaults());
    final TlbDomain domain = new TlbDomain();
    final Tlb tlb0 = new Tlb(), tlb1 = new Tlb();
    final Mmu mmu0, mmu1;
    final long rootAsid1 = pt.newTable(), rootAsid2 = pt.newTable();
    final long[] leafDescPa = new long[5];

    TlbTest() {
        domain.add(tlb0);
        domain.add(tlb1);
        mmu0 = new Mmu(pt.mem, 0, tlb0, domain);
        mmu1 = new Mmu(pt.mem, 1, tlb1, domain);
        // A, B in ASID 1's tables; C in ASID 2's; G (global) in both; D uses ASID 1's tables under VMID 2.
        leafDescPa[0] = pt.map48(rootAsid1, VA1, 3, ng(OLD));
        leafDescPa[1] = pt.map48(rootAsid1, VA2, 3, ng(OLD + 0x1000));
        leafDescPa[2] = pt.map48(rootAsid2, VA1, 3, ng(OLD + 0x2000));
        leafDescPa[3] = pt.map48(rootAsid1, VA3, 3, s1Page(OLD + 0x3000, IDX_WB));
        leafDescPa[4] = pt.map48(rootAsid2, VA3, 3, s1Page(OLD + 0x3000, IDX_WB));
    }

    private static long ng(long pa) { return s1Leaf(true, pa, IDX_WB, 0b00, 0b11, true, true, false, true); }

    private static TranslationContext ctx(long root, int asid, int vmid) {
        TranslationContext c = s1Context(root, asid);
        c.el2Enabled = true; // HCR_EL2 = 0: stage 2 off, but entries are tagged with the VMID
        c.vttbrEl2 = (long) vmid << 48;
        return c;
    }

    private long probe(Mmu mmu, char which) {
        return switch (which) {
            case 'A' -> at(mmu, ctx(rootAsid1, 1, 1), VA1);
            case 'B' -> at(mmu, ctx(rootAsid1, 1, 1), VA2);
            case 'C' -> at(mmu, ctx(rootAsid2, 2, 1), VA1);
            case 'G' -> at(mmu, ctx(rootAsid2, 2, 1), VA3);
            default -> at(mmu, ctx(rootAsid1, 1, 2), VA1);
        };
    }

    private static long at(Mmu mmu, TranslationContext c, long va) {
        mmu.setContext(c);
        long pa = mmu.translate(va, Mmu.LOAD, 1);
        assertThat(pa).as(mmu.fault().toString()).isNotEqualTo(Mmu.FAULT);
        return pa;
    }

    /** Fills both TLBs with A, B, C, G, D, then moves every leaf to NEW without TLBI. */
    private void primeAndRewrite() {
        for (char w : "ABCGD".toCharArray()) {
            assertThat(probe(mmu0, w) & ~0xF000L).isEqualTo(OLD);
            assertThat(probe(mmu1, w) & ~0xF000L).isEqualTo(OLD);
        }
        for (long descPa : leafDescPa) {
            // A cacheable store as the kernel would make it (the walks are cacheable and coherent
            // with it); ramPoke would leave the walk reading the old line from the cache.
            long d = pt.mem.read(0, 0, AccessKind.LOAD, descPa, 8, Attrs.HOST_WB);
            pt.mem.write(0, 0, AccessKind.STORE, descPa, 8, Attrs.HOST_WB, d - OLD + NEW);
        }
    }

    /** The set of entries still cached (translating to OLD) on {@code mmu}, as letters. */
    private String stillCached(Mmu mmu) {
        StringBuilder sb = new StringBuilder();
        for (char w : "ABCGD".toCharArray()) {
            long pa = probe(mmu, w) & ~0xF000L;
            assertThat(pa).isIn(OLD, NEW);
            if (pa == OLD) sb.append(w);
        }
        return sb.toString();
    }

    @Test
    void translate_tableChangedWithoutTlbi_oldTranslationStays() {
        primeAndRewrite();
        assertThat(stillCached(mmu0)).isEqualTo("ABCGD");
    }

    @ParameterizedTest(name = "{0} -> still cached {3}")
    @CsvSource({
        "VMALLE1,    0, 0,          D",
        "VAE1,       1, 0x40001000, BCGD",
        "VALE1,      1, 0x40001000, BCGD",
        "VAE1,       1, 0x40200000, ABCD",   // a global entry matches any ASID
        "VAE1,       2, 0x40001000, ABGD",   // ASID 2 at VA1 is C only
        "ASIDE1,     1, 0,          CGD",    // non-global entries of ASID 1; G is global and stays
        "VAAE1,      0, 0x40001000, BGD",
        "VAALE1,     0, 0x40001000, BGD",
        "IPAS2E1,    0, 0x100,      ABCGD",  // no stage-2-only entries; combined entries stay
        "IPAS2LE1,   0, 0x100,      ABCGD",
        "VMALLS12E1, 0, 0,          D",
        "ALLE1,      0, 0,          ''",
    })
    void tlbi_fromVmid1Asid1_removesExactlyItsScope(String op, int asid, long va, String expected) {
        primeAndRewrite();
        int code = opCode(op);
        long xt = code == Tlbi.IPAS2E1 || code == Tlbi.IPAS2LE1 ? va : Tlbi.xt(asid, va);
        mmu0.setContext(ctx(rootAsid1, 1, 1));
        mmu0.tlbi(code, xt, false);
        assertThat(stillCached(mmu0)).isEqualTo(expected);
        assertThat(stillCached(mmu1)).as("non-IS TLBI leaves the other PE's TLB alone").isEqualTo("ABCGD");
    }

    @ParameterizedTest(name = "{0}IS")
    @CsvSource({"VMALLE1, D", "ASIDE1, CGD", "VAAE1, BGD", "ALLE1, ''"})
    void tlbiIs_fromPe0_removesScopeOnEveryPe(String op, String expected) {
        primeAndRewrite();
        mmu0.setContext(ctx(rootAsid1, 1, 1));
        mmu0.tlbi(opCode(op), Tlbi.xt(1, VA1), true);
        assertThat(stillCached(mmu0)).isEqualTo(expected);
        assertThat(stillCached(mmu1)).isEqualTo(expected);
    }

    @Test
    void tlbiAside1_8bitAsids_upperAsidBitsOfXtIgnored() {
        primeAndRewrite();
        mmu0.setContext(ctx(rootAsid1, 1, 1)); // TCR_EL1.AS = 0: 8-bit ASIDs
        mmu0.tlbi(Tlbi.ASIDE1, Tlbi.xt(0x0101, 0), false);
        assertThat(stillCached(mmu0)).isEqualTo("CGD");
    }

    @Test
    void tlbiVae1_vaInsideBlock_removesBlockEntry() {
        long root = pt.newTable();
        long desc = pt.map48(root, 0x4000_0000L, 2, s1Leaf(false, 0x0040_0000L, IDX_WB, 0, 0b11, true, false, false, true));
        TranslationContext c = s1Context(root, 5);
        assertThat(at(mmu0, c, 0x4001_2345L)).isEqualTo(0x0041_2345L);
        pt.mem.write(0, 0, AccessKind.STORE, desc, 8, Attrs.HOST_WB, s1Leaf(false, 0x0080_0000L, IDX_WB, 0, 0b11, true, false, false, true));
        assertThat(at(mmu0, c, 0x4000_0010L)).isEqualTo(0x0040_0010L); // same block entry, still cached
        mmu0.tlbi(Tlbi.VAE1, Tlbi.xt(5, 0x401F_F000L), false);
        assertThat(at(mmu0, c, 0x4000_0010L)).isEqualTo(0x0080_0010L);
    }

    @Test
    void microTlb_afterTlbiIsFromOtherPe_doesNotKeepOldTranslation() {
        primeAndRewrite();
        mmu0.setContext(ctx(rootAsid1, 1, 1));
        assertThat(mmu0.translate(VA1, Mmu.LOAD, 1)).isEqualTo(OLD); // micro-TLB hit
        mmu1.setContext(ctx(rootAsid1, 1, 1));
        mmu1.tlbi(Tlbi.VAE1, Tlbi.xt(1, VA1), true);
        assertThat(mmu0.translate(VA1, Mmu.LOAD, 1)).isEqualTo(NEW);
    }

    @Test
    void tlbi_unknownOperation_refused() {
        assertThatThrownBy(() -> mmu0.tlbi(42, 0, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("42");
    }

    private static int opCode(String op) {
        for (int i = 0; i < Tlbi.COUNT; i++) if (Tlbi.name(i).equals(op)) return i;
        throw new IllegalArgumentException(op);
    }
}
