package org.cachevisor.machine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * With the MMU off (SCTLR_EL1.M = I = 0) every fetch is Non-cacheable and reads RAM. With an observer
 * attached that verifies lines (MemoryObserver#readWouldPass), the PE fetches from copies of RAM lines
 * (MemorySystem.peekFetchLineNc): the guest must see exactly what per-fetch reads give (a store to the
 * code is executed at once), and the memory system's clock must tick per fetch as without copies.
 *
 * <p>Guest: call a routine (movz x0, #1; ret) 50 times adding x0 to x6, rewrite the routine's first
 * word with a (Device, MMU off) store, call it again: x4 = 2.
 */
class PeNcFetchCopyTest {
    private static final int[] CALLER = {
        Words.movz(5, 50),        // 0x1000
        Words.bl(0x103c),         // 0x1004: loop: bl 0x2040
        0x8b0000c6,               // 0x1008: add x6, x6, x0
        Words.subsImm(5, 5, 1),   // 0x100c
        Words.bcond(1, -0xc),     // 0x1010: b.ne loop
        Words.strW(2, 3, 0),      // 0x1014: str w2, [x3]: movz x0, #2 over the routine's first word
        Words.bl(0x1028),         // 0x1018: bl 0x2040
        Words.addImm(4, 0, 0),    // 0x101c: mov x4, x0
        Words.b(0),               // 0x1020: b .
    };
    private static final int INSNS = 1 + 50 * 6 + 1 + 2 + 1 + 5;

    private static TestGuest run(FetchChecker checker) {
        TestGuest g = new TestGuest().code(0x1000, CALLER).code(0x2040, Words.movz(0, 1), Words.RET);
        g.mem.addObserver(checker);
        g.pe.reset(0x1000); // MMU and I-cache off: Non-cacheable fetches
        g.pe.setX(2, Words.movz(0, 2) & 0xFFFF_FFFFL);
        g.pe.setX(3, 0x2040);
        g.pe.run(INSNS);
        return g;
    }

    @Test
    void mmuOff_copiesOfVerifiedLines_codeRewriteSeenAtOnce() {
        FetchChecker checker = new FetchChecker(true);
        TestGuest g = run(checker);
        assertThat(g.pe.x(6)).isEqualTo(50L);
        assertThat(g.pe.x(4)).as("the rewritten routine ran: Non-cacheable fetches see RAM").isEqualTo(2L);
        assertThat(g.pe.pc()).isEqualTo(0x1020L);
        assertThat(checker.staleFetches).isZero();
        // Verified lines were fetched from the PE's copies: far fewer fetch events than instructions.
        assertThat(checker.fetchEvents).isLessThan(INSNS / 4);
    }

    @Test
    void mmuOff_copies_keepTheMemorySystemsClock() {
        TestGuest copies = run(new FetchChecker(true));
        FetchChecker refusing = new FetchChecker(false);
        TestGuest perFetch = run(refusing);
        assertThat(refusing.fetchEvents).isEqualTo(INSNS); // no copies: one event per instruction
        assertThat(copies.mem.seq()).isEqualTo(perFetch.mem.seq());
        assertThat(copies.pe.x(4)).isEqualTo(perFetch.pe.x(4));
        assertThat(copies.pe.instructionCount()).isEqualTo(perFetch.pe.instructionCount());
    }
}
