package org.cachevisor.machine.mmu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cachevisor.machine.mmu.PageTables.*;

import org.cachevisor.memsys.Attrs;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The stage-1 x stage-2 attribute combination matrix, end to end through real tables. Expected
 * values are written out by hand from the Arm ARM rules (D8.5 "Combining the stage 1 and stage 2
 * attributes": the more restrictive type, Device &gt; NC &gt; WT &gt; WB, the more shareable domain,
 * Device and NC always Outer Shareable; "Stage 2 memory type and Cacheability attributes when
 * FEAT_S2FWB is enabled": MemAttr[2] = 0 Device, 0b101 NC combined with stage 1, 0b110 forced
 * Normal WB, 0b111 stage 1's attributes; HCR_EL2.DC: stage 1 off, result Normal WB Non-shareable;
 * SCTLR_EL1.M = 0: data Device-nGnRnE, fetch WT with I = 1; SCTLR_EL1.C = 0: Normal data is NC).
 *
 * <p>Stage 1 maps with SH = Inner Shareable, stage 2 with SH = Inner Shareable. A stage-1 result that
 * is Device or Normal NC (also NC made by SCTLR_EL1.C = 0) counts as Outer Shareable when the
 * shareabilities combine (ASL: Device and Inner+Outer NC memory get Shareability_OSH), so a forced
 * Write-Back over it ends Outer Shareable.
 */
class MmuAttributeMatrixTest {
    static final long VA = 0x0000_0040_0000_3000L;
    static final long IPA = 0x0060_0000L;
    static final long PA = 0x0070_0000L;

