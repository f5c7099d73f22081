package org.cachevisor.machine.mmu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cachevisor.machine.mmu.PageTables.*;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fault syndromes of stage 1 and stage 2, checked against ESR/HPFAR/PAR values computed by hand
 * from the Arm ARM ESR_ELx layout: EC[31:26], IL[25] = 1, data-abort ISS ISV[24] SAS[23:22] SSE[21]
 * SRT[20:16] SF[15] AR[14] CM[8] S1PTW[7] WnR[6] DFSC[5:0]; DFSC 0b0000LL address size, 0b0001LL
 * translation, 0b0010LL access flag, 0b0011LL permission.
 */
class MmuFaultTest {
    /** EC 0x25 (data abort, same EL) with IL: 0x94000000 | 0x02000000. */
    static final long DABT_SAME = 0x9600_0000L;
    /** EC 0x24 (data abort, lower EL). */
    static final long DABT_LOWER = 0x9200_0000L;
    /** EC 0x20 (instruction abort, lower EL). */
    static final long IABT_LOWER = 0x8200_0000L;
    /** EC 0x21 (instruction abort, same EL). */
    static final long IABT_SAME = 0x8600_0000L;

    static final long VA = 0x0000_1234_5678_9000L;

    final PageTables pt = new PageTables();
    final Tlb tlb = new Tlb();
    final Mmu mmu = new Mmu(pt.mem, 0, tlb, null);
    final long root = pt.newTable();

    private void useS1() { mmu.setContext(s1Context(root, 1)); }

