package org.cachevisor.machine.mmu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cachevisor.machine.mmu.PageTables.*;

import org.cachevisor.memsys.AccessKind;
import org.cachevisor.memsys.Attrs;
import org.cachevisor.memsys.MemorySystem;
import org.junit.jupiter.api.Test;

/**
 * Table walks go through the caches: a descriptor written Non-cacheably (straight to RAM, e.g. by
 * a kernel running with SCTLR_EL1.C = 0) is invisible to a cacheable walk while a stale copy of its
 * line sits in a cache, until the line is invalidated (DC IVAC / DC CIVAC). Arm ARM D8.2.x "Hardware
 * management of the translation tables" and B2 on mismatched attributes: the walk with TCR_EL1
 * IRGN/ORGN = Write-Back may hit in the cache.
 */
class MmuStaleWalkTest {
    static final long VA = 0x0000_0000_8000_5000L;
    static final long OLD = 0x0010_0000L, NEW = 0x0020_0000L;

    final PageTables pt = new PageTables();
    final Mmu mmu = new Mmu(pt.mem, 0, new Tlb(), null);
    final long root = pt.newTable();
    final long descPa = pt.map48(root, VA, 3, s1Page(OLD, IDX_WB));

    MmuStaleWalkTest() {
        // The host's linear map covers all RAM cacheable: the hardware may fill any of it.
        pt.mem.adversary().declareCacheable(0, RAM_SIZE);
    }

    private void rewriteNonCacheable() {
        pt.mem.write(0, 0, AccessKind.STORE, descPa, 8, Attrs.NC, s1Page(NEW, IDX_WB));
        assertThat(pt.mem.ramPeek(descPa, 8) & 0xFFFF_FFFF_F000L).isEqualTo(NEW);
    }

    @Test
    void walk_cacheableWithStaleLineFromEarlierRead_readsStaleDescriptor() {
        pt.mem.read(0, 0, AccessKind.LOAD, descPa, 8, Attrs.HOST_WB); // the old line enters PE0's L1D
        rewriteNonCacheable();
        mmu.setContext(s1Context(root, 1));
        assertThat(mmu.translate(VA, Mmu.LOAD, 1)).isEqualTo(OLD);
    }

    @Test
    void walk_cacheableWithStaleLineFromSpeculativeFillOnOtherPe_readsStaleDescriptor() {
        pt.mem.adversary().specFill(MemorySystem.l1dId(1), descPa); // PE1's L1D, filled from RAM
        rewriteNonCacheable();
        mmu.setContext(s1Context(root, 1));
        assertThat(mmu.translate(VA, Mmu.LOAD, 1)).isEqualTo(OLD); // PE0's walk snoops PE1's L1D
    }

    @Test
    void walk_staleLineInvalidatedByDcIvac_readsNewDescriptor() {
        pt.mem.read(0, 0, AccessKind.LOAD, descPa, 8, Attrs.HOST_WB);
        rewriteNonCacheable();
        pt.mem.dcInvalidatePoC(0, 0, descPa);
        mmu.setContext(s1Context(root, 1));
        assertThat(mmu.translate(VA, Mmu.LOAD, 1)).isEqualTo(NEW);
    }

    @Test
    void walk_staleLineCleanedAndInvalidatedByDcCivacBeforeTheWrite_readsNewDescriptor() {
        pt.mem.adversary().specFill(MemorySystem.L2_ID, descPa);
        pt.mem.dcCleanInvalidatePoC(0, 0, descPa);
        rewriteNonCacheable();
        mmu.setContext(s1Context(root, 1));
        assertThat(mmu.translate(VA, Mmu.LOAD, 1)).isEqualTo(NEW);
    }

    @Test
    void walk_nonCacheableBecauseSctlrC0_readsNewDescriptorDespiteStaleLine() {
        pt.mem.read(0, 0, AccessKind.LOAD, descPa, 8, Attrs.HOST_WB);
        rewriteNonCacheable();
        TranslationContext c = s1Context(root, 1);
        c.sctlrEl1 &= ~TranslationContext.SCTLR_C;
        mmu.setContext(c);
        assertThat(mmu.translate(VA, Mmu.LOAD, 1)).isEqualTo(NEW);
    }

    @Test
    void walk_nonCacheableBecauseTcrIrgnOrgn0_readsNewDescriptorDespiteStaleLine() {
        pt.mem.read(0, 0, AccessKind.LOAD, descPa, 8, Attrs.HOST_WB);
        rewriteNonCacheable();
        TranslationContext c = s1Context(root, 1);
        c.tcrEl1 &= ~(0b1111L << 8); // IRGN0 = ORGN0 = 0b00: Non-cacheable walks
        mmu.setContext(c);
        assertThat(mmu.translate(VA, Mmu.LOAD, 1)).isEqualTo(NEW);
    }

    @Test
    void walk_withStage2_descriptorReadWithCombinedAttributes() {
        // Stage 2 maps the table pool Device: the combined walk attributes are Device, so the walk
        // goes to RAM and sees the new descriptor even though stage 1's TCR says Write-Back.
        pt.mem.read(0, 0, AccessKind.LOAD, descPa, 8, Attrs.HOST_WB);
        rewriteNonCacheable();
        long s2Root = pt.newS2Root();
        for (long ipa = TABLE_POOL; ipa < TABLE_POOL + (8L << 20); ipa += 2L << 20) {
            pt.mapS2(s2Root, ipa, 2, s2Leaf(false, ipa, 0b0000, 0b11, 0b10, true, true));
        }
        pt.mapS2(s2Root, NEW, 2, s2Leaf(false, NEW, 0b1111, 0b11, 0b11, true, false));
        mmu.setContext(withS2(s1Context(root, 1), s2Root, 1));
        assertThat(mmu.translate(VA, Mmu.LOAD, 1)).isEqualTo(NEW);
    }
}
