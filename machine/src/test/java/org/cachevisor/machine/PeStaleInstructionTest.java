package org.cachevisor.machine;

import static org.assertj.core.api.Assertions.assertThat;

import org.cachevisor.memsys.MemoryObserver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The decoded-instruction cache sits below the I-cache model: it is keyed by the fetched word, so a
 * stale L1I line executes the stale instruction until the I-cache is invalidated (and, with
 * CTR_EL0.IDC = 0, the new code is cleaned from the D-cache to the PoU first).
 *
 * <p>Guest (caches on: SCTLR_EL1.M = C = I = 1, identity-mapped stage-1 tables): call a routine that returns 1 (fills the
 * L1I), overwrite its first instruction with {@code movz x0, #2} through the D-side, call it again,
 * then DC CVAU + IC IALLU and call it a third time.
 */
class PeStaleInstructionTest {
    private static int[] program(boolean cleanToPoU) {
        return new int[] {
            Words.bl(0x1000),                                   // 0x1000: bl 0x2000 -> x0 = 1
            Words.strW(2, 3, 0),                                // 0x1004: str w2, [x3]
            Words.bl(0xFF8),                                    // 0x1008: bl 0x2000 -> stale: x0 = 1
            Words.addImm(4, 0, 0),                              // 0x100c: mov x4, x0
            cleanToPoU ? Words.sys(3, 7, 11, 1, 3) : Words.NOP, // 0x1010: dc cvau, x3
            Words.sys(0, 7, 5, 0, 31),                          // 0x1014: ic iallu
            Words.bl(0xFE8),                                    // 0x1018: bl 0x2000
            Words.b(0),                                         // 0x101c: b .
        };
    }

    private static TestGuest guest(boolean cleanToPoU, boolean observed) {
        TestGuest g = new TestGuest().code(0x1000, program(cleanToPoU)).code(0x2000, Words.movz(0, 1), Words.RET);
        if (observed) g.mem.addObserver(new MemoryObserver() {});
        g.pe.reset(0x1000);
        g.identityMap();
        g.pe.writeSysReg(SysRegs.SCTLR_EL1, Pe.SCTLR_EL1_RESET | Pe.SCTLR_M | Pe.SCTLR_C | Pe.SCTLR_I);
        g.pe.setX(2, Words.movz(0, 2) & 0xFFFF_FFFFL);
        g.pe.setX(3, 0x2000);
        return g;
    }

    @ParameterizedTest(name = "observer attached: {0}")
    @ValueSource(booleans = {false, true})
    void codeRewrite_staleL1iLine_executesOldInstructionUntilCleanAndIcIallu(boolean observed) {
        TestGuest g = guest(true, observed);
        g.pe.run(13);
        assertThat(g.pe.x(4)).as("second call ran the stale instruction from the L1I").isEqualTo(1L);
        assertThat(g.pe.x(0)).as("after DC CVAU + IC IALLU the new instruction runs").isEqualTo(2L);
        assertThat(g.pe.pc()).isEqualTo(0x101CL);
    }

    @Test
    void codeRewrite_verifyingObserver_seesTheStaleFetchThoughThePeFetchesFromItsLineCopies() {
        // The routine at 0x2040: its line and the caller's use different entries of the PE's table of
        // line copies (0x2000 would share the caller's), so the caller's copy survives the calls.
        int[] caller = {
            Words.bl(0x1040), Words.strW(2, 3, 0), Words.bl(0x1038), Words.addImm(4, 0, 0),
            Words.sys(3, 7, 11, 1, 3), Words.sys(0, 7, 5, 0, 31), Words.bl(0x1028), Words.b(0),
        };
        TestGuest g = new TestGuest().code(0x1000, caller).code(0x2040, Words.movz(0, 1), Words.RET);
        FetchChecker checker = new FetchChecker(true);
        g.mem.addObserver(checker);
        g.pe.reset(0x1000);
        g.identityMap();
        g.pe.writeSysReg(SysRegs.SCTLR_EL1, Pe.SCTLR_EL1_RESET | Pe.SCTLR_M | Pe.SCTLR_C | Pe.SCTLR_I);
        g.pe.setX(2, Words.movz(0, 2) & 0xFFFF_FFFFL);
        g.pe.setX(3, 0x2040);
        long before = g.pe.instructionCount();
        g.pe.run(13);
        assertThat(g.pe.x(4)).isEqualTo(1L);
        assertThat(g.pe.x(0)).isEqualTo(2L);
        // The STR to the routine's line ended the PE's copy of it: the second call's fetch went to the
        // memory system, which handed the observer the stale word (exactly one stale fetch: movz x0, #1).
        assertThat(checker.staleFetches).isEqualTo(1);
        // Verified lines were fetched from the PE's copies: fewer fetch events than instructions.
        assertThat(checker.fetchEvents).isLessThan((int) (g.pe.instructionCount() - before));
    }

    @ParameterizedTest(name = "observer attached: {0}")
    @ValueSource(booleans = {false, true})
    void codeRewrite_icIalluWithoutClean_stillExecutesOldInstruction(boolean observed) {
        TestGuest g = guest(false, observed);
        g.pe.run(13);
        assertThat(g.pe.x(4)).isEqualTo(1L);
        // The new word is still dirty in the L1D: the L1I refill from L2/RAM sees the old one (IDC = 0).
        assertThat(g.pe.x(0)).isEqualTo(1L);
    }
}
