package org.cachevisor.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The interpreter loop allocates nothing in steady state: 10 million instructions of a loop with
 * ALU operations, loads, stores and branches, caches modelled, measured with
 * com.sun.management.ThreadMXBean#getThreadAllocatedBytes around the run.
 */
class PeAllocationTest {
    /*
     * loop: ldr x3, [x1]        f9400023
     *       add x3, x3, x0      8b000063
     *       str x3, [x1], #8    f8008423
     *       ldrb w4, [x1, #3]   39400c24
     *       add x6, x6, x4      8b0400c6
     *       and x1, x1, x5      8a050021
     *       subs x0, x0, #1     f1000400
     *       b.ne loop           54ffff21
     */
    private static final int[] LOOP = {0xf9400023, 0x8b000063, 0xf8008423, 0x39400c24, 0x8b0400c6, 0x8a050021, 0xf1000400, 0x54ffff21};

    @Test
    void run_tenMillionInstructions_allocatesLessThanOneKiB() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        TestGuest g = new TestGuest().code(0x1000, LOOP);
        g.pe.reset(0x1000);
        g.pe.setRegime(Pe.REGIME_FLAT_WB);
        g.pe.setX(0, Long.MAX_VALUE);
        g.pe.setX(1, 0x10_0000);
        g.pe.setX(5, 0x10_0FF8);
        g.pe.run(2_000_000); // warm-up: decode misses, cache fills, JIT
        long tid = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(tid);
        RunStatus s = g.pe.run(10_000_000);
        long allocated = threads.getThreadAllocatedBytes(tid) - before;
        assertThat(s).isEqualTo(RunStatus.BUDGET_EXHAUSTED);
        assertThat(g.pe.instructionCount()).isEqualTo(12_000_000L);
        assertThat(allocated).as("bytes allocated by 10M instructions").isLessThan(1024);
    }
}
