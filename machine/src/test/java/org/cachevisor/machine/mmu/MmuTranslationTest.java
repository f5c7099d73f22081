package org.cachevisor.machine.mmu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.cachevisor.machine.mmu.PageTables.*;

import java.lang.management.ManagementFactory;
import org.cachevisor.memsys.Attrs;
import org.junit.jupiter.api.Test;

/**
 * Translation details not covered by the property: TTBR1 and TBI, EPD, small VA spaces, stage-2
 * start levels, stage 1 off, HCR_EL2.DC, {@link TableBuilder}, argument checks and the
 * allocation-free hot path. Expected addresses are computed by hand in each test.
 */
class MmuTranslationTest {
    final PageTables pt = new PageTables();
    final Mmu mmu = new Mmu(pt.mem, 0, new Tlb(), null);

    @Test
    void translate_upperHalfVa_walksTtbr1() {
        long root1 = pt.newTable();
        long va = 0xFFFF_8000_0012_3000L;
        pt.map48(root1, va, 3, s1Page(0x0045_6000L, IDX_WB));
        TranslationContext c = s1Context(pt.newTable(), 1);
        c.ttbr1El1 = root1;
        mmu.setContext(c);
        assertThat(mmu.translate(va + 0x10, Mmu.LOAD, 1)).isEqualTo(0x0045_6010L);
        // The same low bits in the lower half go to TTBR0's (empty) table: translation fault level 0.
        assertThat(mmu.translate(0x0000_8000_0012_3010L, Mmu.LOAD, 1)).isEqualTo(Mmu.FAULT);
        assertThat(mmu.fault().fsc()).isEqualTo(0b000100);
    }

    @Test
    void translate_topByteTaggedVa_translatesOnlyWithTbi0() {
        long root = pt.newTable();
        pt.map48(root, 0x1000, 3, s1Page(0x9000, IDX_WB));
        TranslationContext c = s1Context(root, 1);
        mmu.setContext(c);
        long tagged = 0x5A00_0000_0000_1008L;
        assertThat(mmu.translate(tagged, Mmu.LOAD, 1)).isEqualTo(Mmu.FAULT);
        c.tcrEl1 |= TranslationContext.TCR_TBI0;
        mmu.setContext(c);
        assertThat(mmu.translate(tagged, Mmu.LOAD, 1)).isEqualTo(0x9008L);
    }

    @Test
    void translate_epd0Set_translationFaultLevel0WithoutWalk() {
        long root = pt.newTable();
        pt.map48(root, 0x1000, 3, s1Page(0x9000, IDX_WB));
        TranslationContext c = s1Context(root, 1);
        c.tcrEl1 |= TranslationContext.TCR_EPD0;
        mmu.setContext(c);
        assertThat(mmu.translate(0x1000, Mmu.LOAD, 1)).isEqualTo(Mmu.FAULT);
        assertThat(mmu.fault().fsc()).isEqualTo(0b000100);
        assertThat(mmu.walks()).isEqualTo(1);
    }

    @Test
    void translate_t0sz39_walkStartsAtLevel2With16EntryTable() {
        // 25-bit VA space: level 2 start, VA[24:21] index the first table (16 entries).
        long root = pt.newTable();
        long va = 0x01A0_5000L; // VA[24:21] = 0b1101, VA[20:12] = 5
        long l3 = pt.newTable();
        pt.mem.ramPoke(root + 8 * 0b1101, 8, table(l3));
        pt.mem.ramPoke(l3 + 8 * 5, 8, s1Page(0x0077_7000L, IDX_WB));
        TranslationContext c = s1Context(root, 1);
        c.tcrEl1 = (c.tcrEl1 & ~63L) | 39;
        mmu.setContext(c);
        assertThat(mmu.translate(va + 4, Mmu.LOAD, 1)).isEqualTo(0x0077_7004L);
        assertThat(mmu.translate(1L << 25, Mmu.LOAD, 1)).isEqualTo(Mmu.FAULT); // beyond 2^25
    }

    @Test
    void translate_stage2Sl0Is2WithT0sz16_walksFromLevel0() {
        long s2Root = pt.newTable();
        long ipa = 0x0123_4000L;
        pt.map(s2Root, 0, 9, ipa, 3, s2Page(0x0055_5000L));
        TranslationContext c = new TranslationContext(); // stage 1 off: IPA = VA
        c.el2Enabled = true;
        c.hcrEl2 = TranslationContext.HCR_VM;
        c.vtcrEl2 = 16L | 0b10L << 6 | 0b01L << 8 | 0b01L << 10 | 0b11L << 12 | 0b010L << 16;
        c.vttbrEl2 = s2Root;
        mmu.setContext(c);
        assertThat(mmu.translate(ipa + 0x20, Mmu.LOAD, 1)).isEqualTo(0x0055_5020L);
        assertThat(Attrs.type(mmu.attrs())).isEqualTo(Attrs.DEVICE); // stage 1 off: data is Device
    }

