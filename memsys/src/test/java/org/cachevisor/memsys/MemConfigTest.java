package org.cachevisor.memsys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Register values are hand-assembled from the Arm ARM field layouts (D19, CLIDR_EL1 etc.). */
class MemConfigTest {

    @Test
    void defaults_areTwoPes16KiBL1And256KiBL2() {
        MemConfig c = MemConfig.defaults();
        assertThat(c.peCount()).isEqualTo(2);
        assertThat(c.lineSize()).isEqualTo(64);
        assertThat(c.l1d().sizeBytes(64)).isEqualTo(16 * 1024);
        assertThat(c.l1i().sizeBytes(64)).isEqualTo(16 * 1024);
        assertThat(c.l2().sizeBytes(64)).isEqualTo(256 * 1024);
        assertThat(c.dczBlockSize()).isEqualTo(64);
        assertThat(c.paBits()).isEqualTo(40);
        assertThat(c.idc()).isFalse();
        assertThat(c.dic()).isFalse();
    }

    @Test
    void clidrEl1_defaults_separateL1UnifiedL2LoC2() {
        // Ctype1 0b011 | Ctype2 0b100 << 3 = 0x23; LoUIS 1 << 21; LoC 2 << 24; LoUU 1 << 27
        assertThat(MemConfig.defaults().clidrEl1()).isEqualTo(0x0A20_0023L);
    }

    @Test
    void ccsidrEl1_defaults_encodeLineWaysSets() {
        MemConfig c = MemConfig.defaults();
        // 64-byte line: 6 - 4 = 2; 4 ways: 3 << 3 = 0x18; 64 sets: 63 << 13 = 0x7e000
        assertThat(c.ccsidrEl1(1, false)).isEqualTo(0x7E01AL);
        assertThat(c.ccsidrEl1(1, true)).isEqualTo(0x7E01AL);
        // L2: 8 ways: 7 << 3 = 0x38; 512 sets: 511 << 13 = 0x3fe000
        assertThat(c.ccsidrEl1(2, false)).isEqualTo(0x3FE03AL);
    }

    @Test
    void ccsidrEl1_noInstructionCacheAtL2_rejected() {
        assertThatThrownBy(() -> MemConfig.defaults().ccsidrEl1(2, true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MemConfig.defaults().ccsidrEl1(3, false)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ctrEl0_defaults_pipt16WordLinesRes1() {
        // IminLine 4 | L1Ip 0b11 << 14 | DminLine 4 << 16 | ERG 4 << 20 | CWG 4 << 24 | bit 31
        assertThat(MemConfig.defaults().ctrEl0()).isEqualTo(0x8444_C004L);
        assertThat(MemConfig.defaults().withIdcDic(true, false).ctrEl0()).isEqualTo(0x9444_C004L);
        assertThat(MemConfig.defaults().withIdcDic(true, true).ctrEl0()).isEqualTo(0xB444_C004L);
        // 32-byte lines: 8 words -> 3 in each line field
        assertThat(MemConfig.defaults().withLineSize(32).ctrEl0()).isEqualTo(0x8333_C003L);
    }

    @Test
    void dczidEl0_blockSizes_log2Words() {
        assertThat(MemConfig.defaults().dczidEl0()).isEqualTo(4);
        assertThat(MemConfig.defaults().withDczBlockSize(2048).dczidEl0()).isEqualTo(9);
        assertThat(MemConfig.defaults().withDczBlockSize(4).dczidEl0()).isEqualTo(0);
    }

    @Test
    void constructor_impossibleGeometry_rejectedWithClearMessage() {
        assertThatThrownBy(() -> new CacheGeometry(48, 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("power of two");
        assertThatThrownBy(() -> new CacheGeometry(64, 0)).hasMessageContaining("ways");
        assertThatThrownBy(() -> new CacheGeometry(64, 2048)).hasMessageContaining("ways");
        // 256-byte lines (8 bits) + 32768 sets (15 bits) + 1024 ways (10 bits) = 33 > 32 operand bits
        assertThatThrownBy(() -> MemConfig.defaults().withLineSize(256)
                .withCaches(new CacheGeometry(64, 4), new CacheGeometry(64, 4), new CacheGeometry(32768, 1024)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("impossible L2 geometry");
        assertThatThrownBy(() -> MemConfig.defaults().withLineSize(48)).hasMessageContaining("lineSize");
        assertThatThrownBy(() -> MemConfig.defaults().withLineSize(512)).hasMessageContaining("lineSize");
        assertThatThrownBy(() -> MemConfig.defaults().withPeCount(0)).hasMessageContaining("peCount");
        assertThatThrownBy(() -> MemConfig.defaults().withPeCount(65)).hasMessageContaining("peCount");
        assertThatThrownBy(() -> MemConfig.defaults().withDczBlockSize(4096)).hasMessageContaining("dczBlockSize");
        assertThatThrownBy(() -> MemConfig.defaults().withPaBits(64)).hasMessageContaining("paBits");
    }

    @Test
    void constructor_largestFittingGeometry_accepted() {
        // 256-byte lines (8) + 32768 sets (15) + 512 ways (9) = 32 bits exactly
        MemConfig c = MemConfig.defaults().withLineSize(256)
                .withCaches(new CacheGeometry(64, 4), new CacheGeometry(64, 4), new CacheGeometry(32768, 512));
        assertThat(c.ccsidrEl1(2, false)).isEqualTo(4L | (511L << 3) | (32767L << 13));
    }
}