    @ParameterizedTest(name = "s1={0} s2MemAttr={1} fwb={2} -> {3} {4}")
    @CsvSource({
        // stage 1 (DEV, NC, WT, WB: MAIR type with M=1,C=1; OFF: M=0 data; OFFI: M=0 fetch with I=1;
        // DC: HCR_EL2.DC=1; C0: WB at stage 1 with SCTLR_EL1.C=0), MemAttr, FWB, expected type, SH
        "DEV, 0000, 0, DEV, OSH", "DEV, 0101, 0, DEV, OSH", "DEV, 1010, 0, DEV, OSH", "DEV, 1111, 0, DEV, OSH",
        "NC,  0000, 0, DEV, OSH", "NC,  0101, 0, NC,  OSH", "NC,  1010, 0, NC,  OSH", "NC,  1111, 0, NC,  OSH",
        "WT,  0000, 0, DEV, OSH", "WT,  0101, 0, NC,  OSH", "WT,  1010, 0, WT,  ISH", "WT,  1111, 0, WT,  ISH",
        "WB,  0000, 0, DEV, OSH", "WB,  0101, 0, NC,  OSH", "WB,  1010, 0, WT,  ISH", "WB,  1111, 0, WB,  ISH",
        // inner/outer mixed at stage 2 (Outer WB, Inner NC): the more restrictive half
        "WB,  1101, 0, NC,  OSH",
        // FWB
        "DEV, 0000, 1, DEV, OSH", "DEV, 0101, 1, DEV, OSH", "DEV, 0110, 1, WB,  OSH", "DEV, 0111, 1, DEV, OSH",
        "NC,  0000, 1, DEV, OSH", "NC,  0101, 1, NC,  OSH", "NC,  0110, 1, WB,  OSH", "NC,  0111, 1, NC,  OSH",
        "WT,  0000, 1, DEV, OSH", "WT,  0101, 1, NC,  OSH", "WT,  0110, 1, WB,  ISH", "WT,  0111, 1, WT,  ISH",
        "WB,  0000, 1, DEV, OSH", "WB,  0101, 1, NC,  OSH", "WB,  0110, 1, WB,  ISH", "WB,  0111, 1, WB,  ISH",
        // stage 1 off (M=0), data: Device-nGnRnE
        "OFF, 0000, 0, DEV, OSH", "OFF, 0101, 0, DEV, OSH", "OFF, 1010, 0, DEV, OSH", "OFF, 1111, 0, DEV, OSH",
        "OFF, 0000, 1, DEV, OSH", "OFF, 0101, 1, DEV, OSH", "OFF, 0110, 1, WB,  OSH", "OFF, 0111, 1, DEV, OSH",
        // stage 1 off, fetch with SCTLR_EL1.I = 1: Normal WT (Outer Shareable)
        "OFFI, 0000, 0, DEV, OSH", "OFFI, 0101, 0, NC, OSH", "OFFI, 1010, 0, WT, OSH", "OFFI, 1111, 0, WT, OSH",
        // HCR_EL2.DC = 1: stage 1 gives Normal WB Non-shareable
        "DC,  0000, 0, DEV, OSH", "DC,  0101, 0, NC,  OSH", "DC,  1010, 0, WT,  ISH", "DC,  1111, 0, WB,  ISH",
        "DC,  0000, 1, DEV, OSH", "DC,  0101, 1, NC,  OSH", "DC,  0110, 1, WB,  ISH", "DC,  0111, 1, WB,  ISH",
        // SCTLR_EL1.C = 0: stage-1 Normal data becomes Non-cacheable; FWB 0b110 still forces WB
        "C0,  1111, 0, NC,  OSH", "C0,  0110, 1, WB,  OSH", "C0,  0111, 1, NC,  OSH",
    })
    void translate_stage1TypeAndStage2MemAttr_combinedAttributes(String s1, String memAttrBits, int fwb,
                                                                  String expType, String expSh) {
        PageTables pt = new PageTables();
        Mmu mmu = new Mmu(pt.mem, 0, new Tlb(), null);
        long root = pt.newTable();
        int idx = switch (s1) {
            case "DEV" -> IDX_DEVICE;
            case "NC" -> IDX_NC;
            case "WT" -> IDX_WT;
            default -> IDX_WB;
        };
        // Executable at EL1 unless Device (a fetch is not used for these rows).
        pt.map48(root, VA, 3, s1Leaf(true, IPA, idx, 0b00, 0b11, true, false, false, true));
        long s2Root = pt.newS2Root();
        for (long ipa = TABLE_POOL; ipa < TABLE_POOL + (8L << 20); ipa += 2L << 20) {
            pt.mapS2(s2Root, ipa, 2, s2Leaf(false, ipa, 0b1111, 0b11, 0b11, true, false));
        }
        int memAttr = Integer.parseInt(memAttrBits, 2);
        long ipa = s1.startsWith("OFF") || s1.equals("DC") ? VA & 0xFFFF_FFFFL : IPA;
        pt.mapS2(s2Root, ipa, 3, s2Leaf(true, PA, memAttr, 0b11, 0b11, true, false));

        TranslationContext c = withS2(s1Context(root, 1), s2Root, 3);
        switch (s1) {
            case "OFF", "OFFI" -> c.sctlrEl1 &= ~TranslationContext.SCTLR_M;
            case "DC" -> c.hcrEl2 |= TranslationContext.HCR_DC;
            case "C0" -> c.sctlrEl1 &= ~TranslationContext.SCTLR_C;
            default -> { }
        }
        if (fwb == 1) c.hcrEl2 |= TranslationContext.HCR_FWB;
        mmu.setContext(c);

        long va = s1.startsWith("OFF") || s1.equals("DC") ? ipa : VA;
        int access = s1.equals("OFFI") ? Mmu.FETCH : Mmu.LOAD;
        assertThat(mmu.translate(va + 8, access, 1)).as(mmu.fault().toString()).isEqualTo(PA + 8);
        int type = switch (expType) {
            case "DEV" -> Attrs.DEVICE;
            case "NC" -> Attrs.NORMAL_NC;
            case "WT" -> Attrs.NORMAL_WT;
            default -> Attrs.NORMAL_WB;
        };
        int sh = switch (expSh) {
            case "OSH" -> Attrs.OSH;
            case "ISH" -> Attrs.ISH;
            default -> Attrs.NSH;
        };
        assertThat(Attrs.describe(mmu.attrs())).isEqualTo(Attrs.describe(Attrs.make(type, sh)));
    }
}