    @Test
    void walkIpa_stage2Leaf_reportsPaAndLeafFields() {
        long s2Root = pt.newS2Root();
        pt.mapS2(s2Root, 0x0040_0000L, 3, s2Leaf(true, 0x0090_0000L, 0b0101, 0b01, 0b10, true, true));
        TranslationContext c = withS2(new TranslationContext(), s2Root, 3);
        c.hcrEl2 = 0; // stage 2 need not be on to inspect it
        mmu.setContext(c);
        assertThat(mmu.walkIpa(0x0040_0123L)).isEqualTo(0x0090_0123L);
        assertThat(mmu.stage2MemAttr()).isEqualTo(0b0101);
        assertThat(mmu.stage2Sh()).isEqualTo(0b10);
        assertThat(mmu.stage2Permissions()).isEqualTo(1); // read only, XN
        assertThat(mmu.stage2Level()).isEqualTo(3);
        assertThat(mmu.walkIpa(0x0041_0000L)).isEqualTo(Mmu.FAULT);
        assertThat(mmu.fault().hpfarEl2()).isEqualTo(0x410L << 4);
    }

    @Test
    void translate_stage2Sl0InconsistentWithT0sz_stage2TranslationFault() {
        TranslationContext c = new TranslationContext();
        c.el2Enabled = true;
        c.hcrEl2 = TranslationContext.HCR_VM;
        c.vtcrEl2 = 16L | 0b00L << 6; // 48-bit IPA starting at level 2 would need 2^18 entries
        c.vttbrEl2 = pt.newTable();
        mmu.setContext(c);
        assertThat(mmu.translate(0x1000, Mmu.LOAD, 1)).isEqualTo(Mmu.FAULT);
        assertThat(mmu.fault().stage2).isTrue();
        assertThat(mmu.fault().type).isEqualTo(FaultRecord.TRANSLATION);
        assertThat(mmu.fault().level).isEqualTo(0);
    }

    @Test
    void translate_stage1OffVaBeyondPaRange_addressSizeFaultLevel0() {
        mmu.setContext(new TranslationContext());
        assertThat(mmu.translate(1L << 40, Mmu.LOAD, 1)).isEqualTo(Mmu.FAULT);
        assertThat(mmu.fault().esrEl1()).isEqualTo(0x9600_0000L);
        assertThat(mmu.translate((1L << 40) - 8, Mmu.LOAD, 1)).isEqualTo((1L << 40) - 8);
        assertThat(mmu.attrs()).isEqualTo(Attrs.DEVICE_nGnRnE);
        assertThat(mmu.translate(0x1000, Mmu.FETCH, 1)).isEqualTo(0x1000L);
        assertThat(mmu.attrs()).isEqualTo(Attrs.NC); // SCTLR_EL1.I = 0
    }

    @Test
    void translate_hcrDc_stage1IgnoredAndStage2Applied() {
        long s2Root = pt.newS2Root();
        pt.mapS2(s2Root, 0x0020_0000L, 2, s2Leaf(false, 0x0100_0000L, 0b1111, 0b11, 0b11, true, false));
        TranslationContext c = withS2(s1Context(pt.newTable(), 1), s2Root, 2); // M = 1 but DC wins
        c.hcrEl2 = TranslationContext.HCR_DC; // DC alone implies stage 2 on
        mmu.setContext(c);
        assertThat(mmu.translate(0x0020_1234L, Mmu.STORE, 1)).isEqualTo(0x0100_1234L);
        assertThat(Attrs.describe(mmu.attrs())).isEqualTo("Normal-WB ISH");
    }

    @Test
    void setContext_newTtbr0_microTlbDoesNotKeepOldTranslation() {
        long rootA = pt.newTable(), rootB = pt.newTable();
        // Non-global pages (a global one would serve every ASID from one entry).
        pt.map48(rootA, 0x1000, 3, s1Leaf(true, 0xA000, IDX_WB, 0, 0b11, true, true, false, false));
        pt.map48(rootB, 0x1000, 3, s1Leaf(true, 0xB000, IDX_WB, 0, 0b11, true, true, false, false));
        mmu.setContext(s1Context(rootA, 1));
        assertThat(mmu.translate(0x1000, Mmu.LOAD, 1)).isEqualTo(0xA000L);
        mmu.setContext(s1Context(rootB, 2));
        assertThat(mmu.translate(0x1000, Mmu.LOAD, 1)).isEqualTo(0xB000L);
        mmu.setContext(s1Context(rootA, 1)); // back: the ASID-1 entry is still in the main TLB
        long walks = mmu.walks();
        assertThat(mmu.translate(0x1000, Mmu.LOAD, 1)).isEqualTo(0xA000L);
        assertThat(mmu.walks()).isEqualTo(walks);
    }