    /** Builds the walk for VA down to {@code level} and leaves the descriptor there invalid. */
    private void invalidAt(int level) {
        if (level == 0) return;
        // Install a valid chain to level 3, then clear the descriptor of the given level.
        long leafPa = pt.map48(root, VA, 3, s1Page(0x10_0000, IDX_WB));
        long descPa = leafPa;
        if (level < 3) {
            long tablePa = root;
            for (int l = 0; l < level; l++) {
                long d = pt.mem.ramPeek(tablePa + 8 * ((VA >>> (39 - 9 * l)) & 511), 8);
                tablePa = d & 0x0000_FFFF_FFFF_F000L;
            }
            descPa = tablePa + 8 * ((VA >>> (39 - 9 * level)) & 511);
        }
        pt.mem.ramPoke(descPa, 8, 0);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void loadAtEl1_invalidDescriptorAtLevel_translationFaultOfThatLevel(int level) {
        invalidAt(level);
        useS1();
        assertThat(mmu.translate(VA + 0x10, Mmu.LOAD, 1)).isEqualTo(Mmu.FAULT);
        FaultRecord f = mmu.fault();
        assertThat(f.stage2).isFalse();
        assertThat(f.esrEl1()).isEqualTo(DABT_SAME | (0b000100 | level));
        assertThat(f.va).isEqualTo(VA + 0x10);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void storeAtEl0_invalidDescriptorAtLevel_translationFaultWithWnR(int level) {
        invalidAt(level);
        useS1();
        assertThat(mmu.translate(VA, Mmu.STORE, 0)).isEqualTo(Mmu.FAULT);
        assertThat(mmu.fault().esrEl1()).isEqualTo(DABT_LOWER | 1 << 6 | (0b000100 | level));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void load_leafWithAccessFlagClear_accessFlagFaultOfLeafLevel(int level) {
        long out = level == 1 ? 1L << 30 : level == 2 ? 2L << 20 : 0x5000;
        pt.map48(root, VA, level, s1Leaf(level == 3, out, IDX_WB, 0, 0b11, false, false, false, false));
        useS1();
        assertThat(mmu.translate(VA, Mmu.LOAD, 1)).isEqualTo(Mmu.FAULT);
        assertThat(mmu.fault().esrEl1()).isEqualTo(DABT_SAME | (0b001000 | level));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void store_readOnlyLeaf_permissionFaultOfLeafLevel(int level) {
        long out = level == 1 ? 1L << 30 : level == 2 ? 2L << 20 : 0x5000;
        // AP = 0b10: read-only at EL1, no EL0 access.
        pt.map48(root, VA, level, s1Leaf(level == 3, out, IDX_WB, 0b10, 0b11, true, false, false, false));
        useS1();
        assertThat(mmu.translate(VA, Mmu.LOAD, 1)).isNotEqualTo(Mmu.FAULT);
        assertThat(mmu.translate(VA, Mmu.STORE, 1)).isEqualTo(Mmu.FAULT);
        assertThat(mmu.fault().esrEl1()).isEqualTo(DABT_SAME | 1 << 6 | (0b001100 | level));
        // EL0 may not even read it.
        assertThat(mmu.translate(VA, Mmu.LOAD, 0)).isEqualTo(Mmu.FAULT);
        assertThat(mmu.fault().esrEl1()).isEqualTo(DABT_LOWER | (0b001100 | level));
    }

    @Test
    void fetch_uxnPageAtEl0_instructionAbortPermissionLevel3() {
        pt.map48(root, VA, 3, s1Leaf(true, 0x6000, IDX_WB, 0b11, 0b11, true, true, true, true));
        useS1();
        assertThat(mmu.translate(VA, Mmu.FETCH, 0)).isEqualTo(Mmu.FAULT);
        assertThat(mmu.fault().esrEl1()).isEqualTo(IABT_LOWER | 0b001111);
        assertThat(mmu.translate(VA, Mmu.LOAD, 0)).isEqualTo(0x6000L);
    }

    @Test
    void fetchAtEl1_pageWritableAtEl0_permissionFault() {
        // AP = 01 (RW at EL0 and EL1), PXN = UXN = 0: EL0-writable memory is never executable at EL1.
        pt.map48(root, VA, 3, s1Leaf(true, 0x6000, IDX_WB, 0b01, 0b11, true, true, false, false));
        useS1();
        assertThat(mmu.translate(VA, Mmu.FETCH, 1)).isEqualTo(Mmu.FAULT);
        assertThat(mmu.fault().esrEl1()).isEqualTo(IABT_SAME | 0b001111);
        assertThat(mmu.translate(VA, Mmu.FETCH, 0)).isEqualTo(0x6000L);
    }

    @Test
    void store_apTableNoWrite_permissionFaultAtLeaf() {
        pt.map48(root, VA, 3, s1Page(0x7000, IDX_WB));
        long l0 = pt.mem.ramPeek(root + 8 * ((VA >>> 39) & 511), 8);
        pt.mem.ramPoke(root + 8 * ((VA >>> 39) & 511), 8, l0 | 1L << 62); // APTable = 0b10: no writes below
        useS1();
        assertThat(mmu.translate(VA, Mmu.LOAD, 1)).isEqualTo(0x7000L);
        assertThat(mmu.translate(VA, Mmu.STORE, 1)).isEqualTo(Mmu.FAULT);
        assertThat(mmu.fault().esrEl1()).isEqualTo(DABT_SAME | 1 << 6 | 0b001111);
    }

    @Test
    void load_tableAddressBeyondOutputSize_addressSizeFaultLevel1() {
        // Level-1 table descriptor pointing at 2^41 (beyond the 40-bit PA size).
        long l1 = pt.newTable();
        pt.mem.ramPoke(root + 8 * ((VA >>> 39) & 511), 8, table(l1));
        pt.mem.ramPoke(l1 + 8 * ((VA >>> 30) & 511), 8, table(1L << 41));
        useS1();
        assertThat(mmu.translate(VA, Mmu.LOAD, 1)).isEqualTo(Mmu.FAULT);
        assertThat(mmu.fault().esrEl1()).isEqualTo(DABT_SAME | 0b000001);
    }

    @Test
    void load_vaOutsideTtbr0Range_translationFaultLevel0() {
        useS1();
        long va = 0x0001_0000_0000_0000L; // bit 48 set: outside a 48-bit TTBR0 space
        assertThat(mmu.translate(va, Mmu.LOAD, 1)).isEqualTo(Mmu.FAULT);
        assertThat(mmu.fault().esrEl1()).isEqualTo(DABT_SAME | 0b000100);
    }

    @Test
    void dcCvac_unmappedVa_dataAbortWithCmAndWnR() {
        useS1();
        assertThat(mmu.translate(VA, Mmu.CMO, 1)).isEqualTo(Mmu.FAULT);
        // CM = bit 8, WnR = bit 6, translation fault level 0 (the level-0 entry is invalid).
        assertThat(mmu.fault().esrEl1()).isEqualTo(DABT_SAME | 1 << 8 | 1 << 6 | 0b000100);
    }

    @Test
    void dcCvacAtEl1_readOnlyNoEl0Page_noFault_butDcIvacNeedsWrite() {
        pt.map48(root, VA, 3, s1Leaf(true, 0x8000, IDX_WB, 0b10, 0b11, true, false, false, false));
        useS1();
        assertThat(mmu.translate(VA, Mmu.CMO, 1)).isEqualTo(0x8000L);
        assertThat(mmu.translate(VA, Mmu.CMO, 0)).isEqualTo(Mmu.FAULT); // EL0 needs read permission
        assertThat(mmu.translate(VA, Mmu.CMO_IVAC, 1)).isEqualTo(Mmu.FAULT);
        assertThat(mmu.fault().esrEl1()).isEqualTo(DABT_SAME | 1 << 8 | 1 << 6 | 0b001111);
    }

    // ---- stage 2

    private long s2Root;

    private void useS1S2(boolean identityTables) {
        s2Root = pt.newS2Root();
        if (identityTables) {
            // Stage 2 maps only the table pool (identity, 2 MiB blocks) so stage-1 walks succeed.
            for (long ipa = TABLE_POOL; ipa < TABLE_POOL + (8L << 20); ipa += 2L << 20) {
                pt.mapS2(s2Root, ipa, 2, s2Leaf(false, ipa, 0b1111, 0b11, 0b11, true, false));
            }
        }
        mmu.setContext(withS2(s1Context(root, 1), s2Root, 7));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void loadAtEl1_ipaUnmappedAtStage2Level_stage2TranslationFaultToEl2(int level) {
        long ipa = 0x0000_0012_3456_7000L & ((1L << 40) - 1);
        pt.map48(root, VA, 3, s1Page(ipa, IDX_WB));
        useS1S2(true);
        // Build the stage-2 chain down to `level` and leave that level's entry invalid.
        if (level >= 2) pt.mapS2(s2Root, ipa, 3, s2Page(0x9000));
        if (level == 2) {
            long l1 = pt.mem.ramPeek(s2Root + 8 * ((ipa >>> 30) & 1023), 8) & 0xFFFF_FFFF_F000L;
            pt.mem.ramPoke(l1 + 8 * ((ipa >>> 21) & 511), 8, 0);
        } else if (level == 3) {
            long l1 = pt.mem.ramPeek(s2Root + 8 * ((ipa >>> 30) & 1023), 8) & 0xFFFF_FFFF_F000L;
            long l2 = pt.mem.ramPeek(l1 + 8 * ((ipa >>> 21) & 511), 8) & 0xFFFF_FFFF_F000L;
            pt.mem.ramPoke(l2 + 8 * ((ipa >>> 12) & 511), 8, 0);
        }
        assertThat(mmu.translate(VA + 0x18, Mmu.LOAD, 1)).isEqualTo(Mmu.FAULT);
        FaultRecord f = mmu.fault();
        assertThat(f.stage2).isTrue();
        assertThat(f.s1ptw).isFalse();
        long isv = FaultRecord.instructionSyndrome(3, false, 5, true, false);
        // ISV=1, SAS=0b11 (doubleword), SSE=0, SRT=5, SF=1, AR=0: 0x01C00000 | 5 << 16 | 1 << 15.
        assertThat(isv).isEqualTo(0x0100_0000L | 0x00C0_0000L | 0x0005_0000L | 0x8000L);
        assertThat(f.esrEl2(isv)).isEqualTo(DABT_LOWER | isv | (0b000100 | level));
        assertThat(f.va).isEqualTo(VA + 0x18);
        // HPFAR_EL2.FIPA[39:4] = IPA[47:12] = 0x1234567 -> 0x12345670.
        assertThat(f.hpfarEl2()).isEqualTo(0x1234_5670L);
    }

    @Test
    void store_stage2ReadOnly_stage2PermissionFaultWithSyndrome() {
        pt.map48(root, VA, 3, s1Leaf(true, 0x40_0000, IDX_WB, 0b01, 0b11, true, false, false, false));
        useS1S2(true);
        pt.mapS2(s2Root, 0x40_0000, 3, s2Leaf(true, 0x50_0000, 0b1111, 0b01, 0b11, true, false));
        assertThat(mmu.translate(VA + 4, Mmu.LOAD, 0)).isEqualTo(0x50_0004L);
        assertThat(mmu.translate(VA + 4, Mmu.STORE, 0)).isEqualTo(Mmu.FAULT);
        FaultRecord f = mmu.fault();
        long isv = FaultRecord.instructionSyndrome(2, false, 3, false, false); // STR W3
        assertThat(f.esrEl2(isv)).isEqualTo(DABT_LOWER | 0x0100_0000L | 0x0080_0000L | 0x0003_0000L | 1 << 6 | 0b001111);
        assertThat(f.hpfarEl2()).isEqualTo(0x4000L); // IPA[47:12] = 0x400
    }

    @Test
    void load_stage2AccessFlagClear_stage2AccessFlagFault() {
        pt.map48(root, VA, 3, s1Page(0x40_0000, IDX_WB));
        useS1S2(true);
        pt.mapS2(s2Root, 0x40_0000, 3, s2Leaf(true, 0x50_0000, 0b1111, 0b11, 0b11, false, false));
        assertThat(mmu.translate(VA, Mmu.LOAD, 1)).isEqualTo(Mmu.FAULT);
        assertThat(mmu.fault().esrEl2(0)).isEqualTo(DABT_LOWER | 0b001011);
    }

    @Test
    void fetch_stage2Xn_stage2InstructionAbort() {
        pt.map48(root, VA, 3, s1Page(0x40_0000, IDX_WB));
        useS1S2(true);
        pt.mapS2(s2Root, 0x40_0000, 3, s2Leaf(true, 0x50_0000, 0b1111, 0b11, 0b11, true, true));
        assertThat(mmu.translate(VA, Mmu.FETCH, 1)).isEqualTo(Mmu.FAULT);
        assertThat(mmu.fault().esrEl2(0)).isEqualTo(IABT_LOWER | 0b001111);
    }

    @Test
    void load_stage1TableNotMappedAtStage2_stage2FaultWithS1ptw() {
        pt.map48(root, VA, 3, s1Page(0x40_0000, IDX_WB));
        useS1S2(false); // stage 2 maps nothing: the very first table read (the level-0 table) faults
        assertThat(mmu.translate(VA, Mmu.STORE, 1)).isEqualTo(Mmu.FAULT);
        FaultRecord f = mmu.fault();
        assertThat(f.stage2).isTrue();
        assertThat(f.s1ptw).isTrue();
        // Stage-2 walk starts at level 1 and finds the level-1 entry invalid; S1PTW = bit 7; ISV
        // dropped; WnR = 0 (the walk reads).
        long isv = FaultRecord.instructionSyndrome(3, false, 1, true, false);
        assertThat(f.esrEl2(isv)).isEqualTo(DABT_LOWER | 1 << 7 | 0b000101);
        long descIpa = root + 8 * ((VA >>> 39) & 511);
        assertThat(f.ipa).isEqualTo(descIpa);
        assertThat(f.hpfarEl2()).isEqualTo((descIpa >>> 12) << 4);
        assertThat(f.va).isEqualTo(VA);
    }

    @Test
    void load_stage1TableStage2NoRead_stage2PermissionFaultWithS1ptw() {
        pt.map48(root, VA, 3, s1Page(0x40_0000, IDX_WB));
        s2Root = pt.newS2Root();
        for (long ipa = TABLE_POOL; ipa < TABLE_POOL + (8L << 20); ipa += 2L << 20) {
            pt.mapS2(s2Root, ipa, 2, s2Leaf(false, ipa, 0b1111, 0b10, 0b11, true, false)); // write-only
        }
        mmu.setContext(withS2(s1Context(root, 1), s2Root, 7));
        assertThat(mmu.translate(VA, Mmu.LOAD, 1)).isEqualTo(Mmu.FAULT);
        assertThat(mmu.fault().esrEl2(0)).isEqualTo(DABT_LOWER | 1 << 7 | 0b001110);
    }

    // ---- AT

    @Test
    void atS1e1r_mappedPage_parHoldsPaAttrAndSh() {
        pt.map48(root, VA, 3, s1Page(0x0012_3000L, IDX_WB));
        useS1();
        // PA[47:12] = 0x123, ATTR = 0xFF, SH = 0b11 (bits 8:7 = 0x180), bit 11 RES1.
        assertThat(mmu.at(VA + 0x45, 1, false)).isEqualTo(0xFF00_0000_0012_3000L | 0x180 | 0x800);
    }

    @Test
    void atS1e0w_el1OnlyPage_parReportsPermissionFault() {
        pt.map48(root, VA, 3, s1Page(0x0012_3000L, IDX_WB));
        useS1();
        // F = 1, FST = 0b001111 in [6:1] (0x1E), bit 11.
        assertThat(mmu.at(VA, 0, true)).isEqualTo(0x800L | 0x1E | 1);
    }

    @Test
    void atS1e1r_withStage2_parHoldsIpaNotPa() {
        pt.map48(root, VA, 3, s1Leaf(true, 0x40_0000, IDX_NC, 0b00, 0b00, true, false, false, false));
        useS1S2(true);
        pt.mapS2(s2Root, 0x40_0000, 3, s2Page(0x50_0000));
        // Normal NC reports SH = 0b10 (Outer Shareable) whatever the descriptor says.
        assertThat(mmu.at(VA, 1, false)).isEqualTo(0x4400_0000_0040_0000L | 0x100 | 0x800);
    }

    @Test
    void atS1e1r_stage2FaultOnWalk_noParButStage2Fault() {
        pt.map48(root, VA, 3, s1Page(0x40_0000, IDX_WB));
        useS1S2(false);
        assertThat(mmu.at(VA, 1, false)).isEqualTo(Mmu.FAULT);
        assertThat(mmu.fault().s1ptw).isTrue();
        // CM = 1 for an address translation instruction; WnR reported as 1 for AT/CMO.
        assertThat(mmu.fault().esrEl2(0)).isEqualTo(DABT_LOWER | 1 << 8 | 1 << 7 | 1 << 6 | 0b000101);
    }
}
