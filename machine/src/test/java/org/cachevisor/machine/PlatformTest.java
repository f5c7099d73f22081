package org.cachevisor.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Round-robin scheduling, WFI sleep/wake and the cross-PE part of the exclusive monitor. */
class PlatformTest {
    @Test
    void run_twoPes_roundRobinInQuanta() {
        TestGuest g = new TestGuest(2);
        g.code(0x1000, Words.addImm(1, 1, 1), Words.b(-4));
        g.platform.pe(0).reset(0x1000);
        g.platform.pe(1).reset(0x1000);
        long elapsed = g.platform.run(100, 1000, (pe, s) -> true);
        assertThat(elapsed).isEqualTo(1000L);
        // each PE ran 10 quanta of 100 instructions; half of them were the add
        assertThat(g.platform.pe(0).x(1)).isEqualTo(500L);
        assertThat(g.platform.pe(1).x(1)).isEqualTo(500L);
    }

    @Test
    void wfi_sleepsUntilIrqLineRises_andCounterKeepsAdvancing() {
        TestGuest g = new TestGuest(2);
        g.code(0x1000, Words.WFI, Words.addImm(1, 1, 1), Words.b(-4));
        g.code(0x2000, Words.addImm(2, 2, 1), Words.b(-4));
        Pe pe0 = g.platform.pe(0), pe1 = g.platform.pe(1);
        pe0.reset(0x1000);
        pe1.reset(0x2000);
        g.platform.run(100, 1000, (pe, s) -> true);
        assertThat(pe0.x(1)).as("PE0 sleeps in WFI").isZero();
        assertThat(pe0.virtualNanos()).as("idle time is credited").isEqualTo(1000L);
        pe0.setIrqLine(true); // masked at EL1 (DAIF.I = 1): WFI still wakes up
        g.platform.run(100, 1000, (pe, s) -> true);
        assertThat(pe0.x(1)).isPositive();
    }

    @Test
    void storeByOtherPe_clearsExclusiveMonitor_storeExclusiveFails() {
        TestGuest g = new TestGuest(2);
        // PE0: ldxr x0, [x1] (c85f7c20) ; wfi ; stxr w2, x3, [x1] (c8027c23) ; b .
        g.code(0x1000, 0xC85F7C20, Words.WFI, 0xC8027C23, Words.b(0));
        // PE1: str x3, [x1] ; b .
        g.code(0x2000, Words.strX(3, 1, 0), Words.b(0));
        Pe pe0 = g.platform.pe(0), pe1 = g.platform.pe(1);
        pe0.reset(0x1000);
        pe1.reset(0x2000);
        for (Pe pe : new Pe[] {pe0, pe1}) {
            pe.setRegime(Pe.REGIME_FLAT_WB);
            pe.setX(1, 0x3000);
            pe.setX(3, 42);
        }
        assertThat(pe0.run(2)).isEqualTo(RunStatus.WFI);
        assertThat(pe0.exclusiveMonitorArmed()).isTrue();
        pe1.run(1);
        assertThat(pe0.exclusiveMonitorArmed()).isFalse();
        pe0.run(1);
        assertThat(pe0.x(2)).as("STXR status: failed").isEqualTo(1L);
    }

    @Test
    void storeExclusive_withMonitorArmed_succeeds() {
        TestGuest g = new TestGuest();
        g.code(0x1000, 0xC85F7C20, 0xC8027C23);
        g.pe.reset(0x1000);
        g.pe.setRegime(Pe.REGIME_FLAT_WB);
        g.pe.setX(1, 0x3000);
        g.pe.setX(3, 42);
        g.pe.setX(2, 7);
        g.pe.run(2);
        assertThat(g.pe.x(2)).isZero();
        assertThat(g.pe.exclusiveMonitorArmed()).isFalse();
        List<Long> seen = new ArrayList<>();
        seen.add(g.mem.read(0, 0, 0, 0x3000, 8, org.cachevisor.memsys.Attrs.HOST_WB));
        assertThat(seen).containsExactly(42L);
    }
}