    @Test
    void translate_tcrA1_asidComesFromTtbr1() {
        long rootA = pt.newTable(), rootB = pt.newTable();
        pt.map48(rootA, 0x1000, 3, s1Leaf(true, 0xA000, IDX_WB, 0, 0b11, true, true, false, false));
        pt.map48(rootB, 0x1000, 3, s1Leaf(true, 0xB000, IDX_WB, 0, 0b11, true, true, false, false));
        TranslationContext c = s1Context(rootA, 7); // TTBR0.ASID = 7 for both contexts
        c.tcrEl1 |= TranslationContext.TCR_A1;
        c.ttbr1El1 = 1L << 48;                      // ASID 1 from TTBR1
        mmu.setContext(c);
        assertThat(mmu.context().asid()).isEqualTo(1);
        assertThat(mmu.translate(0x1000, Mmu.LOAD, 1)).isEqualTo(0xA000L);
        c.ttbr0El1 = rootB | 7L << 48;
        c.ttbr1El1 = 2L << 48;                      // a new ASID: the ASID-1 entry does not match
        mmu.setContext(c);
        assertThat(mmu.translate(0x1000, Mmu.LOAD, 1)).isEqualTo(0xB000L);
    }

    @Test
    void context_asidWidth_eightBitsUnlessTcrAs() {
        TranslationContext c = s1Context(0, 0x1234);
        mmu.setContext(c);
        assertThat(mmu.context().asid()).isEqualTo(0x34);
        c.tcrEl1 |= TranslationContext.TCR_AS;
        mmu.setContext(c);
        assertThat(mmu.context().asid()).isEqualTo(0x1234);
        c.el2Enabled = true;
        c.vttbrEl2 = 0xABCDL << 48;
        mmu.setContext(c);
        assertThat(mmu.context().vmid()).isEqualTo(0xCD); // 8-bit VMIDs unless VTCR_EL2.VS
        c.vtcrEl2 |= TranslationContext.VTCR_VS;
        mmu.setContext(c);
        assertThat(mmu.context().vmid()).isEqualTo(0xABCD);
    }

    @Test
    void translate_globalPageAfterAsidChange_servedFromTheSameEntry() {
        long rootA = pt.newTable(), rootB = pt.newTable();
        pt.map48(rootA, 0x1000, 3, s1Page(0xA000, IDX_WB)); // global
        pt.map48(rootB, 0x1000, 3, s1Page(0xB000, IDX_WB));
        mmu.setContext(s1Context(rootA, 1));
        assertThat(mmu.translate(0x1000, Mmu.LOAD, 1)).isEqualTo(0xA000L);
        mmu.setContext(s1Context(rootB, 2));
        assertThat(mmu.translate(0x1000, Mmu.LOAD, 1)).isEqualTo(0xA000L); // until TLBI, as on hardware
    }

    @Test
    void sctlrC_changedWithoutTlbi_newDataAttributesApplyAtOnce() {
        long root = pt.newTable();
        pt.map48(root, 0x1000, 3, s1Page(0xA000, IDX_WB));
        TranslationContext c = s1Context(root, 1);
        mmu.setContext(c);
        mmu.translate(0x1000, Mmu.LOAD, 1);
        assertThat(Attrs.type(mmu.attrs())).isEqualTo(Attrs.NORMAL_WB);
        c.sctlrEl1 &= ~TranslationContext.SCTLR_C;
        mmu.setContext(c);
        mmu.translate(0x1000, Mmu.LOAD, 1);
        assertThat(mmu.attrs()).isEqualTo(Attrs.NC);
    }

    @Test
    void fetch_deviceMappedPage_permissionFault() {
        long root = pt.newTable();
        pt.map48(root, 0x1000, 3, s1Leaf(true, 0xA000, IDX_DEVICE, 0b00, 0b10, true, false, false, false));
        mmu.setContext(s1Context(root, 1));
        assertThat(mmu.translate(0x1000, Mmu.FETCH, 1)).isEqualTo(Mmu.FAULT);
        assertThat(mmu.fault().esrEl1()).isEqualTo(0x8600_0000L | 0b001111);
        assertThat(mmu.translate(0x1000, Mmu.LOAD, 1)).isEqualTo(0xA000L);
    }

