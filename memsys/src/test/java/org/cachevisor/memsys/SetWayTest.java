package org.cachevisor.memsys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.cachevisor.memsys.Fixture.*;
import static org.cachevisor.memsys.LineState.CLEAN;
import static org.cachevisor.memsys.LineState.DIRTY;
import static org.cachevisor.memsys.LineState.INVALID;
import static org.cachevisor.memsys.MemorySystem.L2_ID;
import static org.cachevisor.memsys.MemorySystem.l1dId;

import org.junit.jupiter.api.Test;

/**
 * DC ISW/CSW/CISW. Operands are assembled by hand from the Arm ARM set/way format: for the default
 * L1D (64-byte lines, 64 sets, 4 ways) L = 6, S = 6, A = 2: Way in [31:30], Set in [11:6]; for the
 * L2 (512 sets, 8 ways) Way in [31:29], Set in [14:6]; Level - 1 in [3:1].
 */
class SetWayTest {
    static final long PAGE = 4096; // one L1D way apart: same set

    @Test
    void cleanInvalidateBySetWay_onPe0_leavesPe1L1dUntouched() {
        MemorySystem ms = defaults();
        ms.write(0, 0, STORE, RAM, 1, WB, 0x10);        // PE0: set 0, way 0
        ms.write(1, 1, STORE, RAM + PAGE, 1, WB, 0x20); // PE1: set 0, way 0 of its own L1D
        ms.dcSetWay(0, 0, Maintenance.DC_CISW, 0L);     // level 1, set 0, way 0
        assertThat(ms.lineState(l1dId(0), RAM)).isEqualTo(INVALID);
        assertThat(ms.lineState(L2_ID, RAM)).isEqualTo(DIRTY); // written back to the next level only
        assertThat(ms.ramPeek(RAM, 1)).isZero();
        assertThat(ms.lineState(l1dId(1), RAM + PAGE)).isEqualTo(DIRTY);
    }

    @Test
    void cleanBySetWay_set5Way3_hitsExactlyTheFourthLineOfSet5() {
        MemorySystem ms = defaults();
        long set5 = RAM + 5 * 64;
        for (int k = 0; k < 4; k++) ms.write(0, 0, STORE, set5 + k * PAGE, 1, WB, k + 1); // ways 0..3 in order
        long operand = (3L << 30) | (5L << 6);
        ms.dcSetWay(0, 0, Maintenance.DC_CSW, operand);
        for (int k = 0; k < 3; k++) assertThat(ms.lineState(l1dId(0), set5 + k * PAGE)).isEqualTo(DIRTY);
        assertThat(ms.lineState(l1dId(0), set5 + 3 * PAGE)).isEqualTo(CLEAN);
        assertThat(ms.lineState(L2_ID, set5 + 3 * PAGE)).isEqualTo(DIRTY);
    }

    @Test
    void invalidateBySetWay_dirtyLine_dataLost() {
        MemorySystem ms = defaults();
        ms.ramPoke(RAM + 64, 1, 3);
        ms.write(0, 0, STORE, RAM + 64, 1, WB, 9); // set 1, way 0
        ms.dcSetWay(0, 0, Maintenance.DC_ISW, 1L << 6);
        assertThat(ms.lineState(l1dId(0), RAM + 64)).isEqualTo(INVALID);
        assertThat(ms.read(0, 0, LOAD, RAM + 64, 1, WB)).isEqualTo(3);
    }

    @Test
    void cleanInvalidateBySetWay_level2_writesL2LineToRam() {
        MemorySystem ms = defaults();
        ms.write(0, 0, STORE, RAM + 7 * 64, 1, WB, 0x5A); // L2 set 7, way 0 (filled on the write miss)
        ms.dcCleanPoU(0, 0, RAM + 7 * 64);
        assertThat(ms.lineState(L2_ID, RAM + 7 * 64)).isEqualTo(DIRTY);
        long operand = (0L << 29) | (7L << 6) | (1L << 1); // level 2
        ms.dcSetWay(1, 1, Maintenance.DC_CISW, operand);
        assertThat(ms.lineState(L2_ID, RAM + 7 * 64)).isEqualTo(INVALID);
        assertThat(ms.ramPeek(RAM + 7 * 64, 1)).isEqualTo(0x5A);
        assertThat(ms.lineState(l1dId(0), RAM + 7 * 64)).isEqualTo(CLEAN);
    }

    @Test
    void setWayOperand_l2Way7Set511_decodes() {
        MemorySystem ms = defaults();
        // slot = set * ways + way = 511 * 8 + 7
        assertThat(ms.decodeSetWay((7L << 29) | (511L << 6) | 2)).isEqualTo(511 * 8 + 7);
        assertThat(ms.decodeSetWay((3L << 30) | (63L << 6))).isEqualTo(63 * 4 + 3);
    }

    @Test
    void dcSetWay_badOperands_rejectedAndNothingChanges() {
        MemorySystem ms = defaults();
        ms.write(0, 0, STORE, RAM, 1, WB, 1);
        long seq = ms.seq();
        long[] bad = {
            1L,              // bit 0 RES0
            1L << 4,         // bits [5:4] must be zero for 64-byte lines
            1L << 12,        // set bit beyond the 64 sets of the L1D
            2L << 1,         // level 3: no cache
            7L << 1,         // level 8
            1L << 32,        // bits [63:32] RES0
            (1L << 15) | 2,  // level 2: set bit beyond 512 sets
        };
        for (long operand : bad) {
            assertThatThrownBy(() -> ms.dcSetWay(0, 0, Maintenance.DC_CISW, operand)).as("operand 0x%x", operand)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("set/way operand");
        }
        assertThatThrownBy(() -> ms.dcSetWay(0, 0, Maintenance.DC_CVAC, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a set/way");
        assertThatThrownBy(() -> ms.dcSetWay(2, 0, Maintenance.DC_CISW, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ms.seq()).isEqualTo(seq);
        assertThat(ms.lineState(l1dId(0), RAM)).isEqualTo(DIRTY);
    }

    @Test
    void dcSetWay_wayBeyondNonPowerOfTwoAssociativity_rejected() {
        MemorySystem ms = with(MemConfig.defaults().withCaches(new CacheGeometry(64, 3), new CacheGeometry(64, 4),
                new CacheGeometry(512, 8)));
        // 3 ways: A = 2, Way in [31:30]; way 2 is legal, way 3 is not
        assertThat(ms.decodeSetWay(2L << 30)).isEqualTo(2);
        assertThatThrownBy(() -> ms.dcSetWay(0, 0, Maintenance.DC_ISW, 3L << 30))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("way 3");
    }

    @Test
    void dcSetWay_directMappedCache_hasNoWayBits() {
        MemorySystem ms = with(MemConfig.defaults().withCaches(new CacheGeometry(64, 1), new CacheGeometry(64, 4),
                new CacheGeometry(512, 8)));
        assertThat(ms.decodeSetWay(63L << 6)).isEqualTo(63);
        assertThatThrownBy(() -> ms.decodeSetWay(1L << 31)).isInstanceOf(IllegalArgumentException.class);
    }
}
