package org.cachevisor.vmm.devices;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Pl031RtcTest {
    private long nowNs;
    private final List<Boolean> irq = new ArrayList<>();
    private final Pl031Rtc rtc = new Pl031Rtc("pl031", 0x0901_0000L, () -> nowNs, 1000, irq::add);

    @Test
    void rtcdr_countsWholeVirtualSecondsFromEpoch() {
        assertThat(rtc.read(0x000, 4)).isEqualTo(1000);
        nowNs = 2_999_999_999L;
        assertThat(rtc.read(0x000, 4)).isEqualTo(1002);
        nowNs = 3_000_000_000L;
        assertThat(rtc.read(0x000, 4)).isEqualTo(1003);
    }

    @Test
    void rtclr_loadSetsCounterFromNow() {
        nowNs = 5_000_000_000L;
        rtc.write(0x008, 4, 0xFFFF_FFF0L);
        assertThat(rtc.read(0x000, 4)).isEqualTo(0xFFFF_FFF0L);
        assertThat(rtc.read(0x008, 4)).isEqualTo(0xFFFF_FFF0L);
        nowNs = 21_000_000_000L;                  // 16 s later: the 32-bit counter wraps
        assertThat(rtc.read(0x000, 4)).isZero();
    }

    @Test
    void match_reachedAndUnmasked_raisesLineUntilCleared() {
        rtc.write(0x004, 4, 1005);   // RTCMR
        rtc.write(0x010, 4, 1);      // RTCIMSC
        nowNs = 4_000_000_000L;
        rtc.poll();
        assertThat(rtc.read(0x014, 4)).isZero();
        nowNs = 5_000_000_000L;
        rtc.poll();
        assertThat(rtc.read(0x014, 4)).isEqualTo(1);
        assertThat(rtc.read(0x018, 4)).isEqualTo(1);
        assertThat(irq).containsExactly(true);
        rtc.write(0x01C, 4, 1);      // RTCICR
        assertThat(rtc.read(0x014, 4)).isZero();
        assertThat(irq).containsExactly(true, false);
        nowNs = 9_000_000_000L;      // a match fires once per RTCMR write
        rtc.poll();
        assertThat(irq).containsExactly(true, false);
    }

    @Test
    void controlAndIds_asQemuPl031() {
        assertThat(rtc.read(0x00C, 4)).isEqualTo(1);
        rtc.write(0x00C, 4, 0);
        assertThat(rtc.read(0x00C, 4)).isEqualTo(1);
        int[] expected = {0x31, 0x10, 0x14, 0x00, 0x0D, 0xF0, 0x05, 0xB1}; // QEMU pl031_id
        for (int i = 0; i < 8; i++) assertThat(rtc.read(0xFE0 + 4 * i, 4)).isEqualTo(expected[i]);
        rtc.write(0x000, 4, 7);      // RTCDR is read-only
        assertThat(rtc.read(0x000, 4)).isEqualTo(1000);
    }
}
