package org.cachevisor.isa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** ESR values hand-computed from the Arm ARM field layout (and seen in Linux crash logs). */
class EsrTest {
    @Test
    void esr_svcZero_is0x56000000() {
        assertThat(Esr.immediate(Esr.EC_SVC64, 0)).isEqualTo(0x56000000L);     // EC 0x15 << 26 | IL
    }

    @Test
    void esr_brk0x3e8_is0xf20003e8() {
        assertThat(Esr.immediate(Esr.EC_BRK64, 0x3e8)).isEqualTo(0xf20003e8L);
    }

    @Test
    void esr_dataAbortWriteTranslationL1_is0x96000045() {
        int iss = Esr.dataAbortIss(false, 0, false, 0, false, false, false, false, true, Esr.FSC_TRANSLATION_L0 + 1);
        assertThat(Esr.esr(Esr.EC_DABT_CURRENT, true, iss)).isEqualTo(0x96000045L);
    }

    @Test
    void esr_dataAbortWithValidSyndrome_packsSasSrtSf() {
        // ldr x3, [..] 8 bytes: ISV=1, SAS=3, SRT=3, SF=1, DFSC translation L3 (0x07)
        int iss = Esr.dataAbortIss(true, 3, false, 3, true, false, false, false, false, 0x07);
        assertThat(iss).isEqualTo((1 << 24) | (3 << 22) | (3 << 16) | (1 << 15) | 0x07);
    }

    @Test
    void esr_mrsSctlrEl1IntoX2_isSys64ReadWithTheEncoding() {
        // op0=3 op1=0 CRn=1 CRm=0 op2=0 Rt=2 read: ISS = 3<<20 | 1<<10 | 2<<5 | 1
        long esr = Esr.sys64(3, 0, 1, 0, 0, 2, true);
        assertThat(Esr.ec(esr)).isEqualTo(0x18);
        assertThat(Esr.iss(esr)).isEqualTo((3 << 20) | (1 << 10) | (2 << 5) | 1);
        assertThat(Esr.il(esr)).isTrue();
    }

    @Test
    void esr_ecOutOfRange_isRefused() {
        assertThatThrownBy(() -> Esr.esr(0x40, true, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("EC");
    }
}
