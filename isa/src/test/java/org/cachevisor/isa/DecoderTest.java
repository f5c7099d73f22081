package org.cachevisor.isa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Decoder built from the table: known words (encoded by GNU as), overlap refusal, totality. */
class DecoderTest {

    private static String id(int word) {
        Encoding e = A64.decode(word);
        return e == null ? null : e.id();
    }

    @Test
    void decode_wordsAssembledByGnuAs_giveTheArmEncodingId() {
        // words from aarch64-linux-gnu-as -march=armv8.5-a (see the corpus), ids from the Arm ARM
        Map<Integer, String> expected = Map.ofEntries(
                Map.entry(0x91004020, "ADD_64_addsub_imm"),          // add x0, x1, #0x10
                Map.entry(0x8b820020, "ADD_64_addsub_shift"),        // add x0, x1, x2, asr #0
                Map.entry(0x8b2163e0, "ADD_64_addsub_ext"),          // add x0, sp, x1
                Map.entry(0x0b2143e0, "ADD_32_addsub_ext"),          // add w0, wsp, w1
                Map.entry(0xf1000c1f, "SUBS_64S_addsub_imm"),        // cmp x0, #3
                Map.entry(0xd2a00020, "MOVZ_64_movewide"),
                Map.entry(0xb2401fe0, "ORR_64_log_imm"),
                Map.entry(0xd3442c20, "UBFM_64M_bitfield"),
                Map.entry(0xf9400420, "LDR_64_ldst_pos"),
                Map.entry(0xf85f8020, "LDUR_64_ldst_unscaled"),
                Map.entry(0xf85f8c20, "LDR_64_ldst_immpre"),
                Map.entry(0xf8408420, "LDR_64_ldst_immpost"),
                Map.entry(0xf8627820, "LDR_64_ldst_regoff"),
                Map.entry(0x38627820, "LDRB_32BL_ldst_regoff"),
                Map.entry(0xa94107e0, "LDP_64_ldstpair_off"),
                Map.entry(0xa9ff07e0, "LDP_64_ldstpair_pre"),
                Map.entry(0x58000020, "LDR_64_loadlit"),
                Map.entry(0x14000000, "B_only_branch_imm"),
                Map.entry(0xb4ffffe0, "CBZ_64_compbranch"),
                Map.entry(0x361fffc0, "TBZ_only_testbranch"),
                Map.entry(0x10ffffa0, "ADR_only_pcreladdr"),
                Map.entry(0xfa411800, "CCMP_64_condcmp_imm"),
                Map.entry(0x9a9f17e0, "CSINC_64_condsel"),
                Map.entry(0xd4000001, "SVC_EX_exception"),
                Map.entry(0xd503245f, "HINT_HM_hints"),              // bti c
                Map.entry(0xd503201f, "NOP_HI_hints"),
                Map.entry(0xd503207f, "WFI_HI_hints"),
                Map.entry(0xd5381000, "MRS_RS_systemmove"),
                Map.entry(0xd50342df, "MSR_SI_pstate"),              // msr daifset, #2
                Map.entry(0xd5033b9f, "DSB_BO_barriers"),
                Map.entry(0xd5033fdf, "ISB_BI_barriers"),
                Map.entry(0xd50b7e20, "SYS_CR_systeminstrs"),        // dc civac, x0
                Map.entry(0xd5281260, "SYSL_RC_systeminstrs"),
                Map.entry(0xf9800000, "PRFM_P_ldst_pos"),
                Map.entry(0xc85f7c20, "LDXR_LR64_ldstexcl"),
                Map.entry(0xc8027c20, "STXR_SR64_ldstexcl"),
                Map.entry(0xc87f8440, "LDAXP_LP64_ldstexcl"),
                Map.entry(0xc8dffc20, "LDAR_LR64_ldstexcl"),
                Map.entry(0xf8bfc020, "LDAPR_64L_memop"),
                Map.entry(0xd65f03c0, "RET_64R_branch_reg"),
                Map.entry(0xd69f03e0, "ERET_64E_branch_reg"),
                Map.entry(0x9b027c20, "MADD_64A_dp_3src"),
                Map.entry(0x9ac25c20, "CRC32CX_64C_dp_2src"),
                Map.entry(0x93c10c20, "EXTR_64_extract"),
                Map.entry(0x69410440, "LDPSW_64_ldstpair_off"),
                Map.entry(0xf8408820, "LDTR_64_ldst_unpriv"),
                Map.entry(0xd50330ff, "SB_only_barriers"));
        expected.forEach((word, want) -> assertThat(id(word)).as("0x%08x", word).isEqualTo(want));
    }