    @Test
    void dcIvacIsCivac_atEl1WithStage2_true() {
        TranslationContext c = new TranslationContext();
        mmu.setContext(c);
        assertThat(mmu.dcIvacIsCivac(1)).isFalse();
        c.el2Enabled = true;
        c.hcrEl2 = TranslationContext.HCR_VM;
        mmu.setContext(c);
        assertThat(mmu.dcIvacIsCivac(1)).isTrue();
        assertThat(mmu.dcIvacIsCivac(0)).isFalse();
    }

    @Test
    void tableBuilder_userPages_translateWithTheirPermissions() {
        TableBuilder b = new TableBuilder(pt.mem, 0, 0, Attrs.HOST_WB, TABLE_POOL, 1 << 20);
        b.mapPages(0x0040_0000L, 0x0010_0000L, 0x3000, TableBuilder.USER_TEXT);
        b.mapPages(0x0050_0000L, 0x0020_0000L, 0x1000, TableBuilder.USER_DATA);
        TranslationContext c = new TranslationContext();
        c.sctlrEl1 = 0x00C5_0078L | 1 | 1 << 2 | 1 << 12;
        c.tcrEl1 = TableBuilder.TCR_EL1_48BIT;
        c.mairEl1 = TableBuilder.MAIR_EL1;
        c.ttbr0El1 = b.root();
        mmu.setContext(c);
        assertThat(mmu.translate(0x0040_2004L, Mmu.FETCH, 0)).isEqualTo(0x0010_2004L);
        assertThat(mmu.translate(0x0040_2004L, Mmu.FETCH, 1)).isEqualTo(Mmu.FAULT);
        assertThat(mmu.translate(0x0040_2004L, Mmu.STORE, 0)).isEqualTo(Mmu.FAULT);
        assertThat(mmu.translate(0x0050_0ff8L, Mmu.STORE, 0)).isEqualTo(0x0020_0ff8L);
        assertThat(Attrs.describe(mmu.attrs())).isEqualTo("Normal-WB ISH");
        assertThat(mmu.translate(0x0050_0ff8L, Mmu.FETCH, 0)).isEqualTo(Mmu.FAULT);
        assertThat(mmu.translate(0x0040_3000L, Mmu.LOAD, 0)).isEqualTo(Mmu.FAULT);
        assertThat(b.tablesAllocated()).isEqualTo(4); // root, L1, L2, one L3 (both ranges share it)
    }

    @Test
    void tableBuilder_unalignedMapping_refused() {
        TableBuilder b = new TableBuilder(pt.mem, 0, 0, Attrs.HOST_WB, TABLE_POOL, 1 << 20);
        assertThatThrownBy(() -> b.mapPages(0x1001, 0x2000, 0x1000, TableBuilder.USER_DATA))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4 KiB aligned");
    }

    @Test
    void translate_elOutsideEl0El1_refusedEvenAfterMicroTlbFill() {
        mmu.setContext(new TranslationContext());
        assertThat(mmu.translate(0x1000, Mmu.LOAD, 0)).isEqualTo(0x1000L);
        assertThat(mmu.translate(0x1000, Mmu.STORE, 0)).isEqualTo(0x1000L); // (LOAD, EL2) would index this table
        assertThatThrownBy(() -> mmu.translate(0x1000, Mmu.LOAD, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> mmu.translate(0x1000, -1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void translate_walksFaultsAndHits_allocateNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long root = pt.newTable();
        for (int p = 0; p < 64; p++) pt.map48(root, 0x10_0000L + p * 4096L, 3, s1Page(0x40_0000L + p * 4096L, IDX_WB));
        long s2Root = pt.newS2Root();
        pt.identityS2(s2Root);
        Mmu small = new Mmu(pt.mem, 0, new Tlb(1, 1), null); // every page change misses the main TLB
        small.setContext(withS2(s1Context(root, 1), s2Root, 1));
        long sum = 0;
        for (int round = 0; round < 2; round++) {
            long tid = Thread.currentThread().getId();
            long before = threads.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 100_000; i++) {
                long va = 0x10_0000L + (i * 7L % 80) * 4096L; // 64 mapped pages and 16 unmapped
                sum += small.translate(va, i % 3, 1);
                if (i % 5 == 0) small.tlbi(Tlbi.VAE1, Tlbi.xt(1, va), false);
            }
            long allocated = threads.getThreadAllocatedBytes(tid) - before;
            if (round == 1) assertThat(allocated).as("bytes allocated by 100k translations").isLessThan(1024);
        }
        assertThat(small.walks()).isGreaterThan(100_000);
        assertThat(sum).isNotZero();
    }
}
