package org.cachevisor.machine.mmu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** TLBI encodings and operand fields, against the encodings listed in the Arm ARM (C5.5) by hand. */
class TlbiTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "VMALLE1IS, 0, 3, 0", "VMALLE1, 0, 7, 0", "VAE1IS, 0, 3, 1", "VAE1, 0, 7, 1",
        "ASIDE1IS, 0, 3, 2", "ASIDE1, 0, 7, 2", "VAAE1IS, 0, 3, 3", "VAAE1, 0, 7, 3",
        "VALE1IS, 0, 3, 5", "VALE1, 0, 7, 5", "VAALE1IS, 0, 3, 7", "VAALE1, 0, 7, 7",
        "IPAS2E1IS, 4, 0, 1", "IPAS2E1, 4, 4, 1", "IPAS2LE1IS, 4, 0, 5", "IPAS2LE1, 4, 4, 5",
        "ALLE1IS, 4, 3, 4", "ALLE1, 4, 7, 4", "VMALLS12E1IS, 4, 3, 6", "VMALLS12E1, 4, 7, 6",
    })
    void decode_architecturalEncoding_namesTheOperation(String name, int op1, int crm, int op2) {
        int d = Tlbi.decode(op1, crm, op2);
        boolean is = name.endsWith("IS");
        assertThat(d & Tlbi.IS).isEqualTo(is ? Tlbi.IS : 0);
        assertThat(Tlbi.name(d & ~Tlbi.IS)).isEqualTo(is ? name.substring(0, name.length() - 2) : name);
    }

    @Test
    void decode_otherEncodings_minusOne() {
        assertThat(Tlbi.decode(0, 7, 4)).isEqualTo(-1);
        assertThat(Tlbi.decode(0, 5, 0)).isEqualTo(-1);
        assertThat(Tlbi.decode(4, 7, 0)).isEqualTo(-1); // ALLE2
        assertThat(Tlbi.decode(6, 7, 0)).isEqualTo(-1); // ALLE3
    }

    @Test
    void xtFields_vaAndAsid_roundTrip() {
        long xt = Tlbi.xt(0xABCD, 0xFFFF_8000_1234_5000L);
        // ASID in [63:48]; VA[55:12] = 0xFF8_0001_2345 in [43:0].
        assertThat(xt).isEqualTo(0xABCD_0FF8_0001_2345L);
        assertThat(Tlbi.asid(xt)).isEqualTo(0xABCD);
        assertThat(Tlbi.va(xt)).isEqualTo(0xFFFF_8000_1234_5000L);
        assertThat(Tlbi.va(0x12345L)).isEqualTo(0x1234_5000L);
    }
}
