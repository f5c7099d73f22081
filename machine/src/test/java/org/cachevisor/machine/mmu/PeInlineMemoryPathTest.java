package org.cachevisor.machine.mmu;

import static org.assertj.core.api.Assertions.assertThat;

import org.cachevisor.isa.text.Assembler;
import org.cachevisor.machine.Pe;
import org.cachevisor.machine.SysRegs;
import org.cachevisor.memsys.Attrs;
import org.cachevisor.memsys.MemConfig;
import org.cachevisor.memsys.MemoryObserver;
import org.cachevisor.memsys.MemorySystem;
import org.junit.jupiter.api.Test;

/**
 * The loads and stores {@code Pe.run()} serves inline (LDR/LDRB/STR unsigned offset, STR post-index;
 * register-offset stores in quickExecute) from its page memos (a Non-cacheable RAM page straight from the
 * memory system's page handle, a cacheable one through its L1D hit path) do exactly what the out-of-line
 * path does: the same program runs on a machine nobody observes (inline paths taken) and on one with an
 * observer attached (the memory system refuses every unobserved fast path, so accesses go the long way or
 * through the observed fast paths, which deliver every event: the reference), and the
 * registers, the bytes of the touched pages and (where comparable, see seqCounts) the event clock must agree. The program starts on
 * pages never written (the memo's page handle is not there yet), writes them, reads them back, walks
 * into the next page and makes unaligned accesses (not with the MMU off, where data is Device).
 */
class PeInlineMemoryPathTest {
    static final long CODE = 0x1000, DATA = 0x0010_0000L, TABLES = 15L << 20;
    static final int LOOPS = 40;

    static final String BODY = """
            loop:
                ldr  x2, [x1]
                ldrb w3, [x1, #5]
                ldr  w4, [x1, #12]
                str  x9, [x1]
                ldr  x5, [x1]
                str  w9, [x1, #12]
                ldr  w6, [x1, #12]
                str  x5, [x1], #8
                ldrb w7, [x1, #3]
                ldr  x8, [x1, #4088]
                str  x8, [x1, #4096]
                add  x9, x9, x2
                eor  x9, x9, x8
                add  x10, x10, x4
                lsl  x15, x0, #3
                str  x5, [x1, x15]
                strb w9, [x1, x0]
            """;
    static final String UNALIGNED = """
                add  x11, x1, #3
                ldr  x12, [x11]
                str  x12, [x11, #16]
                ldr  w13, [x11, #2]
                str  w13, [x11, #24]
            """;
    static final String TAIL = """
                subs x0, x0, #1
                b.ne loop
            """;

    enum Config { NON_CACHEABLE, WRITE_BACK, FLAT_WRITE_BACK, MMU_OFF }

    private static Pe newPe(Config cfg, boolean observed) {
        MemorySystem mem = new MemorySystem(MemConfig.defaults().withPeCount(1));
        mem.map().addRam("ram", 0, 16L << 20);
        if (observed) mem.addObserver(new MemoryObserver() {});
        String source = BODY + (cfg == Config.MMU_OFF ? "" : UNALIGNED) + TAIL;
        byte[] image = Assembler.assemble(source, "t.s", CODE).image();
        for (int i = 0; i < image.length; i++) mem.ramPoke(CODE + i, 1, image[i] & 0xFF);
        Pe pe = new Pe(0, mem);
        pe.reset(CODE);
        switch (cfg) {
            case NON_CACHEABLE, WRITE_BACK -> {
                TableBuilder b = new TableBuilder(mem, -1, 0, Attrs.NC, TABLES, 1L << 20);
                b.mapPages(0, 0, 8L << 20, (long) TableBuilder.ATTR_WB << 2 | TableBuilder.SH_ISH | TableBuilder.AF
                        | TableBuilder.AP_EL1_RW | TableBuilder.UXN);
                pe.writeSysReg(SysRegs.TCR_EL1, TableBuilder.TCR_EL1_48BIT);
                pe.writeSysReg(SysRegs.MAIR_EL1, TableBuilder.MAIR_EL1);
                pe.writeSysReg(SysRegs.TTBR0_EL1, b.root());
                // Non-cacheable: instruction fetch Non-cacheable too (SCTLR_EL1.I = 0; see seqCounts)
                pe.writeSysReg(SysRegs.SCTLR_EL1, Pe.SCTLR_EL1_RESET | Pe.SCTLR_M
                        | (cfg == Config.WRITE_BACK ? Pe.SCTLR_C | Pe.SCTLR_I : 0));
            }
            case FLAT_WRITE_BACK -> pe.setRegime(Pe.REGIME_FLAT_WB);
            case MMU_OFF -> { } // data Device-nGnRnE, fetches Non-cacheable
        }
        pe.setX(0, LOOPS);
        pe.setX(1, DATA);
        pe.setX(9, 0x0123_4567_89AB_CDEFL);
        return pe;
    }

    /** Instructions in one pass of the loop (every source line but the label). */
    private static int loopLength(Config cfg) {
        return (BODY + (cfg == Config.MMU_OFF ? "" : UNALIGNED) + TAIL).strip().split("\n").length - 1;
    }

    private static String run(Config cfg, boolean observed) {
        Pe pe = newPe(cfg, observed);
        pe.run((long) loopLength(cfg) * LOOPS);
        StringBuilder s = new StringBuilder("pc=").append(Long.toHexString(pe.pc()));
        for (int n = 0; n <= 13; n++) s.append(" x").append(n).append('=').append(Long.toHexString(pe.x(n)));
        MemorySystem mem = pe.memory();
        for (long pa = DATA; pa < DATA + 0x2000 + 8 * LOOPS; pa += 8) s.append(pa % 64 == 0 ? "\n" : " ").append(Long.toHexString(mem.ramPeek(pa, 8)));
        if (seqCounts(cfg)) s.append("\nseq=").append(mem.seq());
        return s.toString();
    }

    /**
     * Whether the event clocks of the two machines are comparable: only when fetches are Non-cacheable,
     * because an unobserved PE serves cacheable fetches from its fetch-line table without a fetch event
     * (by design; an observed one fetches every instruction through the memory system).
     */
    private static boolean seqCounts(Config cfg) {
        return cfg == Config.NON_CACHEABLE || cfg == Config.MMU_OFF;
    }

    @Test
    void nonCacheableData_inlinePaths_sameAsTheLongWay() {
        String quiet = run(Config.NON_CACHEABLE, false);
        assertThat(quiet).isEqualTo(run(Config.NON_CACHEABLE, true));
        assertThat(quiet).startsWith("pc=" + Long.toHexString(CODE + 4L * loopLength(Config.NON_CACHEABLE)) + " ") // ran to the end
                .contains("\nseq=");
    }

    @Test
    void writeBackData_inlinePaths_sameAsTheLongWay() {
        // (RAM holds what was written back: both machines evict the same lines at the same points.)
        assertThat(run(Config.WRITE_BACK, false)).isEqualTo(run(Config.WRITE_BACK, true));
        assertThat(run(Config.FLAT_WRITE_BACK, false)).isEqualTo(run(Config.FLAT_WRITE_BACK, true));
    }

    @Test
    void mmuOff_deviceData_inlinePaths_sameAsTheLongWay() {
        String quiet = run(Config.MMU_OFF, false);
        assertThat(quiet).isEqualTo(run(Config.MMU_OFF, true));
        assertThat(quiet).startsWith("pc=" + Long.toHexString(CODE + 4L * loopLength(Config.MMU_OFF)) + " ");
    }
}