    @Test
    void decode_unallocatedOrUnsupportedWords_returnNull() {
        assertThat(A64.decode(0x00000000)).isNull();          // udf #0
        assertThat(A64.decode(0x1e220020)).isNull();          // scvtf s0, w1 (FP)
        assertThat(A64.decode(0xf8200020)).isNull();          // ldadd x0, x0, [x1] (LSE)
        assertThat(A64.decode(0x12400000 | (1 << 22))).isNull(); // and w0, w0, #imm with N=1 (sf=0)
        assertThat(A64.decode(0x8bc20020)).isNull();          // add shifted with shift=11 (reserved)
        assertThat(A64.decode(0xd500401f)).isNull();          // cfinv (FEAT_FlagM, not modelled)
    }

    @Test
    void decode_rowFields_carryTheManualNames() {
        Encoding add = A64.byId("ADD_64_addsub_imm");
        assertThat(add.field("sf").extract(0x91004020)).isEqualTo(1);
        assertThat(add.field("imm12").extract(0x91004020)).isEqualTo(0x10);
        assertThat(add.field("Rn").extract(0x91004020)).isEqualTo(1);
        assertThat(add.field("Rd").lsb()).isEqualTo(0);
        assertThat(add.field("sh").lsb()).isEqualTo(22);
        assertThat(add.has("imm9")).isFalse();
        assertThat(add.execClass()).isEqualTo(ExecClass.ADD_SUB_IMM);
        Encoding mrs = A64.byId("MRS_RS_systemmove");
        // mrs x0, sctlr_el1: op0=3 op1=0 CRn=1 CRm=0 op2=0
        assertThat(mrs.field("op0").extract(0xd5381000)).isEqualTo(3);
        assertThat(mrs.field("CRn").extract(0xd5381000)).isEqualTo(1);
    }

    @Test
    void encodings_baseRows_haveDenseIndexes() {
        List<Encoding> all = A64.encodings();
        for (int i = 0; i < all.size(); i++) assertThat(all.get(i).index()).isEqualTo(i);
        assertThat(all.size()).isGreaterThan(200);
    }

    @Test
    void checkOverlaps_undeclaredOverlap_isRefused() {
        Encoding nop = A64.byId("NOP_HI_hints");
        Encoding hint = A64.byId("HINT_HM_hints");
        Encoding fakeNop = new Encoding("FAKE", "fake", ExecClass.HINT, nop.pattern(), nop.mask(), nop.value(),
                nop.fields(), null, null, "nop", null, null, List.of());
        assertThatThrownBy(() -> A64.checkOverlaps(List.of(hint, fakeNop)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("undeclared overlap");
        A64.checkOverlaps(List.of(hint, nop)); // declared: accepted
    }

    @Test
    void decode_randomWords_matchExactlyOneNonOverriddenBaseRowOrNone() {
        SplittableRandom rnd = new SplittableRandom(20261124L);
        for (int i = 0; i < 200_000; i++) {
            int w = rnd.nextInt();
            Encoding got = A64.decode(w);
            // reference: brute-force scan of all rows, ignoring rows overridden by a matching row
            Encoding ref = null;
            for (Encoding e : A64.encodings()) {
                if (!e.matchesPattern(w)) continue;
                boolean overridden = false;
                for (Encoding o : A64.encodings()) {
                    if (o != e && o.matchesPattern(w) && o.overrides().contains(e.id())) overridden = true;
                }
                if (overridden) continue;
                assertThat(ref).as("word 0x%08x matches %s and %s (seed 20261124)", w, ref, e).isNull();
                ref = e;
            }
            if (ref != null && ref.guard() != null && ref.guard().test(w)) ref = null;
            assertThat(got).as("0x%08x", w).isEqualTo(ref);
        }
    }
}
